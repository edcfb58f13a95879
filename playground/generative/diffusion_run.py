"""A diffusion run driven by a background job, as GanRun is for a GAN: the worker steps the
trainer under a lock while pages take consistent snapshots (the forward process at a chosen
timestep, a reverse chain, the loss per timestep band, quality) from the script thread."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.generative.diffusion import DiffusionHistory, DiffusionTrainer
from playground.generative.live_run import LiveRun


@dataclass(frozen=True)
class DiffusionSnapshot:
    steps_done: int
    steps: int
    real: np.ndarray  # (n, 2)
    generated: np.ndarray  # (n, 2) x_0 of the reverse chain
    chain: tuple[np.ndarray, ...]  # the reverse chain from x_T, every keep_every steps
    history: DiffusionHistory


class DiffusionRun(LiveRun[DiffusionTrainer]):
    """A diffusion model trained live, with snapshots of its forward and reverse chains."""

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
