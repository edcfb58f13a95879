"""Fair time slices for every training run on a small worker pool.

A thread per run made 30 runs fight over the interpreter and the cores: whoever won the
GIL most trained fastest, and page reruns queued behind them. Here a fixed pool of workers
(one per core by default) takes runs round-robin from a ready queue and gives each one slice
of about `slice_seconds` before putting it back at the end, so every admitted run advances
at a similar rate. At most `max_runs` runs are admitted; later ones wait in order, are told
their place, and start by themselves when a run ends or pauses.

A run is anything with `train_slice(seconds) -> bool` (True: more to do) and
`slice_ended()`, the Runner's hooks; the scheduler never touches Streamlit or a trainer.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Protocol

from playground.limits import current_limits

SLICE_SECONDS = 0.05  # short enough that a 30-run round trip stays near a second per run


class Sliced(Protocol):
    def train_slice(self, seconds: float) -> bool: ...

    def slice_ended(self) -> None: ...


class Scheduler:
    """Admit, queue and time-slice runs on `workers` threads (started on first use)."""

    def __init__(self, workers: int, max_runs: int,
                 slice_seconds: float = SLICE_SECONDS) -> None:
        self.workers, self.max_runs, self.slice_seconds = max(1, workers), max_runs, slice_seconds
        self._cond = threading.Condition()
        self._admitted: set[Sliced] = set()
        self._ready: deque[Sliced] = deque()
        self._waiting: deque[Sliced] = deque()
        self._busy: set[Sliced] = set()  # in a worker's slice right now
        self._leaving: set[Sliced] = set()  # withdrawn during their slice
        self._threads: list[threading.Thread] = []

    def submit(self, run: Sliced) -> int:
        """Admit `run` (0) or queue it; returns its place in the queue (1 = next)."""
        with self._cond:
            self._start_workers()
            if run in self._admitted:
                return 0
            if run not in self._waiting:
                self._waiting.append(run)
            self._admit()
            return self._place(run)

    def withdraw(self, run: Sliced, wait: bool = True, timeout: float = 5.0) -> None:
        """Take `run` out (paused, reset, closed); with `wait`, until its slice has ended."""
        with self._cond:
            if run in self._waiting:
                self._waiting.remove(run)
            if run in self._ready:
                self._ready.remove(run)
            if run in self._busy:
                self._leaving.add(run)
            elif run in self._admitted:
                self._retire(run)
            if wait:
                self._cond.wait_for(lambda: run not in self._admitted, timeout=timeout)

    def scheduled(self, run: Sliced) -> bool:
        """Admitted or waiting: the run counts as training."""
        with self._cond:
            return run in self._admitted or run in self._waiting

    def place(self, run: Sliced) -> int:
        """0 once admitted (or not scheduled), else its place in the queue."""
        with self._cond:
            return self._place(run)

    def load(self) -> tuple[int, int]:
        """(admitted, waiting) runs, for status lines and the load test."""
        with self._cond:
            return len(self._admitted), len(self._waiting)

    def _place(self, run: Sliced) -> int:
        return self._waiting.index(run) + 1 if run in self._waiting else 0

    def _admit(self) -> None:
        while self._waiting and len(self._admitted) < self.max_runs:
            run = self._waiting.popleft()
            self._admitted.add(run)
            self._ready.append(run)
        self._cond.notify_all()

    def _retire(self, run: Sliced) -> None:
        self._admitted.discard(run)
        run.slice_ended()
        self._admit()

    def _start_workers(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._work, daemon=True,
                                      name=f"playground-worker-{len(self._threads)}")
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._ready))
                run = self._ready.popleft()
                self._busy.add(run)
            more = False
            try:
                more = run.train_slice(self.slice_seconds)
            finally:
                with self._cond:
                    self._busy.discard(run)
                    if run in self._admitted:
                        if more and run not in self._leaving:
                            self._ready.append(run)
                        else:
                            self._leaving.discard(run)
                            self._retire(run)
                    self._cond.notify_all()


_LOCK = threading.Lock()
_SCHEDULERS: dict[tuple[int, int], Scheduler] = {}


def scheduler() -> Scheduler:
    """The server-wide scheduler for the current limits (one per workers / max_runs pair,
    so a test that changes the caps gets its own)."""
    limits = current_limits()
    key = (limits.workers, limits.max_runs)
    with _LOCK:
        if key not in _SCHEDULERS:
            _SCHEDULERS[key] = Scheduler(*key)
        return _SCHEDULERS[key]
