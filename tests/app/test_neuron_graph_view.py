"""The Activations page draws a small dense 2D net as neurons and edges, TF Playground
style, and a weight set by hand (the selectbox path: chart clicks do not run in AppTest)
lands in the session's real model and redraws the page."""

from __future__ import annotations

import json

import pytest
from opening import open_page
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.ui.neuron_graph_view import TARGET_KEY
from playground.viz.neuron_graph import BIAS_TRACE, EDGE_TRACE

PAGE = "views/activations.py"


def _graph(at: AppTest) -> dict:
    for chart in at.get("plotly_chart"):
        fig = json.loads(chart.proto.spec)
        if any(t.get("name") == EDGE_TRACE for t in fig["data"]):
            return fig
    raise AssertionError("no neuron graph on the page")


def _trace(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def _model(at: AppTest):
    return at.session_state["session"].runner().trainer.model


def test_features_net_is_drawn_with_its_input_features_and_thumbnails():
    at = open_page(PAGE, PRESETS["circles_features"].spec())
    fig = _graph(at)
    assert fig["layout"]["xaxis"]["ticktext"] == ["features", "output"]
    assert _trace(fig, "labels")["text"] == ["x²", "y²", "class 0", "class 1"]
    assert len(fig["layout"]["images"]) == 4  # x², y² and both outputs over the plane
    edges = _trace(fig, EDGE_TRACE)
    w = _model(at)[1].weight.detach().numpy()
    assert len(edges["hovertext"]) == 4
    assert f"{w[1, 0]:.3f}".replace("-", "−") in edges["hovertext"][2]


def test_setting_a_weight_by_hand_changes_the_model_and_the_drawing():
    at = open_page(PAGE, PRESETS["circles_features"].spec())
    version = at.session_state["session"].runner().version
    box = next(s for s in at.selectbox if s.label == "Edge or bias to set")
    box.set_value((0, 1, 0)).run()
    value = next(n for n in at.number_input if n.label == "New value")
    value.set_value(2.5).run()
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.exception, [e.value for e in at.exception]
    model = _model(at)
    assert model[1].weight[1, 0].item() == pytest.approx(2.5)
    assert at.session_state["session"].runner().version == version + 1
    assert any("to 2.500" in s.value for s in at.success)
    edges = _trace(_graph(at), EDGE_TRACE)
    assert "output, " in edges["hovertext"][2] and "weight 2.500" in edges["hovertext"][2]
    assert at.session_state[TARGET_KEY] == (0, 1, 0)


def test_a_bias_can_be_set_and_a_cnn_gets_no_drawing():
    at = open_page(PAGE, PRESETS["xor"].spec())
    box = next(s for s in at.selectbox if s.label == "Edge or bias to set")
    box.set_value((0, 0, -1)).run()  # layer 1, unit 1's bias
    next(n for n in at.number_input if n.label == "New value").set_value(-1.25).run()
    next(b for b in at.button if b.label == "Apply").click().run()
    assert not at.exception
    index = at.session_state["session"].runner().trainer.report.rows[0].index
    assert _model(at)[index].bias[0].item() == pytest.approx(-1.25)
    assert "bias −1.250" in _trace(_graph(at), BIAS_TRACE)["hovertext"][0]
    cnn = open_page(PAGE, PRESETS["shapes_cnn"].spec())
    assert not any(s.label == "Edge or bias to set" for s in cnn.selectbox)


def test_a_click_is_read_from_the_selected_points_customdata():
    from playground.ui.neuron_graph_view import clicked

    node = {"curve_number": 9, "point_index": 0, "x": 0, "y": 0}
    edge = {"curve_number": 10, "point_index": 3, "customdata": [1, 0, 2]}
    assert clicked({"selection": {"points": [node, edge]}}) == (1, 0, 2)
    assert clicked({"selection": {"points": [{"customdata": [0, 2, -1]}]}}) == (0, 2, -1)
    assert clicked({"selection": {"points": [node]}}) is None
    assert clicked(None) is None and clicked({}) is None


def test_edges_show_last_step_gradients_once_trained():
    at = open_page(PAGE, PRESETS["circles_features"].spec())
    runner = at.session_state["session"].runner()
    runner.step(3)
    at.run()
    control = next(s for s in at.get("button_group") if s.label == "Edges show")
    control.set_value("gradients").run()
    assert not at.exception
    grads = runner.trainer.model[1].weight.grad.numpy()
    text = _trace(_graph(at), EDGE_TRACE)["hovertext"][0]
    assert text.startswith("output, class 0 ← x²: ∂loss/∂w ")
    assert f"{grads[0, 0]:.3f}".replace("-", "−") in text


def test_a_live_run_offers_pause_and_an_applied_value_pauses_it():
    spec = PRESETS["circles_features"].spec().with_train(epochs=1000, batch_size=4)
    at = open_page(PAGE, spec)
    runner = at.session_state["session"].runner()
    assert runner.start() is None
    try:
        at.run()
        assert any("Training live" in c.value for c in at.caption)
        next(b for b in at.button if b.label == "Pause training").click().run()
        assert not runner.running and not at.exception
        assert not any(b.label == "Pause training" for b in at.button)
        runner.start()
        at.run()
        next(n for n in at.number_input if n.label == "New value").set_value(0.5).run()
        next(b for b in at.button if b.label == "Apply").click().run()
        assert not runner.running
        assert any("Training was paused" in s.value for s in at.success)
    finally:
        runner.pause()
