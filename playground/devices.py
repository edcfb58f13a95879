"""Device choice: `auto` picks CUDA, then Apple MPS, then CPU; the choice is always shown."""

from __future__ import annotations

import torch

from playground.errors import SpecError


def available_devices() -> dict[str, bool]:
    """Which device names can be used on this machine (auto and cpu always can)."""
    mps = getattr(torch.backends, "mps", None)
    return {
        "auto": True,
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": bool(mps and mps.is_available()),
    }


def resolve_device(name: str = "auto") -> torch.device:
    """The torch.device for a spec's device name; an unavailable one is a SpecError."""
    available = available_devices()
    if name == "auto":
        for candidate in ("cuda", "mps"):
            if available[candidate]:
                return torch.device(candidate)
        return torch.device("cpu")
    if name not in available:
        raise SpecError(f"Unknown device {name!r}; use auto, cpu, cuda or mps.")
    if not available[name]:
        raise SpecError(f"Device {name!r} is not available on this machine; use auto or cpu.")
    return torch.device(name)


def describe_device(device: torch.device | str) -> str:
    """A label for people: 'CPU', 'CUDA (NVIDIA H100)', 'Apple MPS'."""
    device = torch.device(device)
    if device.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "Apple MPS"
    return "CPU"
