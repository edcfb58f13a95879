"""The data-kind registry: what the app does differently for each kind of dataset.

A dataset's `kind` ("2d", "1d", "image", "tabular", "sequence") decides how it is previewed,
which inputs an inspection page offers, what the Train page shows of the predictions and which
layers the builder offers. Pages look these facts up here instead of branching on kind
strings or dataset names, so a new kind (generative, text) is one entry here plus any view
it names that does not exist yet.

Whether a dataset classifies or regresses is the dataset's own `task`, not its kind: a kind
that can hold regression datasets names the Train page's view of a predicted number
(`regression_view`), and its preview draws a target as a colour or a height.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playground.layers import LAYERS
from playground.registry import add_entry

# Ways to choose an input to inspect (`DataKind.input_pickers`). TEST_SPLIT is a test example
# by index, by class or among the misclassified; the others make a new input.
TEST_SPLIT = "test split"
POINT = "point"  # a point in the input space, one slider per axis (x, y on a plane; x on a line)
DRAWING = "drawing"  # drawn on a canvas
UPLOAD = "upload"  # an uploaded picture
TYPED = "typed"  # a typed sequence of tokens

# Layer categories that fit any data once it is a vector of features.
_VECTOR = ("dense", "activation", "shape", "normalization", "regularization")


@dataclass(frozen=True)
class DataKind:
    """Everything that depends on the kind of data, declared once.

    name: the `DatasetKind.kind` string.
    label: shown after a dataset's name in the picker, e.g. "xor (2D points)".
    input_form: what one example is: "point" (on the plane, so anything can be drawn over
        the plane), "image" (C, H, W), "features" (a row of measurements) or "tokens" (ids).
    noun: what a learner calls one example ("sample", "row").
    preview: the build page's data preview: "scatter", "curve" or "images"
        (playground.viz.data), "tokens" or "table" (playground.viz.tables).
    input_pickers: the ways to choose an input to inspect, in menu order.
    prediction_view: the Train page's view of the predictions: "boundary", "images" (grid
        and confusion matrix), "confusion" or "tokens".
    layer_categories: the layer categories (playground.layers.CATEGORIES) that make sense
        on this data; the builder offers only their kinds.
    axis_names: names of the input features when the kind fixes them (x, y on the plane).
    regression_view: the Train page's view for a regression dataset of this kind: "surface"
        (the predicted number over the plane) or "curve" (the predicted curve over x); None
        when the kind holds no regression datasets (the dataset registry refuses them).
    """

    name: str
    label: str
    input_form: str
    noun: str
    preview: str
    input_pickers: tuple[str, ...]
    prediction_view: str
    layer_categories: tuple[str, ...]
    axis_names: tuple[str, ...] = ()
    regression_view: str | None = None

    def view_for(self, regression: bool) -> str:
        """The Train page's view of the predictions for a dataset of this kind."""
        if regression:
            if self.regression_view is None:
                raise ValueError(f"data kind {self.name!r} has no regression view")
            return self.regression_view
        return self.prediction_view

    @property
    def tokens(self) -> bool:
        """Inputs are token ids, which only an embedding layer reads."""
        return self.input_form == "tokens"

    @property
    def plane(self) -> bool:
        """Inputs are points on a plane, so boundaries and maps over it can be drawn."""
        return self.input_form == "point"

    def fits(self, layer: str) -> bool:
        """Whether the builder offers layer kind `layer` for this data."""
        return LAYERS[layer].category in self.layer_categories

    def feature_names(self, n: int, given: Sequence[str] = ()) -> tuple[str, ...]:
        """Names of the `n` input features: the dataset's own (`given`), else the kind's
        axis names, else "feature 0", "feature 1", …"""
        if given:
            return tuple(given)
        if len(self.axis_names) == n:
            return self.axis_names
        return tuple(f"feature {i}" for i in range(n))


# The order here is the dataset picker's order.
DATA_KINDS: dict[str, DataKind] = {}


def register(kind: DataKind) -> DataKind:
    return add_entry(DATA_KINDS, kind.name, kind, "data kind")


register(DataKind("2d", "2D points", "point", "sample", "scatter", (TEST_SPLIT, POINT),
                  "boundary", ("input features", *_VECTOR), axis_names=("x", "y"),
                  regression_view="surface"))
# One number in, one number out: the curve y = f(x) is the whole story, so the preview and the
# Train page draw it. The input is a row of one feature, like a table's.
register(DataKind("1d", "1D curve", "features", "sample", "curve", (TEST_SPLIT, POINT),
                  "confusion", _VECTOR, axis_names=("x",), regression_view="curve"))
register(DataKind("image", "images", "image", "sample", "images",
                  (TEST_SPLIT, DRAWING, UPLOAD), "images",
                  (*_VECTOR, "convolution", "pooling")))
register(DataKind("tabular", "table", "features", "row", "table", (TEST_SPLIT,), "confusion",
                  _VECTOR))
register(DataKind("sequence", "sequence", "tokens", "sample", "tokens", (TEST_SPLIT, TYPED),
                  "tokens", (*_VECTOR, "sequence", "recurrent", "attention")))
# Characters of one text; each position predicts the next character (a language model).
register(DataKind("text", "text", "tokens", "passage", "tokens", (TEST_SPLIT, TYPED),
                  "tokens", (*_VECTOR, "sequence", "recurrent", "attention")))
