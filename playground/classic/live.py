"""Results an experiment adds one by one while its job runs, readable at any time: a
page draws what is there, and Stop keeps it."""

from __future__ import annotations

import secrets
import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class LiveRows(Generic[T]):
    """An append-only list guarded by a lock; `rows()` returns a copy."""

    def __init__(self) -> None:
        self.run_id = secrets.token_hex(8)  # names these results in caches
        self._lock = threading.Lock()
        self._rows: list[T] = []

    def add(self, row: T) -> None:
        with self._lock:
            self._rows.append(row)

    def rows(self) -> tuple[T, ...]:
        with self._lock:
            return tuple(self._rows)

    def __len__(self) -> int:
        with self._lock:
            return len(self._rows)
