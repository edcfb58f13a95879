"""scikit-learn's own estimators on exactly the network's train/test split, scored beside
the network: test score, fit and predict time, what they learned and what a person can
read off it.

`BASELINES` declares each model once (its classifier and regressor twin, how to count what
it learned, what can be read off it); the page, the command line and the learning curve
all read it.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import SVC, SVR
from threadpoolctl import threadpool_limits

from playground.blackbox.common import require_classify
from playground.blackbox.interpretable import _top_weights, flat_features
from playground.datasets import Data
from playground.errors import SpecError
from playground.metrics import regression_scores

K_NEIGHBOURS = 5
FOREST_TREES = 100  # scikit-learn's default


@dataclass(frozen=True)
class Baseline:
    """One traditional model: its estimators (classes, numbers), what it learned and what a
    person can read off it."""

    key: str
    name: str
    classifier: Callable[[int, int], Any]  # (seed, n_train) -> estimator
    regressor: Callable[[int, int], Any]
    learned: Callable[[Any], tuple[int, str]]  # fitted -> (count, what the count is)
    readable: Callable[[Any, tuple[str, ...]], str]
    regression_name: str = ""  # the regressor twin's name, when it differs

    def title(self, regression: bool) -> str:
        return self.regression_name if regression and self.regression_name else self.name


def _linear_learned(m: Any) -> tuple[int, str]:
    return int(m.coef_.size + np.size(m.intercept_)), "weights"


def _knn_learned(m: Any) -> tuple[int, str]:
    return int(m.n_samples_fit_ * m.n_features_in_), "stored numbers (every training example)"


def _svm_learned(m: Any) -> tuple[int, str]:
    return int(m.support_vectors_.size + m.dual_coef_.size + np.size(m.intercept_)), (
        f"numbers ({len(m.support_vectors_)} support vectors and their weights)")


def _forest_learned(m: Any) -> tuple[int, str]:
    return int(sum(t.tree_.node_count for t in m.estimators_)), "tree nodes"


def _boosting_learned(m: Any) -> tuple[int, str]:
    # scikit-learn keeps the boosted trees in a private list; there is no public count
    return int(sum(len(p.nodes) for it in m._predictors for p in it)), "tree nodes"


def _forest_words(m: Any, names: tuple[str, ...]) -> str:
    top = np.argsort(-m.feature_importances_)[:3]
    return (f"{len(m.estimators_)} deep trees vote: one tree can be printed, the vote of "
            f"{len(m.estimators_)} cannot; most used: {', '.join(names[i] for i in top)}")


BASELINES: dict[str, Baseline] = {b.key: b for b in (
    Baseline("logreg", "Logistic regression",
             lambda seed, n: LogisticRegression(max_iter=500),
             lambda seed, n: Ridge(alpha=1.0),
             _linear_learned,
             lambda m, names: "one weight per input (and class): "
             + _top_weights(np.atleast_2d(m.coef_), names),
             "Linear regression (ridge)"),
    Baseline("knn", f"{K_NEIGHBOURS} nearest neighbours",
             lambda seed, n: KNeighborsClassifier(min(K_NEIGHBOURS, n)),
             lambda seed, n: KNeighborsRegressor(min(K_NEIGHBOURS, n)),
             _knn_learned,
             lambda m, names: "no rule: each answer is explained by showing the "
             f"{m.n_neighbors} training examples nearest to the input"),
    Baseline("svm", "SVM (RBF kernel)",
             lambda seed, n: SVC(kernel="rbf"), lambda seed, n: SVR(kernel="rbf"),
             _svm_learned,
             lambda m, names: f"a weighted vote of similarity to {len(m.support_vectors_)} "
             "training examples on the margin; which ones can be shown, not why"),
    Baseline("forest", "Random forest",
             lambda seed, n: RandomForestClassifier(FOREST_TREES, random_state=seed),
             lambda seed, n: RandomForestRegressor(FOREST_TREES, random_state=seed),
             _forest_learned, _forest_words),
    Baseline("boosting", "Gradient boosting (histogram)",
             lambda seed, n: HistGradientBoostingClassifier(random_state=seed),
             lambda seed, n: HistGradientBoostingRegressor(random_state=seed),
             _boosting_learned,
             lambda m, names: f"{m.n_iter_} rounds of small trees, each correcting the "
             "ones before: every tree readable, the sum of them not"),
)}


@dataclass(frozen=True)
class ModelRow:
    """One model's line in the comparison table."""

    name: str
    score: float  # test accuracy, or test R² for regression
    train_score: float
    fit_seconds: float
    predict_seconds: float  # for the whole test split
    learned: int  # parameters, stored numbers or tree nodes
    learned_what: str
    readable: str
    rmse: float | None = None  # regression only


def baseline_keys(text: str) -> tuple[str, ...]:
    """Parse 'logreg,knn' into baseline keys, or a SpecError naming the ones offered."""
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    bad = [k for k in keys if k not in BASELINES]
    if bad or not keys:
        raise SpecError(f"Unknown baseline {', '.join(map(repr, bad)) or '(none)'}; pick "
                        f"from {', '.join(BASELINES)}.")
    return keys


def check_tabular(data: Data) -> None:
    """The baselines read one flat row of numbers per example and one target: sequence
    data (token ids, per-position labels) is refused with a message."""
    if not data.info.regression:
        require_classify(data, "Traditional baselines")


def fit_baseline(key: str, data: Data, seed: int = 0) -> ModelRow:
    """Fit one baseline on `data`'s training split and score it on its test split.

    Args:
        key: a BASELINES key.
        data: a classification or regression split; inputs are flattened to (N, F).
        seed: the random state of the forest and boosting.
    """
    check_tabular(data)
    baseline = BASELINES[key]
    xtr, xte, names = flat_features(data)
    ytr, yte = np.asarray(data.y_train), np.asarray(data.y_test)
    make = baseline.regressor if data.info.regression else baseline.classifier
    model = make(seed, len(xtr))
    # One BLAS thread, as in the black-box page: many threads on a busy server were
    # far slower; warnings about iterations are the model's business, not the page's.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(xtr, ytr)
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        pred = model.predict(xte)
        predict_seconds = time.perf_counter() - start
        train_pred = model.predict(xtr)
    count, what = baseline.learned(model)
    if data.info.regression:
        test, train = regression_scores(yte, pred), regression_scores(ytr, train_pred)
        return ModelRow(baseline.title(True), test["r2"], train["r2"], fit_seconds,
                        predict_seconds, count, what, baseline.readable(model, names),
                        test["rmse"])
    return ModelRow(baseline.name, float((pred == yte).mean()),
                    float((train_pred == ytr).mean()), fit_seconds, predict_seconds, count,
                    what, baseline.readable(model, names))


def network_row(trainer: Any, name: str = "Neural network (yours)") -> ModelRow:
    """The network in the same table: its test score now, its training time so far and
    the time to predict the whole test split."""
    start = time.perf_counter()
    test = trainer.evaluate("test")
    predict_seconds = time.perf_counter() - start
    train = trainer.evaluate("train")
    key = "r2" if trainer.regression else "accuracy"
    return ModelRow(name, test[key], train[key], trainer.train_seconds,
                    predict_seconds, trainer.parameters, "weights",
                    f"{trainer.parameters:,} weights in {len(trainer.spec.layers)} layers; "
                    "no single weight or rule says why", test.get("rmse"))
