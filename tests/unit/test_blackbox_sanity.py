"""Sanity checks for saliency maps: randomisation changes what a faithful method shows."""

import numpy as np
import pytest
import torch

from playground.blackbox.sanity import (
    cascading_models,
    parameter_layers,
    permuted_labels,
    sanity_check,
)


def test_cascade_randomises_from_the_top_down(trained_digits_mlp):
    model, _ = trained_digits_mlp
    stages = cascading_models(model, ["flatten", "linear", "relu", "head"])
    assert [name for name, _ in stages] == ["original", "↓ head", "↓ layer 2 (linear)"]
    assert parameter_layers(model) == [3, 1]
    head = stages[1][1]
    assert not torch.equal(head[3].weight, model[3].weight)  # the head was redrawn …
    assert torch.equal(head[1].weight, model[1].weight)  # … the layer below not yet
    assert not torch.equal(stages[2][1][1].weight, model[1].weight)
    assert torch.equal(model[3].weight, stages[0][1][3].weight)  # the original is untouched


def test_randomised_weights_break_gradient_saliency(trained_digits_mlp):
    model, data = trained_digits_mlp
    destroyed = cascading_models(model)[1:]
    result = sanity_check(model, np.asarray(data.x_test[:4]),
                          ("saliency", "input_x_gradient"), destroyed, threshold=0.5)
    sal = result.correlations["saliency"]
    assert sal[0] == pytest.approx(1.0)
    assert sal[-1] < 0.5 and not result.flagged["saliency"]
    assert result.judged["saliency"] < 0.5 <= result.judged["input_x_gradient"]
    # Input × gradient keeps the shape of the digit itself: it survives and is flagged.
    assert result.flagged["input_x_gradient"]
    assert result.maps["saliency"].shape == (3, 4, 8, 8)
    assert result.stages == ("original", "↓ head", "↓ layer 2 (linear)")


def test_permuted_labels_keep_the_labels_but_not_their_order(trained_digits_mlp):
    _, data = trained_digits_mlp
    shuffled = permuted_labels(data, seed=1)
    assert sorted(shuffled.y_train) == sorted(data.y_train)
    assert (shuffled.y_train != data.y_train).mean() > 0.5
    assert not shuffled.y_train.flags.writeable and shuffled.x_train is data.x_train
