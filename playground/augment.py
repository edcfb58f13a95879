"""Data augmentation for image batches: small shifts, rotations and pixel noise.

The trainer applies it to training batches only (never to evaluation), so the network sees
a slightly different version of each training image every epoch and cannot simply memorise
the pixels: a remedy for overfitting that costs data, not parameters. Every draw comes from a
generator the caller seeds (the trainer seeds it from `train.seed`), so a run is repeatable.
Draws are made on the CPU and moved to the batch's device, so a seed gives the same
augmentations on every device.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from playground.errors import SpecError

# The spec's `train.augment` choices; "all" applies shift, then rotate, then noise.
AUGMENTS = ("off", "shift", "rotate", "noise", "all")
SHIFT_FRACTION = 1 / 8  # largest shift, as a share of the image side: 1 px on 8×8 digits
ROTATE_DEGREES = 15.0  # largest turn either way; more and a 6 starts to look like a 9
NOISE_STD = 0.1  # Gaussian pixel noise on pixels in [0, 1]: visible, not destroying
IMAGE_KIND = "image"  # the dataset kind (DATA_KINDS) augmentation applies to

AUGMENT_HELP = (
    "Data augmentation for image datasets, on training batches only (test images are never "
    f"changed): shift moves each image up to {SHIFT_FRACTION:.0%} of its side (1 pixel on "
    f"8×8 digits), rotate turns it up to ±{ROTATE_DEGREES:g}°, noise adds Gaussian pixel "
    f"noise of std {NOISE_STD:g}, all does the three; off trains on the images as they are.")


def augment_seed(seed: int) -> int:
    """The augmentation generator's seed, derived from the run's seed but distinct from it,
    so its draws are not the batch order's draws replayed."""
    return (seed * 2_654_435_761 + 0x5EED) % 2**63


def check_augment(mode: str, kind: str, dataset: str) -> None:
    """Refuse augmentation on data that is not images: shifting or turning a point on the
    plane or a row of a table changes what it is, not how it looks."""
    if mode not in AUGMENTS:
        raise SpecError(f"train: 'augment' is {mode!r}; choose one of "
                        f"{', '.join(map(repr, AUGMENTS))}.")
    if mode != "off" and kind != IMAGE_KIND:
        raise SpecError(
            f"train: augment {mode!r} shifts, turns or adds noise to images, but dataset "
            f"{dataset} is {kind} data, not images. Set train.augment to 'off', or pick an "
            "image dataset (digits, shapes or your own pictures).")


def shift(x: torch.Tensor, max_pixels: int, generator: torch.Generator) -> torch.Tensor:
    """Move each image by a whole number of pixels, up to `max_pixels` each way on each
    axis; pixels moved in from outside are 0. x: (B, C, H, W)."""
    if max_pixels <= 0:
        return x
    b, _, h, w = x.shape
    dy, dx = torch.randint(-max_pixels, max_pixels + 1, (2, b), generator=generator)
    m = max_pixels
    padded = nn.functional.pad(x, (m, m, m, m))  # (B, C, H + 2m, W + 2m)
    # The output pixel (i, j) reads padded (m - dy + i, m - dx + j): the image moves by dy, dx.
    rows = (m - dy)[:, None] + torch.arange(h)  # (B, H)
    cols = (m - dx)[:, None] + torch.arange(w)  # (B, W)
    rows, cols = rows.to(x.device), cols.to(x.device)
    batch = torch.arange(b, device=x.device)[:, None, None]
    out = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]  # (B, H, W, C)
    return out.permute(0, 3, 1, 2).contiguous()


def rotate(x: torch.Tensor, max_degrees: float, generator: torch.Generator) -> torch.Tensor:
    """Turn each image about its centre by a random angle within ±`max_degrees`, with
    bilinear interpolation; corners turned in from outside are 0. Shape is kept."""
    b = x.shape[0]
    angle = (torch.rand(b, generator=generator) * 2 - 1) * math.radians(max_degrees)  # (B,)
    cos, sin = torch.cos(angle), torch.sin(angle)
    zero = torch.zeros_like(angle)
    theta = torch.stack([torch.stack([cos, -sin, zero], 1),
                         torch.stack([sin, cos, zero], 1)], 1)  # (B, 2, 3)
    theta = theta.to(device=x.device, dtype=x.dtype)
    grid = nn.functional.affine_grid(theta, list(x.shape), align_corners=False)
    return nn.functional.grid_sample(x, grid, mode="bilinear", padding_mode="zeros",
                                     align_corners=False)


def add_noise(x: torch.Tensor, std: float, generator: torch.Generator) -> torch.Tensor:
    """Add Gaussian noise of standard deviation `std` to every pixel (not clipped, so the
    noise has exactly the stated spread)."""
    noise = torch.randn(x.shape, generator=generator, dtype=x.dtype)
    return x + std * noise.to(x.device)


def augment_batch(x: torch.Tensor, mode: str, generator: torch.Generator) -> torch.Tensor:
    """The batch with augmentation `mode` applied; "off" returns `x` itself.

    Args:
        x: (B, C, H, W) images.
        mode: one of AUGMENTS.
        generator: a CPU generator every draw comes from (seeded by the caller).
    Returns:
        A new (B, C, H, W) tensor on x's device (or `x` when mode is "off").
    """
    if mode == "off":
        return x
    if mode not in AUGMENTS:
        raise SpecError(f"Unknown augmentation {mode!r}; choose one of {', '.join(AUGMENTS)}.")
    if x.dim() != 4:
        raise SpecError(f"Augmentation needs image batches (B, C, H, W); got a batch of shape "
                        f"{tuple(x.shape)}. Set train.augment to 'off' for this dataset.")
    if mode in ("shift", "all"):
        x = shift(x, max(1, int(min(x.shape[-2:]) * SHIFT_FRACTION)), generator)
    if mode in ("rotate", "all"):
        x = rotate(x, ROTATE_DEGREES, generator)
    if mode in ("noise", "all"):
        x = add_noise(x, NOISE_STD, generator)
    return x


def augment_preview(images: np.ndarray, mode: str, seed: int = 0,
                    copies: int = 3) -> np.ndarray:
    """The images and `copies` augmented versions of each, to show what training sees.

    Args:
        images: (N, C, H, W) float images.
        mode: one of AUGMENTS other than "off".
    Returns:
        (copies + 1, N, C, H, W): row 0 the images as they are, then one row per copy.
    """
    x = torch.as_tensor(np.asarray(images, dtype=np.float32))
    generator = torch.Generator().manual_seed(augment_seed(seed))
    rows = [x] + [augment_batch(x, mode, generator) for _ in range(copies)]
    return torch.stack(rows).numpy()
