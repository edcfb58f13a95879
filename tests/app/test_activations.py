"""The Activations page through AppTest: a 2D, an image and a tabular model, the input
picker's modes (an uploaded synthetic picture included), the health view and a bad spec."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from opening import open_page
from PIL import Image
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS

PAGE = "views/activations.py"


def _open(spec) -> AppTest:
    return open_page(PAGE, spec)


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _array(value) -> np.ndarray:
    """Plotly writes numpy arrays as typed arrays: {"dtype", "bdata" (base64), "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if isinstance(shape, str):
            shape = [int(s) for s in shape.split(",")]
        return flat.reshape(shape) if shape else flat
    return np.array(value, dtype=float)


def _title(fig: dict) -> str:
    title = fig["layout"].get("title") or ""
    return title if isinstance(title, str) else title.get("text", "")


def _titles(at: AppTest) -> list[str]:
    return [_title(f) for f in _figures(at)]


def _radio(at: AppTest, label: str):
    return next(r for r in at.radio if r.label == label)


def test_spiral_shows_neurons_over_the_plane_and_the_decision_surface():
    at = _open(PRESETS["spiral"].spec())
    titles = _titles(at)
    assert "Layer 1: linear + relu" in titles and "Layer 3: linear + relu" in titles
    assert "Decision surface (output head)" in titles
    thumbs = _figures(at)[0]["data"][0]
    assert _array(thumbs["z"]).shape[0] > 40  # 8 rows of 40×40 neuron planes
    assert any("untrained" in i.value for i in at.info)
    _radio(at, "Input").set_value("Point on the plane").run()
    assert not at.exception
    head = next(f for f in _figures(at) if _title(f).startswith("Decision"))
    assert any(t.get("name") == "chosen input" for t in head["data"])


def test_shapes_cnn_shows_filters_feature_maps_and_receptive_fields():
    at = _open(PRESETS["shapes_cnn"].spec())
    titles = _titles(at)
    assert titles.count("Learned filters") == 2
    assert "Feature maps (8 channels)" in titles and "Feature maps (16 channels)" in titles
    assert "Class probabilities" in titles
    text = " ".join(m.value for m in at.markdown)
    assert "3×3 patch of the 16×16 input" in text and "10×10 patch" in text
    assert "whole 16×16 input" in text
    at.toggle[0].set_value(True).run()  # filters per input channel
    assert not at.exception
    per_input = [f for f in _figures(at) if _title(f) == "Learned filters"]
    assert "input channels" in per_input[1]["layout"]["xaxis"]["title"]["text"]


def test_an_uploaded_synthetic_picture_is_what_the_layers_receive():
    at = _open(PRESETS["shapes_cnn"].spec())
    _radio(at, "Input").set_value("Uploaded image").run()
    paper = np.full((64, 64), 255, np.uint8)
    paper[16:48, 16:48] = 0  # a dark square on white paper
    buf = io.BytesIO()
    Image.fromarray(paper, "L").save(buf, format="PNG")
    at.file_uploader[0].set_value(("square.png", buf.getvalue(), "image/png")).run()
    assert not at.exception
    first = _figures(at)[0]
    assert _title(first) == "Input: the uploaded image square.png"
    raw = _array(first["data"][0]["customdata"])[..., 1]
    assert raw[8, 8] > 0.99 and raw[0, 0] == 0.0  # inverted: bright square, dark paper


def test_the_drawing_mode_renders_with_or_without_the_canvas_component():
    at = _open(PRESETS["shapes_cnn"].spec())
    _radio(at, "Input").set_value("Drawing").run()
    assert not at.exception
    titles = _titles(at)
    assert any(t.startswith("Input: an empty canvas") or "no picture yet" in t for t in titles)


def test_wine_shows_the_row_in_original_units_and_bars_per_layer():
    at = _open(PRESETS["wine_mlp"].spec())
    assert at.dataframe, "the chosen row is shown as a table"
    frame = at.dataframe[0].value
    assert list(frame["feature"])[:2] == ["alcohol", "malic_acid"]
    assert frame["value"].iloc[0] > 5  # alcohol in % by volume, not standardised
    figs = _figures(at)
    assert figs[0]["layout"]["xaxis"]["title"]["text"] == "feature"
    assert any(_title(f).startswith("Activations (") for f in figs)
    _radio(at, "Input").set_value("Misclassified").run()
    assert not at.exception


@pytest.mark.parametrize("preset", ["spiral", "shapes_cnn", "wine_mlp"])
def test_the_health_view_shows_dead_units_saturation_and_gradients(preset):
    at = _open(PRESETS[preset].spec())
    at.segmented_control[0].set_value("Health").run()
    assert not at.exception
    figs = _figures(at)
    assert len(figs) == 2
    annotations = [a["text"] for a in figs[0]["layout"]["annotations"]]
    assert annotations == ["Dead ReLU units", "Saturated tanh/sigmoid values",
                           "Gradient norm (last step)"]
    assert any("No gradients yet" in c.value for c in at.caption)


def test_an_invalid_network_says_why_and_links_to_build():
    spec = PRESETS["shapes_cnn"].spec().with_layers([{"type": "conv2d", "channels": 2,
                                                      "kernel_size": 3, "stride": 1,
                                                      "padding": 1}])
    at = _open(spec)
    assert at.error and "flatten" in at.error[0].value
    assert not at.get("plotly_chart")


def test_an_upload_name_is_shown_literally_not_as_markdown():
    at = _open(PRESETS["shapes_cnn"].spec())
    _radio(at, "Input").set_value("Uploaded image").run()
    buf = io.BytesIO()
    Image.fromarray(np.zeros((16, 16), np.uint8), "L").save(buf, format="PNG")
    name = "![x](https://evil.example/a.png).png"
    at.file_uploader[0].set_value((name, buf.getvalue(), "image/png")).run()
    assert not at.exception
    heading = next(m.value for m in at.markdown if m.value.startswith("#### Layer by layer"))
    assert "](https" not in heading and r"\!\[x\]\(https" in heading
