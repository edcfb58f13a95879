"""Bias from data: the under-represented class pays for its absence."""

import numpy as np

from playground.blackbox.bias import bias_experiment, underrepresent
from playground.datasets import make_data
from playground.spec import Spec

SPEC = Spec.from_dict({
    "dataset": {"name": "digits"},
    "layers": [{"type": "flatten"}, {"type": "linear", "units": 32}, {"type": "relu"}],
    "train": {"lr": 0.01, "epochs": 4, "seed": 0, "device": "cpu"}})


def test_underrepresent_keeps_a_share_of_one_class_only():
    data = make_data(SPEC.dataset)
    cut = underrepresent(data, 3, 0.1)
    before = np.bincount(data.y_train, minlength=10)
    after = np.bincount(cut.y_train, minlength=10)
    assert after[3] == round(before[3] * 0.1)
    assert np.array_equal(np.delete(after, 3), np.delete(before, 3))
    assert len(cut.x_train) == len(cut.y_train) and not cut.x_train.flags.writeable
    assert underrepresent(data, 3, 0.0001).y_train.tolist().count(3) == 1


def test_the_cut_class_loses_accuracy():
    data = make_data(SPEC.dataset)
    r = bias_experiment(SPEC, data, cls=3, keep=0.02, epochs=4)
    assert r.class_accuracy_biased[3] < r.class_accuracy_full[3] - 0.3
    assert r.confusion_biased.shape == (10, 10)
    assert r.confusion_biased.sum() == len(data.y_test)
    assert r.train_counts_biased[3] < r.train_counts_full[3]
    # Overall accuracy hides most of it: one class in ten.
    assert r.accuracy_full - r.accuracy_biased < r.class_accuracy_full[3] - \
        r.class_accuracy_biased[3]
