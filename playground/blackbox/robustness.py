"""Brittleness: adversarial examples (FGSM, PGD) and accuracy under distribution shift.

Attacks run with autograd on a private copy of the model in eval mode, so the user's model
and its train/eval state are never touched.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from scipy import ndimage
from torch import nn

from playground.blackbox.common import (
    Progress,
    no_progress,
    predict_logits,
    softmax,
)
from playground.inspection.forward import model_device

SHIFTS = ("noise", "rotation", "blur", "contrast")
SHIFT_HELP = {
    "noise": "Gaussian pixel noise; strength 1 = standard deviation 0.5",
    "rotation": "rotation about the centre; strength 1 = 90°",
    "blur": "Gaussian blur; strength 1 = σ of 2 pixels",
    "contrast": "contrast pulled towards grey; strength 1 = a flat image",
}


def _frozen_copy(model: nn.Module) -> nn.Module:
    m = copy.deepcopy(model).eval()
    for p in m.parameters():
        p.requires_grad_(False)
    return m


def _clip(x: torch.Tensor, bounds: tuple[float, float] | None) -> torch.Tensor:
    return x.clamp(*bounds) if bounds is not None else x


def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float,
         bounds: tuple[float, float] | None = (0.0, 1.0)) -> torch.Tensor:
    """Fast gradient sign method (Goodfellow et al., 2015): one step of size `eps` along the
    sign of the loss gradient. Returns the adversarial inputs (detached)."""
    m = _frozen_copy(model)
    device = model_device(m)
    x = x.detach().to(device).float().requires_grad_(True)
    loss = nn.functional.cross_entropy(m(x), y.to(device))
    (grad,) = torch.autograd.grad(loss, x)
    return _clip(x + eps * grad.sign(), bounds).detach().cpu()


def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int = 10,
        alpha: float | None = None, bounds: tuple[float, float] | None = (0.0, 1.0)
        ) -> torch.Tensor:
    """Projected gradient descent (Madry et al., 2018): several small sign steps, each
    projected back into the ε-ball around the original input."""
    m = _frozen_copy(model)
    device = model_device(m)
    x0 = x.detach().to(device).float()
    y = y.to(device)
    alpha = alpha if alpha is not None else 2.5 * eps / steps
    adv = x0.clone()
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = nn.functional.cross_entropy(m(adv), y)
        (grad,) = torch.autograd.grad(loss, adv)
        adv = adv.detach() + alpha * grad.sign()
        adv = _clip(x0 + (adv - x0).clamp(-eps, eps), bounds)
    return adv.detach().cpu()


ATTACKS = {"FGSM": fgsm, "PGD": pgd}


@dataclass(frozen=True)
class AttackResult:
    attack: str
    eps: float
    clean_accuracy: float
    adversarial_accuracy: float
    eps_grid: np.ndarray  # (E,) ε values for the curve
    accuracy_curve: np.ndarray  # (E,) accuracy under the attack at each ε
    original: np.ndarray  # (*input) the example shown
    adversarial: np.ndarray  # (*input)
    label: int
    pred_original: int
    pred_adversarial: int
    conf_original: float
    conf_adversarial: float


def attack_experiment(model: nn.Module, x: np.ndarray, y: np.ndarray, attack: str, eps: float,
                      bounds: tuple[float, float] | None = (0.0, 1.0), points: int = 6,
                      progress: Progress = no_progress) -> AttackResult:
    """Accuracy under `attack` at `eps` and along an ε grid, plus one flipped example (the
    first correctly classified input whose prediction the attack changes)."""
    fn = ATTACKS[attack]
    xt, yt = torch.as_tensor(np.array(x, np.float32)), torch.as_tensor(np.array(y))
    grid = np.unique(np.round(np.linspace(0.0, max(eps, 1e-3) * 1.5, points), 4))
    curve = []
    for i, e in enumerate(grid):
        progress(i / (len(grid) + 1), f"{attack} at ε = {e:g}")
        adv = fn(model, xt, yt, float(e), bounds=bounds) if e > 0 else xt
        curve.append(float((predict_logits(model, adv).argmax(-1) == y).mean()))
    progress(len(grid) / (len(grid) + 1), f"{attack} at ε = {eps:g}")
    adv = fn(model, xt, yt, eps, bounds=bounds) if eps > 0 else xt
    p0 = softmax(predict_logits(model, xt))
    p1 = softmax(predict_logits(model, adv))
    pred0, pred1 = p0.argmax(-1), p1.argmax(-1)
    flipped = np.flatnonzero((pred0 == y) & (pred1 != y))
    i = int(flipped[0]) if len(flipped) else int(np.flatnonzero(pred0 == y)[0]
                                                  if (pred0 == y).any() else 0)
    return AttackResult(attack, eps, float((pred0 == y).mean()), float((pred1 == y).mean()),
                        grid, np.array(curve), np.asarray(x[i]), adv[i].numpy(), int(y[i]),
                        int(pred0[i]), int(pred1[i]), float(p0[i].max()), float(p1[i].max()))


def shift(x: np.ndarray, kind: str, strength: float, seed: int = 0) -> np.ndarray:
    """Images (N, C, H, W) in [0, 1] under one kind of distribution shift at `strength` 0..1."""
    x = np.array(x, dtype=np.float32)
    if strength <= 0:
        return x
    if kind == "noise":
        out = x + np.random.default_rng(seed).normal(0, 0.5 * strength, x.shape)
    elif kind == "rotation":
        out = ndimage.rotate(x, 90 * strength, axes=(-1, -2), reshape=False, order=1)
    elif kind == "blur":
        out = ndimage.gaussian_filter(x, sigma=(0, 0, 2 * strength, 2 * strength))
    elif kind == "contrast":
        mean = x.mean(axis=(-1, -2), keepdims=True)
        out = mean + (1 - strength) * (x - mean)
    else:
        raise ValueError(f"unknown shift {kind!r}; choose one of {', '.join(SHIFTS)}")
    return np.clip(out, 0.0, 1.0).astype(np.float32)


@dataclass(frozen=True)
class ShiftResult:
    strengths: np.ndarray  # (L,)
    accuracy: dict[str, np.ndarray]  # shift kind -> (L,) accuracy
    examples: dict[str, np.ndarray]  # shift kind -> (L, H, W) one image at each strength


def shift_experiment(model: nn.Module, x: np.ndarray, y: np.ndarray,
                     kinds: tuple[str, ...] = SHIFTS, levels: int = 6, seed: int = 0,
                     progress: Progress = no_progress) -> ShiftResult:
    """Accuracy against shift strength for each kind, with one example image per level."""
    strengths = np.linspace(0.0, 1.0, levels)
    acc, examples = {}, {}
    for k, kind in enumerate(kinds):
        progress(k / len(kinds), f"Shift: {kind}")
        rows, pics = [], []
        for s in strengths:
            xs = shift(x, kind, float(s), seed)
            rows.append(float((predict_logits(model, xs).argmax(-1) == y).mean()))
            pics.append(xs[0].sum(0))
        acc[kind], examples[kind] = np.array(rows), np.stack(pics)
    progress(1.0, "Shift measured")
    return ShiftResult(strengths, acc, examples)
