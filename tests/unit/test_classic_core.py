"""Deep vs classic, headless: baselines equal scikit-learn run directly on the same split,
hand-made features, learning curves, the overfitting gap and its remedies, MACs against a
hand count, the session's run list."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC

from playground.blackbox.common import no_progress
from playground.classic.baselines import baseline_keys, fit_baseline
from playground.classic.compute import layer_macs, spec_macs
from playground.classic.features import gradient_histograms, oriented_kernels
from playground.classic.learning_curve import (
    NETWORK,
    learning_curve,
    network_epochs,
    summarize,
)
from playground.classic.overfitting import (
    overfit_onset,
    remedy_plans,
    run_plans,
    scaled_layers,
)
from playground.datasets import make_data
from playground.errors import SpecError
from playground.presets import PRESETS
from playground.session import Session
from playground.shapes import validate
from playground.spec import Spec

DIGITS = Spec.from_dict({"dataset": {"name": "digits"}, "layers": [
    {"type": "flatten"}, {"type": "linear", "units": 16}, {"type": "relu"}],
    "train": {"epochs": 2}})


def test_baselines_match_sklearn_run_directly_on_the_same_split():
    data = make_data(DIGITS.dataset)
    xtr, xte = data.x_train.reshape(len(data.x_train), -1), data.x_test.reshape(
        len(data.x_test), -1)
    for key, direct in (("logreg", LogisticRegression(max_iter=500)),
                        ("knn", KNeighborsClassifier(5)), ("svm", SVC(kernel="rbf"))):
        direct.fit(xtr, data.y_train)
        row = fit_baseline(key, data)
        assert row.score == pytest.approx(direct.score(xte, data.y_test))
        assert row.fit_seconds > 0 and row.learned > 0 and row.readable
    assert fit_baseline("logreg", data).learned == 64 * 10 + 10
    with pytest.raises(SpecError, match="knn"):
        baseline_keys("knn,deep_forest")


def test_regression_baselines_report_r2_and_rmse():
    row = fit_baseline("forest", make_data(PRESETS["gaussian_regression"].spec().dataset))
    assert row.name == "Random forest" and 0.5 < row.score <= 1 and row.rmse > 0
    assert fit_baseline("logreg", make_data(PRESETS["sine_curve"].spec().dataset)).name == \
        "Linear regression (ridge)"


def test_sequence_data_is_refused_with_a_message():
    with pytest.raises(SpecError, match="labels every token"):
        fit_baseline("logreg", make_data(PRESETS["reverse_attention"].spec().dataset))


def test_gradient_histograms_see_edge_directions():
    vertical = np.zeros((1, 1, 8, 8), np.float32)
    vertical[..., 4:] = 1.0  # a vertical edge: the gradient points along x (bin 0)
    h = gradient_histograms(vertical).reshape(4, 8)
    assert h[:, 0].sum() > 0.9 * h.sum()
    assert oriented_kernels().shape == (8, 1, 3, 3)


def test_learning_curve_has_every_size_and_seed_and_more_data_helps():
    points = learning_curve(no_progress, DIGITS, ["logreg"], sizes=(0.05, 1.0), seeds=2,
                            epochs=2)
    assert len(points) == 2 * 2 * 2
    summary = {s.model: s for s in summarize(points)}
    assert summary[NETWORK].n_train == (72, 1438)
    for s in summary.values():
        assert s.low[0] <= s.mean[0] <= s.high[0] and s.mean[1] > s.mean[0]
    assert network_epochs(20, 0.05) == 400  # the same number of updates


# A tenth of digits with a wide layer overfits within a few dozen epochs.
OVERFIT = Spec.from_dict({"dataset": {"name": "digits", "train_fraction": 0.1}, "layers": [
    {"type": "flatten"}, {"type": "linear", "units": 128}, {"type": "relu"}],
    "train": {"lr": 0.01}})


def test_dropout_l2_and_early_stopping_each_reduce_the_gap():
    rows = {r.label.split()[0]: r for r in run_plans(no_progress, remedy_plans(OVERFIT), 60)}
    plain = rows["no"]
    assert plain.train_score == 1.0 and plain.loss_gap > 0.25
    for remedy in ("dropout", "L2", "early"):
        assert rows[remedy].loss_gap < plain.loss_gap, remedy
    assert rows["early"].stopped and len(rows["early"].epochs) < 60
    assert overfit_onset(plain.epochs) == plain.best_epoch


def test_overfit_onset_needs_test_up_and_train_down():
    e = [{"epoch": i + 1, "train_loss": t, "test_loss": v}
         for i, (t, v) in enumerate([(1, 1), (0.5, 0.6), (0.3, 0.7), (0.2, 0.8)])]
    assert overfit_onset(e) == 2
    assert overfit_onset([{**x, "test_loss": 1 - x["epoch"] / 10} for x in e]) is None


def test_width_scaling_and_macs_against_a_hand_count():
    spec = PRESETS["digits_cnn"].spec()
    assert [layer.get("channels") for layer in scaled_layers(spec.layers, 2)][:1] == [
        2 * spec.layers[0]["channels"]]
    rows = validate(spec).rows
    conv = rows[0]
    c_out, h, w = conv.output_shape
    assert layer_macs(conv) == c_out * h * w * 1 * 3 * 3  # one input channel, 3×3 kernel
    mlp = Spec.from_dict({"dataset": "spiral", "layers": [{"type": "linear", "units": 32},
                                                          {"type": "relu"}]})
    assert spec_macs(mlp) == [("1 linear", 2 * 32), ("2 relu", 0), ("output head", 32 * 2)]


def test_finished_runs_are_kept_and_restored():
    session = Session(Spec.from_dict({"dataset": "xor", "layers": [
        {"type": "linear", "units": 4}, {"type": "relu"}], "train": {"epochs": 2}}))
    runner = session.runner()
    runner.step(1)
    assert session.runs.keep(runner) is None  # not finished
    while not runner.trainer.done:
        runner.step_epoch()
    first = session.runs.keep(runner)
    assert first is not None and session.runs.keep(runner) is None  # kept once
    session.apply(session.spec.with_train(lr=0.1, epochs=3, seed=1), what="lr")
    r2 = session.runner()
    while not r2.trainer.done:
        r2.step_epoch()
    session.apply(session.spec.with_train(seed=2))  # replacing a finished run keeps it
    assert [r.number for r in session.runs.runs()] == [1, 2]
    assert session.restore_run(1)
    assert session.spec.to_dict() == first.spec
    assert session.runner().trainer.step_count == first.steps
    assert session.runs.keep(session.runner()) is None  # the restored copy is run 1
    session.runs.remove(1)
    assert [r.number for r in session.runs.runs()] == [2]


def test_the_loss_curve_marks_where_test_loss_starts_rising():
    import plotly.graph_objects as go

    from playground.viz.curves import loss_curve

    e = [{"epoch": i + 1, "step": 10 * (i + 1), "train_loss": t, "test_loss": v}
         for i, (t, v) in enumerate([(1, 1), (0.5, 0.6), (0.3, 0.7), (0.2, 0.8)])]
    fig = loss_curve([1.0] * 40, e, x_axis="epoch", steps_per_epoch=10)
    go.Figure(fig.to_dict())
    assert fig.layout.shapes[0].x0 == 2 and "epoch 2" in fig.layout.annotations[0].text
    assert not loss_curve([1.0] * 40, e[:2]).layout.shapes
