"""Overfitting and its remedies, measured: the learner's network scaled in width (the
train/test gap against parameter count), and the same run with dropout, an L2 penalty,
early stopping or (for images) data augmentation, so each remedy's effect on the gap can be
read off.

The gap is train score minus test score (accuracy, or R² for regression), both measured
on the final weights in eval mode; early stopping's final weights are its best epoch's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playground.augment import IMAGE_KIND
from playground.classic.live import LiveRows
from playground.datasets import DATASETS, make_data
from playground.errors import SpecError
from playground.jobs import Progress
from playground.layers import LAYERS
from playground.limits import current_limits
from playground.shapes import validate
from playground.spec import Spec
from playground.trainer import Trainer

WIDTH_FACTORS = (0.25, 0.5, 1.0, 2.0, 4.0)
SCALED = {"linear": "units", "conv2d": "channels"}  # what a width factor multiplies
DROPOUT_P = 0.3
L2 = 1e-3
PATIENCE = 5
AUGMENT = "all"  # the augmentation arm's train.augment: shifts, turns and pixel noise
REMEDIES = ("none", "dropout", "l2", "early_stopping", "augment")
IMAGE_ONLY = {"augment"}  # remedies that need an image dataset
REMEDY_NAMES = {"none": "no remedy", "dropout": f"dropout {DROPOUT_P:g}",
                "l2": f"L2 {L2:g}", "early_stopping": f"early stopping (patience {PATIENCE})",
                "augment": "data augmentation (shift, rotate, noise)"}
RISE = 0.02  # a test loss this share above its lowest counts as rising


@dataclass(frozen=True)
class FitRow:
    """One trained variant: its size, final scores and history."""

    label: str
    parameters: int
    train_score: float
    test_score: float
    train_loss: float
    test_loss: float
    epochs: tuple[dict[str, float], ...]  # the trainer's epoch records
    stopped: str | None = None  # early stopping's message

    @property
    def gap(self) -> float:
        """Train score minus test score: how much better it does on what it has seen."""
        return self.train_score - self.test_score

    @property
    def loss_gap(self) -> float:
        """Test loss minus train loss: the gap in the quantity training minimises, which
        keeps widening after the training accuracy has reached 100 %."""
        return self.test_loss - self.train_loss

    @property
    def best_epoch(self) -> int:
        """The epoch with the lowest test loss (1-based; 0 before any)."""
        if not self.epochs:
            return 0
        return min(self.epochs, key=lambda e: e["test_loss"])["epoch"]


def overfit_onset(epochs: Sequence[dict[str, float]]) -> int | None:
    """The epoch after which the test loss rises while the training loss still falls:
    the lowest test loss, when a later epoch's test loss is RISE above it and the training
    loss kept falling after it. None when that has not happened."""
    if len(epochs) < 3:
        return None
    best = min(range(len(epochs)), key=lambda i: epochs[i]["test_loss"])
    later = epochs[best + 1:]
    low = epochs[best]["test_loss"]
    if not later or max(e["test_loss"] for e in later) <= low * (1 + RISE) + 1e-12:
        return None
    if min(e["train_loss"] for e in later) >= epochs[best]["train_loss"]:
        return None
    return int(epochs[best]["epoch"])


def scaled_layers(layers: Sequence[dict[str, Any]], factor: float) -> list[dict[str, Any]]:
    """The layer list with every dense layer's units and conv layer's channels times
    `factor` (at least 1)."""
    out = []
    for layer in layers:
        key = SCALED.get(layer["type"])
        out.append({**layer, key: max(1, round(layer[key] * factor))} if key else dict(layer))
    return out


def remedies_for(spec: Spec) -> tuple[str, ...]:
    """The remedies that apply to the spec's dataset: augmentation only to images."""
    images = DATASETS[spec.dataset.name].kind == IMAGE_KIND
    return tuple(r for r in REMEDIES if images or r not in IMAGE_ONLY)


