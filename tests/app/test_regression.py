"""Regression through the pages (AppTest): Build previews the targets and switches the loss
with the dataset's task; Train steps, shows RMSE and R² (not accuracy) and the predicted
surface or curve; Activations and Attributions explain the one output; Black box says which
experiments need a classifier; the sidebar sums it up."""

from __future__ import annotations

import json

import pytest
from opening import APP, current_spec, open_page
from streamlit.runtime.caching.cache_resource_api import clear_session_cache
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.spec import Spec
from playground.ui.text import plain

SMALL_PLANE = Spec.from_dict({
    "dataset": {"name": "plane", "params": {"n_samples": 200, "noise": 0.1}},
    "layers": [{"type": "linear", "units": 4}, {"type": "tanh"}],
    "train": {"lr": 0.03, "epochs": 5, "device": "cpu"}})


@pytest.fixture(autouse=True)
def fresh_session():
    clear_session_cache("test session id")  # each test's runner is its own
    yield
    clear_session_cache("test session id")


def _spec(name: str) -> Spec:
    return PRESETS[name].spec().with_train(device="cpu")


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _titles(at: AppTest) -> list[str]:
    out = []
    for fig in _figures(at):
        t = fig["layout"].get("title") or ""
        out.append(t if isinstance(t, str) else t.get("text", ""))
    return out


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _captions(at: AppTest) -> str:
    return plain(" ".join(c.value for c in at.caption))


# --- Build ---------------------------------------------------------------------------------

@pytest.mark.parametrize("preset,trace", [("gaussian_regression", "scattergl"),
                                          ("sine_curve", "scattergl")])
def test_build_page_previews_targets_and_a_one_unit_head(preset, trace):
    at = _ok(open_page("views/build.py", _spec(preset)))
    preview_fig = _figures(at)[0]  # the data preview comes before the network diagram
    preview = preview_fig["data"][0]
    assert preview["type"] == trace
    if preset == "gaussian_regression":  # points coloured by target, with a colour bar
        assert "colorbar" in preview["marker"] and "colorscale" in preview["marker"]
    else:  # target against x
        assert preview_fig["layout"]["yaxis"]["title"]["text"] == "target"
    captions = _captions(at)
    assert "regression" in captions and "classes" not in captions.split("·")[-1]
    table = next(df.value for df in at.dataframe if "Status" in df.value.columns)
    assert list(table["Output"])[-1] == "1"
    assert "1 unit (the predicted number)" in captions


def test_changing_the_dataset_to_a_regression_one_switches_the_loss_and_back():
    at = _ok(open_page("views/build.py", _spec("spiral")))
    layers = current_spec(at).layers
    name = next(w for w in at.selectbox if w.key and w.key.endswith(".name"))
    name.set_value("gaussian").run()
    _ok(at)
    spec = current_spec(at)
    assert spec.dataset.name == "gaussian" and spec.train.loss == "mse"
    assert spec.layers == layers  # the network is kept
    name = next(w for w in at.selectbox if w.key and w.key.endswith(".name"))
    name.set_value("moons").run()
    assert _ok(at) and current_spec(at).train.loss == "cross_entropy"


def test_a_link_with_a_loss_that_does_not_fit_says_why():
    # A token is just the spec's JSON; this one pairs a regression dataset with cross-entropy.
    bad = SMALL_PLANE.to_dict()
    bad["train"]["loss"] = "cross_entropy"
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["spec"] = _token(bad)
    at.run()
    assert not at.exception
    warnings = plain(" ".join(w.value for w in at.sidebar.warning))
    assert "mse" in warnings and "huber" in warnings and "regression" in warnings


