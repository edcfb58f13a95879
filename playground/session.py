"""One browser session's model life, without Streamlit: the spec, the run that trains it,
and the results derived from its weights.

Every page stands on what a session holds. Keeping the rules here — which change keeps the
weights, when a run starts afresh, how a derived result is named — means the pages, the
command line and the tests all follow the same ones.
"""

from __future__ import annotations

import enum
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

from playground.errors import SpecError
from playground.run_list import RunList
from playground.run_watchers import RunWatchers
from playground.runner import ModelKey, Runner
from playground.spec import Spec, only_live_changes
from playground.trainer import Trainer

T = TypeVar("T")


class Change(enum.Enum):
    """What applying a spec meant for the session's run."""

    NONE = "none"  # the same spec
    LIVE = "live"  # live settings moved; the run kept its weights and took them on
    FRESH = "fresh"  # anything else: the next run starts from new weights


class DerivedCache:
    """Results computed from one model state (activations, attributions, attention maps,
    experiments on the user's model), so reruns and polls reuse them.

    Each kind of result keeps its own few entries, newest last; the key names the model
    state (a ModelKey, or a coarser stamp while training) and the request.
    """

    def __init__(self, keep: int = 4) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._entries: dict[str, OrderedDict[Hashable, object]] = {}

    def get(self, what: str, key: Hashable, compute: Callable[[], T],
            keep: int | None = None) -> T:
        """The stored result of `what` for `key`, or `compute()` stored under it."""
        with self._lock:
            entries = self._entries.setdefault(what, OrderedDict())
            if key in entries:
                entries.move_to_end(key)
                return entries[key]  # type: ignore[return-value]
        value = compute()  # outside the lock: other kinds stay readable meanwhile
        with self._lock:
            entries[key] = value
            while len(entries) > (keep or self.keep):
                entries.popitem(last=False)
        return value

    def peek(self, what: str, key: Hashable) -> object | None:
        with self._lock:
            return self._entries.get(what, {}).get(key)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


A_CHANGE = "a change that needed new weights"  # what Undo names when nobody said
UNDO_DEPTH = 20  # spec changes that Undo (and the browser's Back) can step through
UNDO_RUNS = 2  # of those, how many keep their trained run (a model each, paused)


@dataclass
class _Kept:
    """A state Undo or Redo can return to: a spec and, if it had trained, its run."""

    spec: Spec
    runner: Runner | None
    what: str  # the change that left this state, e.g. "open the spiral preset"


