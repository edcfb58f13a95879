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

from playground.generative.spec_document import check_document, check_stack, parse_json, read_text
from playground.params import Param, check_params

KIND = "diffusion"
SCHEDULES = ("linear", "cosine")
KEYS = ("kind", "target", "denoiser", "train")

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
        target, train = check_document(data, KIND, KEYS, "diffusion",
                                       '{"timesteps": 100, "schedule": "cosine"}')
        stack = check_stack(data.get("denoiser", list(_DEFAULT_STACK)), "denoiser")
        return cls(target, stack, check_params(DIFFUSION_PARAMS, train, "train"))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": KIND, "target": self.target,
                "denoiser": [dict(layer) for layer in self.denoiser],
                "train": {p.name: self.settings[p.name] for p in DIFFUSION_PARAMS}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> DiffusionSpec:
        return cls.from_dict(parse_json(text, "diffusion"))

    def with_settings(self, **changes: Any) -> DiffusionSpec:
        d = self.to_dict()
        return DiffusionSpec.from_dict({**d, "train": {**d["train"], **changes}})


def load_diffusion_spec(path: str | Path) -> DiffusionSpec:
    """The spec in a JSON file, or a SpecError saying why it cannot be read."""
    return DiffusionSpec.from_json(read_text(path, "diffusion spec"))
