"""Sequence layers: token embedding, positions, recurrent layers and the readout that turns a
sequence into one vector. Shapes exclude the batch: token ids are (T,), features (T, D)."""

from __future__ import annotations

import math

import torch
from torch import nn

from playground.layers.base import LayerKind, ShapeError, describe_shape, register
from playground.params import Param

READOUT_FIX_HINT = "place it after an embedding layer and before the readout"


def need_sequence(shape, what: str) -> None:
    """Refuse anything but a (positions × features) sequence, naming the usual repair."""
    if len(shape) != 2:
        raise ShapeError(f"receives {describe_shape(shape)}; {what} needs a sequence of "
                         f"positions × features — {READOUT_FIX_HINT}.")


# --- embedding -------------------------------------------------------------------------

def _embedding_shape(shape, p, ctx):
    if not ctx.tokens or len(shape) != 1:
        raise ShapeError(f"receives {describe_shape(shape)}, but it reads token ids — use a "
                         "sequence dataset and make embedding the first layer.")
    return (shape[0], p["dim"])


register(LayerKind(
    name="embedding",
    category="sequence",
    description=(
        "Looks up a learned vector for every token id, turning a sequence of symbols into a "
        "sequence of feature vectors. Tokens used in similar ways end up with similar vectors."
    ),
    params=(Param("dim", int, 32, "Length of each token's vector (the model width).", min=1,
                  max=512),),
    shape=_embedding_shape,
    build=lambda shape, p: nn.Embedding(p["vocab_size"], p["dim"]),
    count=lambda shape, p: p["vocab_size"] * p["dim"],
    accepts_tokens=True,
    context=("vocab_size",),
))


# --- positional encoding ---------------------------------------------------------------

class PositionalEncoding(nn.Module):
    """Adds a position vector to every position, so order-blind attention can tell where a
    token sits. `learned`: a trained (T, D) table; `sinusoidal`: fixed waves of many
    frequencies (Vaswani et al. 2017), no parameters."""

    def __init__(self, length: int, dim: int, mode: str) -> None:
        super().__init__()
        self.mode = mode
        if mode == "learned":
            self.table = nn.Parameter(torch.randn(length, dim) * 0.1)  # (T, D)
        else:
            self.register_buffer("table", sinusoidal_table(length, dim), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, D) -> (B, T, D)
        return x + self.table


def sinusoidal_table(length: int, dim: int) -> torch.Tensor:
    """(T, D) sines and cosines at geometrically spaced frequencies."""
    pos = torch.arange(length, dtype=torch.float32)[:, None]  # (T, 1)
    half = (dim + 1) // 2
    freq = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    angles = pos * freq  # (T, half)
    table = torch.stack([angles.sin(), angles.cos()], -1).reshape(length, 2 * half)
    return table[:, :dim]


def _positional_shape(shape, p, ctx):
    need_sequence(shape, "a positional encoding")
    return shape


register(LayerKind(
    name="positional_encoding",
    category="sequence",
    description=(
        "Adds a vector that depends only on the position, so later layers know where each "
        "token is. Attention on its own cannot tell 'ab' from 'ba'."
    ),
    params=(Param("mode", str, "learned", "learned: a trained vector per position; "
                  "sinusoidal: fixed waves, no parameters.",
                  choices=("learned", "sinusoidal")),),
    shape=_positional_shape,
    build=lambda shape, p: PositionalEncoding(shape[0], shape[1], p["mode"]),
    count=lambda shape, p: shape[0] * shape[1] if p["mode"] == "learned" else 0,
    source=lambda shape, p: f"PositionalEncoding({shape[0]}, {shape[1]}, {p['mode']!r})",
    definitions=(sinusoidal_table, PositionalEncoding),
))


# --- recurrent layers ------------------------------------------------------------------

