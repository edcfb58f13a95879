"""The texts a language model trains on: the shipped guide, the grammar's text, and the
learner's own text, checked and kept under a private key.

A learner's text is held in server memory under a random key that only their spec carries
(no name, no listing), so no other session can reach it; the oldest are dropped past a cap.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

import numpy as np

from playground.errors import SpecError
from playground.limits import current_limits

GUIDE_PATH = Path(__file__).resolve().parent.parent.parent / "assets" / "texts" / "guide.txt"
MIN_TEXT_CHARS = 2000  # enough for a few hundred training windows and a test stretch
KEPT_TEXTS = 256  # own texts held by the server at once, oldest dropped first
SPACE = "␣"  # how a space is drawn on axes and bars, where a blank would vanish


@lru_cache(maxsize=1)
def guide_text() -> str:
    """The shipped plain-English guide (about 57 kB)."""
    return GUIDE_PATH.read_text(encoding="utf-8")


def check_text(raw: bytes | str, what: str = "The text") -> str:
    """Validate a pasted or uploaded text: UTF-8, not binary, within the size limits.

    Returns:
        The text with Windows line ends made plain.
    Raises:
        SpecError saying what is wrong and how to fix it.
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise SpecError(f"{what} is not UTF-8 text (is it a binary file such as a PDF or "
                            "a Word document?). Save it as plain text (.txt, UTF-8) and try "
                            "again.") from None
    text = raw.replace("\r\n", "\n").lstrip("\ufeff")
    if "\x00" in text or sum(not (c.isprintable() or c in "\n\t") for c in text) > len(
            text) // 100:
        raise SpecError(f"{what} holds control characters, so it looks like a binary file, "
                        "not text. Paste or upload plain text.")
    cap = current_limits().max_text_chars
    if len(text) > cap:
        raise SpecError(f"{what} has {len(text):,} characters, more than this server takes "
                        f"({cap:,}). Use a shorter excerpt.")
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise SpecError(f"{what} has {len(text.strip()):,} characters; a language model needs "
                        f"at least {MIN_TEXT_CHARS:,} to learn from and to be tested on. "
                        "Paste a longer text (a few pages).")
    if len(set(text)) < 2:
        raise SpecError(f"{what} repeats a single character; there is nothing to predict.")
    return text


class TextStore:
    """Own texts by private key, at most `cap` of them (thread-safe)."""

    def __init__(self, cap: int = KEPT_TEXTS) -> None:
        self.cap = cap
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, text: str) -> str:
        """Store a checked text; returns its key."""
        key = secrets.token_hex(12)
        with self._lock:
            self._texts[key] = text
            while len(self._texts) > self.cap:
                self._texts.popitem(last=False)
        return key

    def get(self, key: str) -> str:
        with self._lock:
            text = self._texts.get(key)
        if text is None:
            raise SpecError("Your own text is no longer on this server (it restarted, or the "
                            "text was set long ago). Paste or upload it again on the Language "
                            "model page.")
        return text


OWN_TEXTS = TextStore()


def vocabulary(text: str) -> tuple[str, ...]:
    """The characters of `text`, sorted: token id i is the i-th character."""
    return tuple(sorted(set(text)))


def encode(text: str, vocab: tuple[str, ...]) -> np.ndarray:
    """Characters → int64 ids; SpecError naming characters the model never saw."""
    index = {c: i for i, c in enumerate(vocab)}
    unknown = sorted({c for c in text if c not in index})
    if unknown:
        shown = " ".join(repr(c) for c in unknown[:8])
        raise SpecError(f"The prompt uses characters the training text never has: {shown}. "
                        "Remove them or pick a text that has them.")
    return np.array([index[c] for c in text], dtype=np.int64)


def decode(ids, vocab: tuple[str, ...]) -> str:
    return "".join(vocab[int(i)] for i in ids)


def shown(char: str) -> str:
    """A character as axes and bars draw it: a space and a line end made visible."""
    return {" ": SPACE, "\n": "↵", "\t": "⇥"}.get(char, char)


def windows(ids: np.ndarray, context: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a token stream into consecutive, non-overlapping windows and their targets.

    Returns:
        x (N, T) and y (N, T): y[i, t] is the token after x[i, t], so every token of the
        text (but the first) is a target exactly once.
    """
    n = (len(ids) - 1) // context
    if n < 2:
        raise SpecError(f"The text is too short for a context of {context} characters. Use "
                        "a longer text or a shorter context.")
    x = ids[: n * context].reshape(n, context)
    y = ids[1: n * context + 1].reshape(n, context)
    return np.ascontiguousarray(x), np.ascontiguousarray(y)
