"""Training that fails without a NaN: a loss stuck at chance, a loss that jumps by orders of
magnitude, dead ReLUs, one class for every input. Each finding says what happened and
which one-click fix applies, so a run that "finishes" at chance is never silent.

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


@dataclass(frozen=True)
class Finding:
    """One way the run is failing, in words (every finding takes the same fixes_for)."""

    kind: str  # "stuck", "spike", "dead_relu", "one_class"
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


def from_history(epochs: list[dict[str, float]], step_loss: list[float], num_classes: int,
                 lr: float) -> list[Finding]:
    """Stuck at chance and loss spikes, read off the history alone."""
    found = []
    chance = chance_loss(num_classes)
    recent = [e["train_loss"] for e in epochs[-STUCK_EPOCHS:]]
    if len(recent) == STUCK_EPOCHS and min(recent) >= 0.98 * chance:
        found.append(Finding(
            "stuck",
            f"The training loss has stayed at or above chance level (ln {num_classes} = "
            f"{chance:.2f}, what guessing gets) for the last {STUCK_EPOCHS} epochs: the "
            "network is not learning. At learning rate "
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
               num_classes: int) -> list[Finding]:
    """Dead ReLUs and one-class predictions, from the model on a few test inputs."""
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
    return found
