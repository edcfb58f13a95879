"""The layer registry: one entry per layer kind. Adding a kind is adding an entry."""

# Importing a module registers its kinds; the order here is the order users see them in.
# isort: off
from playground.layers import features, dense, image, activations, sequence, attention  # noqa: F401
# isort: on
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
from playground.layers.categories import CATEGORIES, Category

__all__ = ["CATEGORIES", "LAYERS", "Category", "Fix", "LayerKind", "Shape", "ShapeContext",
           "ShapeError", "describe_shape", "format_shape", "register"]