def _token(spec_dict: dict) -> str:
    import base64
    import zlib

    raw = json.dumps(spec_dict, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


# --- Train ---------------------------------------------------------------------------------

@pytest.mark.parametrize("preset,view", [("gaussian_regression", "heatmap"),
                                         ("sine_curve", "lines")])
def test_train_page_steps_and_shows_rmse_and_r2(preset, view):
    at = _ok(open_page("views/train.py", _spec(preset)))
    assert _metric(at, "Test RMSE") == "–" and _metric(at, "Test R²") == "–"
    assert not any(m.label == "Test accuracy" for m in at.metric)
    assert at.selectbox(key="train.loss").options == ["mse", "huber"]
    at.button(key="train.epoch").click().run()
    _ok(at)
    assert int(_metric(at, "Step").replace(",", "")) > 0
    rmse, r2 = float(_metric(at, "Test RMSE")), float(_metric(at, "Test R²"))
    assert rmse > 0 and r2 <= 1
    titles = _titles(at)
    assert "Loss" in titles and any(t.startswith("R²") for t in titles)
    assert any(t.startswith("RMSE") for t in titles)
    assert not any(t in ("Accuracy",) or t.startswith("Decision boundary") for t in titles)
    figs = _figures(at)
    loss_fig = figs[titles.index("Loss")]
    assert loss_fig["layout"]["yaxis"]["title"]["text"] == "mean squared error"
    if view == "heatmap":
        surface = figs[next(i for i, t in enumerate(titles) if t.startswith("Predicted value"))]
        assert surface["data"][0]["type"] == "heatmap"
        assert surface["data"][0]["colorscale"][1][1].upper() == "#F7F7F7"  # diverging
    else:
        curve = figs[next(i for i, t in enumerate(titles) if t.startswith("Predicted curve"))]
        assert curve["data"][-1]["mode"] == "lines" and curve["data"][-1]["name"] == "prediction"
    sidebar = plain(" ".join(c.value for c in at.sidebar.caption))
    assert "a number (regression)" in sidebar and "head(1)" in sidebar
    assert "test RMSE" in sidebar and "R²" in sidebar


def test_train_page_switches_to_huber():
    at = _ok(open_page("views/train.py", SMALL_PLANE))
    at.selectbox(key="train.loss").set_value("huber").run()
    _ok(at)
    assert current_spec(at).train.loss == "huber"
    at.button(key="train.epoch").click().run()
    _ok(at)
    titles = _titles(at)
    assert _figures(at)[titles.index("Loss")]["layout"]["yaxis"]["title"]["text"] == \
        "Huber loss"


# --- Activations and Attributions ----------------------------------------------------------

def test_activations_on_the_plane_end_in_the_predicted_surface():
    at = _ok(open_page("views/activations.py", SMALL_PLANE))
    titles = _titles(at)
    assert "Predicted surface (output head)" in titles
    assert "Prediction (the head's one output)" in titles
    assert not any("probabilities" in t.lower() for t in titles)


def test_activations_on_the_sine_curve_and_its_largest_errors():
    at = _ok(open_page("views/activations.py", _spec("sine_curve")))
    radio = at.radio(key="activations_sine_mode")
    assert radio.options == ["Test sample", "Largest errors", "Point on the plane"]
    assert "Prediction (the head's one output)" in _titles(at)
    radio.set_value("Largest errors").run()
    _ok(at)
    worst = at.selectbox(key="activations_sine_worst")
    assert len(worst.options) == 20 and "off by" in worst.options[0]
    at.radio(key="activations_sine_mode").set_value("Point on the plane").run()
    _ok(at)
    assert [s.label for s in at.slider] == ["x"]


@pytest.mark.parametrize("spec_name", ["plane", "sine_curve"])
def test_attributions_explain_the_predicted_number(spec_name):
    spec = SMALL_PLANE if spec_name == "plane" else _spec(spec_name)
    at = _ok(open_page("views/attributions.py", spec))
    assert "Explaining the predicted number" in _captions(at)
    assert not any(r.key == "attr_target" for r in at.radio)  # no class to choose
    assert any("of the predicted number" in t for t in _titles(at))
    views = at.segmented_control(key="attr_view").options
    for view in views[1:]:
        at.segmented_control(key="attr_view").set_value(view).run()
        _ok(at)
    at.segmented_control(key="attr_view").set_value(views[0]).run()
    at.selectbox(key="attr_method").set_value("integrated_gradients").run()
    _ok(at)
    assert any(m.label == "f(x) − f(baseline)" for m in at.metric)


# --- Black box -----------------------------------------------------------------------------

def test_black_box_says_its_experiments_need_a_classifier():
    at = _ok(open_page("views/black_box.py", SMALL_PLANE))
    radio = at.radio(key="bb.interpretable.source")
    assert "user" not in radio.options  # the presets are still offered
    assert "only makes sense for a classifier" in _captions(at)
    at.segmented_control(key="bb.section").set_value("calibration").run()
    _ok(at)
    assert "user" not in at.radio(key="bb.calibration.source").options
    assert "regression on plane" in _captions(at)
