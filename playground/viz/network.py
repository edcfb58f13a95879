"""The network diagram: one block per layer, from the input to the automatic output head.

Block height grows with the layer's width (units, channels or features) on a log scale, so
a 4096-unit layer stands out without dwarfing a 2-unit one. The figure is built from plain
`Block` records, so it can be cached and tested without a model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from playground.layers import CATEGORIES, LAYERS
from playground.viz.palette import NEUTRAL, OKABE_ITO, WRONG

# The two ends of the diagram are not layers; layer blocks take their category's colour.
_END_COLORS = {"input": "#BBBBBB", "head": OKABE_ITO[7]}

_BLOCK_W = 0.62  # block width in x units; blocks sit one unit apart
_MIN_H, _PER_OCTAVE = 0.5, 0.32  # height = _MIN_H + _PER_OCTAVE * log2(width)


@dataclass(frozen=True)
class Block:
    """One drawn block. `status` is "ok", "error" (the failing layer) or "unreached"."""

    label: str
    category: str
    shape: tuple[int, ...] | None
    parameters: int = 0
    status: str = "ok"


def layer_width(shape: Sequence[int] | None) -> int:
    """The number a block's height shows: channels for maps (C, H, W), features for
    sequences (T, F), units for vectors (F,)."""
    if not shape:
        return 1
    if len(shape) == 3:
        return int(shape[0])
    return int(shape[-1])


def block_height(width: int) -> float:
    """Log-scaled height, so doubling the width adds a fixed step."""
    return _MIN_H + _PER_OCTAVE * math.log2(max(int(width), 1))


def category_color(category: str) -> str:
    """The fill for a layer category (from the category registry), the input or the head."""
    return _END_COLORS[category] if category in _END_COLORS else CATEGORIES[category].color


def network_blocks(input_shape: Sequence[int], rows: Sequence[Any],
                   layers: Sequence[dict[str, Any]],
                   error_index: int | None = None) -> tuple[Block, ...]:
    """Blocks for a shape report: input, each analysed row, the failing layer and the
    layers after it that shape inference never reached, then the head.

    Args:
        input_shape: one example's shape.
        rows: `ShapeReport.rows` (index, kind, output_shape, parameters, is_head).
        layers: the spec's layer dicts (to name the layers after an error).
        error_index: `ShapeReport.error_index`; len(layers) means the head failed.
    """
    blocks = [Block("input", "input", tuple(input_shape))]
    # A layer refused for the parameter cap still has its row; it is drawn as the error.
    for row in (r for r in rows if error_index is None or r.index < error_index):
        if row.is_head:
            blocks.append(Block("output head", "head", tuple(row.output_shape), row.parameters))
        else:
            blocks.append(Block(row.kind, LAYERS[row.kind].category,
                                tuple(row.output_shape), row.parameters))
    if error_index is not None:
        for i in range(error_index, len(layers)):
            kind = layers[i]["type"]
            blocks.append(Block(kind, LAYERS[kind].category, None, 0,
                                "error" if i == error_index else "unreached"))
        blocks.append(Block("output head", "head", None, 0,
                            "error" if error_index >= len(layers) else "unreached"))
    return tuple(blocks)


def _shape_text(shape: tuple[int, ...] | None) -> str:
    return "×".join(map(str, shape)) if shape else "?"


def network_figure(blocks: Sequence[Block]) -> go.Figure:
    """Blocks left to right, joined by arrows; kind above each block, output shape below.

    Returns a figure with one filled trace per block (in order), then one text trace for the
    labels; each block trace's `customdata` holds its width.
    """
    fig = go.Figure()
    widths = [layer_width(b.shape) if b.shape else 1 for b in blocks]
    heights = [block_height(w) if b.shape else block_height(8)
               for b, w in zip(blocks, widths, strict=True)]
    top = max(heights, default=1.0) / 2
    shown: set[str] = set()
    for x, (b, w, h) in enumerate(zip(blocks, widths, heights, strict=True)):
        color = category_color(b.category)
        x0, x1, y0, y1 = x - _BLOCK_W / 2, x + _BLOCK_W / 2, -h / 2, h / 2
        if b.status == "ok":
            fill, line = color, dict(color="#333333", width=1)
        elif b.status == "error":
            fill, line = "rgba(213,94,0,0.15)", dict(color=WRONG, width=3, dash="dash")
        else:
            fill, line = "rgba(200,200,200,0.25)", dict(color=NEUTRAL, width=1, dash="dot")
        legend = b.category if b.status == "ok" else b.status
        status = {"ok": "", "error": "<br><b>invalid: see its card</b>",
                  "unreached": "<br>not reached (an earlier layer is invalid)"}[b.status]
        fig.add_trace(go.Scatter(
            x=[x0, x1, x1, x0, x0], y=[y0, y0, y1, y1, y0], mode="lines", fill="toself",
            fillcolor=fill, line=line, name=legend, legendgroup=legend,
            showlegend=legend not in shown, customdata=[w] * 5,
            hoveron="fills", hoverinfo="text",
            text=(f"<b>{b.label}</b> ({b.category})<br>output {_shape_text(b.shape)}"
                  f"<br>width {w:,}<br>{b.parameters:,} parameters{status}"),
        ))
        shown.add(legend)
    n = len(blocks)
    if n > 1:  # connectors between neighbouring blocks, drawn under the labels
        xs: list[float | None] = []
        for x in range(n - 1):
            xs += [x + _BLOCK_W / 2, x + 1 - _BLOCK_W / 2, None]
        fig.add_trace(go.Scatter(x=xs, y=[0 if v is not None else None for v in xs],
                                 mode="lines", line=dict(color="#555555", width=1.5),
                                 hoverinfo="skip", showlegend=False, name="flow"))
    stagger = n > 12  # crowded diagrams alternate label heights so neighbours do not collide
    label_y = [top + 0.25 + (0.35 if stagger and i % 2 else 0) for i in range(n)]
    shape_y = [-top - 0.25 - (0.35 if stagger and i % 2 else 0) for i in range(n)]
    fig.add_trace(go.Scatter(
        x=list(range(n)) * 2, y=label_y + shape_y, mode="text",
        text=[f"<b>{b.label}</b>" for b in blocks] + [_shape_text(b.shape) for b in blocks],
        textfont=dict(size=11, color="#222222"), hoverinfo="skip", showlegend=False,
        name="labels",
    ))
    fig.update_layout(
        height=320, margin=dict(l=10, r=10, t=30, b=10), plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                    font=dict(size=11)),
        xaxis=dict(title="layer (input → output head)", showgrid=False, zeroline=False,
                   showticklabels=False, range=[-0.6, max(n - 0.4, 2.6)], fixedrange=True),
        yaxis=dict(title="width (log scale)", showgrid=False, zeroline=False,
                   showticklabels=False, fixedrange=True,
                   range=[-top - 0.9, top + 0.9]),
    )
    return fig
