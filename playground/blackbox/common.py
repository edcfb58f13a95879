"""What every black-box experiment needs: train a spec on (modified) data through the one
Trainer, predict in batches, and build modified copies of a read-only Data split."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from playground.datasets import Data
from playground.errors import SpecError
from playground.inspection.forward import forward
from playground.presets import PRESET_DIR, PRESETS
from playground.spec import Spec, load_spec
from playground.trainer import Trainer

Progress = Callable[[float, str], None]


def preset_spec(name: str) -> Spec:
    """A preset's spec, also when the preset file exists before its registry entry."""
    return PRESETS[name].spec() if name in PRESETS else load_spec(PRESET_DIR / f"{name}.json")


def no_progress(fraction: float, text: str = "") -> None:
    """A progress callback that ignores reports (for tests and the command line)."""


def train_model(spec: Spec, data: Data | None = None, epochs: int | None = None,
                progress: Progress = no_progress, span: tuple[float, float] = (0.0, 1.0),
                label: str = "Training") -> nn.Module:
    """Train `spec` on `data` with the playground's Trainer and return the model in eval mode.

    Progress is reported once per epoch, scaled into `span` of the caller's whole job.
    """
    trainer = Trainer(spec, data=data, device="cpu")
    total = epochs if epochs is not None else spec.train.epochs
    lo, hi = span
    for epoch in range(total):
        progress(lo + (hi - lo) * epoch / total, f"{label}: epoch {epoch + 1} of {total}")
        trainer.run_epoch()
        if trainer.diverged:
            raise SpecError(trainer.diverged)
    progress(hi, f"{label}: done")
    trainer.model.eval()
    return trainer.model


def predict_logits(model: nn.Module, x: np.ndarray | torch.Tensor,
                   batch: int = 512) -> np.ndarray:
    """Logits for every example, in eval mode, as a float numpy array (N, C)."""
    out = forward(model, x, batch)
    return out.numpy() if len(out) else np.zeros((0, 0), np.float32)


def accuracy(model: nn.Module, x: np.ndarray | torch.Tensor, y: np.ndarray) -> float:
    """Share of examples whose arg-max prediction equals the label."""
    if len(y) == 0:
        return float("nan")
    return float((predict_logits(model, x).argmax(-1) == np.asarray(y)).mean())


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(-1, keepdims=True)


def with_arrays(data: Data, **arrays: np.ndarray) -> Data:
    """A copy of `data` with some arrays replaced; new arrays are made read-only too, since a
    Data may be shared like the cached ones."""
    fixed = {}
    for name, a in arrays.items():
        a = np.ascontiguousarray(a)
        a.setflags(write=False)
        fixed[name] = a
    return dataclasses.replace(data, **fixed)


def require_classify(data: Data, what: str) -> None:
    """Refuse sequence (per-token) and regression data with a message: these experiments
    classify inputs."""
    if data.info.regression:
        raise SpecError(f"{what} needs a classifier; {data.info.name} is a regression "
                        "dataset (the model predicts a number, not a class). Choose the "
                        "preset instead.")
    if data.info.task != "classify":
        raise SpecError(f"{what} needs a model that gives one label per input; "
                        f"{data.info.name} labels every token. Choose the preset instead.")


def require_image(data: Data, what: str) -> None:
    if data.info.kind != "image":
        raise SpecError(f"{what} works on images; {data.info.name} is {data.info.kind} data. "
                        "Choose the image preset instead, or build an image model.")
