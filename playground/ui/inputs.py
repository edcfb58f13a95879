"""The input picker shared by the inspection pages: which example to look at.

`choose_input(data, model, key)` draws the widgets in the current container and returns a
`ChosenInput` holding one example in the dataset's input shape (already standardised for
tabular data, exactly what the model receives).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st
from torch import nn

from playground.datakinds import DATA_KINDS, DRAWING, TEST_SPLIT, TYPED
from playground.datakinds import POINT as PICK_POINT
from playground.datakinds import UPLOAD as PICK_UPLOAD
from playground.datasets import Data
from playground.errors import SpecError
from playground.inspection.activations import predict_classes
from playground.inspection.input_images import image_to_input, is_blank
from playground.runner import ModelKey
from playground.ui.state import derived

TEST = "Test sample"
BY_CLASS = "By class"
WRONG = "Misclassified"
POINT = "Point on the plane"
DRAW = "Drawing"
UPLOAD = "Uploaded image"
CANVAS_PX = 192  # on-screen canvas size; the drawing is averaged down to the dataset's size


@dataclass(frozen=True)
class ChosenInput:
    """One example to inspect.

    x: (*input_shape,) float32, exactly what the model receives (tabular rows standardised).
    label: the true class when known (test samples), else None.
    description: a short phrase for captions, e.g. "test sample 12 (class circle)".
    index: the test-split index when the input is a test sample, else None.
    """

    x: np.ndarray
    label: int | None
    description: str
    index: int | None = None


# The data-kind registry's pickers, as this menu offers them (typed sequences are the
# Attention page's own input).
_MODES = {TEST_SPLIT: (TEST, BY_CLASS, WRONG), PICK_POINT: (POINT,), DRAWING: (DRAW,),
          PICK_UPLOAD: (UPLOAD,), TYPED: ()}


def input_modes(kind: str) -> list[str]:
    """Which ways of choosing an input a dataset kind offers, from its registry entry."""
    return [mode for picker in DATA_KINDS[kind].input_pickers for mode in _MODES[picker]]


def _class_name(data: Data, label: int) -> str:
    names = data.info.class_names
    return names[label] if 0 <= label < len(names) else str(label)


def _test_input(data: Data, index: int, prefix: str = "test sample") -> ChosenInput:
    y = data.y_test[index]
    label = int(y) if np.ndim(y) == 0 else None
    what = f": {_class_name(data, label)}" if label is not None else ""
    return ChosenInput(np.array(data.x_test[index]), label,  # token ids stay integers
                       f"{prefix} {index}{what}", index)


def _predictions(model: nn.Module, data: Data, model_key: ModelKey | None) -> np.ndarray:
    """Test-split predictions, kept per model state so reruns do not recompute them."""
    if model_key is None:
        return predict_classes(model, data.x_test)
    return derived("test_predictions", model_key, lambda: predict_classes(model, data.x_test),
                   keep=1)


def _pick_test(data: Data, key: str, noun: str) -> ChosenInput:
    n = len(data.x_test)
    index = int(st.number_input(f"{noun.capitalize()} index (0–{n - 1})", 0, n - 1, 0, 1,
                                key=f"{key}_index"))
    return _test_input(data, index, noun)


def _pick_by_class(data: Data, key: str, noun: str) -> ChosenInput:
    labels = np.asarray(data.y_test)
    if labels.ndim != 1:
        st.caption("This dataset has one label per position; choose by index instead.")
        return _pick_test(data, key, noun)
    classes = sorted({int(c) for c in labels})
    label = st.selectbox("Class", classes, key=f"{key}_class",
                         format_func=lambda c: _class_name(data, c))
    members = np.flatnonzero(labels == label)
    which = int(st.number_input(f"Which one ({len(members)} in the test split)", 1,
                                len(members), 1, 1, key=f"{key}_member"))
    return _test_input(data, int(members[which - 1]), noun)


def _pick_wrong(data: Data, model: nn.Module | None, key: str,
                model_key: ModelKey | None, noun: str) -> ChosenInput:
    labels = np.asarray(data.y_test)
    if model is None or labels.ndim != 1:
        st.caption("No model to ask, or one label per position: showing the first sample.")
        return _test_input(data, 0, noun)
    preds = _predictions(model, data, model_key)
    wrong = np.flatnonzero(preds != labels)
    if len(wrong) == 0:
        st.success(f"The model gets every {noun} in the test split right. Showing the first.")
        return _test_input(data, 0, noun)
    index = st.selectbox(
        f"{len(wrong)} of {len(labels)} test {noun}s are misclassified", wrong.tolist(),
        key=f"{key}_wrong",
        format_func=lambda i: (f"#{i}: is {_class_name(data, int(labels[i]))}, predicted "
                               f"{_class_name(data, int(preds[i]))}"))
    if index is None or index not in set(wrong.tolist()):
        index = int(wrong[0])
    chosen = _test_input(data, int(index), noun)
    return ChosenInput(chosen.x, chosen.label, chosen.description +
                       f", predicted {_class_name(data, int(preds[index]))}", chosen.index)


def _pick_point(data: Data, key: str) -> ChosenInput:
    lo, hi = data.x_train.min(axis=0), data.x_train.max(axis=0)
    cols = st.columns(2)
    x = cols[0].slider("x", float(lo[0]), float(hi[0]), 0.0 if lo[0] < 0 < hi[0] else
                       float(lo[0]), key=f"{key}_px", format="%.2f")
    y = cols[1].slider("y", float(lo[1]), float(hi[1]), 0.0 if lo[1] < 0 < hi[1] else
                       float(lo[1]), key=f"{key}_py", format="%.2f")
    return ChosenInput(np.array([x, y], np.float32), None, f"the point ({x:.2f}, {y:.2f})")


def _preview(x: np.ndarray) -> None:
    """The converted picture as the model sees it, enlarged with visible pixels."""
    img = np.clip(x[0], 0.0, 1.0)
    scale = max(1, 96 // img.shape[-1])
    big = np.kron(img, np.ones((scale, scale), np.float32))
    st.image((big * 255).astype(np.uint8), caption="What the model receives",
             clamp=True)


def _pick_drawing(data: Data, key: str) -> ChosenInput | None:
    """A canvas drawing; None when the canvas component is unavailable."""
    try:
        from streamlit_drawable_canvas import st_canvas
    except Exception:  # noqa: BLE001 - any import failure means: offer upload instead
        st.info("The drawing canvas is not available on this server; upload an image "
                "instead.")
        return None
    _, h, w = data.info.input_shape
    stroke = max(6, round(1.5 * CANVAS_PX / max(h, w)))
    cols = st.columns([2, 1])
    with cols[0]:
        st.space(32)  # room for the canvas's toolbar, which floats above its top edge
        try:
            result = st_canvas(stroke_width=stroke, stroke_color="#FFFFFF",
                               background_color="#000000", height=CANVAS_PX, width=CANVAS_PX,
                               drawing_mode="freedraw", return_image_data=True,
                               key=f"{key}_canvas")
            image = result.image_data if result is not None else None
        except Exception:  # noqa: BLE001 - a broken component must not break the page
            st.info("The drawing canvas could not be shown; upload an image instead.")
            return None
    x = np.zeros(data.info.input_shape, np.float32)
    if image is not None:
        x = image_to_input(image, data.info.input_shape, invert=False)
    with cols[1]:
        st.caption("Draw in white on black, large enough to fill the box; the toolbar's bin "
                   "clears it.")
        _preview(x)
    what = "an empty canvas — draw something" if is_blank(x) else "your drawing"
    return ChosenInput(x, None, what)


def _pick_upload(data: Data, key: str) -> ChosenInput | None:
    cols = st.columns([2, 1])
    with cols[0]:
        file = st.file_uploader("Image (PNG or JPEG)", type=["png", "jpg", "jpeg", "bmp",
                                                             "gif"], key=f"{key}_upload")
        colours = st.radio("Colours", ["auto", "keep", "invert"], horizontal=True,
                           key=f"{key}_invert",
                           help="The model was trained on bright shapes on a dark background. "
                                "Auto inverts pictures with a light background.")
    if file is None:
        st.caption(f"It will be made grayscale and resized to "
                   f"{data.info.input_shape[1]}×{data.info.input_shape[2]} pixels.")
        return None
    invert = {"auto": None, "keep": False, "invert": True}[colours]
    raw = file.getvalue()
    request = (hashlib.sha1(raw).hexdigest(), data.info.input_shape, invert)
    try:  # decoded once per upload, not on every rerun
        x = derived("uploaded_image", request,
                    lambda: image_to_input(raw, data.info.input_shape, invert=invert), keep=2)
    except SpecError as exc:
        st.error(str(exc))
        return None
    with cols[1]:
        _preview(x)
    return ChosenInput(x, None, f"the uploaded image {file.name}")


def _show_row(data: Data, chosen: ChosenInput) -> None:
    """A tabular row in its original units, so the numbers mean something to a reader."""
    raw = chosen.x
    if data.mean is not None and data.std is not None:
        raw = chosen.x * data.std + data.mean
    names = DATA_KINDS[data.info.kind].feature_names(len(raw), data.info.feature_names)
    st.dataframe({"feature": list(names), "value": [float(v) for v in raw],
                  "standardised": [float(v) for v in chosen.x]}, hide_index=True,
                 height=min(38 + 35 * len(names), 260))


def choose_input(data: Data, model: nn.Module | None, key: str,
                 model_key: ModelKey | None = None) -> ChosenInput:
    """Draw the input picker and return the chosen example.

    Args:
        data: the dataset split (test samples come from `data.x_test`).
        model: the model whose mistakes "Misclassified" lists (may be None).
        key: a prefix unique on the page for the widgets' keys.
        model_key: which weights `model` holds, so its predictions are computed once.
    Returns:
        The chosen example; when a drawing or upload is not ready, the first test sample
        with a description saying so.
    """
    kind = DATA_KINDS[data.info.kind]
    key = f"{key}_{data.info.name}"  # another dataset gets fresh widgets (other ranges)
    noun = kind.noun
    modes = input_modes(kind.name)
    labels = {TEST: f"Test {noun}"}
    mode = st.radio("Input", modes, horizontal=True, key=f"{key}_mode",
                    format_func=lambda m: labels.get(m, m))
    chosen: ChosenInput | None
    if mode == BY_CLASS:
        chosen = _pick_by_class(data, key, noun)
    elif mode == WRONG:
        chosen = _pick_wrong(data, model, key, model_key, noun)
    elif mode == POINT:
        chosen = _pick_point(data, key)
    elif mode == DRAW:
        chosen = _pick_drawing(data, key)
        if chosen is None:
            chosen = _pick_upload(data, key)
    elif mode == UPLOAD:
        chosen = _pick_upload(data, key)
    else:
        chosen = _pick_test(data, key, noun)
    if chosen is None:
        fallback = _test_input(data, 0, noun)
        return ChosenInput(fallback.x, fallback.label,
                           fallback.description + " (no picture yet)", fallback.index)
    if kind.input_form == "features":
        _show_row(data, chosen)
    return chosen
