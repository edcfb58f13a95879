"""Drive one Trainer in the background while pages poll a lock-guarded snapshot.

The server's scheduler (playground/scheduler.py) trains every started run in short time
slices on a shared worker pool; a run past its cap waits in a queue and starts by itself.
Workers never touch Streamlit: the script thread creates the Runner, a worker only calls
`Trainer.step()` under the lock, and pages read copies through `snapshot()`.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import torch
from torch import nn

from playground.errors import SpecError
from playground.limits import current_limits
from playground.scheduler import Scheduler, scheduler
from playground.spec import Spec
from playground.trainer import Trainer

T = TypeVar("T")

_SLOTS_LOCK = threading.Lock()
_SLOTS: dict[int, threading.BoundedSemaphore] = {}


def job_slots(max_jobs: int) -> threading.BoundedSemaphore:
    """The server-wide cap on concurrent background experiments (one semaphore per cap)."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(max_jobs, threading.BoundedSemaphore(max_jobs))


@dataclass(frozen=True)
class ModelKey:
    """Names one state of one model: `run_id` is new for every fresh set of weights and
    `version` grows with every update, so results derived from a model can be keyed by it
    across resets and rebuilds."""

    run_id: str
    version: int


@dataclass(frozen=True)
class Snapshot:
    """A copy of everything a live view shows; safe to read without the lock."""

    running: bool
    step: int
    epoch: int
    epochs_budget: int
    steps_per_epoch: int
    step_loss: list[float]
    epochs: list[dict[str, float]]
    samples_per_second: float
    device: str
    lr: float
    key: ModelKey  # which weights this snapshot describes; a cache key for derived views
    diverged: str | None
    message: str | None
    done: bool
    extra: dict[str, Any] = field(default_factory=dict)
    queued: int = 0  # place in the server's queue while waiting to start (1 = next), else 0
    untrained: bool = False  # weights as initialised: no step taken, no weights loaded


