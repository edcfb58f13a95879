"""Hand-made image features, the way traditional computer vision fed a linear model:
pixel statistics and histograms of oriented gradients (HOG-like). The oriented gradient
kernels they are built from can be drawn beside a CNN's learned first-layer filters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.blackbox.common import require_image, with_arrays
from playground.classic.baselines import ModelRow, fit_baseline
from playground.datasets import Data

ORIENTATIONS = 8  # unsigned gradient directions over 0..180°, as HOG bins them
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], np.float32)


@dataclass(frozen=True)
class FeatureSet:
    key: str
    name: str
    how: str  # what the features are, in words


FEATURE_SETS = (
    FeatureSet("pixels", "Raw pixels", "every pixel's brightness, nothing made by hand"),
    FeatureSet("stats", "Pixel statistics", "mean and spread of brightness, ink share, and "
               "the mean of every row and column"),
    FeatureSet("hog", "Oriented gradients (HOG-like)", f"in each cell of a grid, how much "
               f"edge runs in each of {ORIENTATIONS} directions"),
)


def oriented_kernels() -> np.ndarray:
    """The hand-made edge detectors: a Sobel pair steered to each orientation,
    (ORIENTATIONS, 1, 3, 3), shaped like a conv layer's weight."""
    angles = np.arange(ORIENTATIONS) * np.pi / ORIENTATIONS
    k = [np.cos(a) * SOBEL_X + np.sin(a) * SOBEL_X.T for a in angles]
    return np.stack(k)[:, None].astype(np.float32)


def _gray(x: np.ndarray) -> np.ndarray:
    return np.asarray(x, np.float32).reshape(len(x), -1, *x.shape[-2:]).mean(1)  # (N, H, W)


def pixel_statistics(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) images -> (N, 3 + H + W): mean, standard deviation, share of pixels
    above the image's mean, then each row's and each column's mean."""
    g = _gray(x)
    flat = g.reshape(len(g), -1)
    mean = flat.mean(1, keepdims=True)
    return np.column_stack([mean, flat.std(1), (flat > mean).mean(1), g.mean(2),
                            g.mean(1)]).astype(np.float32)


def gradient_histograms(x: np.ndarray) -> np.ndarray:
    """(N, C, H, W) images -> (N, cells² × ORIENTATIONS): in each cell of a cells×cells
    grid (2×2 for 8-pixel images, up to 4×4), the gradient magnitude summed per
    orientation bin, each image's vector scaled to unit length."""
    g = _gray(x)
    gy, gx = np.gradient(g, axis=(1, 2))
    magnitude = np.hypot(gx, gy)
    angle = np.mod(np.arctan2(gy, gx), np.pi)  # unsigned: an edge and its reverse agree
    bins = np.minimum((angle / np.pi * ORIENTATIONS).astype(int), ORIENTATIONS - 1)
    n, h, w = g.shape
    cells = int(np.clip(min(h, w) // 4, 2, 4))
    rows = np.minimum(np.arange(h) * cells // h, cells - 1)
    cols = np.minimum(np.arange(w) * cells // w, cells - 1)
    cell = rows[:, None] * cells + cols[None, :]  # (H, W) cell id
    index = (cell[None] * ORIENTATIONS + bins).reshape(n, -1)
    out = np.zeros((n, cells * cells * ORIENTATIONS), np.float32)
    np.add.at(out, (np.repeat(np.arange(n), h * w), index.ravel()),
              magnitude.reshape(-1).astype(np.float32))
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norm, 1e-6)


FEATURES = {"stats": pixel_statistics, "hog": gradient_histograms}


def feature_rows(data: Data) -> list[tuple[FeatureSet, int, ModelRow]]:
    """Logistic regression on raw pixels and on each hand-made feature set, on the same
    split: (feature set, features per image, scores)."""
    require_image(data, "Hand-made features")
    out = []
    for fs in FEATURE_SETS:
        if fs.key == "pixels":
            part = data
        else:
            make = FEATURES[fs.key]
            part = with_arrays(data, x_train=make(data.x_train), x_test=make(data.x_test))
        width = int(np.prod(part.x_train.shape[1:]))
        out.append((fs, width, fit_baseline("logreg", part)))
    return out
