"""Sanity checks for saliency maps: randomisation changes what a faithful method shows."""

import numpy as np
import pytest
import torch
from torch import nn

from playground.blackbox.sanity import (
    cascading_models,
    parameter_layers,
    permuted_labels,
    sanity_check,
)
from playground.viz.blackbox import correlation_curves


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


class _Silenced(nn.Module):
    """The model, with its output cut off (zero gradient, so a constant saliency map) for
    the inputs whose total brightness is at most `limit`."""

    def __init__(self, model: nn.Module, limit: float) -> None:
        super().__init__()
        self.model, self.limit = model, limit

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        keep = (x.flatten(1).sum(1, keepdim=True) > self.limit).float()  # (B, 1)
        return self.model(x) * keep


def test_a_constant_map_is_left_out_of_the_stage_mean_not_counted_as_zero(trained_digits_mlp):
    model, data = trained_digits_mlp
    x = np.asarray(data.x_test[:4])
    brightness = np.sort(x.reshape(4, -1).sum(1))
    stages = [("half silenced", _Silenced(model, float(brightness[1]))),  # 2 of 4 constant
              ("silenced", _Silenced(model, float(brightness[-1])))]  # all 4 constant
    result = sanity_check(model, x, ("saliency",), stages)
    corr, missing = result.correlations["saliency"], result.left_out["saliency"]
    assert corr[1] == pytest.approx(1.0)  # the two defined maps are the original's
    assert missing.tolist() == [0, 2, 4] and np.isnan(corr[2])
    # The fully destroyed stage has no defined correlation: nothing to judge or flag on.
    assert np.isnan(result.judged["saliency"]) and not result.flagged["saliency"]
    curves = correlation_curves(result.stages, result.correlations, result.flagged,
                                result.threshold, left_out=result.left_out)
    assert curves.data[0].name == "saliency (6 constant maps left out)"
    assert curves.data[0].y[2] is None  # a gap where no correlation is defined
