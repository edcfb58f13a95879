"""Inside a recurrent layer: the hidden state at every step, and the LSTM / GRU gates.

torch's fused RNN kernels return only the last layer's outputs, never the gates, so the
layer is unrolled here step by step from the module's own weights (same equations and weight
layout as torch's docs); a test checks the unrolled outputs equal the module's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.inspection.forward import eval_mode
from playground.layers import LAYERS
from playground.layers.sequence import Recurrent

# Gates squashed by tanh lie in −1…1; the others are sigmoids in 0…1.
TANH_GATES = {"cell candidate", "candidate"}


@dataclass(frozen=True)
class RecurrentTrace:
    """One example through one recurrent layer. Arrays are (layers, directions, T, H)."""

    index: int  # 0-based top-level layer
    label: str  # e.g. "layer 2 (lstm)"
    kind: str  # "rnn" | "lstm" | "gru"
    hidden: np.ndarray
    gates: dict[str, np.ndarray]
    cell: np.ndarray | None  # LSTM memory cell state; None for rnn and gru


def recurrent_sites(model: nn.Module) -> list[tuple[int, Recurrent]]:
    """(top-level index, layer) for every recurrent layer, by type."""
    return [(i, m) for i, m in enumerate(model.children()) if isinstance(m, Recurrent)]


@torch.no_grad()
def trace_recurrent(model: nn.Module, x: torch.Tensor | np.ndarray) -> list[RecurrentTrace]:
    """Run one sequence `x` (T,) of token ids and unroll every recurrent layer it meets."""
    device = next(model.parameters()).device
    x = x if isinstance(x, torch.Tensor) else torch.tensor(np.asarray(x))
    x = x.to(device).long().reshape(1, -1)
    sites = recurrent_sites(model)
    inputs: dict[int, torch.Tensor] = {}
    handles = []
    try:
        for index, layer in sites:
            handles.append(layer.register_forward_hook(
                lambda mod, inp, out, index=index: inputs.__setitem__(index, inp[0].detach())))
        with eval_mode(model):
            model(x)
    finally:
        for handle in handles:
            handle.remove()
    return [unroll(layer, inputs[index][0], index) for index, layer in sites]


@torch.no_grad()
def unroll(layer: Recurrent, x: torch.Tensor, index: int = 0) -> RecurrentTrace:
    """Step `layer` through one sequence `x` (T, D) by hand, keeping states and gates."""
    rnn, kind = layer.rnn, layer.kind
    dirs = 2 if rnn.bidirectional else 1
    hidden, cells, gates = [], [], {name: [] for name in LAYERS[kind].gates}
    layer_in = x.float()  # (T, D)
    for depth in range(rnn.num_layers):
        per_dir_h, per_dir_c, per_dir_g = [], [], {name: [] for name in gates}
        for d in range(dirs):
            suffix = f"_l{depth}" + ("_reverse" if d else "")
            w = {k: getattr(rnn, f"{k}{suffix}") for k in ("weight_ih", "weight_hh", "bias_ih",
                                                         "bias_hh")}
            seq = layer_in.flip(0) if d else layer_in
            h_seq, c_seq, g_seq = _run(kind, seq, w, rnn.hidden_size)
            if d:  # back to reading order
                h_seq, c_seq = h_seq.flip(0), c_seq.flip(0) if c_seq is not None else None
                g_seq = {k: v.flip(0) for k, v in g_seq.items()}
            per_dir_h.append(h_seq)
            per_dir_c.append(c_seq)
            for k, v in g_seq.items():
                per_dir_g[k].append(v)
        hidden.append(torch.stack(per_dir_h))
        if kind == "lstm":
            cells.append(torch.stack(per_dir_c))
        for k, v in per_dir_g.items():
            gates[k].append(torch.stack(v))
        layer_in = torch.cat(per_dir_h, -1)  # (T, H·dirs): the next layer's input
    return RecurrentTrace(
        index=index,
        label=f"layer {index + 1} ({kind})",
        kind=kind,
        hidden=torch.stack(hidden).cpu().numpy(),
        gates={k: torch.stack(v).cpu().numpy() for k, v in gates.items()},
        cell=torch.stack(cells).cpu().numpy() if cells else None,
    )


def _run(kind: str, seq: torch.Tensor, w: dict[str, torch.Tensor], size: int):
    """One direction of one layer over seq (T, D): hidden (T, H), cell (T, H) or None,
    gates {name: (T, H)}."""
    h = seq.new_zeros(size)
    c = seq.new_zeros(size)
    hs, cs = [], []
    gs: dict[str, list[torch.Tensor]] = {name: [] for name in LAYERS[kind].gates}
    for x_t in seq:
        xi = w["weight_ih"] @ x_t + w["bias_ih"]  # (G·H,)
        hh = w["weight_hh"] @ h + w["bias_hh"]
        if kind == "rnn":
            h = torch.tanh(xi + hh)
        elif kind == "lstm":
            i, f, g, o = (xi + hh).chunk(4)
            i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
            c = f * c + i * g
            h = o * c.tanh()
            for name, v in zip(LAYERS["lstm"].gates, (i, f, g, o), strict=True):
                gs[name].append(v)
            cs.append(c)
        else:  # gru
            xr, xz, xn = xi.chunk(3)
            hr, hz, hn = hh.chunk(3)
            r, z = (xr + hr).sigmoid(), (xz + hz).sigmoid()
            n = torch.tanh(xn + r * hn)
            h = (1 - z) * n + z * h
            for name, v in zip(LAYERS["gru"].gates, (r, z, n), strict=True):
                gs[name].append(v)
        hs.append(h)
    cell = torch.stack(cs) if cs else None
    return torch.stack(hs), cell, {k: torch.stack(v) for k, v in gs.items()}
