"""Scores computed from predictions: confusion matrix, per-class and per-sequence accuracy;
for regression the root mean squared error and R².

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


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error, in the target's own units (0 is perfect)."""
    t, p = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((t - p) ** 2))) if t.size else float("nan")


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The coefficient of determination, as scikit-learn computes it: 1 − SSE / SST, so 1
    is perfect, 0 is no better than always predicting the mean, and below 0 is worse. Constant
    targets score 1 when predicted exactly, else 0."""
    t, p = _pair(y_true, y_pred)
    if not t.size:
        return float("nan")
    sse = float(np.sum((t - p) ** 2))
    sst = float(np.sum((t - t.mean()) ** 2))
    if sst == 0.0:
        return 1.0 if sse == 0.0 else 0.0
    return 1.0 - sse / sst


def regression_scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """{"rmse", "r2"} of predictions against targets."""
    return {"rmse": rmse(y_true, y_pred), "r2": r2_score(y_true, y_pred)}


def _pair(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(y_true, dtype=np.float64).ravel()
    p = np.asarray(y_pred, dtype=np.float64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"y_true has {t.size} targets but y_pred has {p.size}")
    return t, p


def predict_values(model: nn.Module, x: np.ndarray | torch.Tensor,
                   batch_size: int = 1024) -> np.ndarray:
    """A regression model's predicted number for each example, (N,) float32, in eval mode."""
    out = forward(model, x, batch_size)
    return out.reshape(len(out), -1)[:, 0].numpy() if len(out) else np.zeros(0, np.float32)


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
