"""The baselines table as one job: every chosen baseline, then the network, on one split;
for images also the hand-made features and the network's first-layer filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from torch import nn

from playground.classic.baselines import BASELINES, ModelRow, fit_baseline, network_row
from playground.classic.features import FeatureSet, feature_rows
from playground.classic.live import LiveRows
from playground.datasets import Data
from playground.errors import SpecError
from playground.jobs import Progress
from playground.spec import Spec
from playground.trainer import Trainer


@dataclass(frozen=True)
class Comparison:
    rows: tuple[ModelRow, ...]
    features: tuple[tuple[FeatureSet, int, ModelRow], ...]  # images only
    filters: np.ndarray | None  # (out, in, k, k): the network's first conv layer


def first_filters(model: nn.Module) -> np.ndarray | None:
    conv = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
    return conv.weight.detach().cpu().numpy().copy() if conv is not None else None


def compare_models(progress: Progress, data: Data, keys: Sequence[str], spec: Spec,
                   network: ModelRow | None = None, filters: np.ndarray | None = None,
                   seed: int = 0, sink: LiveRows[ModelRow] | None = None) -> Comparison:
    """Fit `keys` baselines, then add the network: `network` (the session's trained run,
    scored by the caller) or, when None, `spec` trained here for its epoch budget.

    Args:
        data: the split every model is trained and scored on.
        filters: the session network's first conv weights, when `network` is given.
    """
    rows: list[ModelRow] = []

    def add(row: ModelRow) -> None:
        rows.append(row)
        if sink is not None:
            sink.add(row)

    steps = len(keys) + 2
    for i, key in enumerate(keys):
        progress(i / steps, f"Fitting {BASELINES[key].title(data.info.regression)}")
        add(fit_baseline(key, data, seed))
    if network is None:
        trainer = Trainer(spec, data=data)
        budget = spec.train.epochs
        while not trainer.done:
            progress((len(keys) + trainer.epoch / budget) / steps,
                     f"Training the network: epoch {trainer.epoch + 1} of {budget}")
            trainer.run_epoch()
        if trainer.diverged:
            raise SpecError(trainer.diverged)
        network = network_row(trainer, f"Neural network (trained here, {trainer.epoch} "
                                       "epochs)")
        filters = first_filters(trainer.model)
    add(network)
    features = ()
    if data.info.kind == "image":
        progress((steps - 1) / steps, "Hand-made features into logistic regression")
        features = tuple(feature_rows(data))
    return Comparison(tuple(rows), features, filters)
