"""Layer categories: the builder's menu groups and the network diagram's colours, declared
once. Every LayerKind names one of these; the data-kind registry says which fit which data.

Colours come from the colour-blind-safe palette (Okabe–Ito first); the three sequence
families, which never share a network with convolutions, take muted hues of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.viz.palette import NEUTRAL, OKABE_ITO


@dataclass(frozen=True)
class Category:
    name: str
    color: str  # the diagram's fill for blocks of this category


# The order here is the builder's menu order.
CATEGORIES: dict[str, Category] = {c.name: c for c in (
    Category("input features", OKABE_ITO[5]),
    Category("dense", OKABE_ITO[0]),
    Category("activation", OKABE_ITO[1]),
    Category("convolution", OKABE_ITO[2]),
    Category("pooling", OKABE_ITO[3]),
    Category("shape", OKABE_ITO[4]),
    Category("normalization", OKABE_ITO[6]),
    Category("regularization", NEUTRAL),
    Category("recurrent", "#8C6BB1"),
    Category("attention", "#B07AA1"),
    Category("sequence", "#9C755F"),
)}
