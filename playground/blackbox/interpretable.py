"""Accuracy against transparency: models whose reasoning can be read (logistic regression
weights, a shallow tree's rules) beside the network, on the same split."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier, export_text
from threadpoolctl import threadpool_limits

from playground.datasets import Data

TREE_DEPTH = 3  # deep enough to beat chance on most data, shallow enough to read in one go


@dataclass(frozen=True)
class ModelScore:
    name: str
    train_accuracy: float
    test_accuracy: float
    readable: str  # what a person can read off this model


@dataclass(frozen=True)
class InterpretableResult:
    scores: tuple[ModelScore, ...]
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    weights: np.ndarray  # (K, F) logistic-regression weights; K = 1 for two classes
    cross_weights: np.ndarray | None  # (K, F + 3) with the crosses x², y², xy, or None
    cross_names: tuple[str, ...]
    tree_rules: str
    image_shape: tuple[int, ...] | None  # (H, W) when the features are pixels


def feature_crosses(x: np.ndarray) -> np.ndarray:
    """Append x², y² and xy to 2D points: circles become linearly separable."""
    a, b = x[:, 0], x[:, 1]
    return np.column_stack([x, a * a, b * b, a * b]).astype(np.float32)


def flat_features(data: Data) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Train and test inputs as (N, F) tables with a name per column."""
    xtr = data.x_train.reshape(len(data.x_train), -1).astype(np.float32)
    xte = data.x_test.reshape(len(data.x_test), -1).astype(np.float32)
    names = data.info.feature_names
    if len(names) != xtr.shape[1]:
        if data.info.kind == "image":
            h, w = data.info.input_shape[-2:]
            names = tuple(f"pixel ({r},{c})" for r in range(h) for c in range(w))
            if len(names) != xtr.shape[1]:  # several channels
                names = tuple(f"input {i}" for i in range(xtr.shape[1]))
        else:
            names = tuple(f"input {i}" for i in range(xtr.shape[1]))
    return xtr, xte, names


def _logistic(xtr: np.ndarray, ytr: np.ndarray) -> LogisticRegression:
    """Fit with one BLAS thread: on a busy 2-core server, many threads made the same fit
    100× slower (15 s against 0.13 s for the digits)."""
    model = LogisticRegression(max_iter=500)
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(xtr, ytr)
    return model


def _top_weights(weights: np.ndarray, names: tuple[str, ...], k: int = 3) -> str:
    w = np.abs(weights).sum(0)
    top = np.argsort(-w)[:k]
    return "largest weights on " + ", ".join(names[i] for i in top)


def compare_interpretable(data: Data, network_train: float, network_test: float,
                          network_parameters: int, crosses: bool = True) -> InterpretableResult:
    """Fit logistic regression (and, on 2D data, with feature crosses) and a depth-3 tree;
    score them beside the network's accuracy.

    Args:
        data: the split the network was trained on (classification).
        network_train, network_test: the network's accuracies on that split.
        network_parameters: the network's weight count, for the "what can be read" column.
        crosses: also fit logistic regression on x, y, x², y², xy (2D data only).
    """
    xtr, xte, names = flat_features(data)
    ytr, yte = np.asarray(data.y_train), np.asarray(data.y_test)
    scores = []
    lr = _logistic(xtr, ytr)
    scores.append(ModelScore("Logistic regression", lr.score(xtr, ytr), lr.score(xte, yte),
                             f"{lr.coef_.size + lr.intercept_.size} weights, one per input and "
                             f"class; {_top_weights(lr.coef_, names)}"))
    cross_weights, cross_names = None, ()
    if crosses and xtr.shape[1] == 2:
        cross_names = (*names, f"{names[0]}²", f"{names[1]}²", f"{names[0]}·{names[1]}")
        lrc = _logistic(feature_crosses(xtr), ytr)
        cross_weights = lrc.coef_.copy()
        scores.append(ModelScore("Logistic regression + crosses",
                                 lrc.score(feature_crosses(xtr), ytr),
                                 lrc.score(feature_crosses(xte), yte),
                                 f"{lrc.coef_.size + lrc.intercept_.size} weights; "
                                 f"{_top_weights(lrc.coef_, cross_names)}"))
    tree = DecisionTreeClassifier(max_depth=TREE_DEPTH, random_state=0).fit(xtr, ytr)
    class_names = tuple(str(c) for c in data.info.class_names)
    rules = export_text(tree, feature_names=list(names),
                        class_names=[class_names[int(c)] for c in tree.classes_])
    n_rules = int(tree.get_n_leaves())
    scores.append(ModelScore(f"Decision tree (depth {TREE_DEPTH})", tree.score(xtr, ytr),
                             tree.score(xte, yte), f"{n_rules} if-then rules, printed below"))
    scores.append(ModelScore("Neural network", network_train, network_test,
                             f"{network_parameters:,} weights; no rule or single weight "
                             "says why"))
    image_shape = tuple(data.info.input_shape[-2:]) if (
        data.info.kind == "image" and xtr.shape[1] == int(np.prod(data.info.input_shape[-2:]))
    ) else None
    return InterpretableResult(tuple(scores), names, class_names, lr.coef_.copy(),
                               cross_weights, cross_names, rules, image_shape)
