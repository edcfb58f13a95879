"""Opening a hand-in: the rebuilt model computes what the handed-in weights compute, its
epochs come back, bad hand-ins get messages, and the teacher key guards the weights."""

import pytest
import torch
from safetensors.torch import save

from playground.classroom.handin_model import handin_trainer
from playground.classroom.store import Board, BoardError, HandIn
from playground.export import weights_bytes
from playground.presets import PRESETS
from playground.spec import Spec
from playground.trainer import Trainer


@pytest.fixture(scope="module")
def trained() -> Trainer:
    spec = PRESETS["spiral"].spec()
    trainer = Trainer(spec.with_train(epochs=1), device="cpu")
    trainer.train(1)
    return trainer


def _row(trainer: Trainer, **change) -> HandIn:
    fields = {"id": 1, "name": "Ada", "spec": trainer.spec.to_dict(),
              "metrics": {"epochs": trainer.history.to_dict()["epochs"],
                          "parameters": trainer.parameters, "steps": trainer.step_count},
              "weights": weights_bytes(trainer.model), "created": 0.0}
    return HandIn(**(fields | change))


def test_opened_model_matches_the_handed_in_weights(trained):
    opened = handin_trainer(_row(trained), device="cpu")
    x = trained.x_test[:50]
    trained.model.eval()
    opened.model.eval()
    with torch.no_grad():
        assert torch.equal(opened.model(x), trained.model(x))
    assert opened.spec == trained.spec
    assert opened.history.epochs == trained.history.epochs
    assert opened.step_count == trained.step_count and opened.epoch == 1


def test_the_opened_model_is_a_copy(trained):
    row = _row(trained)
    opened = handin_trainer(row, device="cpu")
    with torch.no_grad():
        next(opened.model.parameters()).add_(1.0)
    again = handin_trainer(row, device="cpu")
    assert not torch.equal(next(again.model.parameters()), next(opened.model.parameters()))


@pytest.mark.parametrize("change, message", [
    ({"weights": None}, "has no weights"),
    ({"weights": b"\x80\x04not safetensors"}, "not a safetensors file"),
    ({"spec": {"version": 1, "layers": "many"}}, "cannot build"),
])
def test_bad_hand_ins_get_messages(trained, change, message):
    with pytest.raises(BoardError, match=message):
        handin_trainer(_row(trained, **change), device="cpu")


def test_own_data_that_this_server_no_longer_holds_gets_a_message(trained):
    spec = trained.spec.to_dict()
    spec["dataset"] = {**spec["dataset"], "name": "csv",
                       "params": {"source": "sha256:" + "0" * 64}}
    with pytest.raises(BoardError, match="cannot be opened: .*your own data"):
        handin_trainer(_row(trained, spec=spec), device="cpu")


def test_weights_that_do_not_fit_the_spec_name_the_layer(trained):
    tensors = {k: v for k, v in trained.model.state_dict().items()}
    first = next(iter(tensors))
    tensors[first] = torch.zeros(3, 3)
    with pytest.raises(BoardError, match="do not fit the spec.*shape"):
        handin_trainer(_row(trained, weights=save(tensors)), device="cpu")


def test_bad_epoch_records_are_dropped_not_trusted(trained):
    metrics = {"epochs": [{"test_accuracy": 0.5, "note": "x", "bad": float("nan")}, "junk"],
               "steps": "many"}
    opened = handin_trainer(_row(trained, metrics=metrics), device="cpu")
    assert opened.history.epochs == [{"test_accuracy": 0.5}]
    assert opened.step_count == opened.steps_per_epoch


def test_board_gives_the_weights_only_with_the_key(tmp_path, trained):
    board = Board(tmp_path / "c.sqlite3")
    try:
        code, key = board.open_class()
        number = board.hand_in(code, "Ada", trained.spec.to_dict(), {"epochs": []},
                               weights_bytes(trained.model))
        with pytest.raises(BoardError, match="Wrong teacher key"):
            board.handin(code, "guess", number)
        with pytest.raises(BoardError, match="not on this class"):
            board.handin(code, key, number + 1)
        row = board.handin(code.lower(), key, number)
        assert row.name == "Ada" and Spec.from_dict(row.spec) == trained.spec
        before = board.handins(code)[0]
        handin_trainer(row, device="cpu").train(1)  # training the copy
        assert board.handins(code)[0] == before  # leaves the stored hand-in as it was
        [light] = board.handins(code, with_weights=False)  # what the live board reads
        assert light.weights is None and light.weight_bytes == len(before.weights)
    finally:
        board.close()
