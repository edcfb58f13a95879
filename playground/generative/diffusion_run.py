"""A diffusion run driven by a background job, as GanRun is for a GAN: the worker steps the
trainer under a lock while pages take consistent snapshots (the forward process at a chosen
timestep, a reverse chain, the loss per timestep band, quality) from the script thread."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from playground.generative.diffusion import DiffusionHistory, DiffusionTrainer
from playground.jobs import Progress

MAX_SECONDS = 600  # a live run stops by itself after this long (a forgotten tab)


@dataclass(frozen=True)
class DiffusionSnapshot:
    steps_done: int
    steps: int
    real: np.ndarray  # (n, 2)
    generated: np.ndarray  # (n, 2) x_0 of the reverse chain
    chain: tuple[np.ndarray, ...]  # the reverse chain from x_T, every keep_every steps
    history: DiffusionHistory


class DiffusionRun:
    def __init__(self, trainer: DiffusionTrainer) -> None:
        self.trainer = trainer
        self.lock = threading.Lock()

    def train(self, progress: Progress) -> int:
        """The job's work: step until the budget is spent (or the job is cancelled)."""
        t = self.trainer
        start, reported = time.monotonic(), 0.0
        while not t.finished and time.monotonic() - start < MAX_SECONDS:
            with self.lock:
                t.step()
            now = time.monotonic()
            if now - reported > 0.05:  # where a Pause is noticed
                reported = now
                progress(t.steps_done / t.spec.settings["steps"],
                         f"Step {t.steps_done:,} of {t.spec.settings['steps']:,}")
        return t.steps_done

    def forward(self, step: int, n: int = 500) -> np.ndarray:
        """Real points noised to timestep `step` (the forward slider)."""
        with self.lock:
            return self.trainer.forward_points(step, n)

    def snapshot(self, n: int = 500, frames: int = 20) -> DiffusionSnapshot:
        """Samples and their reverse chain (about `frames` frames) with the history."""
        with self.lock:
            t = self.trainer
            every = max(1, t.spec.settings["timesteps"] // frames)
            x0, chain = t.sample(n, keep_every=every)
            h = t.history
            history = DiffusionHistory(list(h.steps), list(h.loss), list(h.band_loss),
                                       list(h.quality_steps), list(h.quality))
            return DiffusionSnapshot(t.steps_done, t.spec.settings["steps"], t.eval_real[:n],
                                     x0, tuple(chain), history)
