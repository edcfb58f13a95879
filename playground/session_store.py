"""Sessions kept for their owners across reloads, and trained models shared by link.

A browser reload or a dropped connection ends the Streamlit session that held a playground
Session. The session is parked here under its private token (it travels only in its owner's
URL) and the next page that brings the token back within the grace period reattaches it —
weights, history, optimizer state. A run that was training pauses while parked (no cores
spent on a tab nobody watches) and trains on when reattached. Nobody without the token can
reach it, and a token whose owner is still connected is refused, so a copied address bar
cannot take over a run.

A share is a frozen copy of a trained model under its own token. Each receiver gets their
own copy of that copy: nothing a receiver does reaches the sender's run.

Tokens start with this server process's boot id, so a token from before a restart is told
apart from one that expired, and the page can say which.
"""

from __future__ import annotations

import copy
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from playground.session import Session
from playground.trainer import Trainer

BOOT = secrets.token_hex(3)  # this server process; tokens from another one predate a restart
GRACE_SECONDS = 600.0  # the server's figure comes from Limits.reattach_seconds
SHARE_SECONDS = 24 * 3600.0
MAX_SHARES = 64
REATTACH_WAIT = 3.0  # a reload's new session can ask before the old one's close arrives


def clone_trainer(trainer: Trainer) -> Trainer:
    """An independent copy of a trainer — model, optimizer state, batch order, history —
    that shares only the read-only dataset tensors with the original."""
    shared = (trainer.data, trainer.x_train, trainer.y_train, trainer.x_test, trainer.y_test)
    return copy.deepcopy(trainer, memo={id(obj): obj for obj in shared})


@dataclass
class Share:
    """A frozen copy of a trained model and where it came from."""

    trainer: Trainer
    created: float
    step: int
    epoch: int


@dataclass
class _Entry:
    """A session by token. While its owner is connected the owner's state holds it and the
    entry only refers to it (a connection that vanishes unreleased takes it along); a
    parked session is held here until it is reattached or expires."""

    ref: weakref.ref[Session]
    owner: str  # the browser connection holding it (a Streamlit session's own id)
    parked_at: float | None = None  # None while its owner is connected
    kept: Session | None = field(default=None, repr=False)
    resume: bool = False  # it was training when parked: train on when reattached
    timer: threading.Timer | None = field(default=None, repr=False)

    @property
    def session(self) -> Session | None:
        return self.ref()


