"""The diffusion spec: a target, the denoiser's layer stack (from the same layer registry as
every other network; the time embedding and the 2-unit noise head are added) and the noise
schedule and training settings.

It round-trips exactly (`DiffusionSpec.from_dict(s.to_dict()) == s`); missing keys take
their defaults and every bad value is a SpecError that names the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.errors import SpecError
from playground.generative.gan_spec import _check_stack
from playground.generative.targets import TARGETS
from playground.params import Param, check_params
from playground.spec import MAX_SPEC_BYTES

KIND = "diffusion"
SCHEDULES = ("linear", "cosine")

DIFFUSION_PARAMS: tuple[Param, ...] = (
    Param("schedule", str, "cosine", "How fast noise is added: linear betas (DDPM) or the "
          "cosine schedule, which destroys the data more evenly across timesteps.",
          choices=SCHEDULES),
    Param("timesteps", int, 100, "Noising steps T: the reverse sampler takes as many.",
          min=2, max=1000),
    Param("time_dim", int, 16, "Size of the sinusoidal time embedding fed to the denoiser "
          "beside the point.", min=2, max=128),
    Param("lr", float, 0.002, "Learning rate (Adam).", min=1e-6, max=1.0, log=True),
    Param("batch_size", int, 256, "Points per step, each at its own random timestep.",
          min=8, max=4096),
    Param("steps", int, 3000, "Training steps in the budget.", min=1, max=100_000),
    Param("seed", int, 0, "Seed for weights, noise, timesteps and real samples.",
          min=0, max=2**31 - 1),
)

_DEFAULT_STACK = ({"type": "linear", "units": 128}, {"type": "relu"},
                  {"type": "linear", "units": 128}, {"type": "relu"},
                  {"type": "linear", "units": 128}, {"type": "relu"})


@dataclass(frozen=True)
class DiffusionSpec:
    """A target, the denoiser's stack and the settings of DIFFUSION_PARAMS."""

    target: str = "ring8"
    denoiser: tuple[dict[str, Any], ...] = _DEFAULT_STACK
    settings: dict[str, Any] = field(default_factory=lambda: {p.name: p.default
                                                              for p in DIFFUSION_PARAMS})

    @classmethod
    def from_dict(cls, data: Any) -> DiffusionSpec:
        if not isinstance(data, dict):
            raise SpecError("A diffusion spec is a JSON object with keys kind, target, "
                            "denoiser and train.")
        if data.get("kind", KIND) != KIND:
            raise SpecError(f"kind {data.get('kind')!r} is not a diffusion spec; set "
                            f"\"kind\": \"{KIND}\".")
        unknown = sorted(set(data) - {"kind", "target", "denoiser", "train"})
        if unknown:
            raise SpecError(f"Unknown key {', '.join(map(repr, unknown))}: a diffusion spec "
                            "has only kind, target, denoiser and train.")
        target = data.get("target", "ring8")
        if target not in TARGETS:
            raise SpecError(f"Unknown target {target!r}. Available: {', '.join(TARGETS)}.")
        stack = _check_stack(data.get("denoiser", list(_DEFAULT_STACK)), "denoiser")
        train = data.get("train", {})
        if not isinstance(train, dict):
            raise SpecError("'train' must be an object of diffusion settings such as "
                            '{"timesteps": 100, "schedule": "cosine"}.')
        return cls(target, stack, check_params(DIFFUSION_PARAMS, train, "train"))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": KIND, "target": self.target,
                "denoiser": [dict(layer) for layer in self.denoiser],
                "train": {p.name: self.settings[p.name] for p in DIFFUSION_PARAMS}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> DiffusionSpec:
        if len(text) > MAX_SPEC_BYTES:
            raise SpecError(f"This is {len(text):,} bytes; a diffusion spec is a few "
                            "kilobytes.")
        try:
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise SpecError(f"This is not valid JSON ({exc}). A diffusion spec is the JSON "
                            "the Generative page downloads.") from None
        return cls.from_dict(data)

    def with_settings(self, **changes: Any) -> DiffusionSpec:
        d = self.to_dict()
        return DiffusionSpec.from_dict({**d, "train": {**d["train"], **changes}})


def load_diffusion_spec(path: str | Path) -> DiffusionSpec:
    """The spec in a JSON file, or a SpecError saying why it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"Cannot read diffusion spec {str(path)!r}: {exc}.") from None
    return DiffusionSpec.from_json(text)
