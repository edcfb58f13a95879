"""Weights coming in (uploaded safetensors bytes checked and loaded into a live run) and the
run's history going out as CSV."""

from __future__ import annotations

import csv
import io
import math

import pytest
import torch

from playground.errors import SpecError
from playground.export import history_csv, load_into_runner, parse_weights, weights_bytes
from playground.presets import PRESETS
from playground.runner import Runner
from playground.spec import Spec
from playground.trainer import Trainer

SPEC = Spec.from_dict({"dataset": {"name": "blobs", "params": {"n_samples": 120}},
                       "layers": [{"type": "linear", "units": 8}, {"type": "relu"}],
                       "train": {"epochs": 3, "batch_size": 16, "device": "cpu"}})


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_history_csv_has_a_row_per_epoch_and_every_recorded_value():
    trainer = Trainer(SPEC)
    trainer.train(2)
    trainer.retarget(trainer.spec.with_train(lr=0.003))  # a live change: the next epoch's
    trainer.train(1)
    rows = _rows(history_csv(trainer.history.epochs))
    assert len(rows) == 3
    assert list(rows[0]) == list(trainer.history.epochs[0])
    for row, record in zip(rows, trainer.history.epochs, strict=True):
        assert {"train_loss", "test_loss", "train_accuracy", "test_accuracy"} <= set(row)
        assert int(row["epoch"]) == record["epoch"]
        assert float(row["test_loss"]) == record["test_loss"]  # full precision
    assert [float(r["lr"]) for r in rows] == [SPEC.train.lr, SPEC.train.lr, 0.003]


def test_history_csv_of_a_regression_run_has_rmse_and_r2():
    trainer = Trainer(PRESETS["gaussian_regression"].spec().with_train(device="cpu"))
    trainer.run_epoch()
    (row,) = _rows(history_csv(trainer.history.epochs))
    assert {"train_rmse", "train_r2", "test_rmse", "test_r2"} <= set(row)
    assert "test_accuracy" not in row and "lr" in row


def test_history_csv_writes_non_finite_values_as_empty_fields():
    text = history_csv([{"epoch": 1, "train_loss": math.nan, "test_loss": math.inf}])
    assert text.splitlines() == ["epoch,train_loss,test_loss", "1,,"]
    assert history_csv([]) == "epoch\n"


def test_uploaded_bytes_load_only_as_safetensors():
    model = Trainer(SPEC).model
    tensors = parse_weights(weights_bytes(model, SPEC))
    assert all(torch.equal(tensors[k], v) for k, v in model.state_dict().items())
    with pytest.raises(SpecError, match="is not a safetensors weights file"):
        parse_weights(b"definitely not weights", "The file 'x.bin'")
    pickled = io.BytesIO()
    torch.save(model.state_dict(), pickled)
    with pytest.raises(SpecError, match="pickle, which the playground never loads"):
        parse_weights(pickled.getvalue())
    broken = {k: v.clone() for k, v in model.state_dict().items()}
    broken["0.weight"][0, 0] = math.nan
    model.load_state_dict(broken)
    with pytest.raises(SpecError, match="NaN or infinite values in '0.weight'"):
        parse_weights(weights_bytes(model, SPEC))


def test_loading_into_a_live_run_pauses_it_and_trains_on_from_the_weights():
    source = Trainer(SPEC)
    source.train(2)
    runner = Runner(Trainer(SPEC))
    assert runner.start() is None
    before = runner.version
    load_into_runner(runner, parse_weights(weights_bytes(source.model, SPEC)))
    assert not runner.running and runner.version > before
    x = source.x_test
    with torch.no_grad():
        assert torch.equal(runner.trainer.model.eval()(x), source.model.eval()(x))
    assert not runner.trainer.optimizer.state  # a fresh optimizer for the new weights
    assert runner.step() is None  # and it trains on
    wrong = Trainer(SPEC.with_layers([{"type": "linear", "units": 5}])).model
    with pytest.raises(SpecError, match=r"'0\.weight' of shape 8×2, the file has 5×2"):
        load_into_runner(runner, wrong.state_dict())