class Recurrent(nn.Module):
    """An nn.RNN / nn.LSTM / nn.GRU that returns only its per-step outputs, so it fits in an
    nn.Sequential; the wrapped module is `self.rnn` (inspection reads its weights)."""

    def __init__(self, kind: str, in_dim: int, hidden: int, layers: int,
                 bidirectional: bool) -> None:
        super().__init__()
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.kind = kind
        self.rnn = cls(in_dim, hidden, num_layers=layers, batch_first=True,
                       bidirectional=bidirectional)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, D) -> (B, T, H·dirs)
        out, _ = self.rnn(x)
        return out


def _recurrent_count(gates: tuple[str, ...], shape, p) -> int:
    # One weight block per gate; a plain RNN has a single block and no gates.
    g, h, dirs = len(gates) or 1, p["hidden"], 2 if p["bidirectional"] else 1
    total = 0
    for layer in range(p["layers"]):
        in_dim = shape[1] if layer == 0 else h * dirs
        total += dirs * (g * h * in_dim + g * h * h + 2 * g * h)
    return total


def _register_recurrent(kind: str, description: str, gates: tuple[str, ...] = ()) -> None:
    def shape_rule(shape, p, ctx):
        need_sequence(shape, f"{kind.upper()}")
        return (shape[0], p["hidden"] * (2 if p["bidirectional"] else 1))

    register(LayerKind(
        name=kind,
        category="recurrent",
        description=description,
        params=(
            Param("hidden", int, 32, "Size of the hidden state carried from step to step.",
                  min=1, max=512),
            Param("layers", int, 1, "Recurrent layers stacked on each other.", min=1, max=4),
            Param("bidirectional", bool, False, "Also read the sequence backwards and join "
                  "both readings (doubles the output width)."),
        ),
        shape=shape_rule,
        build=lambda shape, p: Recurrent(kind, shape[1], p["hidden"], p["layers"],
                                         p["bidirectional"]),
        count=lambda shape, p: _recurrent_count(gates, shape, p),
        gates=gates,
        source=lambda shape, p: (f"Recurrent({kind!r}, {shape[1]}, {p['hidden']}, "
                                 f"{p['layers']}, {p['bidirectional']})"),
        definitions=(Recurrent,),
    ))


_register_recurrent("rnn", "Reads the sequence one step at a time, mixing each token into a "
                    "hidden state it carries forward. Simple, but over long distances the "
                    "gradient fades (vanishing gradients).")
_register_recurrent("lstm", "A recurrent layer with a memory cell and input, forget and output "
                    "gates that decide what to store, keep and reveal — it remembers across "
                    "longer distances than a plain RNN.",
                    ("input", "forget", "cell candidate", "output"))
_register_recurrent("gru", "A lighter gated recurrent layer: a reset and an update gate decide "
                    "how much of the old state to keep at each step.",
                    ("reset", "update", "candidate"))


# --- readout ---------------------------------------------------------------------------

class Readout(nn.Module):
    """Turns a sequence into what the output head needs: the mean over positions, the last
    position, or every position unchanged (one prediction per token)."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, D) -> (B, D) or (B, T, D)
        if self.mode == "mean":
            return x.mean(1)
        if self.mode == "last":
            return x[:, -1]
        return x

    def extra_repr(self) -> str:
        return f"mode={self.mode!r}"


def _readout_shape(shape, p, ctx):
    need_sequence(shape, "a readout")
    return shape if p["mode"] == "tokens" else (shape[1],)


register(LayerKind(
    name="readout",
    category="sequence",
    description=(
        "Decides what the output head sees: the mean of all positions or the last position "
        "(one prediction per sequence), or every position (one prediction per token)."
    ),
    params=(Param("mode", str, "mean", "mean: average all positions; last: the final "
                  "position; tokens: keep every position.", choices=("mean", "last",
                                                                      "tokens")),),
    shape=_readout_shape,
    build=lambda shape, p: Readout(p["mode"]),
    source=lambda shape, p: f"Readout({p['mode']!r})",
    definitions=(Readout,),
))
