"""A target drawn by clicking on the Generative page's plane, for the GAN and the
diffusion model. AppTest cannot click a chart, so the clicks go in through the session's
drawing (what the chart's on_select callback appends to); the rest is the page's own path.
The denoiser's layer editor sits in the same tab and is tested here too."""

from __future__ import annotations

import time

import numpy as np
from opening import open_page

from playground.generative.targets import standardise

PAGE = "views/generative.py"
CLICKS = [(0.5, 0.5), (-0.5, 0.5), (0.0, -0.5), (0.5, -0.5)]


def _button(at, key):
    return next(b for b in at.button if b.key == key)


def _drawn_page():
    at = open_page(PAGE)
    at.session_state["gen.drawn"] = list(CLICKS)
    at.run()
    assert not at.exception
    return at


def test_the_drawing_plane_shows_the_clicks_and_asks_for_enough():
    at = open_page(PAGE)
    assert any("Click at least 3" in m.value for m in at.markdown)
    at.session_state["gen.drawn"] = list(CLICKS)
    at.run()
    assert any("4 points drawn" in m.value for m in at.markdown)
    gan_target = next(s for s in at.selectbox if s.label == "Target distribution")
    assert "your drawing" in gan_target.options


def test_the_gan_trains_on_the_drawing_and_a_new_click_puts_the_run_aside():
    at = _drawn_page()
    next(s for s in at.selectbox if s.label == "Target distribution").set_value(
        "your drawing").run()
    _button(at, "gan.d_step").click().run()
    trainer = at.session_state["gan.run"].trainer
    assert trainer.target.name == "your drawing"
    assert np.allclose(np.sort(trainer.target.modes, axis=0),
                       np.sort(standardise(np.array(CLICKS, np.float32)), axis=0))
    assert any("Your drawing: 4 places" in c.value for c in at.caption)
    _button(at, "gen.draw_undo").click().run()
    assert len(at.session_state["gen.drawn"]) == 3
    assert "gan.run" not in at.session_state  # its target was the old drawing
    _button(at, "gan.d_step").click().run()
    assert len(at.session_state["gan.run"].trainer.target.modes) == 3


def test_clearing_the_drawing_falls_back_to_the_spec_target():
    at = _drawn_page()
    next(s for s in at.selectbox if s.label == "Target distribution").set_value(
        "your drawing").run()
    _button(at, "gen.draw_clear").click().run()
    assert not at.exception
    _button(at, "gan.d_step").click().run()
    assert at.session_state["gan.run"].trainer.target.name == "ring8"


def test_the_diffusion_model_trains_on_the_drawing():
    at = _drawn_page()
    at.selectbox(key="dif.target.drawn").set_value("your drawing").run()
    at.number_input(key="dif.steps").set_value(20).run()
    _button(at, "dif.train").click().run()
    run = at.session_state["dif.run"]
    assert run.trainer.target.name == "your drawing"
    deadline = time.monotonic() + 20
    while not run.trainer.finished and time.monotonic() < deadline:
        time.sleep(0.2)
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Modes covered"].endswith("of 4")


def test_the_denoiser_layer_editor_changes_the_spec_and_puts_the_run_aside():
    at = open_page(PAGE)
    assert at.session_state["dif.spec"].denoiser[0] == {"type": "linear", "units": 128}
    _button(at, "dif.train").click().run()
    at.number_input(key="dif.denoiser.width").set_value(32).run()
    at.number_input(key="dif.denoiser.depth").set_value(2).run()
    at.selectbox(key="dif.denoiser.act").set_value("tanh").run()
    assert not at.exception
    assert at.session_state["dif.spec"].denoiser == (
        {"type": "linear", "units": 32}, {"type": "tanh"},
        {"type": "linear", "units": 32}, {"type": "tanh"})
    assert "dif.run" not in at.session_state
    assert any("linear 32 → tanh → linear 32 → tanh → linear 2 (ε)" in c.value
               for c in at.caption)
