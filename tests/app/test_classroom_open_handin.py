"""The teacher opens a hand-in from the class board: with the key, Open makes it the
session's model (the same outputs as the handed-in weights) under a read-only banner that
follows to the inspection pages; a wrong key gets a message and changes nothing."""

import pytest
import torch
from opening import open_page
from streamlit.testing.v1 import AppTest

from playground.classroom.store import Board, default_path
from playground.export import weights_bytes
from playground.presets import PRESETS
from playground.trainer import Trainer


@pytest.fixture
def handed_in(tmp_path, monkeypatch):
    """A class with one trained hand-in (spiral, one epoch): code, key, id, the trainer."""
    monkeypatch.setenv("PLAYGROUND_CLASS_DB", str(tmp_path))
    trainer = Trainer(PRESETS["spiral"].spec().with_train(epochs=1, device="cpu"))
    trainer.train(1)
    board = Board(default_path())
    try:
        code, key = board.open_class()
        number = board.hand_in(code, "Ada", trainer.spec.to_dict(),
                               {"epochs": trainer.history.to_dict()["epochs"],
                                "parameters": trainer.parameters,
                                "steps": trainer.step_count},
                               weights_bytes(trainer.model))
    finally:
        board.close()
    return code, key, number, trainer


def _board(code: str, key: str) -> AppTest:
    at = open_page("views/classroom.py")
    at.text_input(key="class_code").input(code).run()
    at.text_input(key="class_key").input(key).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _banner(at: AppTest) -> str:
    return " ".join(i.value for i in at.sidebar.info)


def test_open_makes_the_hand_in_the_current_model_read_only(handed_in):
    code, key, number, trained = handed_in
    at = _board(code, key)
    at.button(key=f"open_handin_{number}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Read-only hand-in: Ada" in _banner(at)
    runner = at.session_state["session"].peek()
    x = trained.x_test[:40]
    model, _ = runner.model_copy()
    trained.model.eval()
    with torch.no_grad():
        assert torch.equal(model.cpu()(x), trained.model(x))
    assert runner.trainer.step_count == trained.step_count
    at.switch_page("views/activations.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Read-only hand-in: Ada" in _banner(at)
    assert not any("untrained" in i.value for i in at.info)


def test_a_changed_copy_says_it_is_no_longer_the_hand_in(handed_in):
    code, key, number, _ = handed_in
    at = _board(code, key)
    at.button(key=f"open_handin_{number}").click().run()
    at.session_state["session"].peek().step(1)  # the teacher trains the copy on
    at.run()
    assert not _banner(at)
    assert any("No longer Ada's hand-in" in w.value for w in at.sidebar.warning)
    board = Board(default_path())
    try:
        [row] = board.handins(code)
        assert row.metrics["steps"] == handed_in[3].step_count  # the hand-in is unchanged
    finally:
        board.close()


def test_open_needs_the_teacher_key(handed_in):
    code, _, number, _ = handed_in
    at = _board(code, "wrong")
    before = at.session_state["session"].spec
    at.button(key=f"open_handin_{number}").click().run()
    assert not at.exception
    assert any("Wrong teacher key" in e.value for e in at.error)
    assert at.session_state["session"].spec == before and not _banner(at)
    at.run()  # the board's next redraw keeps the message
    assert any("Wrong teacher key" in e.value for e in at.error)
