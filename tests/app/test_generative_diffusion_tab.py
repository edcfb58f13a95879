"""The Generative page's Diffusion tab: the forward slider, training in the background,
the reverse chain and the loss per timestep band."""

from __future__ import annotations

import json
import time

from opening import open_page

PAGE = "views/generative.py"


def _titles(at):
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_forward_slider_dissolves_the_data():
    at = open_page(PAGE)
    assert any("q(x_t | x_0) at t = 0" in t for t in _titles(at))
    at.slider(key="dif.forward").set_value(99).run()
    assert any("at t = 99" in t for t in _titles(at))


def test_training_shows_the_reverse_chain_and_band_losses():
    at = open_page(PAGE)
    at.number_input(key="dif.steps").set_value(60).run()
    next(b for b in at.button if b.key == "dif.train").click().run()
    deadline = time.monotonic() + 20
    while at.session_state["dif.run"].trainer.steps_done < 60 and time.monotonic() < deadline:
        time.sleep(0.2)
    at.run()
    titles = _titles(at)
    assert any("Reverse chain" in t for t in titles)
    assert "Loss per timestep band" in titles
    reverse = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                   if c.key == "dif.reverse")
    assert len(reverse["frames"]) == len(at.session_state["dif.run"].snapshot().chain) > 1
    assert reverse["layout"]["updatemenus"][0]["buttons"][0]["method"] == "animate"
    assert "frame 0 of" in reverse["frames"][0]["layout"]["title"]["text"]  # pure noise
    assert len(reverse["layout"]["sliders"][0]["steps"]) == len(reverse["frames"])
    assert not at.exception
