"""Dense, reshaping, regularising and normalising layers."""

from __future__ import annotations

from torch import nn

from playground.layers.base import (
    FLATTEN_FIX,
    LayerKind,
    ShapeError,
    describe_shape,
    numel,
    register,
)
from playground.params import Param


def _linear_shape(shape, p, ctx):
    if len(shape) == 3:
        raise ShapeError(f"receives {describe_shape(shape)} — add a flatten layer before it.",
                         FLATTEN_FIX)
    if len(shape) not in (1, 2):
        raise ShapeError(f"receives {describe_shape(shape)}; it needs a vector of features.")
    return (*shape[:-1], p["units"])


register(LayerKind(
    name="linear",
    category="dense",
    description=(
        "Every output unit is a weighted sum of all inputs plus a bias. Stacked with "
        "activations between them, linear layers can bend the decision boundary."
    ),
    params=(Param("units", int, 16, "Number of output units (neurons).", min=1, max=4096),),
    shape=_linear_shape,
    build=lambda shape, p: nn.Linear(shape[-1], p["units"]),
    count=lambda shape, p: shape[-1] * p["units"] + p["units"],
))


def _flatten_shape(shape, p, ctx):
    return (numel(shape),)


register(LayerKind(
    name="flatten",
    category="shape",
    description=(
        "Unrolls feature maps into one long vector so dense layers can read them. It has "
        "no weights; it only changes the shape."
    ),
    params=(),
    shape=_flatten_shape,
    build=lambda shape, p: nn.Flatten(),
))

register(LayerKind(
    name="dropout",
    category="regularization",
    description=(
        "During training, zeroes a random share p of its inputs on every step, so the network "
        "cannot rely on any single unit. At test time it passes everything through."
    ),
    params=(Param("p", float, 0.2, "Share of inputs dropped while training.", min=0.0,
                  max=0.9),),
    shape=lambda shape, p, ctx: shape,
    build=lambda shape, p: nn.Dropout(p["p"]),
))


def _batchnorm_shape(shape, p, ctx):
    if len(shape) == 2:
        raise ShapeError(f"receives {describe_shape(shape)}; batchnorm works on vectors or "
                         "feature maps — use layernorm for sequences.")
    if len(shape) not in (1, 3):
        raise ShapeError(f"receives {describe_shape(shape)}; it needs a vector or feature maps.")
    return shape


register(LayerKind(
    name="batchnorm",
    category="normalization",
    description=(
        "Rescales each feature (or channel) to zero mean and unit variance over the batch, "
        "then applies a learned scale and shift. It often lets you train faster with a "
        "higher learning rate."
    ),
    params=(),
    shape=_batchnorm_shape,
    build=lambda shape, p: nn.BatchNorm1d(shape[0]) if len(shape) == 1 else nn.BatchNorm2d(
        shape[0]),
    count=lambda shape, p: 2 * shape[0],
))


def _layernorm_dims(shape):
    # Sequences normalise each position's features; vectors and maps the whole example.
    return shape[-1:] if len(shape) == 2 else shape


register(LayerKind(
    name="layernorm",
    category="normalization",
    description=(
        "Rescales each example's features to zero mean and unit variance, with a learned "
        "scale and shift. Unlike batchnorm it does not depend on the other examples in the "
        "batch."
    ),
    params=(),
    shape=lambda shape, p, ctx: shape,
    build=lambda shape, p: nn.LayerNorm(list(_layernorm_dims(shape))),
    count=lambda shape, p: 2 * numel(_layernorm_dims(shape)),
))
