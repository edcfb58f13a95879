"""The input picker shared by the inspection pages: which example to look at.

`choose_input(data, model, key)` draws the widgets in the current container and returns a
`ChosenInput` holding one example in the dataset's input shape (already standardised for
tabular data, exactly what the model receives).

The session has one chosen input: Activations and Attributions show the same one, and it
survives page switches. Streamlit forgets a widget's value when its page is not shown, so the
choice lives in a plain session_state entry (`_Choice`) and each page's widgets are restored
from it when they appear; a value that no longer fits the data is reset with a caption.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
from playground.metrics import predict_values
from playground.runner import ModelKey
from playground.ui.state import derived
from playground.ui.text import md

TEST = "Test sample"
BY_CLASS = "By class"
WRONG = "Misclassified"
WORST = "Largest errors"  # regression's "misclassified": the test samples predicted worst
POINT = "Point on the plane"
DRAW = "Drawing"
UPLOAD = "Uploaded image"
WORST_SHOWN = 20  # test samples listed by "Largest errors"
CANVAS_PX = 192  # on-screen canvas size; the drawing is averaged down to the dataset's size
_CHOICE = "chosen_input"  # a plain session_state entry, so it outlives every page's widgets
_ABSENT = object()


@dataclass(frozen=True)
class ChosenInput:
    """One example to inspect.

    x: (*input_shape,) float32, exactly what the model receives (tabular rows standardised).
    label: the true class when known (test samples), else None (always for regression).
    description: a short phrase for captions, e.g. "test sample 12 (class circle)".
    index: the test-split index when the input is a test sample, else None.
    """

    x: np.ndarray
    label: int | None
    description: str
    index: int | None = None
    target: float | None = None  # regression: the true number when known (test samples)


@dataclass(frozen=True)
class _Upload:
    """An uploaded picture, kept so it can be shown again after its uploader is gone."""

    name: str
    raw: bytes
    digest: str


@dataclass
class _Choice:
    """The session's one chosen input: the pickers' values by name, the last drawing (and its
    strokes, to redraw them on a new canvas) and the last upload."""

    fit: tuple[str, tuple[int, ...]]  # (data kind, input shape) the values were chosen for
    values: dict[str, Any] = field(default_factory=dict)
    drawing: np.ndarray | None = None
    strokes: dict | None = None
    canvas_start: dict | None = None  # what the canvas on screen was started with
    upload: _Upload | None = None


@dataclass
class _Picker:
    """One page's picker widgets, restored from and written through to the shared choice."""

    choice: _Choice
    prefix: str
    notes: list[str] = field(default_factory=list)

    def key(self, name: str) -> str:
        return f"{self.prefix}_{name}"

    def restore(self, name: str, default: Any, fits: Callable[[Any], bool],
                why: Callable[[Any], str]) -> str:
        """The widget key for `name`, holding the shared value; `default`, with a note saying
        `why`, when that value does not fit this data."""
        key = self.key(name)
        value = st.session_state.get(key, self.choice.values.get(name, default))
        if not fits(value):
            self.notes.append(why(value))
            value = default
        if st.session_state.get(key, _ABSENT) != value:
            st.session_state[key] = value
        return key

    def keep(self, name: str, value: Any) -> Any:
        self.choice.values[name] = value
        return value


# The data-kind registry's pickers, as this menu offers them (typed sequences are the
# Attention page's own input).
_MODES = {TEST_SPLIT: (TEST, BY_CLASS, WRONG), PICK_POINT: (POINT,), DRAWING: (DRAW,),
          PICK_UPLOAD: (UPLOAD,), TYPED: ()}


_REGRESSION_MODES = {TEST_SPLIT: (TEST, WORST)}  # no classes to choose by


def input_modes(kind: str, regression: bool = False) -> list[str]:
    """Which ways of choosing an input a dataset kind offers, from its registry entry (a
    regression dataset has no classes to pick by, but errors to rank)."""
    modes = _REGRESSION_MODES if regression else {}
    return [mode for picker in DATA_KINDS[kind].input_pickers
            for mode in modes.get(picker, _MODES[picker])]


def _class_name(data: Data, label: int) -> str:
    names = data.info.class_names
    return names[label] if 0 <= label < len(names) else str(label)


