"""What a language model must beat: bits per token of the unigram model (how often each
token occurs) and the bigram model (which token follows which), both counted on the
training text and scored on the test text."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

BIGRAM_PRIOR = 1.0  # pseudo-counts pulling each bigram row towards the unigram frequencies


def bits(loss_nats: float) -> float:
    """A cross-entropy in nats (what the trainer reports) as bits."""
    return loss_nats / math.log(2)


def unigram_probs(targets: np.ndarray, vocab_size: int) -> np.ndarray:
    """(V,) token frequencies with add-one smoothing, so an unseen token is not impossible."""
    counts = np.bincount(targets.ravel(), minlength=vocab_size).astype(np.float64)
    return (counts + 1.0) / (counts.sum() + vocab_size)


def bigram_probs(x: np.ndarray, y: np.ndarray, vocab_size: int) -> np.ndarray:
    """(V, V) P(next = b | current = a), from the pairs (x[..., t], y[..., t]), each row
    smoothed towards the unigram frequencies by BIGRAM_PRIOR pseudo-counts."""
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (x.ravel(), y.ravel()), 1.0)
    prior = unigram_probs(y, vocab_size)
    return (counts + BIGRAM_PRIOR * prior) / (counts.sum(1, keepdims=True) + BIGRAM_PRIOR)


@dataclass(frozen=True)
class Baselines:
    """Bits per token on the test text of the two counting models."""

    unigram: float
    bigram: float

    def to_dict(self) -> dict[str, float]:
        return {"unigram_bits_per_token": self.unigram, "bigram_bits_per_token": self.bigram}


def baselines(x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
              y_test: np.ndarray, vocab_size: int) -> Baselines:
    """Count on the training windows, score on the test windows.

    Args:
        x_*, y_*: (N, T) token ids and their next tokens (a text dataset's split).
    """
    uni = unigram_probs(y_train, vocab_size)
    bi = bigram_probs(x_train, y_train, vocab_size)
    return Baselines(float(-np.log2(uni[y_test.ravel()]).mean()),
                     float(-np.log2(bi[x_test.ravel(), y_test.ravel()]).mean()))
