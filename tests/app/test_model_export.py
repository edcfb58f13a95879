"""The Train page's Model out: one press exports the current model in every format."""

from __future__ import annotations

import io

import torch

from tests.app.opening import open_page


def test_export_offers_every_format_and_the_torchscript_runs():
    at = open_page("views/train.py")
    at.button(key="export.make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    _key, files = at.session_state["export.files"]
    assert set(files) == {"weights", "script", "torchscript", "onnx"}
    assert all(isinstance(v, bytes) and v for v in files.values())
    assert b"def load_model" in files["script"]
    scripted = torch.jit.load(io.BytesIO(files["torchscript"]))
    assert scripted(torch.zeros(3, 2)).shape == (3, 2)  # the default spec: 2 classes
    assert any("Exported at update" in c.value for c in at.caption)
