"""Image datasets that need no network: sklearn's real digits and drawn shapes."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits

from playground.datasets.base import DatasetKind, Raw, noise_param, register, samples_param
from playground.params import Param

SHAPE_NAMES = ("circle", "square", "triangle", "cross")


def _digits(p, seed):
    bunch = load_digits()
    x = (bunch.images / 16.0).astype(np.float32)[:, None]  # (N, 1, 8, 8) in [0, 1]
    return Raw(x, bunch.target.astype(np.int64), tuple(str(d) for d in range(10)))


def draw_shape(kind: str, size: int, cx: float, cy: float, r: float) -> np.ndarray:
    """A filled shape on a size×size canvas, as a float mask in [0, 1]."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    dx, dy = xx - cx, yy - cy
    if kind == "circle":
        mask = dx**2 + dy**2 <= r**2
    elif kind == "square":
        side = r * 0.85
        mask = (np.abs(dx) <= side) & (np.abs(dy) <= side)
    elif kind == "triangle":  # apex up; the width grows linearly towards the base
        mask = (dy >= -r) & (dy <= r * 0.8) & (np.abs(dx) <= (dy + r) * 0.6)
    elif kind == "cross":
        arm = max(r / 3.0, 1.0)
        mask = ((np.abs(dx) <= arm) & (np.abs(dy) <= r)) | (
            (np.abs(dy) <= arm) & (np.abs(dx) <= r))
    else:
        raise ValueError(f"unknown shape {kind!r}")
    return mask.astype(np.float32)


def _shapes(p, seed):
    rng = np.random.default_rng(seed)
    n, size = p["n_samples"], p["size"]
    y = np.arange(n) % len(SHAPE_NAMES)
    x = np.empty((n, 1, size, size), np.float32)
    for i, label in enumerate(y):
        r = rng.uniform(0.2, 0.33) * size
        cx, cy = rng.uniform(r + 0.5, size - r - 0.5, size=2)
        img = draw_shape(SHAPE_NAMES[label], size, cx, cy, r) * rng.uniform(0.7, 1.0)
        x[i, 0] = img + rng.normal(0, p["noise"], (size, size))
    return Raw(np.clip(x, 0.0, 1.0), y.astype(np.int64), SHAPE_NAMES)


register(DatasetKind(
    "digits", "image",
    "1,797 real 8×8 handwritten digits (0–9) that ship with scikit-learn.",
    (), _digits, source="scikit-learn (UCI optical digits)",
))
register(DatasetKind(
    "shapes", "image",
    "Drawn circles, squares, triangles and crosses at random positions and sizes, with "
    "pixel noise.",
    (samples_param(1200, 100, 5000), noise_param(0.1, 0.5),
     Param("size", int, 16, "Image width and height in pixels.", min=16, max=32)),
    _shapes,
))
