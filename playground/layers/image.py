"""Convolution and pooling layers: they read images as channels × height × width."""

from __future__ import annotations

from torch import nn

from playground.layers.base import (
    LayerKind,
    ShapeError,
    describe_shape,
    format_shape,
    register,
)
from playground.params import Param


def _need_maps(shape):
    if len(shape) != 3:
        raise ShapeError(
            f"receives {describe_shape(shape)}; it needs images (channels×height×width). "
            "Use an image dataset and place it before any flatten layer."
        )


def _conv_shape(shape, p, ctx):
    _need_maps(shape)
    c, h, w = shape
    k, s, pad = p["kernel_size"], p["stride"], p["padding"]
    oh, ow = (h + 2 * pad - k) // s + 1, (w + 2 * pad - k) // s + 1
    if oh < 1 or ow < 1:
        raise ShapeError(
            f"receives {format_shape(shape)} feature maps, smaller than its {k}×{k} kernel — "
            "use a smaller kernel, add padding, or remove a pooling layer before it."
        )
    return (p["channels"], oh, ow)


register(LayerKind(
    name="conv2d",
    category="convolution",
    description=(
        "Slides small learned filters over the image; each filter produces one feature map "
        "that lights up where its pattern appears. Early filters find edges, later ones "
        "combine them into shapes."
    ),
    params=(
        Param("channels", int, 8, "Number of filters, each giving one feature map.", min=1,
              max=256),
        Param("kernel_size", int, 3, "Width and height of each filter.", min=1, max=11),
        Param("stride", int, 1, "Step between filter positions.", min=1, max=4),
        Param("padding", int, 1, "Zeros added around the border.", min=0, max=5),
    ),
    shape=_conv_shape,
    build=lambda shape, p: nn.Conv2d(shape[0], p["channels"], p["kernel_size"], p["stride"],
                                     p["padding"]),
    count=lambda shape, p: shape[0] * p["channels"] * p["kernel_size"] ** 2 + p["channels"],
))


def _pool_shape(shape, p, ctx):
    _need_maps(shape)
    c, h, w = shape
    k = p["kernel_size"]
    if h < k or w < k:
        raise ShapeError(
            f"receives {format_shape(shape)} feature maps, smaller than its {k}×{k} window — "
            "use a smaller kernel_size or remove an earlier pooling layer."
        )
    return (c, h // k, w // k)


_POOL_PARAMS = (Param("kernel_size", int, 2, "Window size; the maps shrink by this factor.",
                      min=2, max=8),)

register(LayerKind(
    name="maxpool2d",
    category="pooling",
    description=(
        "Keeps the strongest response in each window, shrinking the maps. The network "
        "becomes less sensitive to exactly where a pattern appears."
    ),
    params=_POOL_PARAMS,
    shape=_pool_shape,
    build=lambda shape, p: nn.MaxPool2d(p["kernel_size"]),
))

register(LayerKind(
    name="avgpool2d",
    category="pooling",
    description=(
        "Averages each window, shrinking the maps. It smooths responses rather than "
        "keeping the peak."
    ),
    params=_POOL_PARAMS,
    shape=_pool_shape,
    build=lambda shape, p: nn.AvgPool2d(p["kernel_size"]),
))
