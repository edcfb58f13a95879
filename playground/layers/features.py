"""Hand-made input features for 2D points, TensorFlow Playground style.

The layer sits inside the model, so everything that feeds the model raw (x, y) points —
the plane views, attributions, the boundary — keeps working while the network itself sees
x², sin x and the rest. It shows what feature learning replaces: with x² and y² a single
linear layer separates circles.
"""

from __future__ import annotations

import torch
from torch import nn

from playground.layers.base import LayerKind, ShapeError, describe_shape, register
from playground.params import Param

# (param name, label shown on nodes and axes), in the order the outputs come.
FEATURES: tuple[tuple[str, str], ...] = (
    ("x", "x"), ("y", "y"), ("x_squared", "x²"), ("y_squared", "y²"), ("xy", "xy"),
    ("sin_x", "sin x"), ("sin_y", "sin y"),
)


class InputFeatures(nn.Module):
    """Maps points (B, 2) to the chosen features (B, k); no weights."""

    def __init__(self, names: tuple[str, ...] | list[str]) -> None:
        super().__init__()
        self.names = tuple(names)

    def forward(self, p: torch.Tensor) -> torch.Tensor:  # (B, 2) -> (B, k)
        x, y = p[:, 0], p[:, 1]
        table = {"x": x, "y": y, "x_squared": x * x, "y_squared": y * y, "xy": x * y,
                 "sin_x": torch.sin(x), "sin_y": torch.sin(y)}
        return torch.stack([table[n] for n in self.names], dim=1)

    def extra_repr(self) -> str:
        return f"names={self.names!r}"


def chosen(p: dict) -> tuple[str, ...]:
    """The selected feature names, in output order."""
    return tuple(name for name, _ in FEATURES if p.get(name))


def feature_labels(names: tuple[str, ...]) -> tuple[str, ...]:
    """How a learner reads each output: "x²" for x_squared."""
    labels = dict(FEATURES)
    return tuple(labels[n] for n in names)


def _shape(shape, p, ctx):
    if shape != (2,):
        raise ShapeError(f"receives {describe_shape(shape)}, but features are computed from 2D "
                         "points (x, y) — make it the first layer, and use it only on 2D "
                         "point data (xor, circles, spiral…); remove it otherwise.")
    names = chosen(p)
    if not names:
        raise ShapeError("has no feature selected — tick at least one (x, y, x², y², xy, "
                         "sin x, sin y).")
    return (len(names),)


register(LayerKind(
    name="features",
    category="input features",
    description=(
        "Hand-made features of the point (x, y): x², y², xy, sin x, sin y. With the right "
        "ones even a network without hidden layers can draw a curved boundary — the work "
        "deep layers otherwise learn by themselves. Use it as the first layer on 2D data."
    ),
    params=tuple(Param(name, bool, name in ("x", "y"), f"Feed {label} to the network.")
                 for name, label in FEATURES),
    shape=_shape,
    build=lambda shape, p: InputFeatures(chosen(p)),
    source=lambda shape, p: f"InputFeatures({chosen(p)!r})",
    definitions=(InputFeatures,),
))
