"""Which model a black-box result was computed on, and whether it still describes the model
a page now offers under the same choice.

Every job records an `Origin` when it starts: the user's model is named by its ModelKey (the
run and its weights' version, taken together with the copy the job examines) and its step;
a preset or purpose-built network by its name and the epochs it is trained for. A page
compares that with the origin the chosen model would have now (`standing`) and shows the
result as current, as from an earlier state of the same model, or not at all.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from torch import nn

from playground.runner import ModelKey, Runner
from playground.spec import Spec, only_live_changes

USER = "user"  # the choice key of the user's own model


class Standing(enum.Enum):
    """A stored result against the model now chosen."""

    CURRENT = "current"  # computed on this model as it is now
    EARLIER = "earlier"  # on this model at an earlier state (trained since, other epochs)
    REPLACED = "replaced"  # on the user's earlier model, which has been replaced since
    OTHER = "other"  # on another model choice altogether


@dataclass(frozen=True)
class Origin:
    """The model a result was (or would now be) computed on.

    `key` names the user's weights when the job examines them; `spec` is the user's network
    when the job trains a copy of it; `epochs` is set when the job trains anything.
    """

    choice: str  # "user" or the experiment's ModelChoice key
    label: str  # e.g. "your model, run 3fa2c1, step 120" or "the circles preset, 5 epochs"
    key: ModelKey | None = None
    step: int | None = None
    spec: Spec | None = None
    epochs: int | None = None


def run_tag(run_id: str) -> str:
    """A short name for a run that can be shown: a digest, so the page never shows any part
    of the run id itself (it is a secret that may travel in a URL)."""
    return hashlib.sha256(run_id.encode()).hexdigest()[:6]


def _epochs(n: int) -> str:
    return f"{n} epoch{'s' if n != 1 else ''}"


def user_origin(key: ModelKey, step: int, spec: Spec, *, weights: bool, trains: bool,
                epochs: int | None = None) -> Origin:
    """The user's model at `key` (after `step` training steps). `weights`: the job examines
    its trained weights; `trains`: it trains a copy of the network for `epochs`."""
    tag = run_tag(key.run_id)
    if weights:
        label = f"your model, run {tag}, step {step}"
        if trains:
            label += f" (its retrained copy: {_epochs(epochs or 0)})"
    else:
        label = f"your network, run {tag}, trained fresh for {_epochs(epochs or 0)}"
    return Origin(USER, label, key if weights else None, step if weights else None,
                  spec if trains else None, epochs if trains else None)


def own_origin(choice: str, name: str, epochs: int) -> Origin:
    """A model the experiment trains itself: `name` as the page says it ("the circles
    preset"), trained for `epochs`."""
    return Origin(choice, f"{name}, trained {_epochs(epochs)}", epochs=epochs)


def take_user_model(runner: Runner) -> tuple[nn.Module, ModelKey, int, Spec]:
    """A private copy of the run's model with the key, step and spec it has, read together
    (the worker cannot step in between)."""
    with runner.holding() as trainer:
        model, key = runner.model_copy()
        return model, key, trainer.step_count, trainer.spec


def user_now(runner: Runner) -> tuple[ModelKey, int, Spec]:
    """The run's key, step and spec now, read together."""
    with runner.holding() as trainer:
        return runner.key, trainer.step_count, trainer.spec


def standing(made: Origin | None, now: Origin) -> Standing:
    """How a result computed on `made` relates to the model `now` chosen."""
    if made is None or made.choice != now.choice:
        return Standing.OTHER
    result = Standing.CURRENT
    if made.key is not None or now.key is not None:
        if made.key is None or now.key is None or made.key.run_id != now.key.run_id:
            return Standing.REPLACED
        if made.key.version != now.key.version:
            result = Standing.EARLIER
    if made.spec != now.spec:
        if made.spec is None or now.spec is None or not only_live_changes(made.spec, now.spec):
            return Standing.REPLACED
        result = Standing.EARLIER
    if made.epochs != now.epochs:
        result = Standing.EARLIER
    return result


def note(made: Origin | None, now: Origin) -> str | None:
    """What a page says instead of (OTHER, REPLACED) or above (EARLIER) a stored result;
    None when the result is current."""
    match standing(made, now):
        case Standing.CURRENT:
            return None
        case Standing.OTHER:
            if made is None:
                return None
            return (f"The last run here was on {made.label}, not on the model chosen now. "
                    "Pick that model again to see its result, or run this one.")
        case Standing.REPLACED:
            return (f"The last run here was on {made.label}. That model has been replaced "
                    "since, so its result is not shown — run again.")
    assert made is not None
    if made.key is not None and now.key is not None and made.key.version != now.key.version:
        return (f"Computed on {made.label}; it has trained since (now at step {now.step}) — "
                "run again to examine it as it is now.")
    if made.spec != now.spec:
        return (f"Computed on {made.label}; its training settings have changed since — run "
                "again to see them used.")
    return (f"Computed on {made.label}; you have asked for {_epochs(now.epochs or 0)} since — "
            "run again to see that.")
