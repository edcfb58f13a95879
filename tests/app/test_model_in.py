"""The Train page's Model in: uploaded safetensors weights that fit the spec become the
session's model (training continues from them); a mismatched file names its first wrong
tensor and a non-safetensors file gets a message, and neither touches the run."""

from __future__ import annotations

import torch

from playground.export import weights_bytes
from playground.spec import Spec
from playground.trainer import Trainer
from playground.ui.text import plain
from tests.app.opening import current_spec, open_page


def _upload(at, name: str, content: bytes):
    at.get("file_uploader")  # the widget is there
    at.file_uploader(key="model_in.file").set_value((name, content, "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _source(spec: Spec) -> Trainer:
    """Another run of the same network, trained elsewhere (a different seed)."""
    trainer = Trainer(spec.with_train(seed=7, device="cpu"))
    trainer.train(1)
    return trainer


def test_weights_that_fit_become_the_model_and_train_on():
    at = open_page("views/train.py")
    spec = current_spec(at)
    session = at.session_state["session"]
    session.runner().step(3)  # the learner had trained a little
    before = session.runner()
    source = _source(spec)
    _upload(at, "model.safetensors", weights_bytes(source.model, spec))
    assert not at.error, [e.value for e in at.error]
    count = len(source.model.state_dict())
    (shown,) = [plain(s.value) for s in at.success]
    assert f"Loaded {count} tensors" in shown
    assert f"test accuracy {source.evaluate()['accuracy']:.1%} before any training" in shown
    runner = session.runner()
    assert runner is not before  # a fresh run around the loaded weights; the old one kept
    assert session.undo_restores_model
    x = source.x_test.cpu()
    with torch.no_grad():
        ours = runner.trainer.model.eval().cpu()(x)
        assert torch.equal(ours, source.model.eval()(x))
    assert runner.trainer.weights_from == "model.safetensors"
    at.switch_page("views/activations.py").run()
    assert not any("untrained" in i.value for i in at.info)  # loaded weights are trained ones
    assert "untrained" not in " ".join(m.value for m in at.sidebar.markdown)
    assert runner.step(2) is None and runner.trainer.step_count == 2  # training continues


def test_a_mismatched_file_names_the_tensor_and_keeps_the_run():
    at = open_page("views/train.py")
    spec = current_spec(at)
    runner = at.session_state["session"].runner()
    other = spec.with_layers([{"type": "linear", "units": 5}, {"type": "relu"}])
    _upload(at, "other.safetensors", weights_bytes(Trainer(other).model, other))
    (message,) = [plain(e.value) for e in at.error]
    assert "'0.weight' of shape 32×2, the file has 5×2" in message
    assert "layer 1 (linear)" in message
    assert at.session_state["session"].runner() is runner and current_spec(at) == spec


def test_a_file_that_is_not_safetensors_gets_a_message():
    at = open_page("views/train.py")
    runner = at.session_state["session"].runner()
    _upload(at, "notes.txt", b"these are not weights \x00\x01\x02" * 10)
    (message,) = [plain(e.value) for e in at.error]
    assert "The file 'notes.txt' is not a safetensors weights file" in message
    assert at.session_state["session"].runner() is runner
