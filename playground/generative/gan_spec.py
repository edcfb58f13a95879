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

from playground.errors import SpecError
from playground.generative.targets import TARGETS
from playground.layers import LAYERS
from playground.params import Param, check_params
from playground.spec import MAX_LAYERS, MAX_SPEC_BYTES, _check_layer

KIND = "gan"
LOSSES = ("non_saturating", "least_squares")
# Layer categories that act on a vector of features: all both players need on 2D points.
CATEGORIES = ("dense", "activation", "normalization", "regularization")

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
        if not isinstance(data, dict):
            raise SpecError("A GAN spec is a JSON object with keys kind, target, generator, "
                            "discriminator and train.")
        if data.get("kind", KIND) != KIND:
            raise SpecError(f"kind {data.get('kind')!r} is not a GAN spec; set \"kind\": "
                            f"\"{KIND}\".")
        unknown = sorted(set(data) - {"kind", "target", "generator", "discriminator", "train"})
        if unknown:
            raise SpecError(f"Unknown key {', '.join(map(repr, unknown))}: a GAN spec has only "
                            "kind, target, generator, discriminator and train.")
        target = data.get("target", "ring8")
        if target not in TARGETS:
            raise SpecError(f"Unknown target {target!r}. Available: {', '.join(TARGETS)}.")
        stacks = [_check_stack(data.get(who, list(_DEFAULT_STACK)), who)
                  for who in ("generator", "discriminator")]
        train = data.get("train", {})
        if not isinstance(train, dict):
            raise SpecError("'train' must be an object of GAN settings such as "
                            '{"g_lr": 0.001, "d_steps": 1}.')
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
        if len(text) > MAX_SPEC_BYTES:
            raise SpecError(f"This is {len(text):,} bytes; a GAN spec is a few kilobytes.")
        try:
            data = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise SpecError(f"This is not valid JSON ({exc}). A GAN spec is the JSON the "
                            "Generative page downloads.") from None
        return cls.from_dict(data)

    def with_settings(self, **changes: Any) -> GanSpec:
        d = self.to_dict()
        return GanSpec.from_dict({**d, "train": {**d["train"], **changes}})


def _check_stack(raw: Any, who: str) -> tuple[dict[str, Any], ...]:
    if not isinstance(raw, list):
        raise SpecError(f"'{who}' must be a list of layers such as "
                        '[{"type": "linear", "units": 64}, {"type": "relu"}].')
    if len(raw) > MAX_LAYERS:
        raise SpecError(f"The {who} has {len(raw)} layers; at most {MAX_LAYERS} are built.")
    layers = []
    for i, layer in enumerate(raw):
        try:
            checked = _check_layer(i, layer, LAYERS)
        except SpecError as exc:
            raise SpecError(f"{who}: {exc}") from None
        if LAYERS[checked["type"]].category not in CATEGORIES:
            raise SpecError(f"{who}: layer {i + 1} ({checked['type']}) does not act on a "
                            "vector of features; use linear, activation, normalization or "
                            "dropout layers.")
        layers.append(checked)
    return tuple(layers)


def load_gan_spec(path: str | Path) -> GanSpec:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"Cannot read GAN spec {str(path)!r}: {exc}.") from None
    return GanSpec.from_json(text)
