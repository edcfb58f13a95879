"""Shortcut learning: a corner patch on one class becomes the thing the model learns."""

import numpy as np
import pytest

from playground.blackbox.shortcut import PATCH, add_patch, cue_data, shortcut_experiment
from playground.datasets import make_data
from playground.spec import Spec

SPEC = Spec.from_dict({
    "dataset": {"name": "shapes", "params": {"n_samples": 400, "noise": 0.1, "size": 16}},
    "layers": [{"type": "conv2d", "channels": 4, "kernel_size": 3, "padding": 1},
               {"type": "relu"}, {"type": "maxpool2d", "kernel_size": 2},
               {"type": "flatten"}],
    "train": {"lr": 0.01, "epochs": 4, "seed": 0, "device": "cpu"}})


@pytest.fixture(scope="module")
def result():
    data = make_data(SPEC.dataset)
    return shortcut_experiment(SPEC, data, cue_class=0, strength=1.0, epochs=4, n_examples=4)


def test_cued_test_images_score_higher_than_clean_ones(result):
    assert result.cued_accuracy > result.clean_accuracy
    assert result.class_cued[0] > result.class_clean[0]  # the cue class carries the gap
    assert result.misled_share > 0.5  # a patch drags other shapes into the cue class
    assert result.misleading_accuracy < result.clean_accuracy


def test_attributions_look_at_the_patch(result):
    assert result.patch_area == pytest.approx(PATCH * PATCH / 256)
    assert result.patch_attribution > 2 * result.patch_area
    assert result.attributions.shape == result.examples.shape == (4, 16, 16)


def test_patch_goes_only_where_asked_and_copies():
    data = make_data(SPEC.dataset)
    cued = cue_data(data, 2, 0.5)
    rows = np.asarray(data.y_train) == 2
    assert not cued.x_train.flags.writeable
    assert np.array_equal(cued.x_train[~rows], data.x_train[~rows])
    patch = cued.x_train[rows][:, :, :PATCH, :PATCH]
    assert np.allclose(patch, 0.5 * data.x_train[rows][:, :, :PATCH, :PATCH] + 0.5)
    assert np.array_equal(cued.x_test, data.x_test)
    x = np.zeros((2, 1, 16, 16), np.float32)
    assert add_patch(x, np.array([True, False]), 1.0)[0, 0, 0, 0] == 1 and x.max() == 0
