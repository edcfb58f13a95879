"""Layer health: dead ReLUs, saturated squashing units, gradient norms and histograms.

These are the numbers behind "vanishing" and "exploding" gradients: a unit that is always
zero (dead ReLU) or pinned at ±1 (saturated tanh) passes almost no gradient back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from torch import nn

from playground.inspection.activations import LayerActivation
from playground.layers import LAYERS


def unit_view(output: np.ndarray) -> np.ndarray:
    """(B, *shape) → (samples, units): a unit is a feature of a vector, a channel of feature
    maps (every position of one filter), a feature of each sequence position."""
    a = np.asarray(output)
    if a.ndim == 4:  # (B, C, H, W): channels are the units, positions are more samples
        return a.transpose(0, 2, 3, 1).reshape(-1, a.shape[1])
    if a.ndim >= 2:
        return a.reshape(-1, a.shape[-1])
    return a.reshape(-1, 1)


def dead_share(output: np.ndarray) -> float:
    """Share of units whose output is ≤ 0 for every sample of the batch (dead ReLUs)."""
    units = unit_view(output)
    if units.size == 0:
        return 0.0
    return float((units <= 0).all(axis=0).mean())


def saturation_share(output: np.ndarray, kind: str) -> float:
    """Share of all output values in the flat ends of a squashing kind (tanh, sigmoid):
    outside the kind's `linear_range` in the layer registry."""
    band = LAYERS[kind].linear_range if kind in LAYERS else None
    if band is None:
        raise ValueError(f"saturation is defined for squashing activations, not {kind!r}")
    a = np.asarray(output)
    if a.size == 0:
        return 0.0
    return float(((a < band[0]) | (a > band[1])).mean())


def gradient_norms(model: nn.Sequential) -> list[float | None]:
    """The L2 norm of each child's parameter gradients from the last backward pass.

    None for a child with no parameters or whose gradients are not set (no step yet, or a
    model copy: `copy.deepcopy` does not copy `.grad`). Read it between steps, e.g. under
    `Runner.holding()`, since the next step clears the gradients.
    """
    norms: list[float | None] = []
    for child in model.children():
        grads = [p.grad for p in child.parameters() if p.grad is not None]
        if not grads:
            norms.append(None)
            continue
        norms.append(math.sqrt(sum(float(g.detach().float().pow(2).sum()) for g in grads)))
    return norms


def histogram(values: np.ndarray, bins: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Counts and bin edges of all values; a constant array gets one narrow bin."""
    a = np.asarray(values, dtype=np.float64).ravel()
    a = a[np.isfinite(a)]
    if a.size == 0:
        return np.zeros(0, np.int64), np.zeros(1)
    lo, hi = float(a.min()), float(a.max())
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    return np.histogram(a, bins=bins, range=(lo, hi))


@dataclass(frozen=True)
class LayerHealth:
    """One layer's health figures; None where a figure does not apply."""

    index: int
    kind: str
    dead: float | None  # share of dead units (ReLU layers)
    saturated: float | None  # share of saturated values (tanh, sigmoid layers)
    grad_norm: float | None  # norm of this layer's parameter gradients (layers with weights)
    mean: float
    std: float


def layer_health(acts: Sequence[LayerActivation],
                 grad_norms: Sequence[float | None] | None = None) -> list[LayerHealth]:
    """Health figures for every layer from a batch's activations and the last gradients."""
    rows = []
    for a in acts:
        out = a.output
        health = LAYERS[a.kind].health if a.kind in LAYERS else None
        dead = dead_share(out) if health == "dead" else None
        saturated = saturation_share(out, a.kind) if health == "saturating" else None
        grad = grad_norms[a.index] if grad_norms is not None and a.index < len(
            grad_norms) else None
        rows.append(LayerHealth(a.index, a.kind, dead, saturated, grad,
                                float(out.mean()) if out.size else 0.0,
                                float(out.std()) if out.size else 0.0))
    return rows
