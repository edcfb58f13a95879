"""Bias from data: train once on the full split and once with one class under-represented;
per-class accuracy and the confusion matrix show which class pays for the missing data."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.blackbox.common import (
    Progress,
    no_progress,
    predict_logits,
    require_classify,
    train_model,
    with_arrays,
)
from playground.datasets import Data
from playground.metrics import confusion_matrix, per_class_accuracy
from playground.spec import Spec


def underrepresent(data: Data, cls: int, keep: float, seed: int = 0) -> Data:
    """The split with only a share `keep` of `cls`'s training examples (at least one)."""
    y = np.asarray(data.y_train)
    idx = np.flatnonzero(y == cls)
    n_keep = max(1, int(round(len(idx) * keep)))
    dropped = np.random.default_rng(seed).permutation(idx)[n_keep:]
    rows = np.setdiff1d(np.arange(len(y)), dropped)
    return with_arrays(data, x_train=np.asarray(data.x_train)[rows], y_train=y[rows])


@dataclass(frozen=True)
class BiasResult:
    cls: int
    keep: float
    train_counts_full: np.ndarray  # (K,) training examples per class
    train_counts_biased: np.ndarray  # (K,)
    class_accuracy_full: np.ndarray  # (K,) test accuracy per class, trained on everything
    class_accuracy_biased: np.ndarray  # (K,) trained with `cls` under-represented
    confusion_biased: np.ndarray  # (K, K)
    accuracy_full: float
    accuracy_biased: float


def bias_experiment(spec: Spec, data: Data, cls: int, keep: float, epochs: int,
                    seed: int = 0, progress: Progress = no_progress) -> BiasResult:
    """Train `spec` on the full split and on the split with `cls` cut to `keep`."""
    require_classify(data, "The bias experiment")
    k = data.info.num_classes
    biased = underrepresent(data, cls, keep, seed)
    results = []
    for i, (d, label) in enumerate(((data, "Training on all data"),
                                    (biased, f"Training with class {cls} cut"))):
        model = train_model(spec, d, epochs, progress, (i / 2, (i + 1) / 2), label)
        pred = predict_logits(model, data.x_test).argmax(-1)
        results.append(confusion_matrix(np.asarray(data.y_test), pred, k))
    full, cut = results
    return BiasResult(
        cls, keep,
        np.bincount(np.asarray(data.y_train), minlength=k),
        np.bincount(np.asarray(biased.y_train), minlength=k),
        per_class_accuracy(full), per_class_accuracy(cut), cut,
        float(np.trace(full) / full.sum()), float(np.trace(cut) / cut.sum()),
    )
