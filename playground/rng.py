"""Private random streams on top of torch's one global generator.

Weight initialisation and dropout masks draw from torch's global generator, which every
session on a server shares. A RandomStream keeps its own seeded state and lends it to the
global generator only while its work runs, under one lock, so a run's draws depend on its
seed alone — not on what other sessions happen to do at the same moment.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

_LOCK = threading.Lock()


class RandomStream:
    """A seeded random state for one run (the CPU generator, plus CUDA's on a GPU)."""

    def __init__(self, seed: int, device: torch.device | str = "cpu",
                 numpy: bool = False) -> None:
        self.device = torch.device(device)
        self._cpu = torch.Generator().manual_seed(seed).get_state()
        # Some libraries (Captum's GradientSHAP) draw from numpy's global generator too.
        self._np = np.random.RandomState(seed).get_state() if numpy else None
        self._cuda = (torch.Generator(device=self.device).manual_seed(seed).get_state()
                      if self.device.type == "cuda" else None)

    @contextmanager
    def active(self) -> Iterator[None]:
        """Draws inside this block come from (and advance) this stream."""
        with _LOCK:
            outer = torch.get_rng_state()
            torch.set_rng_state(self._cpu)
            if self._cuda is not None:
                outer_cuda = torch.cuda.get_rng_state(self.device)
                torch.cuda.set_rng_state(self._cuda, self.device)
            if self._np is not None:
                outer_np = np.random.get_state()
                np.random.set_state(self._np)
            try:
                yield
            finally:
                self._cpu = torch.get_rng_state()
                torch.set_rng_state(outer)
                if self._np is not None:
                    self._np = np.random.get_state()
                    np.random.set_state(outer_np)
                if self._cuda is not None:
                    self._cuda = torch.cuda.get_rng_state(self.device)
                    torch.cuda.set_rng_state(outer_cuda, self.device)
