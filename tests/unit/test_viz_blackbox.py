"""Black-box figures: valid plotly, labelled axes, palette colours, the data they were given."""

import base64

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.viz import blackbox as fig
from playground.viz import brittleness as bfig
from playground.viz.palette import DIVERGING, OKABE_ITO


def arr(value) -> np.ndarray:
    """Plotly may store arrays as base64 typed arrays; decode them for assertions."""
    if isinstance(value, dict) and "bdata" in value:
        shape = [int(n) for n in str(value.get("shape", "-1")).split(",")]
        return np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"]).reshape(shape)
    return np.asarray(value)


def valid(figure: go.Figure) -> go.Figure:
    return go.Figure(figure.to_dict())  # re-validates every key


def test_accuracy_bars_hold_both_splits():
    d = valid(fig.accuracy_bars(["a", "b"], [0.9, 0.8], [0.7, 0.6]))
    assert [t.name for t in d.data] == ["train", "test"]
    assert list(arr(d.data[1].y)) == [0.7, 0.6]
    assert d.layout.yaxis.title.text == "accuracy"


def test_weights_as_bars_or_pixel_images():
    bars = valid(fig.weights_figure(np.array([[1.0, -2.0, 0.5]]), ["x", "y", "x²"],
                                    ["class 0", "class 1"]))
    assert list(bars.data[0].x) == ["y", "x", "x²"]  # biggest first
    assert bars.data[0].name == "towards class 1"
    pix = valid(fig.weights_figure(np.ones((3, 4)), [str(i) for i in range(4)], "abc",
                                   image_shape=(2, 2)))
    assert len(pix.data) == 3 and arr(pix.data[0].z).shape == (2, 2)


def test_correlation_curves_mark_flagged_methods_and_threshold():
    d = valid(fig.correlation_curves(["original", "↓ head"], {"a": np.array([1.0, 0.9]),
                                                             "b": np.array([1.0, 0.1])},
                                     {"a": True, "b": False}, 0.5, {"a": "A", "b": "B"}))
    names = [t.name for t in d.data]
    assert names == ["A — flagged", "B", "threshold 0.5"]
    assert d.data[0].line.dash == "dash" and list(d.data[2].y) == [0.5, 0.5]


@pytest.mark.parametrize("shape", [(2, 3, 4, 4), (2, 3, 5)])
def test_maps_grid_for_images_and_feature_vectors(shape):
    maps = {"m": np.random.default_rng(0).random(shape), "n": np.ones(shape)}
    d = valid(fig.maps_grid(maps, ["original", "↓ head"], example=1,
                            image=np.zeros((4, 4)) if len(shape) == 4 else None))
    per_row = 2 + (len(shape) == 4)
    assert len(d.data) == 2 * per_row
    assert max(arr(t.z).max() for t in d.data) <= 1.0  # each map scaled to its maximum


def test_shortcut_and_attention_figures():
    bars = valid(fig.shortcut_bars(["a", "b"], np.array([0.1, 0.9]), np.array([1.0, 0.9]), 0))
    assert bars.data[0].x[0] == "a (cue)"
    ex = valid(fig.shortcut_examples(np.zeros((3, 4, 4)), np.ones((3, 4, 4)),
                                     np.array([0, 0, 1]), ["a", "b"], 0))
    assert len(ex.data) == 6 and len(ex.layout.shapes) == 3  # the patch outlined on each input
    att = valid(fig.attention_ig_figure(np.eye(3), np.eye(3)[::-1] * 5, "abc", "cba",
                                        "layer 3"))
    assert arr(att.data[1].z).max() == 1.0
    agree = valid(fig.agreement_figure(np.array([[0.9, 0.2]]), ["layer 3"]))
    assert list(agree.data[0].y) == [0.9, 0.2]


def test_adversarial_triptych_magnifies_the_perturbation():
    x = np.zeros((1, 4, 4))
    adv = x + 0.05
    d = valid(bfig.adversarial_triptych(x, adv, "3", "8", 0.99, 0.7, 0.05))
    delta = d.data[1]
    assert delta.zmax == pytest.approx(0.05) and delta.colorscale[0][1] == DIVERGING[0][1]
    assert "×20" in d.layout.annotations[1].text and "ε = 0.05" in d.layout.title.text
    assert "adversarial: 8" in d.layout.annotations[2].text


def test_curves_histograms_and_reliability():
    s = np.linspace(0, 1, 3)
    curves = valid(bfig.shift_curves(s, {"noise": np.array([1, 0.8, 0.5]),
                                         "blur": np.array([1, 0.9, 0.7])}))
    assert [t.line.color for t in curves.data] == list(OKABE_ITO[:2])
    grid = valid(bfig.shift_examples({"noise": np.zeros((3, 4, 4))}, s))
    assert len(grid.data) == 3
    hist = valid(bfig.confidence_histogram(np.array([0.9, 1.0]), {"noise": np.array([0.8])}))
    assert hist.data[1].name.startswith("noise (mean 80%")
    edges = np.linspace(0, 1, 11)
    rel = valid(bfig.reliability_diagram(edges, np.full(10, np.nan), np.linspace(0, 1, 10),
                                         0.2, 0.05, 1.7))
    assert "ECE 0.200" in rel.data[0].name and "T = 1.70" in rel.data[1].name
    assert list(rel.data[2].x) == [0, 1]
    curve = valid(bfig.attack_curve(np.array([0, 0.1]), np.array([0.9, 0.3]), "FGSM", 0.1))
    assert curve.layout.shapes[0].x0 == 0.1
    cls = valid(bfig.class_accuracy_bars(["a", "b"], np.array([0.9, 0.9]),
                                         np.array([0.2, 0.9]), 0, np.array([10, 10]),
                                         np.array([1, 10])))
    assert cls.data[1].x[0] == "a (cut)"
