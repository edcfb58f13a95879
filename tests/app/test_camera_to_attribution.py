"""Teachable-Machine style, end to end in AppTest: pictures captured per class (put where the
camera panel keeps them; AppTest cannot drive `st.camera_input`) become the dataset, a small
CNN trains on them, and the Attributions page explains a new capture uploaded there."""

from __future__ import annotations

import io
import json

import numpy as np
from PIL import Image

from playground.own_data import OWN_DATA
from tests.app.opening import current_spec, open_page


def _capture(bright_top: bool, seed: int) -> bytes:
    """A 20×20 webcam-like PNG: noise, with the top or the bottom half lit."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 60, (20, 20, 3))
    lit = slice(0, 10) if bright_top else slice(10, 20)
    pixels[lit] += 180
    out = io.BytesIO()
    Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(out, format="PNG")
    return out.getvalue()


def test_camera_captures_train_and_a_new_capture_is_explained():
    at = open_page("views/build.py")
    at.session_state["own.pictures"] = {"up": [_capture(True, i) for i in range(10)],
                                        "down": [_capture(False, 100 + i) for i in range(10)]}
    at.session_state["own.kind"] = "Camera"
    at.session_state["own.camera.size"] = 12
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Pictures so far: up 10, down 10" in c.value for c in at.caption)
    at.button(key="own.camera.use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    spec = current_spec(at)
    assert spec.dataset.name == "image_folder" and spec.dataset.params["size"] == 12
    assert spec.dataset.params["source"] in OWN_DATA

    session = at.session_state["session"]
    session.apply(spec.with_layers([{"type": "conv2d", "channels": 4}, {"type": "relu"},
                                    {"type": "maxpool2d"}, {"type": "flatten"}]),
                  what="a small CNN")
    runner = session.runner()
    for _ in range(15):
        assert runner.step_epoch() is None
    assert runner.trainer.evaluate("train")["accuracy"] == 1.0  # the lit half is easy

    at.switch_page("views/attributions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (mode,) = [r for r in at.radio if r.label == "Input"]
    mode.set_value("Uploaded image").run()
    at.file_uploader[0].set_value(("new capture.png", _capture(True, 999), "image/png"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    text = " ".join(m.value for m in [*at.markdown, *at.caption])
    assert "the uploaded image new capture.png" in text.replace("\\", "")
    assert "**up**" in text  # the new capture is predicted as its class
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert figure["data"], "the attribution map is drawn"