def _test_input(data: Data, index: int, prefix: str = "test sample") -> ChosenInput:
    y = data.y_test[index]
    if data.info.regression:
        return ChosenInput(np.array(data.x_test[index]), None,
                           f"{prefix} {index} (target {float(y):.3f})", index, float(y))
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


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pick_test(data: Data, p: _Picker, noun: str) -> ChosenInput:
    n = len(data.x_test)
    key = p.restore("index", 0, lambda i: _is_int(i) and 0 <= i < n,
                    lambda i: f"{noun.capitalize()} {i} does not exist in this test split "
                              f"(it has {n}); showing {noun} 0.")
    index = p.keep("index", int(st.number_input(
        f"{noun.capitalize()} index (0–{n - 1})", min_value=0, max_value=n - 1, step=1,
        key=key)))
    return _test_input(data, index, noun)


def _pick_by_class(data: Data, p: _Picker, noun: str) -> ChosenInput:
    labels = np.asarray(data.y_test)
    if labels.ndim != 1:
        st.caption("This dataset has one label per position; choose by index instead.")
        return _pick_test(data, p, noun)
    classes = sorted({int(c) for c in labels})
    key = p.restore("class", classes[0], lambda c: c in classes,
                    lambda c: f"Class {c} is not in this test split; showing "
                              f"{md(_class_name(data, classes[0]))}.")
    label = p.keep("class", st.selectbox("Class", classes, key=key,
                                         format_func=lambda c: _class_name(data, c)))
    members = np.flatnonzero(labels == label)
    key = p.restore("member", 1, lambda m: _is_int(m) and 1 <= m <= len(members),
                    lambda m: f"This class has only {len(members)} test {noun}s, not {m}; "
                              "showing the first.")
    which = p.keep("member", int(st.number_input(
        f"Which one ({len(members)} in the test split)", min_value=1,
        max_value=len(members), step=1, key=key)))
    return _test_input(data, int(members[which - 1]), noun)


def _pick_wrong(data: Data, model: nn.Module | None, p: _Picker,
                model_key: ModelKey | None, noun: str) -> ChosenInput:
    labels = np.asarray(data.y_test)
    if model is None or labels.ndim != 1:
        st.caption("No model to ask, or one label per position: showing the first sample.")
        return _test_input(data, 0, noun)
    preds = _predictions(model, data, model_key)
    wrong = np.flatnonzero(preds != labels).tolist()
    if not wrong:
        st.success(f"The model gets every {noun} in the test split right. Showing the first.")
        return _test_input(data, 0, noun)
    key = p.restore("wrong", wrong[0], lambda i: i in wrong,
                    lambda i: f"The model no longer gets {noun} {i} wrong; showing the "
                              "first it does.")
    index = int(p.keep("wrong", st.selectbox(
        f"{len(wrong)} of {len(labels)} test {noun}s are misclassified", wrong, key=key,
        format_func=lambda i: (f"#{i}: is {_class_name(data, int(labels[i]))}, predicted "
                               f"{_class_name(data, int(preds[i]))}"))))
    chosen = _test_input(data, index, noun)
    return ChosenInput(chosen.x, chosen.label, chosen.description +
                       f", predicted {_class_name(data, int(preds[index]))}", chosen.index)


def _pick_worst(data: Data, model: nn.Module | None, p: _Picker,
                model_key: ModelKey | None, noun: str) -> ChosenInput:
    """Regression: the test samples whose prediction is furthest from the target."""
    if model is None:
        st.caption("No model to ask: showing the first sample.")
        return _test_input(data, 0, noun)

    def errors() -> np.ndarray:
        return np.abs(predict_values(model, data.x_test) - np.asarray(data.y_test))

    err = errors() if model_key is None else derived("test_errors", model_key, errors, keep=1)
    worst = [int(i) for i in np.argsort(-err, kind="stable")[:WORST_SHOWN]]
    key = p.restore("worst", worst[0], lambda i: i in worst,
                    lambda i: f"{noun.capitalize()} {i} is no longer among the worst "
                              "predicted; showing the worst.")
    index = int(p.keep("worst", st.selectbox(
        f"The {len(worst)} test {noun}s predicted worst", worst, key=key,
        format_func=lambda i: (f"#{i}: target {float(data.y_test[i]):.3f}, off by "
                               f"{float(err[i]):.3f}"))))
    chosen = _test_input(data, index, noun)
    return dataclasses.replace(chosen, description=chosen.description +
                               f", off by {float(err[index]):.3f}")


