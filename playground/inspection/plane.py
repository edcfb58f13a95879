"""Evaluating a 2D model over the whole input plane, as one batch."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.inspection.forward import forward


@dataclass(frozen=True)
class PlaneGrid:
    xs: np.ndarray  # (R,) x coordinates
    ys: np.ndarray  # (R,) y coordinates
    points: np.ndarray  # (R*R, 2) float32, row-major: points[i*R + j] = (xs[j], ys[i])

    @property
    def resolution(self) -> int:
        return len(self.xs)


def plane_grid(x: np.ndarray, resolution: int = 60, margin: float = 0.15) -> PlaneGrid:
    """A square grid covering the points `x` (N, 2) with a margin on every side."""
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = (hi - lo) * margin + 1e-6
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution, dtype=np.float32)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution, dtype=np.float32)
    gx, gy = np.meshgrid(xs, ys)
    return PlaneGrid(xs, ys, np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32))


def predict_plane(model: nn.Module, grid: PlaneGrid) -> np.ndarray:
    """Class probabilities over the grid, (R, R, C); the model's train/eval mode is kept."""
    probs = torch.softmax(forward(model, grid.points), -1).numpy()
    r = grid.resolution
    return probs.reshape(r, r, -1)
