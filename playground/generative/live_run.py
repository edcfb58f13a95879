"""A generative trainer driven by a background job: the worker steps it under a lock while
pages take consistent snapshots from the script thread. Pausing cancels the job; training
on starts a new job on the same trainer, so nothing is lost between them."""

from __future__ import annotations

import threading
import time
from typing import Generic, Protocol, TypeVar

from playground.jobs import Progress

MAX_SECONDS = 600  # a live run stops by itself after this long (a forgotten tab)


class Steppable(Protocol):
    """What a live run needs of a trainer (GanTrainer, DiffusionTrainer)."""

    steps_done: int

    @property
    def spec(self): ...

    @property
    def finished(self) -> bool: ...

    def step(self) -> object: ...


T = TypeVar("T", bound=Steppable)


class LiveRun(Generic[T]):
    """The trainer and the lock both the worker and the page hold while they touch it."""

    def __init__(self, trainer: T) -> None:
        self.trainer = trainer
        self.lock = threading.Lock()

    def train(self, progress: Progress) -> int:
        """The job's work: step until the budget is spent (or the job is cancelled)."""
        t = self.trainer
        steps = t.spec.settings["steps"]
        start, reported = time.monotonic(), 0.0
        while not t.finished and time.monotonic() - start < MAX_SECONDS:
            with self.lock:
                t.step()
            now = time.monotonic()
            if now - reported > 0.05:  # where a Pause is noticed
                reported = now
                progress(t.steps_done / steps, f"Step {t.steps_done:,} of {steps:,}")
        return t.steps_done
