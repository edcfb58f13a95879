"""The Attributions page through AppTest: it renders for every data kind, its views run,
and a refused request shows a message instead of a traceback."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
from opening import open_page
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.spec import Spec
from playground.ui.text import plain

PAGE = "views/attributions.py"

SEQUENCE_SPEC = {
    "version": 1,
    "dataset": {"name": "brackets", "params": {"n_samples": 200, "pairs": 3},
                "test_fraction": 0.2, "seed": 0},
    "layers": [{"type": "embedding", "dim": 8},
               {"type": "gru", "hidden": 8, "layers": 1, "bidirectional": False},
               {"type": "readout", "mode": "last"}],
    "train": {"optimizer": "adam", "lr": 0.01, "batch_size": 32, "epochs": 1,
              "loss": "cross_entropy", "l1": 0.0, "l2": 0.0, "seed": 0, "device": "cpu"},
}


def _spec(name: str) -> Spec:
    if name == "sequence":
        return Spec.from_dict(json.loads(json.dumps(SEQUENCE_SPEC)))
    return PRESETS[name].spec().with_train(device="cpu")


def _open(spec: Spec) -> AppTest:
    return open_page(PAGE, spec)


def _array(value) -> np.ndarray:
    """A figure array as sent to the browser: plain lists or plotly's base64 'bdata'."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = [int(n) for n in str(value.get("shape", len(flat))).split(",")]
        return flat.reshape(shape)
    return np.asarray(value, float)


def _traces(at: AppTest, index: int = -1) -> list[dict]:
    return json.loads(at.get("plotly_chart")[index].proto.spec)["data"]


def _figure_types(at: AppTest) -> list[list[str]]:
    return [[t.get("type") for t in json.loads(c.proto.spec)["data"]]
            for c in at.get("plotly_chart")]


@pytest.mark.parametrize("name,trace", [("digits_cnn", "heatmap"), ("spiral", "bar"),
                                        ("wine_mlp", "bar"), ("sequence", "heatmap")])
def test_page_renders_for_each_data_kind(name: str, trace: str) -> None:
    at = _open(_spec(name))
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Attributions"
    figures = _figure_types(at)
    assert figures and trace in figures[0]


def test_integrated_gradients_shows_completeness_and_baseline_note() -> None:
    at = _open(_spec("digits_cnn"))
    at.selectbox(key="attr_method").set_value("integrated_gradients").run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "Sum of attributions" in labels and "f(x) − f(baseline)" in labels
    total, diff = (float(m.value) for m in at.metric[:2])
    assert abs(total - diff) < 0.05
    assert any("baseline changes" in c.value or "different answer" in c.value
               for c in at.caption)
    at.selectbox(key="attr_baseline").set_value("blur").run()
    assert not at.exception and not at.error


def test_compare_view_shows_grid_and_rank_matrix() -> None:
    at = _open(_spec("wine_mlp"))
    at.segmented_control(key="attr_view").set_value("Compare methods").run()
    assert not at.exception, at.exception
    rank = _traces(at)[0]
    z = _array(rank["z"])
    assert z.shape == (len(rank["x"]), len(rank["x"])) and len(rank["x"]) >= 7
    assert np.allclose(np.diag(z), 1.0)


def test_dataset_and_plane_views() -> None:
    at = _open(_spec("wine_mlp"))
    at.segmented_control(key="attr_view").set_value("Across the dataset").run()
    assert not at.exception and not at.error
    bars = _array(_traces(at)[0]["x"])
    assert len(bars) == 13 and bars.min() >= 0
    at = _open(_spec("spiral"))
    at.segmented_control(key="attr_view").set_value("Over the plane").run()
    assert not at.exception and not at.error
    panels = [t for t in _traces(at) if t["type"] == "heatmap"]
    assert len(panels) == 2


def test_over_cap_request_is_refused_with_a_message() -> None:
    at = _open(_spec("spiral"))
    at.selectbox(key="attr_method").set_value("integrated_gradients").run()
    at.number_input(key="attr.integrated_gradients.n_steps").set_value(500).run()
    at.segmented_control(key="attr_view").set_value("Over the plane").run()
    assert not at.exception
    assert any("n_steps" in plain(e.value) for e in at.error)  # as the page reads


def test_grad_cam_offers_convolution_layers_only() -> None:
    at = _open(_spec("digits_cnn"))
    at.selectbox(key="attr_method").set_value("grad_cam").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="attr_layer").options == ["layer 1 (conv2d, 8×8 maps)",
                                                      "layer 4 (conv2d, 4×4 maps)"]


def test_per_token_model_explains_the_chosen_position() -> None:
    spec = Spec.from_dict({**SEQUENCE_SPEC, "dataset": {
        "name": "reverse", "params": {"n_samples": 200, "length": 6, "vocab_size": 5},
        "test_fraction": 0.2, "seed": 0}, "layers": [
        {"type": "embedding", "dim": 8}, {"type": "positional_encoding", "mode": "learned"},
        {"type": "self_attention", "width": 8, "heads": 1, "causal": False}]})
    at = _open(spec)
    at.selectbox(key="attr_method").set_value("integrated_gradients").run()
    at.number_input(key="attr_position").set_value(2).run()
    at.radio(key="attr_target").set_value("true").run()
    assert not at.exception and not at.error
    token_row = _traces(at, 0)[0]
    assert token_row["type"] == "heatmap" and len(token_row["text"][0]) == 6
    total, diff = (float(m.value) for m in at.metric[:2])
    assert abs(total - diff) < 0.01


def test_noisy_methods_use_the_spec_seed_and_a_new_seed_recomputes(monkeypatch) -> None:
    import playground.ui.attributions_view as view

    seeds: list[int] = []
    real = view.attribute
    monkeypatch.setattr(view, "attribute",
                        lambda *a, **k: seeds.append(k.get("seed", 0)) or real(*a, **k))
    at = _open(_spec("wine_mlp").with_train(seed=7))
    at.selectbox(key="attr_method").set_value("gradient_shap").run()
    assert not at.exception and not at.error
    first = _array(_traces(at, 0)[0]["x"])
    assert seeds and set(seeds) == {7}
    calls = len(seeds)
    at.run()
    assert len(seeds) == calls, "an unchanged request is not recomputed"
    at.session_state["session"].apply(at.session_state["session"].spec.with_train(seed=8))
    at.run()
    assert not at.exception and seeds[-1] == 8
    assert not np.allclose(_array(_traces(at, 0)[0]["x"]), first)
