"""Multiply-accumulates (MACs) per example for one row of the shape table: the compute
cost the Build page's shape table and the Deep vs classic page's compute section show.

A MAC is one multiplication added into a sum, the unit a matrix product or convolution is
counted in; elementwise layers (activations, norms, pooling) and embedding lookups are
counted as 0. Attention adds its query·key scores and weighted sums (2·T²·width); its and
the recurrent layers' projections are counted as positions × parameters (biases included,
a few per cent). This module imports only the shape table, so the table can use it without
loading the trainer.
"""

from __future__ import annotations

from playground.layers.base import numel
from playground.shapes import LayerRow, ShapeReport

POSITIONAL = {"rnn", "lstm", "gru", "self_attention", "transformer_block"}


def layer_macs(row: LayerRow) -> int:
    """Multiply-accumulates one example costs in this layer."""
    i, o = row.input_shape, row.output_shape
    if row.kind == "linear":  # (..., F) -> (..., U): every position F·U
        return numel(i[:-1]) * i[-1] * o[-1]
    if row.kind == "conv2d":  # every output value reads C_in·k·k inputs
        k = row.params["kernel_size"] if row.params else 1
        return numel(o) * i[0] * k * k
    if row.kind in POSITIONAL:
        t = i[0]
        attention = 2 * t * t * o[-1] if row.kind in ("self_attention",
                                                      "transformer_block") else 0
        return t * row.parameters + attention
    return 0


def total_macs(report: ShapeReport) -> int:
    """MACs per example of the whole forward pass (the rows the report reached)."""
    return sum(layer_macs(r) for r in report.rows)
