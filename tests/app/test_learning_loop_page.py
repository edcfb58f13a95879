"""The Learning loop page through AppTest: a real step on the session's run, every stage
rendered for each kind of data, Next/Back, the run-the-loop tick and the hand-over."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from opening import open_page
from streamlit.runtime.caching.cache_resource_api import clear_session_cache
from streamlit.testing.v1 import AppTest

from playground.learning_loop import STAGES
from playground.presets import PRESETS

PAGE = "views/learning_loop.py"


@pytest.fixture(autouse=True)
def fresh_session():
    clear_session_cache("test session id")
    yield
    clear_session_cache("test session id")


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def take(at: AppTest) -> AppTest:
    at.button(key="loop.take").click().run()
    return ok(at)


def stage(at: AppTest, name: str) -> AppTest:
    at.radio(key="loop.stage").set_value(name).run()
    return ok(at)


def record(at: AppTest):
    return at.session_state["loop.record"]


def test_before_a_step_the_page_says_what_to_do():
    at = open_page(PAGE, PRESETS["xor"].spec())
    assert any("Take one step" in i.value for i in at.info)


@pytest.mark.parametrize("preset", ["xor", "digits_cnn", "wine_mlp", "reverse_attention",
                                    "circles_features", "gaussian_regression", "sine_curve"])
def test_every_stage_renders_after_a_real_step(preset):
    at = take(open_page(PAGE, PRESETS[preset].spec()))
    rec = record(at)
    assert rec.step.step == 1
    for name in STAGES:
        stage(at, name)
        assert any(name in m.value for m in at.markdown), name
    assert any("Batch loss before the update" == m.label for m in at.metric)


def test_the_steps_train_the_sessions_own_run():
    at = take(take(open_page(PAGE, PRESETS["spiral"].spec())))
    assert record(at).step.step == 2
    at.switch_page("views/train.py").run()
    ok(at)
    steps = [m.value for m in at.metric if m.label == "Step"]
    assert steps == ["2"]


def test_next_and_back_walk_the_stages():
    at = take(open_page(PAGE, PRESETS["xor"].spec()))
    assert at.radio(key="loop.stage").value == STAGES[0]
    at.button(key="loop.next").click().run()
    assert ok(at).radio(key="loop.stage").value == STAGES[1]
    at.button(key="loop.next").click().run()
    at.button(key="loop.back").click().run()
    assert ok(at).radio(key="loop.stage").value == STAGES[1]


def test_the_loss_stage_shows_minus_log_of_the_right_class_probability():
    at = stage(take(open_page(PAGE, PRESETS["xor"].spec())), "Prediction and loss")
    step = record(at).step
    p = step.probabilities[0, step.y[0]]
    text = " ".join(m.value for m in at.markdown)
    assert f"−ln {p:.3f} = **{step.losses[0]:.4f}**" in text
    assert f"**{step.loss_before:.4f}**" in text


def test_the_update_stage_states_the_rule_and_checks_it():
    spec = PRESETS["xor"].spec().with_train(optimizer="sgd", lr=0.1)
    at = stage(take(open_page(PAGE, spec)), "Update")
    text = " ".join(m.value for m in at.markdown)
    assert "new w = w − lr × gradient" in text and "lr = 0.1" in text
    assert "actually made to within" in text
    p = record(at).step.params[0]
    np.testing.assert_allclose(p.update, -0.1 * p.grad, rtol=1e-5, atol=1e-7)


def test_the_batch_size_is_the_learners():
    at = open_page(PAGE, PRESETS["xor"].spec())
    at.number_input(key="loop.batch").set_value(3).run()
    take(at)
    assert len(record(at).step.indices) == 3


def test_running_the_loop_takes_a_step_each_tick_and_stop_ends_it():
    at = take(open_page(PAGE, PRESETS["xor"].spec()))
    at.button(key="loop.run").click().run()  # the fragment runs once per run()
    ok(at)
    assert record(at).step.step == 2
    at.run()
    assert record(at).step.step == 3
    at.button(key="loop.stop").click().run()
    ok(at)
    assert at.session_state["loop.running"] is None
    assert len(at.session_state["loop.trail"]) == 3


def test_train_on_hands_the_same_weights_to_the_train_page():
    at = take(open_page(PAGE, PRESETS["xor"].spec().with_train(epochs=1)))
    at.button(key="loop.train_on").click().run()
    ok(at)
    steps = [m.value for m in at.metric if m.label == "Step"]
    assert steps, "the Train page is open"
    assert int(steps[0].replace(",", "")) >= 1


def graph_trace(at: AppTest, heading: str, name: str) -> dict:
    """The named trace of the neuron drawing whose title starts with `heading`."""
    for chart in at.get("plotly_chart"):
        fig = json.loads(chart.proto.spec)
        if fig["layout"].get("title", {}).get("text", "").startswith(heading):
            return next(t for t in fig["data"] if t.get("name") == name)
    raise AssertionError(f"no drawing titled {heading!r}")


def numbers(hovertext: list[str]) -> np.ndarray:
    return np.array([float(re.findall(r"[−-]?\d+\.\d+$", t)[0].replace("−", "-"))
                     for t in hovertext])


def test_forward_colours_the_drawn_network_by_the_followed_examples_values():
    at = stage(take(open_page(PAGE, PRESETS["xor"].spec())), "Forward")
    at.selectbox(key="loop.example").set_value(2).run()
    rec = record(ok(at))
    nodes = graph_trace(at, "Example 2 through the network", "neurons")
    expected = np.concatenate([rec.step.x[2]] + [rec.step.layers[t][2] for t in
                                                 rec.graph.taps[1:]])
    np.testing.assert_allclose(numbers(nodes["hovertext"]), expected, atol=1e-3)


def test_backward_draws_autogradss_gradient_on_every_edge():
    at = stage(take(open_page(PAGE, PRESETS["xor"].spec())), "Backward")
    rec = record(at)
    edges = graph_trace(at, "The gradient on every edge", "edges")
    grads = {p.name: p.grad for p in rec.step.params}
    expected = np.concatenate([grads[f"{i}.weight"].ravel() for i in rec.graph.linears])
    assert all("∂loss/∂w" in t for t in edges["hovertext"])
    np.testing.assert_allclose(numbers(edges["hovertext"]), expected, atol=1e-3)


def test_a_network_too_big_to_draw_keeps_the_per_layer_views():
    at = stage(take(open_page(PAGE, PRESETS["digits_cnn"].spec())), "Backward")
    assert record(at).graph is None
    assert any(c.proto.spec and "Gradient norm" in c.proto.spec for c in at.get("plotly_chart"))


@pytest.mark.parametrize(("preset", "heading"), [("gaussian_regression", "Predicted surface"),
                                                 ("sine_curve", "Predicted curve")])
def test_did_it_help_shows_a_regressions_predictions_before_and_after(preset, heading):
    at = stage(take(open_page(PAGE, PRESETS[preset].spec())), "Did it help?")
    rec = record(at)
    assert rec.before is not None and not np.allclose(rec.before, rec.after)
    titles = [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "")
              for c in at.get("plotly_chart")]
    assert any(t.startswith(f"{heading} before") for t in titles), titles
    assert any(t.startswith(f"{heading} after") for t in titles), titles
