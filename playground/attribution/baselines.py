"""Baselines: what 'this feature is absent' means to IG, DeepLIFT, GradientSHAP, Occlusion
and feature ablation. The choice changes the answer, which is why it is a visible control.

`BASELINES` declares each one once: its name, the words the picker shows, how it is made
for a batch, and whether it needs neighbours (image pixels or sequence positions).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from playground.errors import SpecError

BASELINE_NOTE = ("The baseline is the reference the input is compared with, so a different "
                 "baseline gives a different answer.")


@dataclass(frozen=True)
class Baseline:
    """One meaning of "absent": `make(x, data_mean, seed)` gives a tensor shaped like x."""

    name: str
    help: str
    make: Callable[[torch.Tensor, torch.Tensor | None, int], torch.Tensor]
    needs_neighbours: bool = False  # only for inputs of two or more dimensions


def _gaussian_kernel(sigma: float) -> torch.Tensor:
    radius = max(1, math.ceil(2 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=torch.float32)
    k = torch.exp(-0.5 * (t / sigma) ** 2)
    return k / k.sum()


def blur(x: torch.Tensor) -> torch.Tensor:
    """Gaussian blur of a batch: images (B, C, H, W) over H and W with σ = H/8; sequences
    (B, T, D) along T with σ = T/8. Edges are reflected so the border keeps its brightness."""
    if x.dim() == 4:
        b, c, h, w = x.shape
        k = _gaussian_kernel(max(h, w) / 8).to(x)
        r = len(k) // 2
        y = x.reshape(b * c, 1, h, w)
        mode = "reflect" if min(h, w) > r else "replicate"
        y = F.pad(y, (r, r, r, r), mode=mode)
        y = F.conv2d(y, k.view(1, 1, 1, -1))
        y = F.conv2d(y, k.view(1, 1, -1, 1))
        return y.reshape(b, c, h, w)
    if x.dim() == 3:
        b, t, d = x.shape
        k = _gaussian_kernel(max(t / 8, 0.5)).to(x)
        r = len(k) // 2
        y = x.transpose(1, 2).reshape(b * d, 1, t)  # (B*D, 1, T)
        y = F.pad(y, (r, r), mode="replicate")
        y = F.conv1d(y, k.view(1, 1, -1))
        return y.reshape(b, d, t).transpose(1, 2)
    raise SpecError("The blur baseline needs images or sequences; for feature vectors choose "
                    "zeros, mean or noise.")


def _mean(x: torch.Tensor, data_mean: torch.Tensor | None, seed: int) -> torch.Tensor:
    if data_mean is None:
        raise SpecError("The mean baseline needs the training data's mean; choose zeros "
                        "or noise, or pass data_mean.")
    mean = data_mean.to(x)
    if tuple(mean.shape) != tuple(x.shape[1:]):
        raise SpecError(f"data_mean has shape {tuple(mean.shape)} but the inputs are "
                        f"{tuple(x.shape[1:])}; compute it from the same data.")
    return mean.expand_as(x).clone()


def _noise(x: torch.Tensor, data_mean: torch.Tensor | None, seed: int) -> torch.Tensor:
    """Per input, Gaussian noise with that input's mean and spread, from a private generator
    seeded by the request: the same request gets the same baseline, and torch's global
    generator (other sessions' dropout) is never touched."""
    gen = torch.Generator().manual_seed(seed)
    flat = x.reshape(len(x), -1)
    mu = flat.mean(1, keepdim=True)
    sd = flat.std(1, keepdim=True, unbiased=False) if flat.shape[1] > 1 else flat.abs()
    noise = torch.randn(flat.shape, generator=gen).to(x)
    return (mu + noise * (sd + 1e-3)).reshape(x.shape)


BASELINES: dict[str, Baseline] = {b.name: b for b in (
    Baseline("zeros", "all zeros (a black image; the average of standardised features; a "
             "zero vector for each token)", lambda x, mean, seed: torch.zeros_like(x)),
    Baseline("mean", "the training set's average input", _mean),
    Baseline("blur", "a Gaussian-blurred copy of the input (images and sequences only)",
             lambda x, mean, seed: blur(x), needs_neighbours=True),
    Baseline("noise", "random noise with the input's own mean and spread (seeded)", _noise),
)}

BASELINE_HELP = {name: b.help for name, b in BASELINES.items()}


def baselines_for(item_shape: tuple[int, ...]) -> tuple[str, ...]:
    """Baselines that make sense for inputs of `item_shape` (blur needs neighbours: image
    pixels or sequence positions)."""
    return tuple(name for name, b in BASELINES.items()
                 if len(item_shape) >= 2 or not b.needs_neighbours)


def make_baseline(name: str, x: torch.Tensor, data_mean: torch.Tensor | None = None,
                  seed: int = 0) -> torch.Tensor:
    """The baseline `name` for the batch `x` (B, *shape), as a tensor of the same shape.

    `data_mean` (shape `x.shape[1:]`) is needed for "mean"; `seed` seeds "noise", so the
    same input and seed always get the same baseline.
    """
    if name not in BASELINES:
        raise SpecError(f"Unknown baseline {name!r}; choose one of {', '.join(BASELINES)}.")
    return BASELINES[name].make(x, data_mean, seed)
