"""The black-box page: every section renders; experiments run in the background and their
results appear; the closing questions pick up what was found."""

import json
import time

import pytest
from opening import open_page
from streamlit.testing.v1 import AppTest

from playground.blackbox import EXPERIMENTS
from playground.presets import PRESETS


def _page(spec=None) -> AppTest:
    return open_page("views/black_box.py", spec)


def _wait_for_charts(at: AppTest, count: int = 1, tries: int = 120) -> None:
    """Rerun (each run ticks the progress fragment once) until the results are drawn."""
    for _ in range(tries):
        if len(at.get("plotly_chart")) >= count or at.error:
            return
        time.sleep(0.25)
        at.run()
    raise AssertionError("the experiment did not finish")


def _figure(at: AppTest, index: int) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def test_page_renders_the_first_section_and_the_questions():
    at = _page()
    assert at.title[0].value == "The black box"
    heads = [s.value for s in at.subheader]
    assert heads == [EXPERIMENTS["interpretable"].title, "Before you trust a model, ask"]
    questions = "".join(m.value for m in at.markdown)
    assert all(e.question in questions for e in EXPERIMENTS.values())


@pytest.mark.parametrize("name", [n for n in EXPERIMENTS if n != "interpretable"])
def test_every_section_renders_its_controls(name):
    at = _page()
    at.segmented_control(key="bb.section").set_value(name).run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == EXPERIMENTS[name].title
    assert any(b.label.startswith(("Run", "Measure")) for b in at.button)


def test_interpretable_run_on_circles_shows_crosses_win():
    at = _page()
    at.radio(key="bb.interpretable.source").set_value("circles").run()
    at.number_input(key="bb.interpretable.circles.epochs").set_value(5).run()
    at.button(key="bb.interpretable.run").click().run()
    _wait_for_charts(at, 2)
    assert not at.exception and not at.error
    bars = _figure(at, 0)["data"]
    assert list(bars[1]["x"]) == ["Logistic regression", "Logistic regression + crosses",
                                  "Decision tree (depth 3)", "Neural network"]
    assert "|---" in at.code[0].value  # the tree's printed rules
    assert any("You found" in m.value for m in at.markdown)


def test_users_model_is_offered_and_untrained_weights_are_warned_about():
    at = _page(PRESETS["circles"].spec())
    radio = at.radio(key="bb.interpretable.source")
    assert radio.options[0].startswith("Your current model") and radio.value == "user"
    assert any("untrained" in w.value for w in at.warning)
    at.segmented_control(key="bb.section").set_value("robustness").run()
    assert "user" not in at.radio(key="bb.robustness.source").options  # needs images
    assert any("needs image data" in c.value for c in at.caption)


def test_calibration_run_shows_reliability_before_and_after():
    at = _page()
    at.segmented_control(key="bb.section").set_value("calibration").run()
    at.radio(key="bb.calibration.source").set_value("circles").run()
    at.number_input(key="bb.calibration.circles.epochs").set_value(5).run()
    at.button(key="bb.calibration.run").click().run()
    _wait_for_charts(at, 2)
    assert not at.exception and not at.error
    names = [t["name"] for t in _figure(at, 1)["data"]]
    assert names[0].startswith("before (ECE") and names[1].startswith("after T =")
    assert len(at.metric) == 2  # real test inputs, points far from the data


def test_attack_runs_on_the_users_own_image_model():
    at = _page(PRESETS["digits_mlp"].spec())
    at.segmented_control(key="bb.section").set_value("robustness").run()
    radio = at.radio(key="bb.robustness.source")
    assert radio.value == "user"
    assert not any(n.label == "epochs" for n in at.number_input)  # nothing is trained
    at.button(key="bb.robustness.attack.run").click().run()
    _wait_for_charts(at, 2)
    assert not at.exception and not at.error
    titles = [_figure(at, i)["layout"]["title"]["text"] for i in range(2)]
    assert titles[0].startswith("One adversarial example") and "FGSM" in titles[1]


def test_every_experiment_has_a_section():
    from playground.ui.blackbox_experiments import SECTIONS

    assert set(SECTIONS) == set(EXPERIMENTS)


def _verdicts(at: AppTest) -> list[str]:
    return [m.value for m in (*at.success, *at.warning, *at.info)
            if "passes" in m.value or "flagged" in m.value or "cannot be judged" in m.value]


def _run_sanity_on_a_preset(at: AppTest) -> AppTest:
    """A one-epoch digits MLP, two examples: the quickest full sanity run."""
    at.segmented_control(key="bb.section").set_value("sanity").run()
    at.radio(key="bb.sanity.source").set_value("digits_mlp").run()
    at.number_input(key="bb.sanity.digits_mlp.epochs").set_value(1).run()
    at.number_input(key="bb.sanity.digits_mlp.examples").set_value(2).run()
    at.button(key="bb.sanity.run").click().run()
    _wait_for_charts(at, 2)
    return at


def test_sanity_run_judges_each_method_and_draws_the_curves():
    at = _run_sanity_on_a_preset(_page())
    assert not at.exception and not at.error
    assert len(_verdicts(at)) == 3  # saliency, input × gradient, integrated gradients
    assert _figure(at, 0)["layout"]["title"]["text"].startswith("Do the maps change")
    assert any("Flagged" in m.value or "No method" in m.value for m in at.markdown)


def test_a_presets_result_is_not_shown_under_the_users_model():
    """Measured: a sanity run on a preset was shown under "your current model"."""
    at = _run_sanity_on_a_preset(_page(PRESETS["digits_mlp"].spec()))
    assert _verdicts(at) and any("on the digits_mlp preset, trained 1 epoch" in c.value
                                 for c in at.caption)
    at.radio(key="bb.sanity.source").set_value("user").run()
    assert not at.exception and not at.error
    assert not _verdicts(at) and not at.get("plotly_chart")
    assert any("The last run here was on the digits_mlp preset" in c.value for c in at.caption)
    # the closing questions name the model the finding came from
    assert any("You found, on the digits_mlp preset, trained 1 epoch" in m.value
               for m in at.markdown)
    at.radio(key="bb.sanity.source").set_value("digits_mlp").run()
    assert _verdicts(at) and len(at.get("plotly_chart")) >= 2  # back under its own model


def test_a_result_on_the_users_model_is_labelled_once_it_trains_and_hidden_once_replaced():
    at = _page(PRESETS["digits_mlp"].spec())
    at.segmented_control(key="bb.section").set_value("robustness").run()
    at.button(key="bb.robustness.attack.run").click().run()
    _wait_for_charts(at, 2)
    assert not any("has trained since" in w.value for w in at.warning)
    assert any("on your model, run" in c.value and "step 0." in c.value for c in at.caption)
    session = at.session_state["session"]
    assert session.runner().step(3) is None
    at.run()
    stale = [w.value for w in at.warning if "has trained since" in w.value]
    assert len(stale) == 1 and "step 0" in stale[0] and "now at step 3" in stale[0]
    assert len(at.get("plotly_chart")) >= 2  # still shown, as from that earlier state
    session.reset()  # a new run: the old result describes a model that is gone
    at.run()
    assert not at.exception and not at.get("plotly_chart")
    assert any("has been replaced" in c.value for c in at.caption)
