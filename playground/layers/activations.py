"""Elementwise non-linearities: without them a stack of linear layers is one linear map."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from playground.layers.base import LayerKind, register
from playground.params import Param


def _activation(name: str, description: str, build: Callable[[dict], nn.Module],
                params: tuple[Param, ...] = (), health: str | None = None,
                linear_range: tuple[float, float] | None = None) -> None:
    register(LayerKind(
        name=name,
        category="activation",
        description=description,
        params=params,
        shape=lambda shape, p, ctx: shape,
        build=lambda shape, p: build(p),
        health=health,
        linear_range=linear_range,
    ))


_activation("relu", "Passes positive values and zeroes negative ones. Cheap and the usual "
            "default, but a unit stuck below zero stops learning (a dead ReLU).",
            lambda p: nn.ReLU(), health="dead")
_activation("leaky_relu", "Like ReLU, but negative values keep a small slope, so units "
            "never go completely dead.", lambda p: nn.LeakyReLU(p["negative_slope"]),
            (Param("negative_slope", float, 0.01, "Slope for negative inputs.", min=0.0,
                   max=1.0),))
_activation("tanh", "Squashes values into −1…1. Large inputs saturate, where the gradient "
            "almost vanishes.", lambda p: nn.Tanh(),
            # |tanh| above 0.97: gradient 1 - t² below 0.06
            health="saturating", linear_range=(-0.97, 0.97))
_activation("sigmoid", "Squashes values into 0…1. It saturates at both ends, so deep stacks "
            "of sigmoids learn slowly (vanishing gradients).", lambda p: nn.Sigmoid(),
            # outside 0.02…0.98: gradient s(1 - s) below 0.02
            health="saturating", linear_range=(0.02, 0.98))
_activation("gelu", "A smooth ReLU used in transformers: small negative values pass "
            "partly.", lambda p: nn.GELU())