def with_remedy(spec: Spec, remedy: str) -> Spec:
    """The spec with one remedy added: dropout after every activation (or before the head
    when there is none), an L2 penalty, early stopping, or data augmentation (images)."""
    if remedy == "none":
        return spec
    if remedy in IMAGE_ONLY and remedy not in remedies_for(spec):
        raise SpecError(f"{REMEDY_NAMES[remedy]} shifts, turns and adds noise to images, but "
                        f"dataset {spec.dataset.name} is not images. Pick another remedy, or "
                        "an image dataset (digits, shapes) on the Build page.")
    if remedy == "augment":
        return spec.with_train(augment=AUGMENT)
    if remedy == "l2":
        return spec.with_train(l2=L2)
    if remedy == "early_stopping":
        return spec.with_train(patience=PATIENCE)
    if remedy == "dropout":
        layers: list[dict[str, Any]] = []
        for layer in spec.layers:
            layers.append(dict(layer))
            if LAYERS[layer["type"]].category == "activation":
                layers.append({"type": "dropout", "p": DROPOUT_P})
        if len(layers) == len(spec.layers):
            layers.append({"type": "dropout", "p": DROPOUT_P})
        return spec.with_layers(layers)
    raise SpecError(f"Unknown remedy {remedy!r}; pick from {', '.join(REMEDIES)}.")


def check_scalable(spec: Spec) -> None:
    if not any(layer["type"] in SCALED for layer in spec.layers):
        raise SpecError("The width sweep scales dense units and conv channels, and this "
                        "network has neither. Add a linear or conv2d layer on the Build page.")


def fit_variant(spec: Spec, label: str, epochs: int, progress: Progress | None = None,
                span: tuple[float, float] = (0.0, 1.0)) -> FitRow:
    """Train `spec` for `epochs` (or until early stopping) and score its final weights."""
    run = spec.with_train(epochs=epochs)
    trainer = Trainer(run, data=make_data(run.dataset))
    lo, hi = span
    while not trainer.done:
        if progress is not None:
            progress(lo + (hi - lo) * trainer.epoch / epochs,
                     f"{label}: epoch {trainer.epoch + 1} of {epochs}")
        trainer.run_epoch()
    if trainer.diverged:
        raise SpecError(f"{label}: {trainer.diverged}")
    key = "r2" if trainer.regression else "accuracy"
    train, test = trainer.evaluate("train"), trainer.evaluate("test")
    return FitRow(label, trainer.parameters, train[key], test[key], train["loss"],
                  test["loss"], tuple(trainer.history.epochs), trainer.stopped_early)


def _plans(specs: list[tuple[str, Spec]]) -> list[tuple[str, Spec]]:
    """Validate every variant before any trains: the bad one is named."""
    cap = current_limits().max_parameters
    for label, spec in specs:
        try:
            if validate(spec).total_parameters > cap:
                raise SpecError(f"more than this server's {cap:,} parameters")
        except SpecError as exc:
            raise SpecError(f"{label}: {exc} Pick smaller widths.") from None
    return specs


def width_plans(spec: Spec, factors: Sequence[float] = WIDTH_FACTORS) -> list[tuple[str, Spec]]:
    check_scalable(spec)
    if not factors:
        raise SpecError("Pick at least one width.")
    return _plans([(f"{f:g}× width", spec.with_layers(scaled_layers(spec.layers, f)))
                   for f in sorted(factors)])


def remedy_plans(spec: Spec, remedies: Sequence[str] | None = None
                 ) -> list[tuple[str, Spec]]:
    """One plan per remedy (default: every remedy that applies to the spec's data)."""
    remedies = remedies_for(spec) if remedies is None else remedies
    if not remedies:
        raise SpecError("Pick at least one remedy.")
    return _plans([(REMEDY_NAMES[r], with_remedy(spec, r)) for r in remedies])


def run_plans(progress: Progress, plans: list[tuple[str, Spec]], epochs: int,
              sink: LiveRows[FitRow] | None = None) -> list[FitRow]:
    """Train each plan in turn; each finished row goes to `sink` at once."""
    started, cap = time.monotonic(), current_limits().max_train_seconds
    rows = []
    for i, (label, spec) in enumerate(plans):
        row = fit_variant(spec, label, epochs, progress,
                          (i / len(plans), (i + 1) / len(plans)))
        rows.append(row)
        if sink is not None:
            sink.add(row)
        if time.monotonic() - started > cap and i + 1 < len(plans):
            raise SpecError(f"Stopped after {cap:g} s, this server's time cap for one run; "
                            "the models trained so far are shown. Use fewer epochs.")
    return rows
