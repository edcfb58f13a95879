"""The Train page through AppTest: it renders for each kind of data, and its controls
change the run as they say (step, epoch, reset, train/pause, live lr, divergence, job cap)."""

from __future__ import annotations

import time

import pytest
from opening import current_spec, open_page
from streamlit.runtime.caching.cache_resource_api import clear_session_cache
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.runner import Runner
from playground.scheduler import scheduler
from playground.spec import TRAIN_PARAMS, Spec
from playground.trainer import Trainer
from playground.ui.widgets import _log_options

PAGE = "views/train.py"


def end_session() -> None:
    """What Streamlit does when a browser session ends: release its session-scoped resources
    (the runner's on_release stops its worker). Every AppTest shares one session id."""
    clear_session_cache("test session id")


def training_runs() -> int:
    """Runs the server's scheduler trains or queues now."""
    admitted, waiting = scheduler().load()
    return admitted + waiting


@pytest.fixture(autouse=True)
def fresh_session():
    end_session()
    yield
    end_session()


def open_train(spec: Spec) -> AppTest:
    return open_page(PAGE, spec)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def step_count(at: AppTest) -> int:
    return int(metric(at, "Step").replace(",", ""))


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def long_spiral() -> Spec:
    """Spiral with a budget long enough that a background run is still going when looked at."""
    return PRESETS["spiral"].spec().with_train(epochs=1000)


def diverging_spec() -> Spec:
    """Three linear layers with no activation, plain SGD at lr 10 on noisy blobs: the loss
    becomes NaN within the first epoch (step 5 at seed 0)."""
    return Spec.from_dict({
        "dataset": {"name": "blobs", "params": {"n_samples": 200, "noise": 1.0, "classes": 3}},
        "layers": [{"type": "linear", "units": 64}] * 3,
        "train": {"optimizer": "sgd", "lr": 10.0, "batch_size": 32, "epochs": 5}})


@pytest.mark.parametrize("preset,charts", [("spiral", ("scatter", "heatmap")),
                                           ("digits_cnn", ("heatmap", "Test predictions")),
                                           ("wine_mlp", ("Confusion matrix",))])
def test_page_renders_for_each_kind_of_data(preset, charts):
    at = open_train(PRESETS[preset].spec())
    assert at.title[0].value == "Train"
    assert metric(at, "Step") == "0"
    specs = " ".join(c.proto.spec for c in at.get("plotly_chart"))
    assert '"Loss"' in specs and '"Accuracy"' in specs
    for needle in charts:
        assert needle in specs
    click(at, "train.step")  # the prediction views redraw from trained weights too
    assert step_count(at) == 1


@pytest.mark.skipif("reverse_attention" not in PRESETS, reason="sequence presets not added")
def test_sequence_page_shows_tokens_and_both_accuracies():
    at = open_train(PRESETS["reverse_attention"].spec())
    click(at, "train.epoch")
    labels = [m.label for m in at.metric]
    assert "Per-token test accuracy" in labels and "Per-sequence test accuracy" in labels
    token = float(metric(at, "Per-token test accuracy").rstrip("%"))
    sequence = float(metric(at, "Per-sequence test accuracy").rstrip("%"))
    assert sequence <= token  # a whole sequence is right only if each of its tokens is
    specs = " ".join(c.proto.spec for c in at.get("plotly_chart"))
    assert "Test sequences" in specs and "predicted" in specs


def test_step_batch_and_epoch_advance_the_run():
    at = open_train(PRESETS["spiral"].spec())
    click(at, "train.step")
    assert step_count(at) == 1 and metric(at, "Epoch") == "0 / 60"
    click(at, "train.epoch")
    assert step_count(at) == 15  # 480 training points / batch 32
    assert metric(at, "Epoch") == "1 / 60"


def test_reset_gives_step_zero_and_fresh_weights():
    at = open_train(PRESETS["spiral"].spec())
    click(at, "train.step")
    first_loss = metric(at, "Last loss")
    click(at, "train.epoch")
    assert metric(at, "Last loss") != first_loss
    click(at, "train.reset")
    assert step_count(at) == 0 and metric(at, "Epoch") == "0 / 60"
    assert any("new weights" in i.value for i in at.info)
    click(at, "train.step")  # same seed: the first step from fresh weights repeats exactly
    assert metric(at, "Last loss") == first_loss


def test_train_runs_in_the_background_and_pause_stops_it():
    at = open_train(long_spiral())
    click(at, "train.start")
    assert at.button(key="train.pause").label == "Pause"
    assert at.button(key="train.step").disabled
    deadline = time.monotonic() + 30
    while step_count(at) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
        at.run()
    assert step_count(at) > 0
    click(at, "train.pause")
    assert at.button(key="train.start").label == "Train"
    paused_at = step_count(at)
    time.sleep(0.3)
    at.run()
    assert step_count(at) == paused_at


