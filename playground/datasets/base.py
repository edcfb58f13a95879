"""The dataset registry's entry type, the seeded (stratified) split and the shared read-only
cache.

A dataset's task is declared once, on its registry entry: CLASSIFY (a class id per example,
or per position for sequences) or REGRESS (one float32 number per example). Everything that
differs between the two (the head, the loss, the scores, the views) reads it from there, via
`DatasetInfo.task` / `DatasetInfo.regression`, never from the dataset's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from playground.datakinds import DATA_KINDS
from playground.errors import SpecError
from playground.limits import current_limits
from playground.params import Param
from playground.registry import add_entry

# The tasks a dataset can pose. A DatasetKind declares CLASSIFY or REGRESS; its split's
# DatasetInfo says TOKENS instead of CLASSIFY when the labels are per position.
CLASSIFY, TOKENS, REGRESS = "classify", "tokens", "regress"
REGRESSION_BINS = 10  # a regression split is stratified by target decile


@dataclass(frozen=True)
class Raw:
    """What a loader returns: all examples before the split."""

    x: np.ndarray  # (N, *input_shape), float32 or int64 token ids
    y: np.ndarray  # (N,) class ids, (N, T) per-token class ids, or (N,) float32 targets
    class_names: tuple[str, ...]  # () for regression
    feature_names: tuple[str, ...] = ()
    vocab: tuple[str, ...] = ()  # token names for sequence data; index = token id


@dataclass(frozen=True)
class DatasetKind:
    name: str
    kind: str  # a DATA_KINDS key: "2d" | "image" | "tabular" | "sequence"
    description: str
    params: tuple[Param, ...]
    load: Callable[[dict[str, Any], int], Raw]
    standardize: bool = False  # tabular: scale with training-split statistics only
    source: str = "generated"
    # The attention pattern the task needs, which the attention page measures: "mirror"
    # (position t reads T−1−t); None when no one pattern is expected.
    attention_pattern: str | None = None
    task: str = CLASSIFY  # CLASSIFY or REGRESS (a number per example)
    # Examples are consecutive pieces of one text: split by position (the test split is the
    # end), never shuffled, so no test passage overlaps a training one.
    ordered: bool = False

    @property
    def regression(self) -> bool:
        return self.task == REGRESS

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    kind: str
    input_shape: tuple[int, ...]
    num_classes: int
    class_names: tuple[str, ...]
    # "classify": one label per example; "tokens": one label per position; "regress": one
    # number per example (num_classes is 0, class_names empty)
    task: str
    feature_names: tuple[str, ...] = ()
    vocab: tuple[str, ...] = ()

    @property
    def tokens(self) -> bool:
        return DATA_KINDS[self.kind].tokens

    @property
    def regression(self) -> bool:
        return self.task == REGRESS

    @property
    def outputs(self) -> int:
        """Units of the automatic output head: one per class, or one number."""
        return 1 if self.regression else self.num_classes

    @property
    def target_phrase(self) -> str:
        """What the network predicts, for summaries: "3 classes" or "a number (regression)"."""
        return "a number (regression)" if self.regression else f"{self.num_classes} classes"


@dataclass(frozen=True)
class Data:
    """A seeded train/test split. Arrays are read-only: sessions may share them."""

    info: DatasetInfo
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    mean: np.ndarray | None = field(default=None)  # standardisation statistics (tabular)
    std: np.ndarray | None = field(default=None)


DATASETS: dict[str, DatasetKind] = {}


def register(kind: DatasetKind) -> DatasetKind:
    if kind.kind not in DATA_KINDS:
        raise ValueError(f"dataset {kind.name!r}: unknown data kind {kind.kind!r}")
    if kind.task not in (CLASSIFY, REGRESS):
        raise ValueError(f"dataset {kind.name!r}: task must be {CLASSIFY!r} or {REGRESS!r}")
    if kind.regression and DATA_KINDS[kind.kind].regression_view is None:
        raise ValueError(f"dataset {kind.name!r}: data kind {kind.kind!r} has no view of "
                         "regression predictions (DataKind.regression_view)")
    return add_entry(DATASETS, kind.name, kind, "dataset")


def samples_param(default: int, low: int = 50, high: int = 5000) -> Param:
    return Param("n_samples", int, default, "How many examples to generate.", min=low, max=high)


def noise_param(default: float, high: float = 1.0) -> Param:
    return Param("noise", float, default, "How much random noise blurs the examples.",
                 min=0.0, max=high)


def make_data(dataset: Any) -> Data:
    """The split for a DatasetSpec; cached, so reruns and sessions do not regenerate it."""
    key = tuple(sorted(dataset.params.items()))
    return _make_data(dataset.name, key, float(dataset.test_fraction), int(dataset.seed),
                      float(getattr(dataset, "train_fraction", 1.0)))


@lru_cache(maxsize=32)
def _make_data(name: str, params: tuple, test_fraction: float, seed: int,
               train_fraction: float = 1.0) -> Data:
    kind = DATASETS[name]
    raw = kind.load(dict(params), seed)
    n = len(raw.x)
    cap = current_limits().max_samples
    if n > cap:
        raise SpecError(f"dataset {name}: {n} examples is more than this server allows "
                        f"({cap}). Lower n_samples.")
    order = np.arange(n) if kind.ordered else np.random.default_rng(seed + 1).permutation(n)
    n_test = max(1, int(round(n * test_fraction)))
    if n - n_test < 1:
        raise SpecError(f"dataset {name}: test_fraction {test_fraction} leaves no training "
                        "examples. Lower test_fraction or add samples.")
    if kind.regression:
        if raw.y.shape != (n,) or raw.y.dtype != np.float32 or not np.isfinite(raw.y).all():
            raise ValueError(f"dataset {name}: regression targets must be finite float32 "
                             f"(N,), got {raw.y.dtype} {raw.y.shape}")
        in_test = _stratified_test(_target_bins(raw.y[order]), test_fraction, n_test)
    elif raw.y.ndim == 1:
        in_test = _stratified_test(raw.y[order], test_fraction, n_test)
    else:  # labels per position: no class to stratify by
        in_test = np.arange(n) >= n - n_test if kind.ordered else np.arange(n) < n_test
    test_idx, train_idx = order[in_test], order[~in_test]
    x_train, x_test = raw.x[train_idx], raw.x[test_idx]
    mean = std = None
    if kind.standardize:
        mean = x_train.mean(axis=0)
        std = x_train.std(axis=0) + 1e-8
        x_train = ((x_train - mean) / std).astype(np.float32)
        x_test = ((x_test - mean) / std).astype(np.float32)
    task = REGRESS if kind.regression else TOKENS if raw.y.ndim == 2 else CLASSIFY
    info = DatasetInfo(
        name=name,
        kind=kind.kind,
        input_shape=tuple(raw.x.shape[1:]),
        num_classes=len(raw.class_names),
        class_names=raw.class_names,
        task=task,
        feature_names=raw.feature_names,
        vocab=raw.vocab,
    )
    y_train = raw.y[train_idx]
    if train_fraction < 1.0:  # after standardising: the statistics stay the full split's
        keep = train_subset(y_train, train_fraction, seed, kind.regression)
        x_train, y_train = x_train[keep], y_train[keep]
    arrays = [np.ascontiguousarray(a) for a in (x_train, y_train, x_test, raw.y[test_idx])]
    for a in arrays:
        a.setflags(write=False)
    return Data(info, *arrays, mean=mean, std=std)


def train_subset(y: np.ndarray, fraction: float, seed: int,
                 regression: bool = False) -> np.ndarray:
    """Indices of a seeded `fraction` of a training split, stratified like the split (each
    class keeps its share and at least one example; regression: by target decile), in
    their original order.

    Args:
        y: (N,) class ids or targets, or (N, T) per-token labels (not stratified).
    """
    n = len(y)
    n_keep = min(n, max(1, int(round(n * fraction))))
    order = np.random.default_rng([seed, 7]).permutation(n)
    if y.ndim > 1:
        return np.sort(order[:n_keep])
    labels = _target_bins(y[order]) if regression else y[order]
    chosen = _stratified_test(labels, fraction, n_keep)
    for c in np.unique(labels):  # a class drawn zero times would vanish from training
        if not chosen[labels == c].any():
            chosen[np.flatnonzero(labels == c)[0]] = True
    return np.sort(order[chosen])


def _target_bins(y: np.ndarray, bins: int = REGRESSION_BINS) -> np.ndarray:
    """Regression targets as their quantile bin (0..bins-1), so the stratified split puts
    low, middle and high targets alike into the test set."""
    ranks = np.argsort(np.argsort(y, kind="stable"), kind="stable")
    return (ranks * bins // max(1, len(y))).astype(np.int64)


def _stratified_test(y: np.ndarray, test_fraction: float, n_test: int) -> np.ndarray:
    """Which of the (already shuffled) labels `y` go to the test set: `n_test` of them, each
    class within one example of `test_fraction` of its size, so a small table cannot put
    most of one class in the test set by chance.

    Each class gets the floor of its share; the examples left over go to the classes with
    the largest remainders (ties: the class seen first in the shuffled order). Within a
    class the test examples are the first ones in the shuffled order.

    Returns:
        (N,) bool mask over `y`.
    """
    classes, first, counts = np.unique(y, return_index=True, return_counts=True)
    share = counts * test_fraction
    take = np.floor(share).astype(int)
    extra = n_test - int(take.sum())  # 0 ≤ extra ≤ number of classes
    take[np.lexsort((first, take - share))[:extra]] += 1
    rank = np.empty(len(y), dtype=int)  # each example's position among its class
    for c, count in zip(classes, counts, strict=True):
        rank[y == c] = np.arange(count)
    return rank < take[np.searchsorted(classes, y)]


def dataset_info(dataset: Any) -> DatasetInfo:
    return make_data(dataset).info
