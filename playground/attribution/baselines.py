"""Baselines: what 'this feature is absent' means to IG, DeepLIFT, GradientSHAP, Occlusion
and feature ablation. The choice changes the answer, which is why it is a visible control."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from playground.errors import SpecError

BASELINES: tuple[str, ...] = ("zeros", "mean", "blur", "noise")

BASELINE_HELP = {
    "zeros": "all zeros (a black image; the average of standardised features; a zero "
             "vector for each token)",
    "mean": "the training set's average input",
    "blur": "a Gaussian-blurred copy of the input (images and sequences only)",
    "noise": "random noise with the input's own mean and spread (seeded)",
}

BASELINE_NOTE = ("The baseline is the reference the input is compared with, so a different "
                 "baseline gives a different answer.")

_NOISE_SEED = 0


def baselines_for(item_shape: tuple[int, ...]) -> tuple[str, ...]:
    """Baselines that make sense for inputs of `item_shape` (blur needs neighbours:
    image pixels or sequence positions)."""
    return BASELINES if len(item_shape) >= 2 else tuple(b for b in BASELINES if b != "blur")


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


def make_baseline(name: str, x: torch.Tensor, data_mean: torch.Tensor | None = None
                  ) -> torch.Tensor:
    """The baseline `name` for the batch `x` (B, *shape), as a tensor of the same shape.

    `data_mean` (shape `x.shape[1:]`) is needed for "mean". Noise is seeded, so the same
    input always gets the same baseline.
    """
    if name == "zeros":
        return torch.zeros_like(x)
    if name == "mean":
        if data_mean is None:
            raise SpecError("The mean baseline needs the training data's mean; choose zeros "
                            "or noise, or pass data_mean.")
        mean = data_mean.to(x)
        if tuple(mean.shape) != tuple(x.shape[1:]):
            raise SpecError(f"data_mean has shape {tuple(mean.shape)} but the inputs are "
                            f"{tuple(x.shape[1:])}; compute it from the same data.")
        return mean.expand_as(x).clone()
    if name == "blur":
        return blur(x)
    if name == "noise":
        gen = torch.Generator().manual_seed(_NOISE_SEED)
        flat = x.reshape(len(x), -1)
        mu = flat.mean(1, keepdim=True)
        sd = flat.std(1, keepdim=True, unbiased=False) if flat.shape[1] > 1 else flat.abs()
        noise = torch.randn(flat.shape, generator=gen).to(x)
        return (mu + noise * (sd + 1e-3)).reshape(x.shape)
    raise SpecError(f"Unknown baseline {name!r}; choose one of {', '.join(BASELINES)}.")
