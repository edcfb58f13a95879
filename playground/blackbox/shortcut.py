"""Shortcut learning: a bright corner patch on every training image of one class is an
easier cue than the shape itself. The network learns the patch, scores well on test images
that carry it, and fails when the patch is missing or lands on another class."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.blackbox.common import (
    Progress,
    no_progress,
    predict_logits,
    require_image,
    train_model,
    with_arrays,
)
from playground.datasets import Data
from playground.spec import Spec

PATCH = 3  # pixels per side of the corner patch


@dataclass(frozen=True)
class ShortcutResult:
    cue_class: int
    strength: float
    clean_accuracy: float  # test images without any patch
    cued_accuracy: float  # test images patched as in training (cue class only)
    misleading_accuracy: float  # patch on every *other* class's test images
    misled_share: float  # of those patched other-class images, share predicted as cue class
    class_clean: np.ndarray  # (K,) per-class accuracy, clean
    class_cued: np.ndarray  # (K,) per-class accuracy, cued
    examples: np.ndarray  # (N, H, W) patched test images of other classes
    attributions: np.ndarray  # (N, H, W) absolute attributions for the predicted class
    predictions: np.ndarray  # (N,) the model's predictions on `examples`
    patch_attribution: float  # share of attribution mass that falls inside the patch
    patch_area: float  # share of the image the patch covers (the fair share)
    method: str


def patch_mask(shape: tuple[int, ...], size: int = PATCH) -> np.ndarray:
    """A boolean (H, W) mask of the top-left corner patch."""
    h, w = shape[-2:]
    mask = np.zeros((h, w), bool)
    mask[:size, :size] = True
    return mask


def add_patch(x: np.ndarray, rows: np.ndarray, strength: float, size: int = PATCH) -> np.ndarray:
    """A copy of images `x` (N, C, H, W) with the corner patch blended in on `rows`:
    strength 1 paints it white, 0 leaves the image as it was."""
    out = np.array(x, dtype=np.float32)
    sel = out[rows, :, :size, :size]
    out[rows, :, :size, :size] = (1 - strength) * sel + strength * 1.0
    return out


def cue_data(data: Data, cue_class: int, strength: float) -> Data:
    """The split with the patch on every training image of `cue_class` (test untouched)."""
    rows = np.asarray(data.y_train) == cue_class
    return with_arrays(data, x_train=add_patch(data.x_train, rows, strength))


def shortcut_experiment(spec: Spec, data: Data, cue_class: int, strength: float,
                        epochs: int, method: str = "saliency", n_examples: int = 6,
                        progress: Progress = no_progress) -> ShortcutResult:
    """Train `spec` on the cued split, then measure clean, cued and misleading accuracy and
    where the attributions point."""
    require_image(data, "The shortcut experiment")
    model = train_model(spec, cue_data(data, cue_class, strength), epochs, progress,
                        (0.0, 0.85), "Training with the cue")
    return shortcut_report(model, data, cue_class, strength, method, n_examples, progress)


def shortcut_report(model: nn.Module, data: Data, cue_class: int, strength: float,
                    method: str = "saliency", n_examples: int = 6,
                    progress: Progress = no_progress) -> ShortcutResult:
    """Score a cue-trained model on clean, cued and misleading test images."""
    from playground.attribution import attribute

    x, y = np.asarray(data.x_test), np.asarray(data.y_test)
    k = data.info.num_classes
    own, other = y == cue_class, y != cue_class
    cued = add_patch(x, own, strength)
    misleading = add_patch(x, other, strength)
    pred_clean = predict_logits(model, x).argmax(-1)
    pred_cued = predict_logits(model, cued).argmax(-1)
    pred_mis = predict_logits(model, misleading).argmax(-1)

    def per_class(pred: np.ndarray) -> np.ndarray:
        return np.array([(pred[y == c] == c).mean() if (y == c).any() else np.nan
                         for c in range(k)])

    progress(0.9, f"Attributions ({method})")
    idx = np.flatnonzero(other)[:n_examples]
    ex = torch.as_tensor(misleading[idx])
    preds = pred_mis[idx]
    attr = np.abs(np.asarray(attribute(model, ex, torch.as_tensor(preds), method))).sum(1)
    mask = patch_mask(x.shape)
    mass = attr.reshape(len(idx), -1).sum(1) + 1e-12
    share = float((attr[:, mask].sum(1) / mass).mean()) if len(idx) else float("nan")
    return ShortcutResult(
        cue_class, strength,
        clean_accuracy=float((pred_clean == y).mean()),
        cued_accuracy=float((pred_cued == y).mean()),
        misleading_accuracy=float((pred_mis == y).mean()),
        misled_share=float((pred_mis[other] == cue_class).mean()) if other.any() else 0.0,
        class_clean=per_class(pred_clean), class_cued=per_class(pred_cued),
        examples=misleading[idx].sum(1), attributions=attr, predictions=preds,
        patch_attribution=share, patch_area=float(mask.mean()), method=method,
    )