def test_learning_rate_applies_live_without_reset():
    at = open_train(PRESETS["spiral"].spec())
    click(at, "train.epoch")
    assert step_count(at) == 15
    lr_param = next(p for p in TRAIN_PARAMS if p.name == "lr")
    new_lr = next(v for v in _log_options(lr_param) if 0.05 < v < 0.2)
    at.select_slider(key="train.lr").set_value(new_lr).run()
    assert not at.exception
    assert step_count(at) == 15  # same run, same weights
    assert f"learning rate {new_lr:g}" in " ".join(c.value for c in at.caption)
    assert not any("new weights" in i.value for i in at.info)


def test_other_settings_say_they_reset():
    at = open_train(PRESETS["spiral"].spec())
    click(at, "train.epoch")
    at.selectbox(key="train.optimizer").set_value("sgd").run()
    assert step_count(at) == 0
    assert any("Changing the optimizer starts again from new weights" in i.value
               for i in at.info)


def test_early_stopping_patience_is_a_setting_of_the_run():
    at = open_train(PRESETS["spiral"].spec())
    box = at.number_input(key="train.patience")
    assert box.label == "early-stopping patience"
    box.set_value(5).run()
    assert current_spec(at).train.patience == 5


def test_absurd_learning_rate_explains_divergence_and_offers_a_way_back():
    at = open_train(diverging_spec())
    click(at, "train.epoch")
    text = " ".join(e.value for e in at.error)
    assert "loss became NaN" in text and "learning rate 10 is probably too high" in text
    assert "What to try" in " ".join(m.value for m in at.markdown)
    click(at, "live.fix.lower_lr")
    assert step_count(at) == 0
    assert "learning rate 1" in " ".join(c.value for c in at.caption)
    assert not at.error
    # the settings show the new rate, so the next full run cannot write 10 back
    assert at.select_slider(key="train.lr").value == 1.0
    assert at.number_input(key="train.lr.typed").value == 1.0
    at.run()
    assert current_spec(at).train.lr == 1.0


def test_a_run_stuck_at_chance_without_a_nan_is_explained_and_fixed():
    spec = PRESETS["digits_mlp"].spec().with_train(lr=10.0, optimizer="sgd", epochs=5)
    at = open_train(spec)
    for _ in range(3):
        click(at, "train.epoch")
    warnings = " ".join(w.value for w in at.warning)
    assert "chance level" in warnings and not at.error  # no NaN, yet it is found
    click(at, "live.fix.adam")
    assert current_spec(at).train.optimizer == "adam" and current_spec(at).train.lr == 0.001
    assert at.select_slider(key="train.lr").value == 0.001
    for _ in range(3):
        click(at, "train.epoch")
    assert "chance level" not in " ".join(w.value for w in at.warning)


def test_the_learning_rate_takes_the_usual_values_and_a_typed_one():
    lr_param = next(p for p in TRAIN_PARAMS if p.name == "lr")
    options = _log_options(lr_param)
    assert {1e-5, 3e-5, 1e-4, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0} <= set(options)
    at = open_train(PRESETS["spiral"].spec())
    at.number_input(key="train.lr.typed").set_value(0.0042).run()
    assert current_spec(at).train.lr == 0.0042
    assert at.select_slider(key="train.lr").value == 0.0042
    at.select_slider(key="train.lr").set_value(0.03).run()
    assert current_spec(at).train.lr == 0.03
    assert at.number_input(key="train.lr.typed").value == 0.03


def test_past_the_run_cap_train_queues_with_its_place_and_starts_by_itself(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_RUNS", "1")
    other = Runner(Trainer(long_spiral()))
    assert other.start() is None  # another session's run holds the only place
    try:
        at = open_train(long_spiral())
        click(at, "train.start")
        assert any("number 1 in its queue" in c.value for c in at.caption)
        assert at.button(key="train.pause").label == "Pause"  # Pause leaves the queue
    finally:
        other.pause()
    at.run()
    assert not any("in its queue" in c.value for c in at.caption)
    assert at.button(key="train.pause").label == "Pause"  # started by itself
    click(at, "train.pause")


def test_session_end_stops_the_worker():
    before = training_runs()
    at = open_train(long_spiral())
    click(at, "train.start")
    assert training_runs() == before + 1
    end_session()  # as when the tab closes
    end = time.monotonic() + 10
    while training_runs() > before and time.monotonic() < end:
        time.sleep(0.01)  # a slice under way finishes first
    assert training_runs() == before


def test_test_accuracy_is_a_number_on_the_page():
    at = open_train(PRESETS["spiral"].spec())
    assert metric(at, "Test accuracy") == "–"  # no epoch finished yet
    click(at, "train.epoch")
    value = float(metric(at, "Test accuracy").rstrip("%"))
    assert 0 <= value <= 100
