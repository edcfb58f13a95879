"""Training that fails without a NaN: a loss stuck at chance, a loss that jumps by orders of
magnitude, dead ReLUs, one class for every input (for regression: one number for every
input). Each finding says what happened and which one-click fix applies, so a run that
"finishes" at chance is never silent.

Chance level is what knowing nothing gets: for classes, guessing uniformly (ln classes); for
regression, always predicting the training targets' mean (R² = 0), whose loss depends on the
targets, so the caller passes it (`mean_guess_loss`).

Pure functions over a run's history and one look at its model on a few test inputs; the
Train page calls them once per finished epoch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from torch import nn

from playground.inspection.activations import capture_activations
from playground.inspection.health import dead_share

STUCK_EPOCHS = 3  # epochs in a row at or above chance level
SPIKE_FACTOR = 100.0  # a step loss this many times the run's best so far
PROBE = 256  # test inputs looked at for dead units and one-class predictions
CONSTANT_SHARE = 0.01  # regression: predictions spread less than this share of the targets'


@dataclass(frozen=True)
class Finding:
    """One way the run is failing, in words (every finding takes the same fixes_for)."""

    kind: str  # "stuck", "spike", "dead_relu", "one_class", "constant"
    message: str


@dataclass(frozen=True)
class Fix:
    """A change to the training settings that starts again from new weights."""

    label: str
    settings: dict[str, Any]


def fixes_for(optimizer: str, lr: float) -> dict[str, Fix]:
    """The one-click fixes for a run trained with `optimizer` at `lr`."""
    lower = max(lr / 10, 1e-6)
    out = {"lower_lr": Fix(f"Lower the learning rate to {lower:g} and reset", {"lr": lower})}
    if optimizer != "adam" or lr > 0.01:
        out["adam"] = Fix("Switch to Adam at learning rate 0.001 and reset",
                          {"optimizer": "adam", "lr": 0.001})
    return out


def chance_loss(num_classes: int) -> float:
    """The cross-entropy of guessing uniformly: ln(classes)."""
    return math.log(max(num_classes, 2))


def mean_guess_loss(y_train: np.ndarray, loss: str) -> float:
    """Regression's chance level: the loss (mse or huber, as the trainer defines them) of
    always predicting the training targets' mean."""
    d = np.asarray(y_train, dtype=np.float64).ravel()
    d = np.abs(d - d.mean()) if d.size else np.zeros(1)
    if loss == "huber":  # torch's huber_loss with delta 1
        return float(np.mean(np.where(d < 1.0, 0.5 * d ** 2, d - 0.5)))
    return float(np.mean(d ** 2))


def from_history(epochs: list[dict[str, float]], step_loss: list[float], num_classes: int,
                 lr: float, mean_guess: float | None = None) -> list[Finding]:
    """Stuck at chance and loss spikes, read off the history alone.

    Args:
        mean_guess: for a regression run, the loss of always predicting the mean target
            (`mean_guess_loss`), its chance level; None for classification.
    """
    found = []
    regression = mean_guess is not None
    chance = mean_guess if regression else chance_loss(num_classes)
    recent = [e["train_loss"] for e in epochs[-STUCK_EPOCHS:]]
    if len(recent) == STUCK_EPOCHS and min(recent) >= 0.98 * chance:
        level = (f"what always predicting the mean target gets ({chance:.3g}; R² 0)"
                 if regression else
                 f"chance level (ln {num_classes} = {chance:.2f}, what guessing gets)")
        found.append(Finding(
            "stuck",
            f"The training loss has stayed at or above {level} for the last {STUCK_EPOCHS} "
            "epochs: the network is not learning. At learning rate "
            f"{lr:g} each update overshoots, so the weights jump around instead of settling."))
    if len(step_loss) > 10:
        best = min(step_loss[: len(step_loss) // 2])
        worst = max(step_loss[len(step_loss) // 2:])
        if best > 0 and worst > SPIKE_FACTOR * best and worst > chance:
            found.append(Finding(
                "spike",
                f"The loss jumped from {best:.3g} to {worst:.3g}, more than "
                f"{SPIKE_FACTOR:g} times its best: an update was far too large for learning "
                f"rate {lr:g}, and the weights were thrown far from where they were going."))
    return found


def from_model(model: nn.Module, kinds: list[str], x_test: np.ndarray,
               num_classes: int, y_test: np.ndarray | None = None) -> list[Finding]:
    """Dead ReLUs and one-class predictions, from the model on a few test inputs.

    Args:
        num_classes: 0 for a regression model (one output, a number).
        y_test: a regression model's test targets: with them, a model that predicts about
            the same number whatever the input is found ("constant").
    """
    acts = capture_activations(model, x_test[:PROBE], kinds)
    found = []
    relus = [a for a in acts if a.kind == "relu" and a.output.size]
    if relus and all(dead_share(a.output) == 1.0 for a in relus):
        found.append(Finding(
            "dead_relu",
            "Every ReLU unit outputs 0 for every test input (100 % dead): no gradient flows "
            "back through them, so the network can no longer learn. Large updates pushed "
            "their inputs below zero for good; a lower learning rate or Adam avoids it."))
    logits = acts[-1].output if acts else np.zeros((0,))
    if num_classes > 1 and logits.ndim == 2 and len(logits) >= 10:
        predicted = logits.argmax(-1)
        if len(np.unique(predicted)) == 1:
            found.append(Finding(
                "one_class",
                f"The model predicts class {int(predicted[0])} for every test input, "
                "whatever it is shown: it has learnt only how common each class is, not "
                "how to tell them apart."))
    if num_classes == 0 and y_test is not None and logits.ndim == 2 and len(logits) >= 10:
        predicted = logits[:, 0].astype(np.float64)
        spread = float(np.std(np.asarray(y_test, dtype=np.float64)[:len(predicted)]))
        if spread > 0 and float(predicted.std()) < CONSTANT_SHARE * spread:
            found.append(Finding(
                "constant",
                f"The model predicts about {float(predicted.mean()):.3g} for every test "
                "input, whatever it is shown: it has learnt only the average target, not "
                "how the target changes with the input."))
    return found
