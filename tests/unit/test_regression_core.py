"""Regression end to end in the core: the datasets (seeded, float32 targets, stratified by
target), the one-unit head, mse and huber against torch, RMSE and R² against scikit-learn,
the loss/task rule, the trainer's scores, diagnosis, the CLI and the presets' R²."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sklearn.metrics
import torch
from torch import nn

from playground.cli import main
from playground.datakinds import DATA_KINDS
from playground.datasets import DATASETS, REGRESS, DatasetKind, Raw, make_data, register
from playground.datasets.regression import gaussian_target, plane_target, sine_target
from playground.diagnosis import from_history, from_model, mean_guess_loss
from playground.errors import SpecError
from playground.metrics import r2_score, regression_scores, rmse
from playground.presets import PRESETS
from playground.shapes import validate
from playground.spec import LOSS_TASKS, Spec, losses_for
from playground.trainer import Trainer, batch_loss, example_losses

REGRESSION = ["plane", "gaussian", "sine"]
LAYERS = [{"type": "linear", "units": 16}, {"type": "tanh"}]


def spec_for(name: str, seed: int = 0, layers=None, **train) -> Spec:
    return Spec.from_dict({"dataset": {"name": name, "seed": seed},
                           "layers": LAYERS if layers is None else layers,
                           "train": {"device": "cpu", **train}})


# --- datasets ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", REGRESSION)
def test_regression_datasets_declare_their_task_and_give_float_targets(name):
    kind = DATASETS[name]
    assert kind.task == REGRESS and kind.regression
    data = make_data(spec_for(name).dataset)
    info = data.info
    assert info.task == "regress" and info.regression and info.outputs == 1
    assert info.num_classes == 0 and info.class_names == ()
    for y in (data.y_train, data.y_test):
        assert y.dtype == np.float32 and y.ndim == 1 and np.isfinite(y).all()
    assert data.x_train.dtype == np.float32
    assert info.kind == ("1d" if name == "sine" else "2d")
    assert info.input_shape == ((1,) if name == "sine" else (2,))
    assert DATA_KINDS[info.kind].regression_view in ("surface", "curve")


@pytest.mark.parametrize("name", REGRESSION)
def test_regression_datasets_are_deterministic_by_seed(name):
    params = DATASETS[name].defaults()
    a, b = DATASETS[name].load(params, 5), DATASETS[name].load(params, 5)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    c = DATASETS[name].load(params, 6)
    assert not np.array_equal(a.y, c.y)
    s1, s2 = make_data(spec_for(name, seed=5).dataset), make_data(spec_for(name, seed=5).dataset)
    np.testing.assert_array_equal(s1.y_test, s2.y_test)
    assert not np.array_equal(s1.y_test, make_data(spec_for(name, seed=6).dataset).y_test)


def test_targets_follow_their_functions_within_the_noise():
    quiet = {"n_samples": 500, "noise": 0.0}
    raw = DATASETS["plane"].load(quiet, 0)
    np.testing.assert_allclose(raw.y, (raw.x[:, 0] + raw.x[:, 1]) / 2, atol=1e-6)
    raw = DATASETS["gaussian"].load(quiet, 0)
    np.testing.assert_allclose(raw.y, gaussian_target(raw.x), atol=1e-6)
    assert raw.y.max() > 0.8 and raw.y.min() < -0.8  # bumps up and down
    raw = DATASETS["sine"].load({**quiet, "periods": 2.0}, 0)
    np.testing.assert_allclose(raw.y, np.sin(2 * np.pi * raw.x[:, 0]), atol=1e-6)
    noisy = DATASETS["sine"].load({"n_samples": 2000, "noise": 0.4, "periods": 1.0}, 0)
    residual = noisy.y - sine_target(noisy.x[:, 0], 1.0)
    assert residual.std() == pytest.approx(0.4 * 0.5, rel=0.1)  # noise × NOISE_SCALE
    assert plane_target(np.array([[1.0, 1.0]]))[0] == 1.0


def test_parameters_are_validated_like_the_planar_ones():
    with pytest.raises(SpecError, match="n_samples"):
        Spec.from_dict({"dataset": {"name": "sine", "params": {"n_samples": 10}}})
    with pytest.raises(SpecError, match="noise"):
        Spec.from_dict({"dataset": {"name": "gaussian", "params": {"noise": 3.0}}})
    data = make_data(Spec.from_dict({"dataset": {"name": "plane", "params": {
        "n_samples": 200}}}).dataset)
    assert len(data.x_train) + len(data.x_test) == 200


def test_the_split_is_stratified_by_target_decile():
    data = make_data(spec_for("gaussian").dataset)
    edges = np.quantile(np.concatenate([data.y_train, data.y_test]), np.linspace(0, 1, 11))
    test = np.histogram(data.y_test, edges)[0]
    assert test.min() >= 0.2 * len(data.y_test) / 10 * 0.7  # every band is represented


def test_a_regression_dataset_needs_a_kind_with_a_regression_view():
    bad = DatasetKind("bad_regression", "image", "", (), lambda p, s: Raw(
        np.zeros((4, 1, 2, 2), np.float32), np.zeros(4, np.float32), ()), task=REGRESS)
    with pytest.raises(ValueError, match="regression"):
        register(bad)
    assert "bad_regression" not in DATASETS


# --- head, losses and the loss/task rule ------------------------------------------------

def test_the_head_has_one_unit_for_regression():
    report = validate(spec_for("gaussian"))
    head = report.rows[-1]
    assert head.is_head and head.output_shape == (1,) and head.parameters == 17
    assert validate(spec_for("sine", layers=[])).rows[-1].output_shape == (1,)


def test_mse_and_huber_equal_direct_torch_computations():
    g = torch.Generator().manual_seed(0)
    out = torch.randn(64, 1, generator=g) * 2
    y = torch.randn(64, generator=g)
    torch.testing.assert_close(example_losses(out, y, "mse"), (out[:, 0] - y) ** 2)
    torch.testing.assert_close(batch_loss(out, y, "mse"), nn.MSELoss()(out[:, 0], y))
    huber = nn.HuberLoss(reduction="none")(out[:, 0], y)
    torch.testing.assert_close(example_losses(out, y, "huber"), huber)
    torch.testing.assert_close(batch_loss(out, y, "huber"), nn.HuberLoss()(out[:, 0], y))
    assert (huber < (out[:, 0] - y) ** 2 + 1e-6).all()  # linear past an error of 1
    for loss in ("mse", "huber"):  # the batch loss is the mean of the examples' losses
        torch.testing.assert_close(batch_loss(out, y, loss), example_losses(out, y, loss).mean())


def test_a_loss_for_the_other_task_is_a_clear_error_not_a_crash():
    scores, labels = torch.randn(8, 3), torch.randint(0, 3, (8,))
    with pytest.raises(SpecError, match="class ids.*cross_entropy"):
        example_losses(scores, labels, "mse")
    with pytest.raises(SpecError, match="numbers.*mse or huber"):
        batch_loss(torch.randn(8, 1), torch.randn(8), "cross_entropy")
    with pytest.raises(SpecError, match="one output per target"):
        batch_loss(torch.randn(8, 3), torch.randn(8), "huber")
    with pytest.raises(SpecError, match="Unknown loss"):
        batch_loss(scores, labels, "hinge")


def test_the_spec_validator_names_the_losses_that_fit():
    with pytest.raises(SpecError, match=r"regression task.*Set train.loss to 'mse' or 'huber'"):
        Spec.from_dict({"dataset": "sine", "train": {"loss": "cross_entropy"}})
    with pytest.raises(SpecError, match=r"classification task.*'cross_entropy'"):
        Spec.from_dict({"dataset": "xor", "train": {"loss": "mse"}})
    assert Spec.from_dict({"dataset": "sine"}).train.loss == "mse"  # no loss: the task's
    assert Spec.from_dict({"dataset": "sine", "train": {"loss": "huber"}}).train.loss == "huber"
    assert Spec.from_dict({"dataset": "xor"}).train.loss == "cross_entropy"
    assert losses_for("regress") == ("mse", "huber")
    assert losses_for("tokens") == losses_for("classify") == ("cross_entropy",)
    assert set(LOSS_TASKS) == {"cross_entropy", "mse", "huber"}


def test_changing_the_dataset_switches_the_loss_only_when_the_task_changes():
    spiral = PRESETS["spiral"].spec()
    to_regression = spiral.with_dataset("gaussian")
    assert to_regression.train.loss == "mse" and to_regression.layers == spiral.layers
    assert to_regression.with_dataset("spiral").train.loss == "cross_entropy"
    huber = to_regression.with_train(loss="huber")
    assert huber.with_dataset("sine").train.loss == "huber"  # same task: kept
    assert Spec.from_json(huber.to_json()) == huber
    assert Spec.from_url_token(huber.to_url_token()) == huber


@pytest.mark.parametrize("name", [n for n in PRESETS if n not in ("gaussian_regression",
                                                                   "sine_curve")])
def test_existing_presets_load_unchanged(name):
    spec = PRESETS[name].spec()
    saved = json.loads(PRESETS[name].path.read_text())
    train = spec.to_dict()["train"]
    assert {key: train[key] for key in saved["train"]} == saved["train"]
    assert spec.train.loss == "cross_entropy"


# --- scores ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rmse_and_r2_equal_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=200)
    pred = y + rng.normal(scale=0.5 + seed, size=200)
    assert rmse(y, pred) == pytest.approx(
        np.sqrt(sklearn.metrics.mean_squared_error(y, pred)), rel=1e-12)
    assert r2_score(y, pred) == pytest.approx(sklearn.metrics.r2_score(y, pred), rel=1e-12)
    assert regression_scores(y, pred) == {"rmse": rmse(y, pred), "r2": r2_score(y, pred)}
    # float32 arrays, as the trainer has them (scikit-learn then sums in float32)
    y32, p32 = y.astype(np.float32), pred.astype(np.float32)
    assert rmse(y32, p32) == pytest.approx(
        np.sqrt(sklearn.metrics.mean_squared_error(y32, p32)), rel=1e-6)
    assert r2_score(y32, p32) == pytest.approx(sklearn.metrics.r2_score(y32, p32), rel=1e-6)


def test_r2_edge_cases_match_sklearn():
    const = np.ones(5)
    for pred in (np.ones(5), np.arange(5.0)):
        assert r2_score(const, pred) == sklearn.metrics.r2_score(const, pred)
    y = np.arange(5.0)
    assert r2_score(y, np.full(5, y.mean())) == pytest.approx(0.0)
    assert r2_score(y, y) == 1.0
    with pytest.raises(ValueError):
        rmse(np.zeros(3), np.zeros(4))


def test_the_trainer_reports_rmse_and_r2_instead_of_accuracy():
    trainer = Trainer(spec_for("sine", epochs=3))
    trainer.train()
    record = trainer.history.epochs[-1]
    assert {"train_loss", "train_rmse", "train_r2", "test_loss", "test_rmse",
            "test_r2"} <= set(record)
    assert not any("accuracy" in k for k in record)
    metrics = trainer.metrics()
    assert set(metrics) == {"train_loss", "train_rmse", "train_r2", "test_loss", "test_rmse",
                            "test_r2"}
    with torch.no_grad():
        pred = trainer.model.eval()(trainer.x_test)[:, 0].numpy()
    y = trainer.data.y_test
    assert metrics["test_r2"] == pytest.approx(sklearn.metrics.r2_score(y, pred), abs=1e-5)
    assert metrics["test_rmse"] == pytest.approx(
        np.sqrt(sklearn.metrics.mean_squared_error(y, pred)), rel=1e-4)
    assert metrics["test_loss"] == pytest.approx(metrics["test_rmse"] ** 2, rel=1e-4)  # mse


def test_huber_trains_and_its_loss_falls():
    trainer = Trainer(spec_for("plane", layers=[], loss="huber", lr=0.05, epochs=5))
    before = trainer.evaluate("train")["loss"]
    trainer.train()
    assert trainer.evaluate("train")["loss"] < before
    assert trainer.history.epochs[-1]["test_r2"] > 0.8


# --- diagnosis --------------------------------------------------------------------------

def test_chance_level_for_regression_is_predicting_the_mean():
    y = np.array([0.0, 1.0, 2.0, 5.0])
    assert mean_guess_loss(y, "mse") == pytest.approx(np.var(y))
    d = np.abs(y - y.mean())
    assert mean_guess_loss(y, "huber") == pytest.approx(
        float(nn.HuberLoss()(torch.tensor(y), torch.full((4,), y.mean()))))
    assert mean_guess_loss(y, "huber") < mean_guess_loss(y, "mse") == pytest.approx(
        np.mean(d ** 2))


def test_a_healthy_regression_run_has_no_findings_and_a_stuck_one_is_found():
    trainer = Trainer(spec_for("sine", epochs=4))
    trainer.train()
    guess = mean_guess_loss(trainer.data.y_train, "mse")
    kinds = [r.kind for r in trainer.report.rows]
    found = from_history(trainer.history.epochs, trainer.history.step_loss, 0, 0.01, guess)
    found += from_model(trainer.model, kinds, trainer.data.x_test, 0, trainer.data.y_test)
    assert not found
    # A loss at the mean guess's level for three epochs is stuck; under the classification
    # rule (ln 2 ≈ 0.69) the same numbers would have passed for learning.
    stuck = [{"train_loss": guess}] * 3
    assert [f.kind for f in from_history(stuck, [guess] * 12, 0, 1.0, guess)] == ["stuck"]
    assert "mean target" in from_history(stuck, [guess] * 12, 0, 1.0, guess)[0].message
    assert not from_history(stuck, [guess] * 12, 2, 1.0)  # classification: below ln 2


def test_a_constant_regression_model_is_found():
    trainer = Trainer(spec_for("sine", layers=[{"type": "linear", "units": 8},
                                               {"type": "relu"}]))
    for module in trainer.model.modules():
        if isinstance(module, nn.Linear) and module.out_features == 8:
            module.weight.data.zero_()
            module.bias.data.fill_(-1.0)
    kinds = [r.kind for r in trainer.report.rows]
    found = {f.kind for f in from_model(trainer.model, kinds, trainer.data.x_test, 0,
                                        trainer.data.y_test)}
    assert found == {"dead_relu", "constant"}
    # Without targets, or for a classifier, there is no constant check and no one-class
    # misfire on a one-unit head.
    assert {f.kind for f in from_model(trainer.model, kinds, trainer.data.x_test, 0)} == {
        "dead_relu"}


# --- command line and presets ------------------------------------------------------------

def test_cli_train_writes_test_rmse_and_r2(tmp_path, capsys):
    spec_file = tmp_path / "sine.json"
    spec_file.write_text(PRESETS["sine_curve"].spec().with_train(epochs=3).to_json())
    assert main(["train", str(spec_file), "--out", str(tmp_path / "run")]) == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert {"test_rmse", "test_r2", "train_rmse", "train_r2"} <= set(metrics)
    assert "test_accuracy" not in metrics and metrics["epochs"] == 3
    assert "test_r2" in metrics["history"]["epochs"][-1]
    captured = capsys.readouterr()
    assert captured.out.startswith("test rmse ") and "test r2 " in captured.out
    assert "rmse" in captured.err and " r2 " in captured.err  # the per-epoch lines


def test_cli_lists_and_validates_regression_datasets(tmp_path, capsys):
    assert main(["datasets", "--json"]) == 0
    listed = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert listed["sine"]["task"] == "regression" and listed["xor"]["task"] == "classification"
    spec_file = tmp_path / "g.json"
    spec_file.write_text(spec_for("gaussian").to_json())
    assert main(["validate", str(spec_file)]) == 0
    assert "a number (regression)" in capsys.readouterr().out.splitlines()[0]
    spec_file.write_text(json.dumps({"dataset": "gaussian", "train": {"loss": "cross_entropy"}}))
    assert main(["validate", str(spec_file)]) == 2
    assert "Set train.loss to 'mse' or 'huber'" in capsys.readouterr().err


# Measured with the default epochs (seed 0, CPU): gaussian_regression test R² 0.952 (0.938–0.959
# over seeds 0–2), sine_curve 0.994. The thresholds leave a margin.
R2_TARGETS = {"gaussian_regression": 0.90, "sine_curve": 0.97}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(R2_TARGETS))
def test_regression_presets_reach_their_r2_through_the_cli(name, tmp_path):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(PRESETS[name].spec().with_train(device="cpu").to_json())
    assert main(["train", str(spec_file), "--out", str(tmp_path / "run")]) == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["test_r2"] >= R2_TARGETS[name], metrics["test_r2"]
    assert metrics["diverged"] is None
