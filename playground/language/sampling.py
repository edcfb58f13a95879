"""Generation from a per-token model: the next-token distribution after temperature, top-k
and top-p, and the loop that continues a prompt one token at a time.

Any model that maps (B, T) ids to (B, T, V) scores works; the window is the last T tokens
of the text (a shorter text is padded on the right, which a causal model never reads).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.errors import SpecError
from playground.inspection.forward import eval_mode


@dataclass(frozen=True)
class Sampling:
    """How the next token is chosen. temperature 0 is greedy (always the most likely)."""

    temperature: float = 1.0
    top_k: int = 0  # keep only the k most likely tokens; 0 keeps all
    top_p: float = 1.0  # keep the fewest tokens whose probabilities reach p (nucleus)

    def __post_init__(self) -> None:
        if not 0.0 <= self.temperature <= 10.0:
            raise SpecError(f"temperature is {self.temperature}; use 0 (greedy) to 10.")
        if self.top_k < 0:
            raise SpecError(f"top-k is {self.top_k}; use 0 (keep all) or a positive count.")
        if not 0.0 < self.top_p <= 1.0:
            raise SpecError(f"top-p is {self.top_p}; use a share above 0 and at most 1.")


def model_probs(logits: np.ndarray) -> np.ndarray:
    """Softmax of (V,) scores: what the model itself believes, before any sampling rule."""
    z = np.exp(logits - logits.max())
    return z / z.sum()


def next_token_probs(logits: np.ndarray, sampling: Sampling) -> np.ndarray:
    """(V,) probabilities the sampler draws from: scores divided by the temperature,
    softmaxed, cut to top-k and top-p, renormalised. Temperature 0: one-hot at the argmax."""
    logits = np.asarray(logits, dtype=np.float64)
    if sampling.temperature == 0.0:
        out = np.zeros_like(logits)
        out[int(np.argmax(logits))] = 1.0
        return out
    p = model_probs(logits / sampling.temperature)
    order = np.argsort(-p, kind="stable")
    keep = np.ones(len(p), dtype=bool)
    if sampling.top_k:
        keep[order[sampling.top_k:]] = False
    if sampling.top_p < 1.0:
        before = np.cumsum(p[order]) - p[order]  # mass of the tokens ranked above each one
        keep[order[before >= sampling.top_p]] = False
    p = np.where(keep, p, 0.0)
    return p / p.sum()


def window(ids: np.ndarray, context: int, pad: int) -> tuple[np.ndarray, int]:
    """The model's input for continuing `ids`: (T,) ids and the position to read."""
    if len(ids) >= context:
        return ids[-context:], context - 1
    return np.concatenate([ids, np.full(context - len(ids), pad, dtype=np.int64)]), len(ids) - 1


@torch.no_grad()
def next_logits(model: nn.Module, ids: np.ndarray, context: int, pad: int) -> np.ndarray:
    """(V,) scores for the token after `ids`."""
    x, at = window(ids, context, pad)
    device = next(model.parameters()).device
    with eval_mode(model):
        out = model(torch.as_tensor(x[None]).to(device))  # (1, T, V)
    if out.dim() != 3:
        raise SpecError("This model gives one prediction per sequence, not one per position; "
                        "a language model needs a per-token readout.")
    return out[0, at].float().cpu().numpy()


@dataclass(frozen=True)
class Generation:
    """A continuation and, for each new token, the distributions it was drawn from."""

    prompt: np.ndarray  # (P,) ids
    tokens: np.ndarray  # (N,) ids generated
    model: np.ndarray  # (N, V) the model's own probabilities at each step
    drawn: np.ndarray  # (N, V) the probabilities after temperature, top-k and top-p


def generate(model: nn.Module, prompt: np.ndarray, n: int, context: int, sampling: Sampling,
             seed: int = 0, pad: int = 0) -> Generation:
    """Continue `prompt` by `n` tokens; the same seed gives the same continuation.

    Args:
        prompt: (P,) token ids, P ≥ 1.
        context: the model's window length T; pad: the id that fills a short window.
    """
    if len(prompt) == 0:
        raise SpecError("Type a prompt of at least one character to continue.")
    rng = np.random.default_rng(seed)
    ids = np.asarray(prompt, dtype=np.int64)
    new, believed, drawn = [], [], []
    for _ in range(n):
        logits = next_logits(model, ids, context, pad)
        p = next_token_probs(logits, sampling)
        token = int(rng.choice(len(p), p=p))
        new.append(token)
        believed.append(model_probs(logits))
        drawn.append(p)
        ids = np.append(ids, token)
    vocab = len(believed[0]) if believed else 0
    return Generation(np.asarray(prompt), np.array(new, dtype=np.int64),
                      np.array(believed).reshape(n, vocab), np.array(drawn).reshape(n, vocab))
