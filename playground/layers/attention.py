"""Self-attention and the transformer block. Attention is written out — scores, optional
causal mask, softmax, weights @ values — because the fused kernel never materialises the
weights, and the attention page needs them. The softmax is its own submodule
(`AttentionSoftmax`), so inspection captures the weights with a forward hook and leaves no
trace on the layer."""

from __future__ import annotations

import math

import torch
from torch import nn

from playground.layers.base import LayerKind, ShapeError, register
from playground.layers.sequence import need_sequence
from playground.params import Param


class AttentionSoftmax(nn.Softmax):
    """The softmax over keys whose output is the attention weights, (B, heads, T, T)."""

    def __init__(self) -> None:
        super().__init__(dim=-1)


class MultiHeadSelfAttention(nn.Module):
    """Every position (query) takes a weighted average of every position's value; the
    weights come from query · key similarity, one set per head."""

    def __init__(self, in_dim: int, width: int, heads: int, causal: bool) -> None:
        super().__init__()
        self.heads, self.width, self.causal = heads, width, causal
        self.qkv = nn.Linear(in_dim, 3 * width)
        self.out = nn.Linear(width, width)
        self.softmax = AttentionSoftmax()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        hd = self.width // self.heads
        q, k, v = self.qkv(x).split(self.width, dim=-1)  # each (B, T, W)
        q, k, v = (z.view(b, t, self.heads, hd).transpose(1, 2) for z in (q, k, v))  # (B,H,T,hd)
        scores = q @ k.transpose(-2, -1) / math.sqrt(hd)  # (B, H, T, T): query × key
        if self.causal:
            future = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(future, float("-inf"))
        weights = self.softmax(scores)  # (B, H, T, T), rows sum to 1
        mixed = (weights @ v).transpose(1, 2).reshape(b, t, self.width)  # (B, T, W)
        return self.out(mixed)


def check_heads(width: int, heads: int, widen: str = "a width") -> None:
    """Heads split the width evenly; refuse a split that leaves a remainder."""
    if width % heads:
        divisors = [h for h in range(1, min(width, 16) + 1) if width % h == 0]
        near = sorted(sorted(divisors, key=lambda h: (abs(h - heads), h))[:2])
        raise ShapeError(f"width {width} is not divisible by {heads} heads — use "
                         f"{' or '.join(map(str, near))} heads, or {widen} of "
                         f"{width + (-width % heads)}.")


def _attention_count(shape, p) -> int:
    d, w = shape[1], p["width"]
    return d * 3 * w + 3 * w + w * w + w


def _attention_shape(shape, p, ctx):
    need_sequence(shape, "self-attention")
    check_heads(p["width"], p["heads"])
    return (shape[0], p["width"])


_HEADS = Param("heads", int, 1, "Attention heads: each learns its own pattern of where to "
               "look.", min=1, max=16)
_CAUSAL = Param("causal", bool, False, "Mask the future: each position may only look at "
                "itself and earlier positions (as in a language model).")

register(LayerKind(
    name="self_attention",
    category="attention",
    description=(
        "Each position asks a question (query), compares it with every position's key and "
        "takes the matching positions' values. Unlike a recurrent layer it reaches any "
        "distance in one step — and its weights show where it looked."
    ),
    params=(
        Param("width", int, 32, "Size of queries, keys and values (and of the output).",
              min=1, max=512),
        _HEADS,
        _CAUSAL,
    ),
    shape=_attention_shape,
    build=lambda shape, p: MultiHeadSelfAttention(shape[1], p["width"], p["heads"],
                                                  p["causal"]),
    count=_attention_count,
    source=lambda shape, p: (f"MultiHeadSelfAttention({shape[1]}, {p['width']}, "
                             f"{p['heads']}, {p['causal']})"),
    definitions=(AttentionSoftmax, MultiHeadSelfAttention),
))


class TransformerBlock(nn.Module):
    """Pre-norm transformer block: x + attention(norm(x)), then x + MLP(norm(x))."""

    def __init__(self, width: int, heads: int, mlp_units: int, causal: bool) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(width)
        self.attention = MultiHeadSelfAttention(width, width, heads, causal)
        self.norm2 = nn.LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, mlp_units), nn.GELU(),
                                 nn.Linear(mlp_units, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, D) -> (B, T, D)
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def _block_shape(shape, p, ctx):
    need_sequence(shape, "a transformer block")
    check_heads(shape[1], p["heads"], "an input width (embedding dim)")
    return shape


def _block_count(shape, p) -> int:
    d, m = shape[1], p["mlp_units"]
    return 4 * d + _attention_count(shape, {"width": d}) + d * m + m + m * d + d


register(LayerKind(
    name="transformer_block",
    category="attention",
    description=(
        "The transformer's repeating unit: self-attention mixes information between "
        "positions, a small MLP processes each position, and residual connections with "
        "layer norms keep deep stacks trainable. Its width is its input's width."
    ),
    params=(
        _HEADS,
        Param("mlp_units", int, 64, "Hidden units of the per-position MLP.", min=1, max=2048),
        _CAUSAL,
    ),
    shape=_block_shape,
    build=lambda shape, p: TransformerBlock(shape[1], p["heads"], p["mlp_units"],
                                            p["causal"]),
    count=_block_count,
    source=lambda shape, p: (f"TransformerBlock({shape[1]}, {p['heads']}, {p['mlp_units']}, "
                             f"{p['causal']})"),
    definitions=(AttentionSoftmax, MultiHeadSelfAttention, TransformerBlock),
))
