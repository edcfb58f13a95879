"""Why depth matters: the same data, training settings and seed with 0 to 4 hidden layers,
trained side by side in one background job.

`depth_plans` derives the family of specs from a session's spec: dense blocks (linear +
the spec's activation) for points and tables, conv blocks (conv2d + activation + maxpool2d,
then flatten) for images. `DepthComparison.run` trains them in turn, one epoch each, so they
progress together, and after every epoch records what a page shows (epochs done, accuracy
history, the decision-boundary probabilities on 2D data) under a lock; `snapshot()` reads a
copy at any time while the job runs.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from playground.datakinds import DATA_KINDS
from playground.datasets import dataset_info, make_data
from playground.errors import SpecError
from playground.inspection.plane import PlaneGrid, plane_grid, predict_plane
from playground.jobs import Progress
from playground.layers import LAYERS
from playground.limits import current_limits
from playground.shapes import validate
from playground.spec import Spec
from playground.trainer import Trainer

DEPTHS = (0, 1, 2, 3, 4)
WIDTHS = (4, 8, 16, 32, 64)
DENSE, CONV = "dense", "conv"
# Narrow enough that one hidden layer visibly lags on spiral; on digits 16 first-block
# channels let each added conv block help (measured: 94.7 % with none, 98.6 % with three).
DEFAULT_WIDTHS = {DENSE: 8, CONV: 16}
GRID_RESOLUTION = 40  # boundary cells per side: five maps redrawn every poll stay cheap


@dataclass(frozen=True)
class DepthPlan:
    """One member of the family: its hidden-layer count, spec and parameter count."""

    depth: int
    spec: Spec
    parameters: int


@dataclass(frozen=True)
class DepthRow:
    """What is known of one depth's model so far (a copy; safe to read without a lock)."""

    depth: int
    parameters: int
    epochs_done: int
    epochs: int  # the budget
    test_accuracy: tuple[float, ...]  # after each finished epoch
    train_accuracy: tuple[float, ...]
    probs: np.ndarray | None = None  # (R, R, C) over the plane, 2D data only
    failed: str | None = None  # why this model stopped early (divergence)

    @property
    def last_test(self) -> float | None:
        return self.test_accuracy[-1] if self.test_accuracy else None


@dataclass(frozen=True)
class DepthSnapshot:
    rows: tuple[DepthRow, ...]
    grid: PlaneGrid | None  # where `probs` were evaluated (2D data), else None
    message: str | None  # why the whole run stopped early (the time cap)


def block_style(spec: Spec) -> str:
    """DENSE or CONV: which hidden blocks fit the spec's data; sequence data gets a clear
    SpecError, since the comparison covers dense and conv networks only."""
    info = dataset_info(spec.dataset)
    kind = DATA_KINDS[info.kind]
    if kind.tokens:
        raise SpecError(f"dataset {info.name} is sequence data (token ids); the depth "
                        "comparison covers dense and conv networks only. Pick 2D points, "
                        "a table or images.")
    return CONV if len(info.input_shape) == 3 and kind.fits("conv2d") else DENSE


def spec_activation(spec: Spec) -> dict[str, Any]:
    """The first activation layer of the spec (with its settings), else ReLU."""
    for layer in spec.layers:
        if LAYERS[layer["type"]].category == "activation":
            return dict(layer)
    return {"type": "relu"}


def hidden_layers(style: str, depth: int, width: int, activation: dict[str, Any],
                  side: int = 0) -> list[dict[str, Any]]:
    """The layer list with `depth` hidden blocks.

    Args:
        style: DENSE (linear of `width` units + activation) or CONV (conv2d + activation
            + maxpool2d, then flatten).
        width: dense units; for CONV the first block's channels, doubled in each block
            after it, as CNNs trade resolution for channels.
        side: the images' smaller side; a block pools only while its maps are at least 4
            pixels wide, so 8×8 digits go 8 → 4 → 2 and deeper blocks keep 2×2 maps
            (pooling to 1×1 left too few features for the head and the deepest lost).
    """
    if style == DENSE:
        return [layer for _ in range(depth)
                for layer in ({"type": "linear", "units": width}, dict(activation))]
    layers: list[dict[str, Any]] = []
    for i in range(depth):
        layers += [{"type": "conv2d", "channels": width * 2**i, "kernel_size": 3,
                    "stride": 1, "padding": 1}, dict(activation)]
        if side >= 4:
            layers.append({"type": "maxpool2d", "kernel_size": 2})
            side //= 2
    return [*layers, {"type": "flatten"}]


