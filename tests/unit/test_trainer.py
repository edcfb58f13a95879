"""The trainer: reproducible, resumable by steps, every optimizer and penalty takes effect,
and an overflowing run stops with a message and finite weights."""

import math

import pytest
import torch

from playground.errors import SpecError
from playground.spec import Spec
from playground.trainer import Trainer, batch_bounds, loss_and_correct


def make_spec(layers=None, dataset=None, **train):
    return Spec.from_dict({
        "dataset": dataset or {"name": "blobs", "params": {"n_samples": 150, "classes": 3}},
        "layers": layers if layers is not None else [
            {"type": "linear", "units": 12}, {"type": "relu"}, {"type": "dropout", "p": 0.2},
            {"type": "linear", "units": 8}, {"type": "batchnorm"}, {"type": "tanh"}],
        "train": {"epochs": 3, "batch_size": 16, "device": "cpu", **train},
    })


def weights(trainer):
    return {k: v.clone() for k, v in trainer.model.state_dict().items()}


def same_weights(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_same_spec_and_seed_give_an_identical_history():
    # Dropout masks come from torch's global generator, which each Trainer seeds when it is
    # made: train one before making the next.
    a = Trainer(make_spec())
    a.train()
    b = Trainer(make_spec())
    b.train()
    assert a.history.to_dict() == b.history.to_dict()
    assert len(a.history.epochs) == 3 and len(a.history.step_loss) == 3 * a.steps_per_epoch
    assert same_weights(weights(a), weights(b))
    c = Trainer(make_spec(seed=5))
    c.train()
    assert c.history.step_loss != a.history.step_loss


def test_pausing_by_steps_equals_an_uninterrupted_run():
    whole = Trainer(make_spec())
    whole.train(2)
    pieces = Trainer(make_spec())
    for chunk in (3, 1, 7, 5, 100):
        for _ in range(chunk):
            if pieces.epoch == 2:
                break
            pieces.step()
        pieces.evaluate("test")  # looking in between must not disturb training
        pieces.metrics()
    assert pieces.step_count == whole.step_count
    assert pieces.history.to_dict() == whole.history.to_dict()
    assert same_weights(weights(pieces), weights(whole))


def test_history_records_every_epoch():
    trainer = Trainer(make_spec())
    result = trainer.run_epoch()
    assert result.epoch_done and result.epoch == 1 and result.step == trainer.steps_per_epoch
    record = trainer.history.epochs[0]
    assert set(record) == {"epoch", "step", "train_loss", "train_accuracy", "test_loss",
                           "test_accuracy", "lr"}
    assert record["lr"] == trainer.spec.train.lr
    assert record["epoch"] == 1 and record["step"] == trainer.steps_per_epoch
    assert 0.0 <= record["train_accuracy"] <= 1.0 and 0.0 <= record["test_accuracy"] <= 1.0
    n = len(trainer.x_train)
    sizes = [hi - lo for lo, hi in batch_bounds(n, 16)]
    losses = trainer.history.step_loss
    assert math.isclose(record["train_loss"],
                        sum(v * s for v, s in zip(losses, sizes, strict=True)) / n, rel_tol=1e-9)


def test_running_train_accuracy_counts_each_batch_prediction():
    spec = make_spec(layers=[{"type": "linear", "units": 6}], lr=1e-6)  # weights barely move
    trainer = Trainer(spec)
    trainer.run_epoch()
    logits = trainer.model.eval()(trainer.x_train)
    _, correct = loss_and_correct(logits, trainer.y_train)
    expected = int(correct) / len(trainer.y_train)
    assert abs(trainer.history.epochs[0]["train_accuracy"] - expected) <= 2 / len(logits)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "adamw"])
