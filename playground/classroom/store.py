"""The class board's storage: one small data-access module over DB-API. SQLite is the
embedded default (a file under PLAYGROUND_CLASS_DB's directory, no set-up); PostgreSQL is
used when PLAYGROUND_DATABASE_URL holds a postgresql:// URL (psycopg 3). Hand-ins are
plain JSON plus safetensors bytes: nothing read back is ever unpickled."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_HANDINS = 60  # per class: a classroom, not a dataset
MAX_WEIGHT_BYTES = 256 * 1024
MAX_NAME = 40
_CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread off a projector

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS classes (code TEXT PRIMARY KEY, key_hash TEXT NOT NULL,"
    " salt TEXT NOT NULL, open INTEGER NOT NULL, created REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS handins (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " code TEXT NOT NULL, name TEXT NOT NULL, spec TEXT NOT NULL, metrics TEXT NOT NULL,"
    " weights BLOB, created REAL NOT NULL)",
)


_PG_SCHEMA = tuple(q.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY")
                   .replace("BLOB", "BYTEA").replace("REAL", "DOUBLE PRECISION")
                   for q in _SCHEMA)


class BoardError(ValueError):
    """A bad class code, key or hand-in; the message is for the user."""


@dataclass(frozen=True)
class HandIn:
    id: int
    name: str
    spec: dict[str, Any]
    metrics: dict[str, Any]  # "epochs": list of per-epoch records, "parameters": int
    weights: bytes | None  # None also when read without weights (see Board.handins)
    created: float
    weight_bytes: int = 0  # size of the stored weights; 0: handed in without any


_COLUMNS = "id, name, spec, metrics, {weights}, created, LENGTH(weights)"


def _row(row: tuple) -> HandIn:
    number, name, spec, metrics, weights, created, size = row
    return HandIn(number, name, json.loads(spec), json.loads(metrics),
                  None if weights is None else bytes(weights), created, int(size or 0))


def default_path() -> Path:
    """PLAYGROUND_CLASS_DB names the directory; else a folder in the user's home."""
    folder = Path(os.environ.get("PLAYGROUND_CLASS_DB", Path.home() / ".playground"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "classes.sqlite3"


def _hash(key: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", key.encode(), salt.encode(), 100_000).hex()


class Board:
    """Classes and their hand-ins. Reading needs the code; changing a class needs its key."""

    def __init__(self, path: Path | str | None = None) -> None:
        url = str(path) if path else os.environ.get("PLAYGROUND_DATABASE_URL", "")
        self._pg = url.startswith(("postgresql://", "postgres://"))
        if self._pg:
            import psycopg  # only where PostgreSQL is configured

            self._db = psycopg.connect(url, autocommit=True)
        else:
            self._db = sqlite3.connect(str(path or default_path()), isolation_level=None,
                                       timeout=10)
        for statement in _PG_SCHEMA if self._pg else _SCHEMA:
            self._sql(statement)

    def _sql(self, query: str, args: tuple = ()):
        """Run one statement (autocommit: each is its own transaction) on either database."""
        if self._pg:
            return self._db.execute(query.replace("?", "%s"), args)
        return self._db.execute(query, args)

    def open_class(self) -> tuple[str, str]:
        """A new class: its short code (for students) and private key (for the teacher)."""
        code = "".join(secrets.choice(_CODE_CHARS) for _ in range(6))
        key, salt = secrets.token_urlsafe(12), secrets.token_hex(8)
        self._sql("INSERT INTO classes VALUES (?, ?, ?, 1, ?)",
                  (code, _hash(key, salt), salt, time.time()))
        return code, key

    def _class(self, code: str) -> tuple[str, str, int]:
        row = self._sql("SELECT key_hash, salt, open FROM classes WHERE code = ?",
                               (str(code).strip().upper(),)).fetchone()
        if row is None:
            raise BoardError(f"No class with code {code!r}: check the code on the board.")
        return row

    def _authorise(self, code: str, key: str) -> str:
        key_hash, salt, _ = self._class(code)
        if not hmac.compare_digest(key_hash, _hash(str(key), salt)):
            raise BoardError("Wrong teacher key for this class.")
        return str(code).strip().upper()

    def hand_in(self, code: str, name: str, spec: dict[str, Any], metrics: dict[str, Any],
                weights: bytes | None = None) -> int:
        """Store one student's run; capped in name length, weight size and count."""
        _, _, is_open = self._class(code)
        code = code.strip().upper()
        if not is_open:
            raise BoardError("This class is closed: the teacher no longer takes hand-ins.")
        name = str(name).strip()
        if not name or len(name) > MAX_NAME:
            raise BoardError(f"Give a name of 1 to {MAX_NAME} characters.")
        if weights is not None and len(weights) > MAX_WEIGHT_BYTES:
            raise BoardError(f"The weights are {len(weights) / 1024:.0f} KiB; hand-ins take at "
                             f"most {MAX_WEIGHT_BYTES // 1024} KiB. Hand in a smaller network.")
        (count,) = self._sql("SELECT COUNT(*) FROM handins WHERE code = ?",
                                    (code,)).fetchone()
        if count >= MAX_HANDINS:
            raise BoardError(f"This class already has {MAX_HANDINS} hand-ins, the most it takes.")
        (number,) = self._sql(
            "INSERT INTO handins (code, name, spec, metrics, weights, created)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (code, name, json.dumps(spec), json.dumps(metrics), weights, time.time())).fetchone()
        return int(number)

    def handins(self, code: str, with_weights: bool = True) -> list[HandIn]:
        """The board of one class, oldest first; without the weights (only their size) for
        a board that redraws every few seconds, where 60 hand-ins would read 15 MB a time."""
        self._class(code)
        columns = _COLUMNS.format(weights="weights" if with_weights else "NULL")
        rows = self._sql(f"SELECT {columns} FROM handins WHERE code = ? ORDER BY id",
                         (code.strip().upper(),))
        return [_row(row) for row in rows]

    def handin(self, code: str, key: str, number: int) -> HandIn:
        """One hand-in with its weights, for the teacher to open in front of the class.

        The key is asked although reading the board needs only the code: the board shows
        names and scores, but a hand-in's weights are a trained model, and a student who
        could open a classmate's could hand it in again as their own."""
        code = self._authorise(code, key)
        row = self._sql(f"SELECT {_COLUMNS.format(weights='weights')} FROM handins"
                        " WHERE code = ? AND id = ?", (code, int(number))).fetchone()
        if row is None:
            raise BoardError(f"Hand-in {number} is not on this class's board (cleared?).")
        return _row(row)

    def close_class(self, code: str, key: str) -> None:
        """Stop taking hand-ins; the board stays readable."""
        code = self._authorise(code, key)
        self._sql("UPDATE classes SET open = 0 WHERE code = ?", (code,))

    def clear_class(self, code: str, key: str) -> int:
        """Delete every hand-in of the class; returns how many went."""
        code = self._authorise(code, key)
        return self._sql("DELETE FROM handins WHERE code = ?", (code,)).rowcount

    def close(self) -> None:
        self._db.close()