def depth_plans(spec: Spec, depths: tuple[int, ...] = DEPTHS, width: int | None = None,
                epochs: int | None = None) -> list[DepthPlan]:
    """The family of specs, validated, with their parameter counts.

    Args:
        spec: gives the dataset, training settings, seed and activation.
        depths: hidden-layer counts to include, each 0..4.
        width: units per dense layer, or the first conv block's channels (doubled in each
            block after it); default DEFAULT_WIDTHS of the data's block style.
        epochs: overrides the spec's epoch budget.

    Raises:
        SpecError: sequence data, a depth out of range, a model or the family over the
            server's parameter cap.
    """
    if not depths:
        raise SpecError("Pick at least one depth to compare.")
    bad = [d for d in depths if d not in DEPTHS]
    if bad:
        raise SpecError(f"Depth {bad[0]} is not offered; pick hidden-layer counts from "
                        f"{DEPTHS[0]} to {DEPTHS[-1]}.")
    style = block_style(spec)
    width = width or DEFAULT_WIDTHS[style]
    side = min(dataset_info(spec.dataset).input_shape[1:]) if style == CONV else 0
    activation = spec_activation(spec)
    base = spec.with_train(epochs=epochs) if epochs is not None else spec
    plans = []
    for depth in sorted(set(depths)):
        derived = base.with_layers(hidden_layers(style, depth, width, activation, side))
        try:
            report = validate(derived)
        except SpecError as exc:
            raise SpecError(f"The {depth}-hidden-layer model: {exc}") from None
        plans.append(DepthPlan(depth, derived, report.total_parameters))
    total, cap = sum(p.parameters for p in plans), current_limits().max_parameters
    if total > cap:
        raise SpecError(f"Together the {len(plans)} models have {total:,} parameters, more "
                        f"than this server allows ({cap:,}). Pick a smaller width or fewer "
                        "depths.")
    return plans


@dataclass
class _Live:
    probs: np.ndarray | None = None
    failed: str | None = None
    test: list[float] = field(default_factory=list)
    train: list[float] = field(default_factory=list)


class DepthComparison:
    """Trains every plan, one epoch each in turn, inside a Job (`run` is its function).

    The script thread builds it (the plans are validated there, so a bad request is a
    message before any thread starts); the worker writes under the lock, pages read
    `snapshot()`.
    """

    def __init__(self, plans: list[DepthPlan], max_seconds: float | None = None) -> None:
        self.plans = plans
        self.run_id = secrets.token_hex(8)  # names this run's results in caches
        self.max_seconds = max_seconds or current_limits().max_train_seconds
        self.plane = DATA_KINDS[dataset_info(plans[0].spec.dataset).kind].plane
        self._lock = threading.Lock()
        self._live = [_Live() for _ in plans]
        self._grid: PlaneGrid | None = None
        self._message: str | None = None

    @property
    def epochs(self) -> int:
        return self.plans[0].spec.train.epochs

    def run(self, progress: Progress) -> DepthSnapshot:
        """Train all plans to the epoch budget or the time cap; returns the final snapshot.
        Cancelling the job stops it at the next epoch boundary of any model."""
        started = time.monotonic()
        progress(0.0, "Building the models…")
        data = make_data(self.plans[0].spec.dataset)
        trainers = [Trainer(p.spec, data) for p in self.plans]
        grid = (plane_grid(np.concatenate([data.x_train, data.x_test]), GRID_RESOLUTION)
                if self.plane else None)
        with self._lock:
            self._grid = grid
        total = self.epochs * len(trainers)
        for epoch in range(self.epochs):
            for i, trainer in enumerate(trainers):
                if trainer.done:
                    continue
                self._train_epoch(i, trainer, grid)
                done = sum(t.epoch if t.diverged is None else self.epochs for t in trainers)
                depth = self.plans[i].depth
                progress(done / total, f"Epoch {epoch + 1} of {self.epochs}: the "
                         f"{depth}-hidden-layer model trained.")
            if time.monotonic() - started > self.max_seconds:
                with self._lock:
                    self._message = (f"Stopped after {self.max_seconds:g} s, this server's "
                                     f"time cap for one run, at epoch {epoch + 1}. Lower the "
                                     "epochs or the width to finish within it.")
                break
        return self.snapshot()

    def _train_epoch(self, i: int, trainer: Trainer, grid: PlaneGrid | None) -> None:
        try:
            trainer.run_epoch()
        except SpecError as exc:  # divergence: the trainer restored safe weights
            with self._lock:
                self._live[i].failed = str(exc)
            return
        record = trainer.history.epochs[-1]
        probs = predict_plane(trainer.model, grid) if grid is not None else None
        if probs is not None:
            probs.setflags(write=False)  # handed to pages as it is, never copied
        with self._lock:
            live = self._live[i]
            live.test.append(record["test_accuracy"])
            live.train.append(record["train_accuracy"])
            if probs is not None:
                live.probs = probs

    def snapshot(self) -> DepthSnapshot:
        """A copy of every depth's progress so far."""
        with self._lock:
            rows = tuple(DepthRow(p.depth, p.parameters, len(live.test), self.epochs,
                                  tuple(live.test), tuple(live.train), live.probs,
                                  live.failed)
                         for p, live in zip(self.plans, self._live, strict=True))
            return DepthSnapshot(rows, self._grid, self._message)