def test_each_optimizer_trains(optimizer):
    lr = {"sgd": 0.5, "momentum": 0.05}.get(optimizer, 0.01)
    spec = make_spec(layers=[{"type": "linear", "units": 16}, {"type": "relu"}],
                     optimizer=optimizer, lr=lr, epochs=8)
    trainer = Trainer(spec)
    before = trainer.evaluate("train")["loss"]
    trainer.train()
    assert trainer.evaluate("train")["loss"] < 0.8 * before
    assert type(trainer.optimizer).__name__ == {"sgd": "SGD", "momentum": "SGD",
                                                "adam": "Adam", "adamw": "AdamW"}[optimizer]


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_penalties_change_the_result_and_shrink_weights(penalty):
    layers = [{"type": "linear", "units": 16}, {"type": "relu"}]
    plain = Trainer(make_spec(layers, epochs=4))
    plain.train()
    penalised = Trainer(make_spec(layers, epochs=4, **{penalty: 0.01}))
    penalised.train()
    assert not same_weights(weights(plain), weights(penalised))

    def size(t):
        ws = [p.detach() for p in t.model.parameters() if p.dim() > 1]
        return sum(float(w.abs().sum() if penalty == "l1" else w.pow(2).sum()) for w in ws)

    assert size(penalised) < 0.9 * size(plain)


def test_absurd_learning_rate_stops_with_a_message_and_finite_weights():
    spec = make_spec(layers=[{"type": "linear", "units": 64}, {"type": "linear", "units": 64}],
                     dataset={"name": "spiral"}, optimizer="sgd", lr=10.0)
    trainer = Trainer(spec)
    with pytest.raises(SpecError, match="Training stopped at step"):
        trainer.train()
    assert trainer.diverged and "learning rate 10 is probably too high" in trainer.diverged
    assert trainer.done
    assert all(torch.isfinite(p).all() for p in trainer.model.state_dict().values())
    assert all(math.isfinite(v) for v in trainer.history.step_loss)
    with pytest.raises(SpecError):
        trainer.step()


def test_device_auto_on_cpu_says_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    trainer = Trainer(make_spec(device="auto"))
    assert trainer.device.type == "cpu" and trainer.device_label == "CPU"
    assert trainer.x_train.device.type == "cpu"


def test_unavailable_device_is_a_spec_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(SpecError, match="'cuda' is not available"):
        Trainer(make_spec(device="cuda"))


def test_gradients_stay_after_a_step_and_evaluate_restores_the_mode():
    trainer = Trainer(make_spec())
    trainer.step()
    assert all(p.grad is not None for p in trainer.model.parameters())
    assert trainer.model.training
    metrics = trainer.metrics()
    assert trainer.model.training
    assert set(metrics) == {"train_loss", "train_accuracy", "test_loss", "test_accuracy"}
    assert trainer.samples_per_second > 0 and trainer.samples_seen == 16


def test_retarget_applies_live_settings_with_one_home_for_the_rate():
    trainer = Trainer(make_spec())
    trainer.step()
    weights = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    trainer.retarget(trainer.spec.with_train(lr=0.123, epochs=7))
    assert trainer.lr == trainer.spec.train.lr == 0.123
    assert trainer.spec.train.epochs == 7
    assert all(g["lr"] == 0.123 for g in trainer.optimizer.param_groups)
    assert all(torch.equal(v, trainer.model.state_dict()[k]) for k, v in weights.items())
    with pytest.raises(ValueError):
        trainer.retarget(trainer.spec.with_train(batch_size=8))


def test_budget_and_a_lone_last_example():
    assert batch_bounds(33, 16) == [(0, 16), (16, 33)]  # batchnorm cannot take 1 example
    assert batch_bounds(32, 16) == [(0, 16), (16, 32)]
    assert batch_bounds(5, 16) == [(0, 5)]
    trainer = Trainer(make_spec(epochs=1, batch_size=119))  # 120 train rows: 119 + 1
    assert trainer.steps_per_epoch == 1
    trainer.train()
    assert trainer.done and trainer.epoch == 1
