"""The dataset registry's entry type, the seeded (stratified) split and the shared read-only
cache."""

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


@dataclass(frozen=True)
class Raw:
    """What a loader returns: all examples before the split."""

    x: np.ndarray  # (N, *input_shape), float32 or int64 token ids
    y: np.ndarray  # (N,) class ids, or (N, T) per-token class ids
    class_names: tuple[str, ...]
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

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    kind: str
    input_shape: tuple[int, ...]
    num_classes: int
    class_names: tuple[str, ...]
    task: str  # "classify": one label per example; "tokens": one label per position
    feature_names: tuple[str, ...] = ()
    vocab: tuple[str, ...] = ()

    @property
    def tokens(self) -> bool:
        return DATA_KINDS[self.kind].tokens


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
    return add_entry(DATASETS, kind.name, kind, "dataset")


def samples_param(default: int, low: int = 50, high: int = 5000) -> Param:
    return Param("n_samples", int, default, "How many examples to generate.", min=low, max=high)


def noise_param(default: float, high: float = 1.0) -> Param:
    return Param("noise", float, default, "How much random noise blurs the examples.",
                 min=0.0, max=high)


def make_data(dataset: Any) -> Data:
    """The split for a DatasetSpec; cached, so reruns and sessions do not regenerate it."""
    key = tuple(sorted(dataset.params.items()))
    return _make_data(dataset.name, key, float(dataset.test_fraction), int(dataset.seed))


@lru_cache(maxsize=32)
def _make_data(name: str, params: tuple, test_fraction: float, seed: int) -> Data:
    kind = DATASETS[name]
    raw = kind.load(dict(params), seed)
    n = len(raw.x)
    cap = current_limits().max_samples
    if n > cap:
        raise SpecError(f"dataset {name}: {n} examples is more than this server allows "
                        f"({cap}). Lower n_samples.")
    order = np.random.default_rng(seed + 1).permutation(n)
    n_test = max(1, int(round(n * test_fraction)))
    if n - n_test < 1:
        raise SpecError(f"dataset {name}: test_fraction {test_fraction} leaves no training "
                        "examples. Lower test_fraction or add samples.")
    if raw.y.ndim == 1:
        in_test = _stratified_test(raw.y[order], test_fraction, n_test)
    else:  # labels per position: no class to stratify by
        in_test = np.arange(n) < n_test
    test_idx, train_idx = order[in_test], order[~in_test]
    x_train, x_test = raw.x[train_idx], raw.x[test_idx]
    mean = std = None
    if kind.standardize:
        mean = x_train.mean(axis=0)
        std = x_train.std(axis=0) + 1e-8
        x_train = ((x_train - mean) / std).astype(np.float32)
        x_test = ((x_test - mean) / std).astype(np.float32)
    task = "tokens" if raw.y.ndim == 2 else "classify"
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
    arrays = [np.ascontiguousarray(a) for a in (x_train, raw.y[train_idx], x_test,
                                                  raw.y[test_idx])]
    for a in arrays:
        a.setflags(write=False)
    return Data(info, *arrays, mean=mean, std=std)


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
