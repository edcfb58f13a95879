"""Dead units, saturation, gradient norms and histograms on networks built to have them."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch
from torch import nn

from playground.inspection.activations import capture_activations
from playground.inspection.health import (
    dead_share,
    gradient_norms,
    histogram,
    layer_health,
    saturation_share,
    unit_view,
)
from playground.presets import PRESETS
from playground.trainer import Trainer

X = np.random.default_rng(0).normal(size=(64, 2)).astype(np.float32)


def _linear(weight, bias) -> nn.Linear:
    layer = nn.Linear(len(weight[0]), len(weight))
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight, dtype=torch.float32))
        layer.bias.copy_(torch.tensor(bias, dtype=torch.float32))
    return layer


def test_relus_with_hugely_negative_bias_are_dead_and_others_are_not():
    # 4 units: two can never fire (bias -100), two always fire for these inputs (+100)
    model = nn.Sequential(_linear([[1, 0], [0, 1], [1, 0], [0, 1]], [-100, -100, 100, 100]),
                          nn.ReLU())
    acts = capture_activations(model, X, ["linear", "relu"])
    health = layer_health(acts)
    assert health[1].dead == pytest.approx(0.5)
    assert health[0].dead is None  # not a ReLU layer: the figure does not apply
    assert health[1].saturated is None


def test_a_unit_alive_for_one_sample_is_not_dead():
    out = np.zeros((10, 3), np.float32)
    out[4, 1] = 0.1
    assert dead_share(out) == pytest.approx(2 / 3)


def test_conv_channels_are_the_units_of_feature_maps():
    conv = nn.Conv2d(1, 4, 3, padding=1)
    with torch.no_grad():
        conv.bias.copy_(torch.tensor([-100.0, 0.0, 0.0, 0.0]))
    model = nn.Sequential(conv, nn.ReLU())
    x = np.random.default_rng(1).uniform(size=(8, 1, 6, 6)).astype(np.float32)
    acts = capture_activations(model, x, ["conv2d", "relu"])
    assert unit_view(acts[1].output).shape == (8 * 36, 4)
    assert dead_share(acts[1].output) == pytest.approx(0.25)


def test_tanh_with_huge_weights_saturates_and_with_tiny_weights_does_not():
    big = nn.Sequential(_linear([[500, 500], [-500, 500]], [0, 0]), nn.Tanh())
    small = nn.Sequential(_linear([[0.01, 0.01], [-0.01, 0.01]], [0, 0]), nn.Tanh())
    share_big = layer_health(capture_activations(big, X, ["linear", "tanh"]))[1].saturated
    share_small = layer_health(capture_activations(small, X, ["linear", "tanh"]))[1].saturated
    assert share_big > 0.95
    assert share_small == 0.0


def test_sigmoid_saturation_counts_both_ends():
    out = np.array([[0.01, 0.5], [0.99, 0.5]], np.float32)
    assert saturation_share(out, "sigmoid") == pytest.approx(0.5)
    model = nn.Sequential(_linear([[0, 0], [0, 0]], [10, -10]), nn.Sigmoid())
    assert layer_health(capture_activations(model, X, ["linear", "sigmoid"]))[1].saturated == 1.0
    with pytest.raises(ValueError):
        saturation_share(out, "relu")


def test_gradient_norms_match_a_manual_computation_after_a_step():
    spec = PRESETS["xor"].spec().with_train(batch_size=16)
    trainer = Trainer(spec)
    assert all(g is None for g in gradient_norms(trainer.model))  # no step yet
    trainer.step()
    norms = gradient_norms(trainer.model)
    children = list(trainer.model.children())
    assert len(norms) == len(children)
    for child, norm in zip(children, norms, strict=True):
        params = list(child.parameters())
        if not params:
            assert norm is None
            continue
        manual = math.sqrt(sum(float((p.grad ** 2).sum()) for p in params))
        assert norm == pytest.approx(manual)
        assert norm > 0
    # a deepcopy does not carry gradients: read them from the live model under the lock
    assert all(g is None for g in gradient_norms(copy.deepcopy(trainer.model)))


def test_histogram_counts_every_finite_value_and_handles_constants():
    values = np.array([0.0, 1.0, 1.0, 2.0, np.nan])
    counts, edges = histogram(values, bins=4)
    assert counts.sum() == 4 and len(edges) == 5
    counts, edges = histogram(np.zeros(7), bins=3)
    assert counts.sum() == 7 and edges[0] < 0 < edges[-1]
    counts, _ = histogram(np.array([]))
    assert counts.size == 0


def test_layer_health_reports_mean_and_std_and_gradients_by_index():
    model = nn.Sequential(_linear([[1, 0]], [0]), nn.ReLU())
    acts = capture_activations(model, X, ["linear", "relu"])
    rows = layer_health(acts, [2.5, None])
    assert rows[0].grad_norm == 2.5 and rows[1].grad_norm is None
    assert rows[0].mean == pytest.approx(float(X[:, 0].mean()), abs=1e-5)
    assert rows[1].std >= 0
