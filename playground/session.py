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
from typing import TypeVar

from playground.errors import SpecError
from playground.inspection.attention import AttentionRecorder
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


class Session:
    """The spec, the run built from it and what was derived from the run's weights.

    The run is built lazily (the first page that needs a model asks `runner()`), replaced
    by `apply()` when a change needs new weights, and by `reset()` on request.
    """

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.derived = DerivedCache()
        self._runner: Runner | None = None
        self._error: tuple[Spec, str] | None = None  # why this spec could not be built

    def apply(self, spec: Spec, fresh: bool = False) -> Change:
        """Make `spec` the session's spec and say what that did to the run; `fresh` asks
        for new weights whatever changed (loading a preset or a file)."""
        if spec == self.spec and not fresh:
            return Change.NONE
        live = not fresh and only_live_changes(self.spec, spec)
        self.spec = spec
        if live:
            if self._runner is not None:
                self._runner.retarget(spec)
            return Change.LIVE
        self._drop_run()
        return Change.FRESH

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
        """Fresh weights for the current spec (same seed, same start); the old run stops."""
        self._drop_run()
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

    def close(self) -> None:
        """Stop the run's worker (the browser session ended)."""
        if self._runner is not None:
            self._runner.close(wait=False)

    def _build(self) -> None:
        try:
            trainer = Trainer(self.spec)
        except SpecError as exc:
            self._error = (self.spec, str(exc))
            return
        # Attention models record their maps on a probe input while they train.
        self._runner = Runner(trainer, on_step=AttentionRecorder.for_trainer(trainer))
        self._error = None

    def _drop_run(self) -> None:
        self.close()
        self._runner, self._error = None, None
        self.derived.clear()
