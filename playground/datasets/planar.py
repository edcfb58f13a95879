"""Two-dimensional toy problems, as in TensorFlow Playground: points on a plane."""

from __future__ import annotations

import numpy as np

from playground.datasets.base import DatasetKind, Raw, noise_param, register, samples_param
from playground.params import Param

_XY = ("x", "y")


def _raw(x: np.ndarray, y: np.ndarray, k: int) -> Raw:
    return Raw(x.astype(np.float32), y.astype(np.int64), tuple(f"class {i}" for i in range(k)),
               feature_names=_XY)


def _xor(p, seed):
    rng = np.random.default_rng(seed)
    n = p["n_samples"]
    pts = rng.uniform(-1, 1, size=(n, 2))
    pts += np.sign(pts) * 0.05  # a small gap along the axes keeps the quadrants apart
    y = (pts[:, 0] * pts[:, 1] < 0).astype(np.int64)
    return _raw(pts + rng.normal(0, p["noise"] * 0.3, pts.shape), y, 2)


def _circles(p, seed):
    rng = np.random.default_rng(seed)
    n = p["n_samples"]
    y = np.arange(n) % 2
    r = np.where(y == 0, rng.uniform(0, 0.45, n), rng.uniform(0.65, 1.0, n))
    a = rng.uniform(0, 2 * np.pi, n)
    pts = np.stack([r * np.cos(a), r * np.sin(a)], 1)
    return _raw(pts + rng.normal(0, p["noise"] * 0.3, pts.shape), y, 2)


def _moons(p, seed):
    rng = np.random.default_rng(seed)
    n = p["n_samples"]
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, n)
    pts = np.where(y[:, None] == 0,
                   np.stack([np.cos(t), np.sin(t)], 1),
                   np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1))
    pts = (pts - [0.5, 0.25]) / 1.2
    return _raw(pts + rng.normal(0, p["noise"] * 0.3, pts.shape), y, 2)


def _spiral(p, seed):
    rng = np.random.default_rng(seed)
    k, n = p["arms"], p["n_samples"]
    y = np.arange(n) % k
    t = rng.uniform(0, 1, n)
    angle = y * 2 * np.pi / k + t * 1.75 * np.pi + rng.normal(0, p["noise"] * 0.4, n)
    pts = np.stack([t * np.sin(angle), t * np.cos(angle)], 1)
    return _raw(pts, y, k)


def _blobs(p, seed):
    rng = np.random.default_rng(seed)
    k, n = p["classes"], p["n_samples"]
    centres = rng.uniform(-0.8, 0.8, size=(k, 2))
    y = np.arange(n) % k
    pts = centres[y] + rng.normal(0, 0.1 + p["noise"] * 0.4, size=(n, 2))
    return _raw(pts, y, k)


register(DatasetKind("xor", "2d", "Four quadrants; opposite corners share a class. No single "
                     "straight line separates them.", (samples_param(500), noise_param(0.1)),
                     _xor))
register(DatasetKind("circles", "2d", "One class inside a ring of the other: the boundary must "
                     "curve all the way round.", (samples_param(500), noise_param(0.1)),
                     _circles))
register(DatasetKind("moons", "2d", "Two interleaved half moons.",
                     (samples_param(500), noise_param(0.1)), _moons))
register(DatasetKind("spiral", "2d", "Arms spiralling out from the centre, one class per arm: "
                     "the hardest of the planar problems.",
                     (samples_param(600), noise_param(0.1),
                      Param("arms", int, 2, "Number of arms (classes).", min=2, max=6)),
                     _spiral))
register(DatasetKind("blobs", "2d", "Gaussian clusters, one per class: nearly linearly "
                     "separable.", (samples_param(500), noise_param(0.1),
                                    Param("classes", int, 3, "Number of clusters (classes).",
                                          min=2, max=8)), _blobs))
