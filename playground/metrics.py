"""Scores computed from predictions: confusion matrix, per-class and per-sequence accuracy.

Plain numpy (plus one batched torch forward pass in `predict`), so the same numbers feed
the live view, the command line and the tests.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from playground.inspection.forward import forward


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int) -> np.ndarray:
    """Counts of (true class, predicted class) pairs.

    Args:
        y_true: class ids, any shape (flattened; per-token targets count every position).
        y_pred: predicted class ids, the same shape.
        num_classes: k; ids must lie in 0..k-1.

    Returns:
        (k, k) int64 array; row = true class, column = predicted class.
    """
    t = np.asarray(y_true, dtype=np.int64).ravel()
    p = np.asarray(y_pred, dtype=np.int64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"y_true has {t.size} labels but y_pred has {p.size}")
    return np.bincount(t * num_classes + p, minlength=num_classes * num_classes).reshape(
        num_classes, num_classes)


def per_class_accuracy(matrix: np.ndarray) -> np.ndarray:
    """Recall of each class (diagonal over row sums); NaN for a class with no examples."""
    rows = matrix.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, np.diag(matrix) / rows, np.nan)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of positions predicted right (every token counts for per-token targets)."""
    t, p = np.asarray(y_true), np.asarray(y_pred)
    return float((t == p).mean()) if t.size else float("nan")


def sequence_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of sequences (rows of (N, T) targets) with every position right."""
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.ndim < 2:
        return accuracy(t, p)
    return float((t == p).reshape(len(t), -1).all(axis=1).mean()) if len(t) else float("nan")


def predict(model: nn.Module, x: np.ndarray | torch.Tensor,
            batch_size: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Predicted class ids and their softmax confidence, in eval mode (mode restored).

    Returns:
        (pred, confidence): shapes (N,) or (N, T) for per-token models.
    """
    logits = forward(model, x, batch_size)
    if not len(logits):
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    conf, pred = torch.softmax(logits, -1).max(-1)
    return pred.numpy(), conf.numpy()
