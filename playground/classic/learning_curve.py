"""Data hunger: the network and the baselines trained on growing shares of the same
training split, several seeds each, scored on the same test split.

Every share of seed r is `train_subset(..., dataset seed + r)` of the full training split,
so repeat 0 is exactly the data the Build page's training share gives. The network gets
the same number of updates at every size (its epoch budget at 100 %, more epochs on
smaller shares, capped at MAX_EPOCHS): fewer examples, not fewer steps.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.blackbox.common import with_arrays
from playground.classic.baselines import BASELINES, check_tabular, fit_baseline
from playground.classic.live import LiveRows
from playground.datasets import Data, make_data
from playground.datasets.base import train_subset
from playground.errors import SpecError
from playground.jobs import Progress
from playground.limits import current_limits
from playground.spec import Spec
from playground.trainer import Trainer

SIZES = (0.02, 0.05, 0.1, 0.25, 0.5, 1.0)
MAX_EPOCHS = 1000  # the spec's own cap on an epoch budget
NETWORK = "Neural network (yours)"


@dataclass(frozen=True)
class CurvePoint:
    model: str
    fraction: float
    n_train: int
    seed: int  # the repeat: 0, 1, ...
    score: float  # test accuracy, or test R²
    train_score: float
    fit_seconds: float


def network_epochs(epochs: int, fraction: float) -> int:
    """Epochs that give a `fraction` share as many updates as `epochs` give the whole."""
    return min(MAX_EPOCHS, max(epochs, math.ceil(epochs / fraction)))


def parse_sizes(text: str) -> tuple[float, ...]:
    """'0.05,0.1,1' -> sizes, each a share in (0, 1]; or a SpecError saying what is wrong."""
    try:
        sizes = tuple(sorted({float(s) for s in text.split(",") if s.strip()}))
    except ValueError:
        raise SpecError(f"Sizes {text!r} are not numbers; give shares such as "
                        "0.05,0.1,0.25,0.5,1.") from None
    if not sizes or sizes[0] < 0.01 or sizes[-1] > 1:
        raise SpecError("Give training-set sizes as shares from 0.01 to 1, for example "
                        "0.05,0.1,0.25,0.5,1.")
    return sizes


def subset(data: Data, fraction: float, seed: int) -> Data:
    """A seeded, stratified `fraction` of `data`'s training split; the test split kept."""
    if fraction >= 1.0:
        return data
    keep = train_subset(np.asarray(data.y_train), fraction, seed, data.info.regression)
    return with_arrays(data, x_train=data.x_train[keep], y_train=data.y_train[keep])


def _train_network(spec: Spec, data: Data, repeat: int, fraction: float,
                   epochs: int) -> tuple[float, float, float]:
    run = spec.with_train(seed=spec.train.seed + repeat,
                          epochs=network_epochs(epochs, fraction))
    trainer = Trainer(run, data=data)
    trainer.train()
    if trainer.diverged:
        raise SpecError(trainer.diverged)
    key = "r2" if trainer.regression else "accuracy"
    return (trainer.evaluate("test")[key], trainer.evaluate("train")[key],
            trainer.train_seconds)


def learning_curve(progress: Progress, spec: Spec, baselines: Sequence[str],
                   sizes: Sequence[float] = SIZES, seeds: int = 3,
                   epochs: int | None = None, network: bool = True,
                   sink: LiveRows[CurvePoint] | None = None) -> list[CurvePoint]:
    """Train every model on every size and seed (smallest sizes first).

    Args:
        progress: the job's progress callback (raises when the job is cancelled).
        spec: the network and the data; the training shares are of the spec's own
            training split (its train_fraction is set aside).
        baselines: BASELINES keys.
        epochs: the network's budget at 100 % (default: the spec's).
        network: whether to train the network too.
        sink: where each point is added as it is measured (for a live page).
    """
    full_ds = dataclasses.replace(spec.dataset, train_fraction=1.0)
    data = make_data(full_ds)
    check_tabular(data)
    spec = Spec.from_dict({**spec.to_dict(), "dataset": {**spec.to_dict()["dataset"],
                                                        "train_fraction": 1.0}})
    epochs = epochs or spec.train.epochs
    models = [*baselines, *([NETWORK] if network else [])]
    total, done = len(models) * len(sizes) * seeds, 0
    started, cap = time.monotonic(), current_limits().max_train_seconds
    points = []
    for fraction in sorted(sizes):
        for repeat in range(seeds):
            part = subset(data, fraction, spec.dataset.seed + repeat)
            for model in models:
                label = model if model == NETWORK else BASELINES[model].title(
                    data.info.regression)
                progress(done / total, f"{label} on {len(part.x_train):,} examples "
                         f"({fraction:.0%}), seed {repeat + 1} of {seeds}")
                if model == NETWORK:
                    score, train, seconds = _train_network(spec, part, repeat, fraction,
                                                           epochs)
                else:
                    row = fit_baseline(model, part, seed=repeat)
                    score, train, seconds = row.score, row.train_score, row.fit_seconds
                point = CurvePoint(label, fraction, len(part.x_train), repeat, score, train,
                                   seconds)
                points.append(point)
                if sink is not None:
                    sink.add(point)
                done += 1
                if time.monotonic() - started > cap:
                    raise SpecError(f"The learning curve passed {cap:g} s, this server's "
                                    "time cap for one run; what was measured is kept. "
                                    "Use fewer seeds, sizes or epochs.")
    return points


@dataclass(frozen=True)
class CurveSummary:
    model: str
    n_train: tuple[int, ...]
    mean: tuple[float, ...]
    low: tuple[float, ...]  # the lowest seed's score at each size
    high: tuple[float, ...]


def summarize(points: Sequence[CurvePoint]) -> list[CurveSummary]:
    """Per model, the mean and the range over seeds at each training-set size."""
    out = []
    for model in dict.fromkeys(p.model for p in points):
        mine = [p for p in points if p.model == model]
        sizes = sorted({p.n_train for p in mine})
        scores = [[p.score for p in mine if p.n_train == n] for n in sizes]
        out.append(CurveSummary(model, tuple(sizes), tuple(float(np.mean(s)) for s in scores),
                                tuple(min(s) for s in scores), tuple(max(s) for s in scores)))
    return out


def overtakes(summaries: Sequence[CurveSummary]) -> str:
    """In words: from which training-set size the network's mean score beats every
    baseline's and stays ahead, or that it never does."""
    net = next((s for s in summaries if s.model == NETWORK), None)
    others = [s for s in summaries if s.model != NETWORK]
    if net is None or not others:
        return ""
    best = [max(s.mean[s.n_train.index(n)] for s in others if n in s.n_train)
            for n in net.n_train]
    ahead = [m >= b for m, b in zip(net.mean, best, strict=True)]
    if all(ahead):
        return (f"The network scores at least as well as every baseline at every size, from "
                f"{net.n_train[0]:,} training examples on.")
    if not ahead[-1]:
        return ("At the largest size measured a baseline still scores better than the "
                "network: on this data and budget it has not overtaken them.")
    first = max(i for i, a in enumerate(ahead) if not a) + 1
    return (f"The network overtakes every baseline from {net.n_train[first]:,} training "
            f"examples on; below that a traditional model does better.")
