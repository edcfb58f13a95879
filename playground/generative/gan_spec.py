"""The GAN spec: a JSON document naming the target, both stacks (layers from the same layer
registry as every other network) and the two players' training settings.

It round-trips exactly (`GanSpec.from_dict(s.to_dict()) == s`); missing keys take their
defaults and every bad value is a SpecError that names the fix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playground.generative.spec_document import check_document, check_stack, parse_json, read_text
from playground.params import Param, check_params

KIND = "gan"
LOSSES = ("non_saturating", "least_squares")
KEYS = ("kind", "target", "generator", "discriminator", "train")

GAN_PARAMS: tuple[Param, ...] = (
    Param("noise_dim", int, 2, "Size of the random noise vector z the generator turns into a "
          "point.", min=1, max=64),
    Param("loss", str, "non_saturating", "non_saturating: the original minimax game, with the "
          "generator maximising log D(G(z)) so it still gets gradient when D wins; "
          "least_squares: D pushes real to 1 and fake to 0 by squared error.",
          choices=LOSSES),
    Param("d_steps", int, 1, "Discriminator steps per generator step (k).", min=1, max=10),
    Param("g_lr", float, 0.001, "Generator learning rate.", min=1e-6, max=1.0, log=True),
    Param("d_lr", float, 0.001, "Discriminator learning rate.", min=1e-6, max=1.0, log=True),
    Param("g_optimizer", str, "adam", "Generator optimizer.",
          choices=("sgd", "momentum", "adam")),
    Param("d_optimizer", str, "adam", "Discriminator optimizer.",
          choices=("sgd", "momentum", "adam")),
    Param("batch_size", int, 128, "Real and generated points per step.", min=8, max=2048),
    Param("steps", int, 2000, "Generator steps in the budget.", min=1, max=100_000),
    Param("seed", int, 0, "Seed for weights, noise and real samples.", min=0, max=2**31 - 1),
)

_DEFAULT_STACK = ({"type": "linear", "units": 64}, {"type": "relu"},
                  {"type": "linear", "units": 64}, {"type": "relu"})


@dataclass(frozen=True)
class GanSpec:
    """A target, two layer stacks (the 2-unit and 1-unit output heads are added) and the
    settings of GAN_PARAMS."""

    target: str = "ring8"
    generator: tuple[dict[str, Any], ...] = _DEFAULT_STACK
    discriminator: tuple[dict[str, Any], ...] = _DEFAULT_STACK
    settings: dict[str, Any] = field(default_factory=lambda: {p.name: p.default
                                                              for p in GAN_PARAMS})

    @classmethod
    def from_dict(cls, data: Any) -> GanSpec:
        target, train = check_document(data, KIND, KEYS, "GAN",
                                       '{"g_lr": 0.001, "d_steps": 1}')
        stacks = [check_stack(data.get(who, list(_DEFAULT_STACK)), who)
                  for who in ("generator", "discriminator")]
        return cls(target, *stacks, check_params(GAN_PARAMS, train, "train"))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": KIND, "target": self.target,
                "generator": [dict(layer) for layer in self.generator],
                "discriminator": [dict(layer) for layer in self.discriminator],
                "train": {p.name: self.settings[p.name] for p in GAN_PARAMS}}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_json(cls, text: str | bytes) -> GanSpec:
        return cls.from_dict(parse_json(text, "GAN"))

    def with_settings(self, **changes: Any) -> GanSpec:
        d = self.to_dict()
        return GanSpec.from_dict({**d, "train": {**d["train"], **changes}})


def load_gan_spec(path: str | Path) -> GanSpec:
    """The GAN spec in a JSON file, or a SpecError saying why it cannot be read."""
    return GanSpec.from_json(read_text(path, "GAN spec"))