class SessionStore:
    """Every live or parked session of this server process, by private token."""

    def __init__(self, grace_seconds: float = GRACE_SECONDS,
                 share_seconds: float = SHARE_SECONDS, max_shares: int = MAX_SHARES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.grace_seconds = grace_seconds
        self.share_seconds = share_seconds
        self.max_shares = max_shares
        self._clock = clock
        self._changed = threading.Condition()
        self._entries: dict[str, _Entry] = {}
        self._expired: set[str] = set()
        self._shares: OrderedDict[str, Share] = OrderedDict()

    def admit(self, session: Session, owner: str) -> str:
        """Give a new session its private token; `owner` is the connection holding it."""
        token = f"{BOOT}-{secrets.token_urlsafe(16)}"
        with self._changed:
            for gone in [t for t, e in self._entries.items() if e.session is None]:
                del self._entries[gone]  # connections that vanished without a release
            self._entries[token] = _Entry(weakref.ref(session), owner)
        session.token = token
        return token

    def release(self, session: Session, owner: str) -> None:
        """The owner's connection ended: keep the session for the grace period."""
        with self._changed:
            entry = self._entries.get(session.token or "")
            if (entry is None or entry.session is not session or entry.owner != owner
                    or entry.parked_at is not None):
                return
            entry.parked_at, entry.kept = self._clock(), session
            entry.resume = session.suspend()  # nobody watches: no cores spent meanwhile
            entry.timer = threading.Timer(self.grace_seconds, self._expire,
                                          (session.token, entry.parked_at))
            entry.timer.daemon = True
            entry.timer.start()
            self._changed.notify_all()

    def hold(self, session: Session, owner: str) -> str | None:
        """The owner is back on the same connection (a rerun or a reconnect): unpark it.
        Returns why it cannot (the grace period ran out, or a reload in another tab took
        the run over meanwhile), else None."""
        with self._changed:
            entry = self._entries.get(session.token or "")
            if entry is None or entry.session is not session:
                return self._why_lost(session.token or "")
            if entry.owner != owner:
                return ("This run was reopened in another tab, which now holds it. This tab "
                        "starts its own run of the same network.")
            self._unpark(entry)
            return None

    def claim(self, token: str, owner: str, wait: float = REATTACH_WAIT) -> Session | str:
        """The parked session under `token` for a new connection, or why there is none.

        A reload's new connection may ask before the old one's close arrives, so a session
        whose owner still looks connected is waited for up to `wait` seconds.
        """
        deadline = self._clock() + wait
        with self._changed:
            while True:
                entry = self._entries.get(token)
                if entry is None or entry.session is None:
                    return self._why_lost(token)
                if entry.parked_at is not None:
                    session = entry.kept
                    self._unpark(entry)
                    entry.owner = owner
                    return session
                left = deadline - self._clock()
                if left <= 0:
                    return ("This link's run is open in another tab or browser, and a run "
                            "belongs to one of them at a time. This tab starts its own run of "
                            "the same network.")
                self._changed.wait(min(left, 0.1))

    def share(self, session: Session) -> str | None:
        """A frozen copy of the session's model under a new token; None before training."""
        runner = session.peek()
        if runner is None:
            return None
        with runner.holding() as trainer:
            if trainer.step_count == 0:
                return None
            frozen = Share(clone_trainer(trainer), self._clock(), trainer.step_count,
                           trainer.epoch)
        token = f"{BOOT}-{secrets.token_urlsafe(16)}"
        with self._changed:
            self._drop_old_shares()
            self._shares[token] = frozen
            while len(self._shares) > self.max_shares:
                self._shares.popitem(last=False)
        return token

    def shared(self, token: str) -> Share | str:
        """A copy of the shared model for one receiver, or why there is none."""
        with self._changed:
            self._drop_old_shares()
            frozen = self._shares.get(token)
        if frozen is None:
            if not token.startswith(f"{BOOT}-"):
                return ("The link's trained weights are gone: the server restarted since the "
                        "link was made, and shared models live in its memory. The network "
                        "is loaded untrained.")
            return (f"The link's trained weights are gone: shared models are kept "
                    f"{self.share_seconds / 3600:g} hours (or until {self.max_shares} newer "
                    "ones), and this one is older or unknown. The network is loaded untrained.")
        return Share(clone_trainer(frozen.trainer), frozen.created, frozen.step, frozen.epoch)

    def parked(self) -> int:
        """How many sessions wait for their owner (for tests and the server's own view)."""
        with self._changed:
            return sum(e.parked_at is not None for e in self._entries.values())

    def known(self) -> int:
        """How many sessions the store can still reach, connected or parked."""
        with self._changed:
            return sum(e.session is not None for e in self._entries.values())

    def _why_lost(self, token: str) -> str:
        if token in self._expired:
            return (f"Your trained model was dropped: this tab was away longer than "
                    f"{self.grace_seconds / 60:g} minutes. The network is restored from the "
                    "link; train it again.")
        if not token.startswith(f"{BOOT}-"):
            return ("The server restarted since this page was opened, so the trained model "
                    "(weights and history) was lost. The network is restored from the link; "
                    "train it again.")
        return "This link's run is unknown here. The network is restored from the link."

    def _unpark(self, entry: _Entry) -> None:
        session = entry.kept
        entry.parked_at, entry.kept = None, None
        if entry.timer is not None:
            entry.timer.cancel()
            entry.timer = None
        if session is not None and entry.resume:
            entry.resume = False
            session.resume()

    def _expire(self, token: str, parked_at: float) -> None:
        with self._changed:
            entry = self._entries.get(token)
            if entry is None or entry.parked_at != parked_at:
                return  # reattached (and maybe parked again) since this timer was set
            session = entry.kept
            del self._entries[token]
            if len(self._expired) > 10_000:
                self._expired.clear()  # a bound; the oldest merely read as "unknown"
            self._expired.add(token)
        session.close()

    def _drop_old_shares(self) -> None:
        now = self._clock()
        for token in [t for t, s in self._shares.items()
                      if now - s.created > self.share_seconds]:
            del self._shares[token]
