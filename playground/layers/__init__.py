"""The layer registry: one entry per layer kind. Adding a kind is adding an entry."""

from playground.layers import activations, dense, image  # noqa: F401  (they register kinds)

# isort: split
from playground.layers import attention, sequence  # noqa: F401  (listed after the others)
from playground.layers.base import (
    LAYERS,
    Fix,
    LayerKind,
    Shape,
    ShapeContext,
    ShapeError,
    describe_shape,
    format_shape,
    register,
)

__all__ = ["LAYERS", "Fix", "LayerKind", "Shape", "ShapeContext", "ShapeError",
           "describe_shape", "format_shape", "register"]