class Session:
    """The spec, the run built from it and what was derived from the run's weights.

    The run is built lazily (the first page that needs a model asks `runner()`), replaced
    by `apply()` when a change needs new weights, and by `reset()` on request. A replaced
    run that had trained is paused and kept, so `undo()` brings back the spec and the
    trained model together.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.derived = DerivedCache()
        self.token: str | None = None  # private, set by the server's SessionStore
        self._runner: Runner | None = None
        self._error: tuple[Spec, str] | None = None  # why this spec could not be built
        self._undo: list[_Kept] = []
        self._redo: list[_Kept] = []
        self.runs = RunList()  # finished runs, kept for comparing until removed

    @classmethod
    def adopt(cls, trainer: Trainer) -> Session:
        """A session around an existing trainer (a copy of a shared model)."""
        session = cls(trainer.spec)
        session._runner = session._runner_for(trainer)
        return session

    def apply(self, spec: Spec, fresh: bool = False, what: str = A_CHANGE) -> Change:
        """Make `spec` the session's spec and say what that did to the run; `fresh` asks
        for new weights whatever changed (loading a preset or a file). `what` names the
        change for Undo."""
        if spec == self.spec and not fresh:
            return Change.NONE
        live = not fresh and only_live_changes(self.spec, spec)
        if live:
            self.spec = spec
            if self._runner is not None:
                self._runner.retarget(spec)
            return Change.LIVE
        self._push(self._undo, what)
        self._redo.clear()
        self.spec = spec
        self._detach_run()
        return Change.FRESH

    @property
    def undo_label(self) -> str | None:
        """What Undo would take back (None: nothing to undo), and whether it brings a
        trained model back."""
        return self._label(self._undo)

    @property
    def undo_restores_model(self) -> bool:
        """Whether Undo would bring back a trained model (the latest change set one aside)."""
        return bool(self._undo) and self._undo[-1].runner is not None

    @property
    def redo_label(self) -> str | None:
        return self._label(self._redo)

    def undo(self) -> bool:
        """Back to the state before the latest change, trained run included."""
        return self._restore(self._undo, self._redo)

    def redo(self) -> bool:
        return self._restore(self._redo, self._undo)

    def navigate(self, spec: Spec) -> Change:
        """Take on a spec the browser's Back or Forward brought: a state Undo or Redo
        holds comes back with its trained run; any other spec is applied as a change."""
        for stack, step in ((self._undo, self.undo), (self._redo, self.redo)):
            depth = next((i for i, kept in enumerate(reversed(stack)) if kept.spec == spec),
                         None)
            if depth is not None:
                for _ in range(depth + 1):
                    step()
                return Change.FRESH
        return self.apply(spec, what="a page from the browser history")

    def runner(self) -> Runner | None:
        """The run for the current spec, built on first use; None when the spec cannot be
        built (the reason is in `error`)."""
        if self._runner is None and self.error is None:
            self._build()
        return self._runner

    def peek(self) -> Runner | None:
        """The run if one exists; never builds one, so cheap summaries stay cheap."""
        return self._runner

    def reset(self) -> Runner | None:
        """Fresh weights for the current spec (same seed, same start); a trained run is
        kept for Undo."""
        if self._trained():
            self._push(self._undo, "Reset")
            self._redo.clear()
        self._detach_run()
        return self.runner()

    @property
    def error(self) -> str | None:
        if self._error is not None and self._error[0] == self.spec:
            return self._error[1]
        return None

    @property
    def key(self) -> ModelKey | None:
        """Which weights the session's model has now; None before a run exists."""
        return self._runner.key if self._runner is not None else None

    def restore_run(self, number: int) -> bool:
        """Make a kept run (a fresh copy of it) the current run, spec and weights; Undo
        brings back what was current before."""
        trainer = self.runs.restore(number)
        if trainer is None:
            return False
        self.take(trainer, f"restore run {number}")
        return True

    def take(self, trainer: Trainer, what: str) -> None:
        """Make `trainer` (a model from elsewhere: a kept run, a class hand-in) the current
        run, spec and weights; Undo, named by `what`, brings back what was current before."""
        self._push(self._undo, what)
        self._redo.clear()
        self._detach_run()
        self.spec, self._runner = trainer.spec, self._runner_for(trainer)

    def suspend(self) -> bool:
        """Pause the run while nobody watches it; True when it was training."""
        if self._runner is None or not self._runner.running:
            return False
        self._runner.pause(wait=False)
        return True

    def resume(self) -> None:
        """Train on after `suspend()` (the reason shows on the page if it cannot start)."""
        if self._runner is not None:
            self._runner.message = self._runner.start()

    def close(self) -> None:
        """Stop the run's worker (the browser session ended); kept runs are dropped."""
        if self._runner is not None:
            self._runner.close(wait=False)
        self._undo.clear()
        self._redo.clear()

    def _build(self) -> None:
        try:
            trainer = Trainer(self.spec)
        except SpecError as exc:
            self._error = (self.spec, str(exc))
            return
        self._runner = self._runner_for(trainer)
        self._error = None

    @staticmethod
    def _runner_for(trainer: Trainer) -> Runner:
        # Attention models record their maps on a probe input while they train, and text
        # runs a sample every few seconds.
        return Runner(trainer, on_step=RunWatchers.for_trainer(trainer))

    def _trained(self) -> bool:
        return self._runner is not None and self._runner.trainer.step_count > 0

    def _push(self, stack: list[_Kept], what: str) -> None:
        """Keep the current state on `stack`; only the newest UNDO_RUNS keep their runs."""
        runner = self._runner if self._trained() else None
        if runner is not None:
            runner.pause()
        stack.append(_Kept(self.spec, runner, what))
        del stack[:-UNDO_DEPTH]
        for kept in stack[:-UNDO_RUNS]:
            kept.runner = None

    def _restore(self, source: list[_Kept], target: list[_Kept]) -> bool:
        if not source:
            return False
        kept = source.pop()
        self._push(target, kept.what)
        self._detach_run()
        self.spec, self._runner = kept.spec, kept.runner
        return True

    def _detach_run(self) -> None:
        """The current run leaves (kept on a stack, or dropped); the next one is fresh."""
        if self._runner is not None:
            self._runner.pause(wait=False)
            self.runs.keep(self._runner)  # a finished run stays in the run list
        self._runner, self._error = None, None
        self.derived.clear()  # some live-view entries are keyed by epoch alone

    @staticmethod
    def _label(stack: list[_Kept]) -> str | None:
        if not stack:
            return None
        kept = stack[-1]
        if kept.runner is None:
            return kept.what
        step = kept.runner.trainer.step_count
        return f"{kept.what} (brings back the model trained to step {step})"
