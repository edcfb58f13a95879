"""A class hand-in as a model again: its spec rebuilt, its safetensors weights read (never
unpickled) and checked against the spec's shapes, and its recorded epochs put back, so the
inspection pages treat it as the trained model it was when the student handed it in."""

from __future__ import annotations

import math
from typing import Any

from safetensors import SafetensorError
from safetensors.torch import load

from playground.classroom.store import BoardError, HandIn
from playground.errors import SpecError
from playground.export import check_weights
from playground.spec import Spec
from playground.trainer import Trainer


def handin_trainer(row: HandIn, device: str | None = None) -> Trainer:
    """A Trainer holding `row`'s network and weights, as handed in.

    Args:
        row: a hand-in read from the board (with its weights).
        device: where to put the model; default: the spec's own device choice.
    Returns:
        A new Trainer; nothing in it refers back to the stored hand-in.
    Raises:
        BoardError: with a message for the teacher when the hand-in cannot be opened.
    """
    who = f"{row.name}'s hand-in"
    if row.weights is None:
        raise BoardError(f"{who} has no weights (it was handed in before a model was built), "
                         "so there is no model to open. Its scores stay on the board.")
    try:
        spec = Spec.from_dict(row.spec)
    except (SpecError, TypeError, KeyError, ValueError) as exc:
        raise BoardError(f"{who} holds a network this playground cannot build: {exc}") from None
    try:
        tensors = load(row.weights)
    except (SafetensorError, ValueError) as exc:
        raise BoardError(f"{who} holds weights that are not a safetensors file ({exc}).") \
            from None
    try:  # the data is made here: own data held by the student's server may be gone
        trainer = Trainer(spec, device=device)
        check_weights(spec, tensors, trainer.report)
    except (SpecError, ValueError, KeyError, OSError) as exc:
        raise BoardError(f"{who} cannot be opened: {exc}") from None
    _restore_progress(trainer, row.metrics)
    # After the progress, so a divergence on training on returns to these weights.
    trainer.take_weights(tensors, who)
    return trainer


def _restore_progress(trainer: Trainer, metrics: dict[str, Any]) -> None:
    """Put back the hand-in's epochs and step count, so pages say 'trained to step N'
    rather than 'untrained'."""
    epochs = [_numbers(e) for e in metrics.get("epochs") or [] if isinstance(e, dict)]
    trainer.history.epochs = epochs
    trainer.epoch = len(epochs)
    steps = metrics.get("steps", epochs[-1].get("step", 0) if epochs else 0)
    try:
        trainer.step_count = max(0, int(steps))
    except (TypeError, ValueError):
        trainer.step_count = len(epochs) * trainer.steps_per_epoch
    trainer.samples_seen = trainer.step_count * trainer.spec.train.batch_size


def _numbers(record: dict[str, Any]) -> dict[str, float]:
    """An epoch record's finite numbers only (a board row is JSON from a browser session)."""
    return {k: v for k, v in record.items()
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)}
