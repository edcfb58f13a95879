"""Regression toy problems, as in TensorFlow Playground: predict a number, not a class.

"plane" and "gaussian" put points on the plane (the "2d" kind, so every plane view draws
them) with a target that is a function of (x, y); "sine" is a curve over one input x (the
"1d" kind). Targets are float32 (N,), noise is added to the target: `noise` is its standard
deviation in units of half the target's range (the targets span about −1 to 1).
"""

from __future__ import annotations

import numpy as np

from playground.datasets.base import (
    REGRESS,
    DatasetKind,
    Raw,
    noise_param,
    register,
    samples_param,
)
from playground.params import Param

NOISE_SCALE = 0.5  # target noise standard deviation per unit of `noise`
# TensorFlow Playground's regression bumps on its [-6, 6] plane, scaled to [-1, 1]: three
# along the top and three along the bottom, with alternating signs.
BUMPS = tuple((cx / 6, cy / 6, sign) for cx, cy, sign in (
    (-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)))
BUMP_WIDTH = 0.15  # each bump's standard deviation, in plane units


def _raw(x: np.ndarray, target: np.ndarray, names: tuple[str, ...]) -> Raw:
    return Raw(x.astype(np.float32), target.astype(np.float32), (), feature_names=names)


def _noisy(rng: np.random.Generator, target: np.ndarray, noise: float) -> np.ndarray:
    return target + rng.normal(0.0, noise * NOISE_SCALE, target.shape)


def plane_target(pts: np.ndarray) -> np.ndarray:
    """The noiseless "plane" target: (x + y) / 2, a tilted plane from −1 to 1."""
    return (pts[:, 0] + pts[:, 1]) / 2


def gaussian_target(pts: np.ndarray) -> np.ndarray:
    """The noiseless "gaussian" target: the sum of six signed Gaussian bumps (peaks ±1)."""
    total = np.zeros(len(pts))
    for cx, cy, sign in BUMPS:
        d2 = (pts[:, 0] - cx) ** 2 + (pts[:, 1] - cy) ** 2
        total += sign * np.exp(-d2 / (2 * BUMP_WIDTH ** 2))
    return total


def sine_target(x: np.ndarray, periods: float) -> np.ndarray:
    """The noiseless "sine" target over x in [−1, 1]: `periods` full waves."""
    return np.sin(np.pi * periods * x)


def _plane(p, seed):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-1, 1, size=(p["n_samples"], 2))
    return _raw(pts, _noisy(rng, plane_target(pts), p["noise"]), ("x", "y"))


def _gaussian(p, seed):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-1, 1, size=(p["n_samples"], 2))
    return _raw(pts, _noisy(rng, gaussian_target(pts), p["noise"]), ("x", "y"))


def _sine(p, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(p["n_samples"], 1))
    return _raw(x, _noisy(rng, sine_target(x[:, 0], p["periods"]), p["noise"]), ("x",))


register(DatasetKind("plane", "2d", "Regression: the target rises evenly across the plane "
                     "(a linear function of x and y, plus noise). The output head alone "
                     "fits it.", (samples_param(500), noise_param(0.1)), _plane,
                     task=REGRESS))
register(DatasetKind("gaussian", "2d", "Regression: six Gaussian bumps, three up and three "
                     "down, as in TensorFlow Playground. The network must build each bump "
                     "from straight cuts.", (samples_param(800), noise_param(0.1)),
                     _gaussian, task=REGRESS))
register(DatasetKind("sine", "1d", "Regression on one input: y = sin(x) plus noise. A curve "
                     "drawn by bending a line at every hidden unit.",
                     (samples_param(400), noise_param(0.1),
                      Param("periods", float, 1.0, "How many full waves fit across x from −1 "
                            "to 1.", min=0.25, max=4.0)),
                     _sine, task=REGRESS))