def _coordinate(p: _Picker, column, name: str, lo: float, hi: float) -> float:
    """One coordinate slider over the training data's range."""
    default = 0.0 if lo < 0 < hi else lo
    key = p.restore(f"p{name}", default,
                    lambda v: isinstance(v, float) and lo <= v <= hi,
                    lambda v: f"{name} = {v:.2f} lies outside this dataset's range "
                              f"({lo:.2f} to {hi:.2f}); moved to {default:.2f}.")
    return p.keep(f"p{name}", float(column.slider(name, lo, hi, key=key, format="%.2f")))


def _pick_point(data: Data, p: _Picker) -> ChosenInput:
    """One slider per axis of the kind: x and y on the plane, x on a line."""
    lo, hi = data.x_train.min(axis=0), data.x_train.max(axis=0)
    names = DATA_KINDS[data.info.kind].feature_names(len(lo))
    cols = st.columns(max(2, len(names)))
    values = [_coordinate(p, cols[i], name, float(lo[i]), float(hi[i]))
              for i, name in enumerate(names)]
    where = (f"the point ({', '.join(f'{v:.2f}' for v in values)})" if len(values) > 1
             else f"{names[0]} = {values[0]:.2f}")
    return ChosenInput(np.array(values, np.float32), None, where)


def _preview(x: np.ndarray) -> None:
    """The converted picture as the model sees it, enlarged with visible pixels."""
    img = np.clip(x[0], 0.0, 1.0)
    scale = max(1, 96 // img.shape[-1])
    big = np.kron(img, np.ones((scale, scale), np.float32))
    st.image((big * 255).astype(np.uint8), caption="What the model receives",
             clamp=True)


def _canvas(p: _Picker, stroke: int) -> np.ndarray | None:
    """The canvas's picture (RGBA), None before it reports one. A canvas shown anew starts
    from the session's last strokes; while it stays on screen that start stays the same, so
    the canvas is never redrawn under the pen."""
    from streamlit_drawable_canvas import st_canvas

    key = p.key("canvas")
    if key not in st.session_state:
        p.choice.canvas_start = p.choice.strokes
    result = st_canvas(stroke_width=stroke, stroke_color="#FFFFFF", background_color="#000000",
                       height=CANVAS_PX, width=CANVAS_PX, drawing_mode="freedraw",
                       initial_drawing=p.choice.canvas_start, return_image_data=True, key=key)
    if result is None:
        return None
    if result.json_data is not None:
        p.choice.strokes = result.json_data
    return result.image_data


def _pick_drawing(data: Data, p: _Picker) -> ChosenInput | None:
    """A canvas drawing; None when the canvas component is unavailable."""
    try:
        import streamlit_drawable_canvas  # noqa: F401 - only to learn whether it loads
    except Exception:  # noqa: BLE001 - any import failure means: offer upload instead
        st.info("The drawing canvas is not available on this server; upload an image "
                "instead.")
        return None
    shape = tuple(data.info.input_shape)
    stroke = max(6, round(1.5 * CANVAS_PX / max(shape[1:])))
    cols = st.columns([2, 1])
    with cols[0]:
        st.space(32)  # room for the canvas's toolbar, which floats above its top edge
        try:
            image = _canvas(p, stroke)
        except Exception:  # noqa: BLE001 - a broken component must not break the page
            st.info("The drawing canvas could not be shown; upload an image instead.")
            return None
    if image is not None:
        p.choice.drawing = image_to_input(image, shape, invert=False)
    x = p.choice.drawing if p.choice.drawing is not None else np.zeros(shape, np.float32)
    with cols[1]:
        st.caption("Draw in white on black, large enough to fill the box; the toolbar's bin "
                   "clears it.")
        _preview(x)
    what = "an empty canvas — draw something" if is_blank(x) else "your drawing"
    return ChosenInput(x, None, what)


def _uploaded(p: _Picker) -> _Upload | None:
    """The session's picture: a new upload replaces it, removing the file forgets it, and a
    page showing the uploader anew shows the last one."""
    key = p.key("upload")
    shown_before = key in st.session_state
    file = st.file_uploader("Image (PNG or JPEG)", type=["png", "jpg", "jpeg", "bmp", "gif"],
                            key=key)
    if file is not None:
        raw = file.getvalue()
        p.choice.upload = _Upload(file.name, raw, hashlib.sha1(raw).hexdigest())
    elif shown_before:
        p.choice.upload = None
    elif p.choice.upload is not None:
        st.caption(f"Showing {md(p.choice.upload.name)}, uploaded earlier; "
                   "upload another picture to replace it.")
    return p.choice.upload


def _pick_upload(data: Data, p: _Picker) -> ChosenInput | None:
    shape = tuple(data.info.input_shape)
    cols = st.columns([2, 1])
    with cols[0]:
        upload = _uploaded(p)
        options = ["auto", "keep", "invert"]
        key = p.restore("invert", "auto", lambda c: c in options, str)
        colours = p.keep("invert", st.radio(
            "Colours", options, horizontal=True, key=key,
            help="The model was trained on bright shapes on a dark background. Auto inverts "
                 "pictures with a light background."))
    if upload is None:
        st.caption(f"It will be made grayscale and resized to {shape[1]}×{shape[2]} pixels.")
        return None
    invert = {"auto": None, "keep": False, "invert": True}[colours]
    try:  # decoded once per upload, not on every rerun
        x = derived("uploaded_image", (upload.digest, shape, invert),
                    lambda: image_to_input(upload.raw, shape, invert=invert), keep=2)
    except SpecError as exc:
        st.error(md(exc))
        return None
    with cols[1]:
        _preview(x)
    return ChosenInput(x, None, f"the uploaded image {upload.name}")


def _show_row(data: Data, chosen: ChosenInput) -> None:
    """A tabular row in its original units, so the numbers mean something to a reader."""
    raw = chosen.x
    if data.mean is not None and data.std is not None:
        raw = chosen.x * data.std + data.mean
    names = DATA_KINDS[data.info.kind].feature_names(len(raw), data.info.feature_names)
    st.dataframe({"feature": list(names), "value": [float(v) for v in raw],
                  "standardised": [float(v) for v in chosen.x]}, hide_index=True,
                 height=min(38 + 35 * len(names), 260))


def _session_choice(data: Data) -> tuple[_Choice, str | None]:
    """The session's choice, or a fresh one (and a note saying why) when the data now takes
    another kind or shape of input, which no earlier choice fits."""
    fit = (data.info.kind, tuple(data.info.input_shape))
    old = st.session_state.get(_CHOICE)
    if isinstance(old, _Choice) and old.fit == fit:
        return old, None
    choice = _Choice(fit)
    st.session_state[_CHOICE] = choice
    if old is None:
        return choice, None
    return choice, (f"The chosen input was reset: the {md(data.info.name)} data takes another "
                    "kind of input than the one it was chosen for.")


def _pick(data: Data, model: nn.Module | None, p: _Picker, mode: str,
          model_key: ModelKey | None, noun: str) -> ChosenInput | None:
    if mode == BY_CLASS:
        return _pick_by_class(data, p, noun)
    if mode == WRONG:
        return _pick_wrong(data, model, p, model_key, noun)
    if mode == WORST:
        return _pick_worst(data, model, p, model_key, noun)
    if mode == POINT:
        return _pick_point(data, p)
    if mode == DRAW:
        return _pick_drawing(data, p) or _pick_upload(data, p)
    if mode == UPLOAD:
        return _pick_upload(data, p)
    return _pick_test(data, p, noun)


def choose_input(data: Data, model: nn.Module | None, key: str,
                 model_key: ModelKey | None = None) -> ChosenInput:
    """Draw the input picker, showing the session's chosen input, and return it.

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
    choice, reset = _session_choice(data)
    # another dataset gets fresh widgets (other ranges), restored from the same choice
    p = _Picker(choice, f"{key}_{data.info.name}", [reset] if reset else [])
    noun = kind.noun
    modes = input_modes(kind.name, data.info.regression)
    labels = {TEST: f"Test {noun}"}
    mode_key = p.restore("mode", modes[0], lambda m: m in modes, str)
    mode = p.keep("mode", st.radio("Input", modes, horizontal=True, key=mode_key,
                                   format_func=lambda m: labels.get(m, m)))
    chosen = _pick(data, model, p, mode, model_key, noun)
    for note in p.notes:
        st.caption(note)
    if chosen is None:
        fallback = _test_input(data, 0, noun)
        return ChosenInput(fallback.x, fallback.label,
                           fallback.description + " (no picture yet)", fallback.index)
    if kind.input_form == "features":
        _show_row(data, chosen)
    return chosen
