"""Scores from predictions, checked against scikit-learn and hand-counted cases."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix as sk_confusion
from torch import nn

from playground.metrics import (
    accuracy,
    confusion_matrix,
    per_class_accuracy,
    predict,
    sequence_accuracy,
)


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=60))
def test_confusion_matrix_matches_scikit_learn(pairs):
    t, p = np.array(pairs).T
    np.testing.assert_array_equal(confusion_matrix(t, p, 5),
                                  sk_confusion(t, p, labels=range(5)))


def test_confusion_matrix_counts_every_token_of_sequences():
    t = np.array([[0, 1, 1], [2, 2, 0]])
    p = np.array([[0, 1, 0], [2, 1, 0]])
    m = confusion_matrix(t, p, 3)
    assert m.sum() == 6
    assert m[1, 0] == 1 and m[2, 1] == 1 and np.trace(m) == 4


def test_confusion_matrix_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        confusion_matrix([0, 1], [0], 2)


def test_per_class_accuracy_is_row_recall_and_nan_for_absent_classes():
    m = np.array([[3, 1, 0], [0, 2, 2], [0, 0, 0]])
    r = per_class_accuracy(m)
    assert r[0] == pytest.approx(0.75) and r[1] == pytest.approx(0.5) and np.isnan(r[2])


def test_token_and_sequence_accuracy():
    t = np.array([[1, 2, 3], [1, 2, 3]])
    p = np.array([[1, 2, 3], [1, 0, 3]])
    assert accuracy(t, p) == pytest.approx(5 / 6)
    assert sequence_accuracy(t, p) == pytest.approx(0.5)
    assert sequence_accuracy(np.array([1, 0]), np.array([1, 1])) == pytest.approx(0.5)


def test_predict_returns_argmax_and_confidence_and_restores_mode():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 4))
    model.train()
    x = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
    x.flags.writeable = False  # datasets are shared read-only arrays
    pred, conf = predict(model, x, batch_size=16)
    assert model.training
    model.eval()
    with torch.no_grad():
        probs = torch.softmax(model(torch.from_numpy(x.copy())), -1)
    np.testing.assert_array_equal(pred, probs.argmax(-1).numpy())
    np.testing.assert_allclose(conf, probs.max(-1).values.numpy(), rtol=1e-6)
