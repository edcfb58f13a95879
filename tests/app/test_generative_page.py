"""The Generative page: setup, slow-motion steps, training in the background, uploads."""

from __future__ import annotations

import json

from opening import open_page

from playground.generative.gan_presets import GAN_PRESETS

PAGE = "views/generative.py"


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def _plane(at):
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if "D's view" in json.loads(c.proto.spec)["layout"]["title"]["text"])


def test_page_opens_with_the_ring_preset_and_no_run():
    at = open_page(PAGE)
    assert at.session_state["gan.spec"] == GAN_PRESETS["gan_ring"].spec()
    assert any("Press **Train**" in c.value for c in at.caption)
    assert not [c for c in at.get("plotly_chart") if c.key and c.key.startswith("gan.")]


def test_slow_motion_steps_narrate_and_move_the_generated_points():
    at = open_page(PAGE)
    _button(at, "gan.d_step").click().run()
    assert "Discriminator step" in at.info[0].value
    before = _plane(at)
    trainer = at.session_state["gan.run"].trainer
    assert trainer.steps_done == 0  # a D step alone completes no step
    heat = before["data"][0]
    assert heat["type"] == "heatmap" and 0 <= min(map(min, heat["z"])) <= 1
    _button(at, "gan.g_step").click().run()
    assert "Generator step" in at.info[0].value
    assert at.session_state["gan.run"].trainer.steps_done == 1
    after = _plane(at)
    fake = [t for t in after["data"] if t.get("name") == "generated"][0]
    old = [t for t in before["data"] if t.get("name") == "generated"][0]
    assert fake["x"] != old["x"]  # one generator update moved its points
    assert any(t.get("name") == "generator's push" for t in after["data"])


def test_train_runs_in_the_background_and_pause_keeps_the_run():
    at = open_page(PAGE)
    at.number_input(key="gan.steps.0").set_value(100).run()
    _button(at, "gan.train").click().run()
    run = at.session_state["gan.run"]
    run_job = None
    for _ in range(100):
        at.run()
        run_job = run
        if run.trainer.finished:
            break
    assert run_job.trainer.steps_done == 100
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Generator steps"] == "100 / 100"
    assert metrics["Modes covered"].endswith("of 8")
    titles = [json.loads(c.proto.spec)["layout"]["title"]["text"]
              for c in at.get("plotly_chart")]
    assert {"Losses", "Quality"} <= set(titles)


def test_changing_a_setting_puts_the_run_aside():
    at = open_page(PAGE)
    _button(at, "gan.d_step").click().run()
    assert "gan.run" in at.session_state
    at.selectbox(key="gan.loss.0").set_value("least_squares").run()
    assert at.session_state["gan.spec"].settings["loss"] == "least_squares"
    assert "gan.run" not in at.session_state


def test_a_bad_pasted_spec_is_refused_with_a_message_and_the_spec_kept():
    at = open_page(PAGE)
    before = at.session_state["gan.spec"]
    at.text_area(key="gan.paste").set_value('{"kind": "gan", "target": "nowhere"}').run()
    _button(at, "gan.apply").click().run()
    assert not at.exception
    assert any("Unknown target" in e.value for e in at.error)
    assert at.session_state["gan.spec"] == before


def test_a_collapse_preset_opens():
    at = open_page(PAGE)
    at.selectbox(key="gan.preset").set_value("gan_collapse").run()
    _button(at, "gan.open").click().run()
    assert at.session_state["gan.spec"].settings["noise_dim"] == 1
