"""Sequence tasks generated offline: token ids in, tokens (or one class) out.

x is int64 (N, T); y is (N, T) for per-token tasks (reverse, sort) or (N,) for one label per
sequence (brackets, copy_marked). `Raw.vocab` names every token id, and `format_tokens` /
`parse_tokens` convert between ids and the text a learner reads and types.
"""

from __future__ import annotations

import string

import numpy as np

from playground.datasets.base import DatasetKind, Raw, register, samples_param
from playground.errors import SpecError
from playground.params import Param

LETTERS = tuple(string.ascii_lowercase)
MARKER = "*"


def _length(default: int) -> Param:
    return Param("length", int, default, "Tokens per sequence.", min=2, max=32)


def _vocab(default: int) -> Param:
    return Param("vocab_size", int, default, "How many different letters appear.", min=2,
                 max=26)


def _letters(p, seed) -> tuple[np.ndarray, tuple[str, ...]]:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, p["vocab_size"], size=(p["n_samples"], p["length"]))
    return x.astype(np.int64), LETTERS[:p["vocab_size"]]


def _reverse(p, seed):
    x, vocab = _letters(p, seed)
    return Raw(x, np.ascontiguousarray(x[:, ::-1]), vocab, vocab=vocab)


def _sort(p, seed):
    x, vocab = _letters(p, seed)
    return Raw(x, np.sort(x, axis=1), vocab, vocab=vocab)


def _balanced(seqs: np.ndarray) -> np.ndarray:
    """Whether each row of +1 ('(') / -1 (')') steps never dips below zero and ends at zero."""
    depth = np.cumsum(seqs, axis=1)
    return (depth.min(axis=1) >= 0) & (depth[:, -1] == 0)


def _brackets(p, seed):
    # Every sequence has as many '(' as ')', so counting is not enough: the order decides.
    rng = np.random.default_rng(seed)
    n, pairs = p["n_samples"], p["pairs"]
    base = np.array([1] * pairs + [-1] * pairs)
    want = {True: (n + 1) // 2, False: n // 2}
    found: dict[bool, list[np.ndarray]] = {True: [], False: []}
    while any(sum(len(a) for a in found[k]) < want[k] for k in want):
        batch = rng.permuted(np.tile(base, (max(n, 64) * 4, 1)), axis=1)
        ok = _balanced(batch)
        for k in (True, False):
            found[k].append(batch[ok == k])
    pos = np.concatenate(found[True])[:want[True]]
    neg = np.concatenate(found[False])[:want[False]]
    seqs = np.concatenate([pos, neg])
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))]).astype(np.int64)
    order = rng.permutation(n)
    x = (seqs[order] == -1).astype(np.int64)  # token 0 = "(", 1 = ")"
    return Raw(x, y[order], ("unbalanced", "balanced"), vocab=("(", ")"))


def _copy_marked(p, seed):
    # Letters, plus one marker "*" somewhere; the label is the letter right after it.
    x, letters = _letters(p, seed)
    rng = np.random.default_rng(seed + 7)
    marker = len(letters)
    at = rng.integers(0, p["length"] - 1, size=len(x))
    rows = np.arange(len(x))
    x[rows, at] = marker
    return Raw(x, x[rows, at + 1].copy(), letters, vocab=(*letters, MARKER))


register(DatasetKind(
    "reverse", "sequence",
    "Write the sequence backwards: output position t copies input position T−1−t. An "
    "attention layer learns to look at the mirrored position.",
    (samples_param(2000, high=10000), _length(8), _vocab(8)), _reverse,
    attention_pattern="mirror"))
register(DatasetKind(
    "sort", "sequence",
    "Output the letters in alphabetical order. Each output position must count how many "
    "smaller letters there are — it needs the whole sequence at once.",
    (samples_param(2000, high=10000), _length(8), _vocab(8)), _sort))
register(DatasetKind(
    "brackets", "sequence",
    "Is the bracket string balanced? Every string has as many '(' as ')', so only the order "
    "tells: a recurrent network can keep a running depth.",
    (samples_param(2000, high=10000),
     Param("pairs", int, 6, "Pairs of brackets per string (length = 2 × pairs).", min=1,
           max=16)), _brackets))
register(DatasetKind(
    "copy_marked", "sequence",
    "A '*' marks one position; report the letter right after it. The marker can be anywhere, "
    "so the network must reach across the sequence to find it.",
    (samples_param(2000, high=10000), _length(12), _vocab(8)), _copy_marked))


def format_tokens(ids, vocab: tuple[str, ...]) -> str:
    """Token ids as text: joined directly when every token is one character, else spaced."""
    names = [vocab[int(i)] if 0 <= int(i) < len(vocab) else f"<{int(i)}>" for i in ids]
    return ("" if all(len(v) == 1 for v in vocab) else " ").join(names)


def parse_tokens(text: str, vocab: tuple[str, ...], length: int | None = None) -> np.ndarray:
    """Typed text → token ids (int64). Tokens may be separated by spaces, or written together
    when every token is one character. Raises SpecError naming the bad token or length."""
    text = text.strip()
    single = all(len(v) == 1 for v in vocab)
    parts = text.split() if (not single or any(c.isspace() for c in text)) else list(text)
    if single:
        parts = [c for part in parts for c in part]
    index = {v: i for i, v in enumerate(vocab)}
    unknown = [t for t in parts if t not in index]
    if unknown:
        raise SpecError(f"{unknown[0]!r} is not in the vocabulary; use only "
                        f"{' '.join(vocab)}.")
    if length is not None and len(parts) != length:
        raise SpecError(f"This model reads exactly {length} tokens; you typed {len(parts)}. "
                        f"Example: {format_tokens(np.arange(length) % len(vocab), vocab)}")
    if not parts:
        raise SpecError(f"Type a sequence of tokens from: {' '.join(vocab)}.")
    return np.array([index[t] for t in parts], dtype=np.int64)
