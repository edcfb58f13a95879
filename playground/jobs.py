"""Generic background jobs with progress: a thread runs one function while pages poll a
lock-guarded status.

The function receives a `progress(fraction, text)` callback; calling it reports progress and
is also where a cancelled job stops (the callback raises `JobCancelled`). A job may carry an
`origin` (what it was computed on, for example the model a black-box result describes); it
travels with every status, so a page never shows a result without knowing where it came
from. The script thread creates the Job; the worker never touches Streamlit. Running jobs
share the server-wide cap on concurrent threads with training runs (`runner.job_slots`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.errors import SpecError
from playground.limits import current_limits
from playground.runner import job_slots

Progress = Callable[[float, str], None]

PENDING, RUNNING, DONE, FAILED, CANCELLED = "pending", "running", "done", "failed", "cancelled"


class JobCancelled(Exception):
    """Raised inside the worker by `progress()` once the job was asked to stop."""


@dataclass(frozen=True)
class JobStatus:
    """A copy of a job's state; safe to read without the lock."""

    state: str  # pending | running | done | failed | cancelled
    fraction: float  # 0..1
    text: str
    result: Any
    error: str | None
    seconds: float
    origin: Any = None  # what the job was started on (set by whoever started it)

    @property
    def active(self) -> bool:
        return self.state in (PENDING, RUNNING)


class Job:
    """Run `fn(progress, *args, **kwargs)` in a daemon thread.

    Args:
        fn: the work; it should call `progress(fraction, text)` now and then.
        name: a label for the thread and for messages.
        origin: what the job works on; returned with every status, never read here.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, name: str = "job",
                 origin: Any = None, **kwargs: Any) -> None:
        self.fn, self.args, self.kwargs, self.name = fn, args, kwargs, name
        self.origin = origin
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._state, self._fraction, self._text = PENDING, 0.0, "Waiting to start…"
        self._result: Any = None
        self._error: str | None = None
        self._started = self._ended = 0.0

    def start(self) -> str | None:
        """Start the worker; returns a message when the server is at its cap, else None."""
        slot = job_slots(current_limits().max_jobs)
        if not slot.acquire(blocking=False):
            with self._lock:
                self._state, self._error = FAILED, (
                    "The server is running as many jobs as it allows at once. Wait a moment "
                    "and press Run again.")
            return self._error
        with self._lock:
            self._state, self._started = RUNNING, time.monotonic()
        self._thread = threading.Thread(target=self._work, args=(slot,),
                                        name=f"playground-{self.name}", daemon=True)
        self._thread.start()
        return None

    def progress(self, fraction: float, text: str = "") -> None:
        """Report progress from the worker; raises JobCancelled once cancel() was called."""
        if self._cancel.is_set():
            raise JobCancelled
        with self._lock:
            self._fraction = min(1.0, max(0.0, float(fraction)))
            if text:
                self._text = text

    def cancel(self, wait: float = 0.0) -> None:
        """Ask the worker to stop at its next progress report (optionally wait for it)."""
        self._cancel.set()
        if wait and self._thread is not None:
            self._thread.join(timeout=wait)

    def join(self, timeout: float | None = None) -> JobStatus:
        if self._thread is not None:
            self._thread.join(timeout=timeout)
        return self.status()

    def status(self) -> JobStatus:
        with self._lock:
            end = self._ended or time.monotonic()
            return JobStatus(self._state, self._fraction, self._text, self._result,
                             self._error, end - self._started if self._started else 0.0,
                             self.origin)

    def _work(self, slot: threading.BoundedSemaphore) -> None:
        state, result, error = DONE, None, None
        try:
            result = self.fn(self.progress, *self.args, **self.kwargs)
        except JobCancelled:
            state = CANCELLED
        except SpecError as exc:
            state, error = FAILED, str(exc)
        except Exception as exc:  # noqa: BLE001 - a worker must not die silently
            state, error = FAILED, f"{self.name} stopped unexpectedly: {exc}"
        finally:
            slot.release()
        with self._lock:
            self._state, self._result, self._error = state, result, error
            self._ended = time.monotonic()
            if state == DONE:
                self._fraction, self._text = 1.0, "Done."


class JobBoard:
    """A session's jobs by name: starting a job under a name cancels the one it replaces;
    `close()` cancels them all (call it when the session ends)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, key: str, fn: Callable[..., Any], *args: Any, origin: Any = None,
              **kwargs: Any) -> str | None:
        """Start `fn` as the job `key` on `origin`; returns a refusal message or None."""
        job = Job(fn, *args, name=key, origin=origin, **kwargs)
        with self._lock:
            old = self._jobs.get(key)
            self._jobs[key] = job
        if old is not None:
            old.cancel()
        return job.start()

    def get(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def status(self, key: str) -> JobStatus | None:
        job = self.get(key)
        return job.status() if job is not None else None

    def cancel(self, key: str) -> None:
        job = self.get(key)
        if job is not None:
            job.cancel()

    def close(self) -> None:
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel()
