"""The background runner: start, pause, step by hand, the queue past the run cap and the
time cap."""

import time

import pytest

from playground.runner import Runner
from playground.spec import Spec
from playground.trainer import Trainer


def make_runner(epochs=1000, **kwargs):
    spec = Spec.from_dict({
        "dataset": {"name": "xor", "params": {"n_samples": 100}},
        "layers": [{"type": "linear", "units": 8}, {"type": "tanh"}],
        "train": {"epochs": epochs, "batch_size": 16, "device": "cpu"},
    })
    return Runner(Trainer(spec), **kwargs)


@pytest.fixture
def runners():
    made = []
    yield lambda *a, **k: made.append(make_runner(*a, **k)) or made[-1]
    for runner in made:
        runner.pause()


def wait_for(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while not predicate() and time.monotonic() < end:
        time.sleep(0.01)
    return predicate()


def test_start_trains_in_the_background_until_paused(runners):
    runner = runners()
    assert runner.start() is None
    assert wait_for(lambda: runner.snapshot().step >= 20)
    assert runner.step() == "Pause training before stepping by hand."
    runner.pause()
    assert not runner.running
    snap = runner.snapshot()
    assert not snap.running and snap.step == runner.trainer.step_count
    assert snap.key.version == snap.step and snap.device == "CPU"
    time.sleep(0.05)
    assert runner.snapshot().step == snap.step  # paused means paused


def test_step_and_step_epoch_by_hand(runners):
    runner = runners()
    per_epoch = runner.trainer.steps_per_epoch
    assert runner.step(3) is None
    assert runner.snapshot().step == 3
    assert runner.step_epoch() is None
    snap = runner.snapshot()
    assert snap.step == per_epoch and snap.epoch == 1 and len(snap.epochs) == 1
    assert runner.step_epoch() is None
    assert runner.snapshot().step == 2 * per_epoch
    model, key = runner.model_copy()
    assert key == runner.key and key.version == 2 * per_epoch and not model.training
    assert model is not runner.trainer.model


def test_budget_spent_is_a_message_not_a_start(runners):
    runner = runners(epochs=1)
    runner.step_epoch()
    assert runner.snapshot().done
    assert "budget is spent" in runner.start()
    assert not runner.running


def test_run_stops_by_itself_at_the_end_of_the_budget(runners):
    runner = runners(epochs=2)
    assert runner.start() is None
    assert wait_for(lambda: not runner.running)
    snap = runner.snapshot()
    assert snap.done and snap.epoch == 2 and snap.message is None


def test_past_the_run_cap_a_run_queues_and_starts_by_itself(monkeypatch, runners):
    monkeypatch.setenv("PLAYGROUND_MAX_RUNS", "1")
    first, second = runners(), runners()
    assert first.start() is None
    assert second.start() is None  # queued, not refused
    assert second.running and second.snapshot().queued == 1
    assert first.snapshot().queued == 0
    time.sleep(0.2)
    assert second.snapshot().step == 0  # waiting: not trained yet
    first.pause()
    assert wait_for(lambda: second.snapshot().step > 0)  # started without a new click
    assert second.snapshot().queued == 0


def test_pausing_a_queued_run_leaves_the_queue(monkeypatch, runners):
    monkeypatch.setenv("PLAYGROUND_MAX_RUNS", "1")
    first, second = runners(), runners()
    first.start()
    second.start()
    second.pause()
    assert not second.running and second.snapshot().queued == 0
    first.pause()
    time.sleep(0.2)
    assert second.snapshot().step == 0


def test_time_cap_pauses_with_a_message(runners):
    runner = runners(max_seconds=0.2)
    assert runner.start() is None
    assert wait_for(lambda: not runner.running)
    snap = runner.snapshot()
    assert not snap.done and snap.step > 0
    assert "time cap" in snap.message


def test_divergence_in_the_worker_shows_in_the_snapshot():
    spec = Spec.from_dict({"dataset": "spiral",
                           "layers": [{"type": "linear", "units": 64},
                                      {"type": "linear", "units": 64}],
                           "train": {"optimizer": "sgd", "lr": 10.0, "device": "cpu"}})
    runner = Runner(Trainer(spec))
    assert runner.start() is None
    assert wait_for(lambda: not runner.running)
    snap = runner.snapshot()
    assert snap.diverged and "Training stopped" in snap.diverged and snap.done
    assert runner.start() == snap.diverged
