"""One chosen input per session: what is picked on Activations is what Attributions shows, and
back again, after any number of page switches; a choice that no longer fits the data is reset
with a caption."""

from __future__ import annotations

import io

import numpy as np
import pytest
from opening import open_page
from PIL import Image
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.ui.text import plain

ACTIVATIONS = "views/activations.py"
ATTRIBUTIONS = "views/attributions.py"
ELSEWHERE = ("views/home.py", "views/build.py", "views/train.py")


def _shapes(**params):
    spec = PRESETS["shapes_cnn"].spec().with_train(device="cpu")
    if params:
        spec = spec.with_dataset("shapes", params={**spec.dataset.params, **params})
    return spec


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _input(at: AppTest) -> str:
    """The input the page says it shows (markdown escapes undone): Activations' layer
    heading, Attributions' caption."""
    for m in at.markdown:
        if m.value.startswith("#### Layer by layer, for "):
            return plain(m.value.removeprefix("#### Layer by layer, for "))
    for c in at.caption:
        if c.value.startswith("Input: "):
            text = c.value.removeprefix("Input: ").split(". The model predicts")[0]
            return plain(text)
    raise AssertionError("the page names no input")


def _radio(at: AppTest, label: str):
    return next(r for r in at.radio if r.label == label)


def _number(at: AppTest, starts: str):
    return next(n for n in at.number_input if n.label.startswith(starts))


def _tour(at: AppTest, expected: str) -> None:
    """Attributions, Activations, each other page and back: the same input everywhere."""
    for page in (ATTRIBUTIONS, ACTIVATIONS, *ELSEWHERE, ATTRIBUTIONS, "views/home.py",
                 ACTIVATIONS):
        _go(at, page)
        if page in (ACTIVATIONS, ATTRIBUTIONS):
            assert _input(at) == expected, page


def test_a_test_sample_is_shared_and_survives_page_switches():
    at = open_page(ACTIVATIONS, _shapes())
    _number(at, "Sample index").set_value(17).run()
    expected = _input(at)
    assert expected.startswith("sample 17: ")
    _tour(at, expected)
    assert _number(at, "Sample index").value == 17


def test_a_class_and_member_are_shared():
    at = open_page(ATTRIBUTIONS, _shapes())
    _radio(at, "Input").set_value("By class").run()
    at.selectbox(key="attributions_shapes_class").set_value(2).run()
    _number(at, "Which one").set_value(3).run()
    expected = _input(at)
    _tour(at, expected)
    assert _radio(at, "Input").value == "By class"
    assert at.selectbox(key="activations_shapes_class").value == 2
    assert _number(at, "Which one").value == 3


def test_the_second_misclassified_example_is_shared():
    at = open_page(ACTIVATIONS, _shapes())
    _radio(at, "Input").set_value("Misclassified").run()
    box = at.selectbox(key="activations_shapes_wrong")
    second = int(box.options[1].split(":")[0].lstrip("#"))  # "#12: is circle, predicted …"
    box.set_value(second).run()
    expected = _input(at)
    assert expected.startswith(f"sample {second}: ")
    assert "predicted" in expected
    _tour(at, expected)


def test_a_point_on_the_plane_is_shared():
    at = open_page(ACTIVATIONS, PRESETS["spiral"].spec().with_train(device="cpu"))
    _radio(at, "Input").set_value("Point on the plane").run()
    at.slider(key="activations_spiral_px").set_value(0.5).run()
    at.slider(key="activations_spiral_py").set_value(-0.25).run()
    _go(at, "views/home.py")
    _go(at, ATTRIBUTIONS)
    assert at.slider(key="attributions_spiral_px").value == pytest.approx(0.5)
    assert at.slider(key="attributions_spiral_py").value == pytest.approx(-0.25)
    assert "the point (0.50, -0.25)" in _input(at)
    _go(at, "views/train.py")
    _go(at, ACTIVATIONS)
    assert _input(at) == "the point (0.50, -0.25)"


def _png() -> bytes:
    paper = np.full((64, 64), 255, np.uint8)
    paper[16:48, 16:48] = 0
    buf = io.BytesIO()
    Image.fromarray(paper, "L").save(buf, format="PNG")
    return buf.getvalue()


def test_an_uploaded_picture_is_shared_and_decoded_once(monkeypatch):
    import playground.ui.inputs as inputs

    decoded = []
    real = inputs.image_to_input
    monkeypatch.setattr(inputs, "image_to_input",
                        lambda *a, **k: decoded.append(1) or real(*a, **k))
    at = open_page(ACTIVATIONS, _shapes())
    _radio(at, "Input").set_value("Uploaded image").run()
    at.file_uploader[0].set_value(("square.png", _png(), "image/png")).run()
    _radio(at, "Colours").set_value("invert").run()
    expected = _input(at)
    assert expected == "the uploaded image square.png"
    _tour(at, expected)
    assert any("uploaded earlier" in c.value for c in at.caption)
    assert _radio(at, "Colours").value == "invert"
    assert len(decoded) == 2  # once as "auto", once inverted; never again on a page switch


def test_a_choice_that_no_longer_fits_is_reset_with_a_caption():
    at = open_page(ACTIVATIONS, _shapes())
    _number(at, "Sample index").set_value(200).run()
    _go(at, "views/home.py")
    at.session_state["session"].apply(_shapes(n_samples=100))  # 20 test samples now
    _go(at, ATTRIBUTIONS)
    assert any("200 does not exist" in c.value for c in at.caption)
    assert _input(at).startswith("sample 0: ")
    _go(at, ACTIVATIONS)
    assert _input(at).startswith("sample 0: ")
    assert not any("does not exist" in c.value for c in at.caption)


def test_another_kind_of_data_resets_the_choice():
    at = open_page(ACTIVATIONS, PRESETS["spiral"].spec().with_train(device="cpu"))
    _radio(at, "Input").set_value("Point on the plane").run()
    at.session_state["session"].apply(_shapes())
    _go(at, ATTRIBUTIONS)
    assert any("chosen input was reset" in c.value for c in at.caption)
    assert _radio(at, "Input").value == "Test sample"
