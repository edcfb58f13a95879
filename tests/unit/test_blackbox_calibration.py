"""Confident and wrong: ECE, temperature scaling, confidence on far inputs."""

import copy

import numpy as np
import pytest
import torch

from playground.blackbox.calibration import (
    calibration_experiment,
    far_inputs,
    fit_temperature,
    reliability,
)
from playground.blackbox.common import predict_logits, softmax
from playground.datasets import make_data
from playground.presets import PRESETS


@pytest.fixture(scope="module")
def overconfident(trained_digits_mlp):
    """A trained model with its head scaled ×6: same predictions, far too sure of them."""
    model, data = trained_digits_mlp
    model = copy.deepcopy(model)
    with torch.no_grad():
        model[-1].weight.mul_(6)
        model[-1].bias.mul_(6)
    return model, data


def test_reliability_bins_and_ece():
    probs = np.array([[0.9, 0.1]] * 10)
    y = np.array([0] * 9 + [1])  # 90 % sure and 90 % right: perfectly calibrated
    r = reliability(probs, y)
    assert r.ece == pytest.approx(0.0, abs=1e-9)
    assert r.bins == 15 and r.count.sum() == 10 and r.count[13] == 10  # (0.867, 0.933]
    wrong = reliability(probs, np.array([0] * 5 + [1] * 5))
    assert wrong.ece == pytest.approx(0.4)


def _ece_by_definition(probs: np.ndarray, y: np.ndarray, bins: int = 15) -> float:
    """ECE as Guo et al. (2017) write it: sum over bins B_m = ((m-1)/M, m/M] of
    |B_m| / n * |acc(B_m) - conf(B_m)|."""
    conf, right = probs.max(1), probs.argmax(1) == y
    total = 0.0
    for m in range(1, bins + 1):
        inside = (conf > (m - 1) / bins) & (conf <= m / bins)
        if inside.any():
            total += inside.mean() * abs(right[inside].mean() - conf[inside].mean())
    return total


@pytest.mark.parametrize("bins", [15, 10])
def test_ece_equals_its_textbook_definition(bins):
    rng = np.random.default_rng(1)
    probs = softmax(rng.normal(size=(500, 4)) * 3)
    y = rng.integers(0, 4, 500)
    assert reliability(probs, y, bins).ece == pytest.approx(_ece_by_definition(probs, y, bins))


def test_temperature_scaling_lowers_ece_of_an_overconfident_model(overconfident):
    model, data = overconfident
    r = calibration_experiment(model, data)
    assert r.temperature > 1.5  # it softens
    assert r.after.ece < r.before.ece
    logits = predict_logits(model, data.x_test)
    assert np.array_equal(softmax(logits).argmax(-1),
                          softmax(logits / r.temperature).argmax(-1))


def test_fit_temperature_recovers_a_known_scale():
    rng = np.random.default_rng(0)
    true = rng.normal(size=(2000, 4)) * 2
    y = np.array([rng.choice(4, p=p) for p in softmax(true)])
    assert fit_temperature(true * 3, y) == pytest.approx(3, rel=0.2)


def test_far_inputs_get_confident_answers(overconfident):
    model, data = overconfident
    r = calibration_experiment(model, data)
    assert set(r.far_confidence) == {"uniform noise", "shapes images"}
    assert r.far_examples["shapes images"].shape[1:] == (1, 8, 8)
    assert r.far_confidence["uniform noise"].mean() > 0.5  # sure of nonsense
    planar = make_data(PRESETS["circles"].spec().dataset)
    far = far_inputs(planar)["points far from the data"]
    assert np.linalg.norm(far, axis=1).min() > 2 * np.abs(planar.x_train).max()
