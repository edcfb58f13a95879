"""A GAN run driven by a background job: the worker steps the trainer under a lock while
pages take consistent snapshots (samples, the discriminator's map, the generator's arrows,
history) from the script thread (the loop itself is LiveRun's)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.generative.gan import GanHistory, GanTrainer
from playground.generative.live_run import LiveRun
from playground.generative.quality import Failure, diagnose

GRID = 40  # the discriminator's map: GRID × GRID points over the plane


@dataclass(frozen=True)
class GanSnapshot:
    steps_done: int
    steps: int
    real: np.ndarray  # (n, 2)
    fake: np.ndarray  # (n, 2)
    xs: np.ndarray
    ys: np.ndarray
    d_map: np.ndarray  # (GRID, GRID) D's belief that a point is real
    arrows_at: np.ndarray  # (m, 2) generated points
    arrows: np.ndarray  # (m, 2) −∂G-loss/∂point
    history: GanHistory
    failures: tuple[Failure, ...]


class GanRun(LiveRun[GanTrainer]):
    """A GAN trained live, with the slow-motion stepper and snapshots of both players."""

    def slow_step(self, phase: str) -> dict[str, float]:
        """One phase by hand: "d" (a discriminator step) or "g" (a generator step, which
        completes a recorded step with the last D step's numbers)."""
        with self.lock:
            t = self.trainer
            if phase == "d":
                self._last_d = t.d_step()
                return self._last_d
            d = getattr(self, "_last_d", None) or t.d_step()
            self._last_d = None
            return t.record(d, t.g_step())

    def snapshot(self, n: int = 500, arrows: int = 120) -> GanSnapshot:
        with self.lock:
            t = self.trainer
            fake = t.samples(n)
            lo = np.minimum(t.eval_real.min(axis=0), np.nanmin(fake, axis=0, initial=0))
            hi = np.maximum(t.eval_real.max(axis=0), np.nanmax(fake, axis=0, initial=0))
            lo, hi = np.maximum(lo - 0.3, -6), np.minimum(hi + 0.3, 6)
            xs, ys = np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)
            at, grad = t.g_gradients(arrows)
            h = t.history
            history = GanHistory(list(h.steps), list(h.d_loss), list(h.g_loss),
                                 list(h.d_real), list(h.d_fake), list(h.quality_steps),
                                 list(h.quality))
            return GanSnapshot(t.steps_done, t.spec.settings["steps"], t.eval_real[:n], fake,
                               xs, ys, t.d_map(xs, ys), at, grad, history,
                               tuple(diagnose(h.quality, h.d_real, h.d_fake)))
