"""Attributions gathered for a view: several methods on one input, one method over a whole
dataset, one method over the 2D plane. Arrays out; the figures live in viz.attributions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.attribution.compute import Progress, attribute, rank_correlation
from playground.attribution.methods import METHODS
from playground.errors import SpecError


@dataclass(frozen=True)
class Comparison:
    """Several methods' maps for one input and their pairwise rank correlations."""

    maps: dict[str, np.ndarray]  # method name → attributions shaped like the input
    errors: dict[str, str]  # method name → why it could not run (a SpecError message)
    correlation: np.ndarray  # (M, M) Spearman ρ over |values|, M = len(maps)


def compare_methods(model: nn.Module, inputs: torch.Tensor, target: int, methods: list[str],
                    params: dict[str, dict] | None = None, baseline: str = "zeros",
                    data_mean: torch.Tensor | None = None, layer: int | None = None,
                    embedding_layer: int | None = None, position: int | None = None,
                    progress: Progress | None = None, seed: int = 0) -> Comparison:
    """Run each method on one input (1, *shape); a method that cannot run is reported, not
    raised, so one refusal does not hide the others. `seed` as in `attribute`."""
    maps: dict[str, np.ndarray] = {}
    errors: dict[str, str] = {}
    for i, name in enumerate(methods):
        try:
            a = attribute(model, inputs[:1], target, name, (params or {}).get(name),
                          baseline, data_mean, layer if METHODS[name].needs_layer else None,
                          embedding_layer=embedding_layer, position=position, seed=seed)
            maps[name] = a[0].numpy()
        except SpecError as exc:
            errors[name] = str(exc)
        if progress is not None:
            progress((i + 1) / len(methods))
    names = list(maps)
    corr = np.array([[rank_correlation(maps[a], maps[b]) for b in names] for a in names])
    return Comparison(maps, errors, corr.reshape(len(names), len(names)))


def mean_abs_attribution(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor,
                         method: str, params: dict | None = None, baseline: str = "zeros",
                         data_mean: torch.Tensor | None = None,
                         progress: Progress | None = None, seed: int = 0) -> np.ndarray:
    """Mean |attribution| per feature over many inputs (N, *shape) → (*shape,): which
    features the model leans on across the dataset, whatever the sign."""
    a = attribute(model, inputs, targets, method, params, baseline, data_mean,
                  progress=progress, seed=seed)
    return a.abs().mean(0).numpy()


def plane_attributions(model: nn.Module, points: np.ndarray, target: int, method: str,
                       params: dict | None = None, baseline: str = "zeros",
                       data_mean: torch.Tensor | None = None,
                       progress: Progress | None = None, seed: int = 0) -> np.ndarray:
    """Attributions of a 2D model at every grid point (R*R, 2) towards one class →
    (R*R, 2); reshape with the grid's resolution for a field over the plane."""
    x = torch.from_numpy(np.ascontiguousarray(points, dtype=np.float32))
    return attribute(model, x, target, method, params, baseline, data_mean,
                     progress=progress, seed=seed).numpy()