class Runner:
    """Start, pause, step and stop a Trainer; the server's scheduler trains it."""

    def __init__(self, trainer: Trainer, max_seconds: float | None = None,
                 on_step: Callable[[Trainer], None] | None = None) -> None:
        self.trainer = trainer
        self.lock = threading.RLock()
        self.max_seconds = max_seconds or current_limits().max_train_seconds
        self.on_step = on_step  # called under the lock after each step (e.g. snapshots)
        self._stop = threading.Event()
        self._started: float | None = None  # when the current background run was admitted
        self._scheduler: Scheduler | None = None  # the one it was last submitted to
        self.run_id = secrets.token_urlsafe(16)  # unguessable: it may travel in a URL
        self.version = 0
        self.message: str | None = None
        self._clock: tuple[float, int, float | None, int] | None = None  # wall-clock rate

    @property
    def running(self) -> bool:
        """Training in the background, or waiting in the server's queue to."""
        return self._scheduler is not None and self._scheduler.scheduled(self)

    def start(self) -> str | None:
        """Train in the background until the budget, a pause or the time cap; when the
        server trains as many runs as it allows, wait in its queue and start by itself.

        Returns a message when the run cannot start (budget spent), else None.
        """
        if self.running:
            return None
        if self.trainer.done:
            return self.trainer.diverged or (
                "The epoch budget is spent. Raise the epoch budget to train on, or reset.")
        self.message, self._started = None, None
        self._stop.clear()
        self._scheduler = scheduler()
        self._scheduler.submit(self)
        return None

    def pause(self, wait: bool = True) -> None:
        """Stop training (or leave the queue); with `wait`, until no step is under way."""
        self._stop.set()
        if self._scheduler is not None:
            self._scheduler.withdraw(self, wait=wait)

    close = pause

    def step(self, batches: int = 1) -> str | None:
        """Advance by hand (only while paused); returns a message if it could not."""
        if self.running:
            return "Pause training before stepping by hand."
        with self.lock:
            try:
                for _ in range(batches):
                    self._one_step()
            except SpecError as exc:
                return str(exc)
        return None

    def step_with(self, take: Callable[[Trainer], T]) -> T | str:
        """Advance by hand with another driver's step (the learning loop), only while
        paused; returns what `take` returned, or a message if it could not run."""
        if self.running:
            return "Pause training before stepping by hand."
        with self.lock:
            try:
                result = take(self.trainer)
            except SpecError as exc:
                return str(exc)
            self.version += 1
            if self.on_step is not None:
                self.on_step(self.trainer)
        return result

    def step_epoch(self) -> str | None:
        if self.running:
            return "Pause training before stepping by hand."
        with self.lock:
            try:
                while not self._one_step().epoch_done:
                    pass
            except SpecError as exc:
                return str(exc)
        return None

    def retarget(self, spec: Spec) -> None:
        """Apply live setting changes (learning rate, epoch budget) between two steps."""
        with self.lock:
            self.trainer.retarget(spec)

    def set_parameter(self, name: str, index: tuple[int, ...], value: float) -> None:
        """Write one value of the parameter `name` (a state-dict name such as "0.weight")
        by hand, as the neuron graph's editor does. A run is paused first, so no step
        overwrites it; the version grows, so every view derived from the weights redraws.

        Raises KeyError for an unknown name and IndexError for an index outside it.
        """
        self.pause()
        with self.lock:
            param = dict(self.trainer.model.named_parameters())[name]
            with torch.no_grad():
                param[index] = float(value)
            self.version += 1

    @property
    def key(self) -> ModelKey:
        return ModelKey(self.run_id, self.version)

    @contextmanager
    def holding(self):
        """Hold the trainer still (between steps) while reading it."""
        with self.lock:
            yield self.trainer

    def model_copy(self) -> tuple[nn.Module, ModelKey]:
        """A detached copy of the current model and its key, for inspection that must not
        disturb (or be disturbed by) training."""
        with self.lock:
            model = copy.deepcopy(self.trainer.model)
            key = self.key
        model.eval()
        return model, key

    def snapshot(self) -> Snapshot:
        with self.lock:
            t = self.trainer
            return Snapshot(
                running=self.running,
                step=t.step_count,
                epoch=t.epoch,
                epochs_budget=t.spec.train.epochs,
                steps_per_epoch=t.steps_per_epoch,
                step_loss=list(t.history.step_loss),
                epochs=[dict(e) for e in t.history.epochs],
                samples_per_second=t.samples_per_second,
                device=t.device_label,
                lr=t.lr,
                key=self.key,
                diverged=t.diverged,
                message=self.message,
                done=t.done,
                extra={"wall_samples_per_second": self._wall_rate()},
                queued=self._scheduler.place(self) if self._scheduler is not None else 0,
                untrained=t.step_count == 0 and t.weights_from is None,
            )

    def _wall_rate(self) -> float:
        """Samples per second of wall time over the latest background run (lock waits and
        page polls included, unlike the trainer's compute-only rate); 0 before any run."""
        if self._clock is None:
            return 0.0
        t0, n0, t1, n1 = self._clock
        end, seen = (time.monotonic(), self.trainer.samples_seen) if t1 is None else (t1, n1)
        return (seen - n0) / (end - t0) if end > t0 else 0.0

    def _one_step(self):
        result = self.trainer.step()
        self.version += 1
        if self.on_step is not None:
            self.on_step(self.trainer)
        return result

    def train_slice(self, seconds: float) -> bool:
        """Train for about `seconds` of this thread's CPU time (a scheduler worker calls
        this; CPU time, so waits for the interpreter lock do not shorten a run's share);
        True while there is more to do, False once done, paused, failed or past the time
        cap."""
        now = time.monotonic()
        if self._started is None:
            self._started = now
            self._clock = (now, self.trainer.samples_seen, None, 0)
        end = time.thread_time() + seconds
        try:
            while not self._stop.is_set():
                with self.lock:
                    if self.trainer.done:
                        return False
                    self._one_step()
                now = time.monotonic()
                if now - self._started > self.max_seconds:
                    self.message = (f"Paused after {self.max_seconds:g} s, this server's time "
                                    "cap for one run. Press Train to continue.")
                    return False
                if time.thread_time() >= end:
                    return True
        except SpecError:
            pass  # the trainer recorded why (divergence); snapshot() reports it
        except Exception as exc:  # noqa: BLE001 - a worker must not die silently
            self.message = f"Training stopped unexpectedly: {exc}"
        return False

    def slice_ended(self) -> None:
        """The scheduler let the run go (finished, paused or failed): close its clock."""
        if self._started is not None and self._clock is not None:
            self._clock = (self._clock[0], self._clock[1], time.monotonic(),
                           self.trainer.samples_seen)
        self._started = None
