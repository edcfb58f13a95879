"""Receptive field per layer: how many input pixels one output value can see.

It grows with every convolution and pooling layer, which is why early feature maps respond
to edges (a few pixels) and later ones to whole shapes. Computed from the shape table, so no
model is needed: r grows by (k − 1)·j at each window of size k, and the jump j (input pixels
between neighbouring outputs) multiplies by the stride.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playground.layers import LAYERS
from playground.shapes import LayerRow


@dataclass(frozen=True)
class ReceptiveField:
    index: int
    size: int  # side of the square input patch one output value depends on, in pixels
    jump: int  # input pixels between neighbouring output positions
    whole_input: bool  # the layer mixes the whole image (after flatten / dense layers)


def receptive_fields(rows: Sequence[LayerRow]) -> list[ReceptiveField] | None:
    """One ReceptiveField per row, or None when the input is not an image (C, H, W)."""
    if not rows or len(rows[0].input_shape) != 3:
        return None
    side = max(rows[0].input_shape[1:])
    size, jump, whole = 1, 1, False
    out: list[ReceptiveField] = []
    for row in rows:
        p = row.params or {}
        category = LAYERS[row.kind].category
        if category == "convolution":
            size += (p["kernel_size"] - 1) * jump
            jump *= p["stride"]
        elif category == "pooling":  # the window steps by its own size
            size += (p["kernel_size"] - 1) * jump
            jump *= p["kernel_size"]
        elif len(row.output_shape) != 3:
            whole = True  # flatten and everything after it see every pixel
        out.append(ReceptiveField(row.index, min(size, side) if whole else size, jump,
                                  whole or size >= side))
    return out


def describe_receptive(rf: ReceptiveField, input_hw: tuple[int, int]) -> str:
    """A caption such as "each value sees a 5×5 patch of the 16×16 input"."""
    h, w = input_hw
    if rf.whole_input:
        return f"each value sees the whole {h}×{w} input"
    return f"each value sees a {rf.size}×{rf.size} patch of the {h}×{w} input"
