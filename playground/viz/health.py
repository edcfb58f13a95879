"""Layer health as figures: activation histograms and the dead / saturated / gradient bars
that make vanishing and exploding gradients visible. Arrays in, plotly Figures out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.inspection.health import LayerHealth
from playground.layers import LAYERS
from playground.viz.palette import CORRECT, OKABE_ITO, WRONG

HIST_COLS = 4
GRID = "#DDDDDD"


def _axis(i: int, kind: str) -> str:
    """Plotly's axis names: xaxis, xaxis2, … (the trace refers to x, x2, …)."""
    return kind if i == 0 else f"{kind}{i + 1}"


def _panel_grid(n: int, cols: int, gap_x: float = 0.06,
                gap_y: float = 0.12) -> list[tuple[list[float], list[float]]]:
    """(x domain, y domain) of n panels in a grid filled row by row, top row first.

    Laid out by hand: make_subplots and update_xaxes take ~0.5 s for a dozen panels, too
    slow for a view that redraws every second while training runs.
    """
    rows = -(-n // cols)
    w = (1 - gap_x * (cols - 1)) / cols
    h = (1 - gap_y * (rows - 1)) / rows
    out = []
    for i in range(n):
        r, c = divmod(i, cols)
        x0 = c * (w + gap_x)
        y1 = 1 - r * (h + gap_y)
        out.append(([x0, x0 + w], [max(0.0, y1 - h), y1]))
    return out


def _title(text: str, x: list[float], y: list[float]) -> dict:
    return dict(text=text, x=(x[0] + x[1]) / 2, y=y[1], xref="paper", yref="paper",
                xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=11))


def activation_histograms(hists: Sequence[tuple[str, np.ndarray, np.ndarray]],
                          cols: int = HIST_COLS) -> go.Figure:
    """One small histogram per layer.

    Args:
        hists: (title, counts (B,), edges (B+1,)) per layer, in order.
    """
    n = max(1, len(hists))
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    height = 60 + 220 * rows
    gap_y = min(0.4, 100 / max(1, height - 70))  # room for an axis title and a panel title
    panels = _panel_grid(n, cols, gap_y=gap_y)
    traces, layout, notes = [], {}, []
    for i, ((title, counts, edges), (xd, yd)) in enumerate(zip(hists, panels, strict=False)):
        edges = np.asarray(edges, dtype=float)
        centres = (edges[:-1] + edges[1:]) / 2 if len(edges) > 1 else edges
        traces.append(go.Bar(x=centres, y=counts, width=np.diff(edges) if len(edges) > 1
                             else None, marker_color=OKABE_ITO[0], name=title,
                             xaxis=_axis(i, "x"), yaxis=_axis(i, "y"),
                             hovertemplate="value %{x:.3f}: %{y} values<extra></extra>"))
        layout[_axis(i, "xaxis")] = dict(domain=xd, anchor=_axis(i, "y"),
                                         title=dict(text="activation", font=dict(size=10)))
        layout[_axis(i, "yaxis")] = dict(domain=yd, anchor=_axis(i, "x"),
                                         title=dict(text="count" if i % cols == 0 else "",
                                                    font=dict(size=10)))
        notes.append(_title(title, xd, yd))
    return go.Figure(traces, layout=dict(
        **layout, annotations=notes, height=height, showlegend=False, bargap=0,
        margin=dict(l=10, r=10, t=40, b=30)))


def health_figure(rows: Sequence[LayerHealth], labels: Sequence[str]) -> go.Figure:
    """Three panels per layer: % dead ReLU units, % saturated values, gradient norm (log).

    A figure that does not apply to a layer (dead units of a conv layer, gradients of a
    layer without weights) is left blank; one that applies is always labelled, 0 % included.
    The gradient norms are dots, not bars: a bar's length on a log axis means nothing.
    """
    names = list(labels)
    dead = [r.dead * 100 if r.dead is not None else None for r in rows]
    sat = [r.saturated * 100 if r.saturated is not None else None for r in rows]
    grad = [r.grad_norm if r.grad_norm is not None and r.grad_norm > 0 else None for r in rows]
    traces = []
    for i, values, color, what in ((0, dead, WRONG, "dead"), (1, sat, OKABE_ITO[1], "saturated")):
        traces.append(go.Bar(
            y=names, x=values, orientation="h", marker_color=color, name=what,
            xaxis=_axis(i, "x"), yaxis="y",
            text=[f"{v:.0f}%" if v is not None else "" for v in values],
            textposition="outside", cliponaxis=False,
            hovertemplate=f"%{{y}}: %{{x:.1f}}% {what}<extra></extra>"))
    traces.append(go.Scatter(
        y=names, x=grad, mode="markers+text", marker=dict(color=CORRECT, size=11),
        xaxis="x3", yaxis="y", text=[f"{g:.2g}" if g is not None else "" for g in grad],
        textposition="middle right", name="gradient norm", cliponaxis=False,
        hovertemplate="%{y}: %{x:.3g}<extra></extra>"))
    known = [g for g in grad if g is not None]
    log_range = None
    if known:  # pad each side so the dots and their labels fit
        lo, hi = np.log10(min(known)), np.log10(max(known))
        log_range = [float(np.floor(lo) - 0.5), float(np.ceil(hi) + 1.0)]
    panels = _panel_grid(3, 3, gap_x=0.05)
    squashing = "/".join(name for name, kind in LAYERS.items() if kind.health == "saturating")
    titles = ("Dead ReLU units", f"Saturated {squashing} values", "Gradient norm (last step)")
    grid = dict(gridcolor=GRID, griddash="dot")
    layout = dict(
        xaxis=dict(domain=panels[0][0], range=[0, 115], anchor="y",
                   title=dict(text="% of units")),
        xaxis2=dict(domain=panels[1][0], range=[0, 115], anchor="y",
                    title=dict(text="% of values")),
        xaxis3=dict(domain=panels[2][0], type="log", range=log_range, anchor="y", dtick=1,
                    title=dict(text="‖gradient‖ (log scale)")),
        yaxis=dict(autorange="reversed", title=dict(text="layer"), **grid),
        annotations=[{**_title(t, xd, [0, 1]), "font": dict(size=12)}
                     for t, (xd, _) in zip(titles, panels, strict=True)],
        height=100 + 26 * len(names), showlegend=False, bargap=0.25,
        margin=dict(l=10, r=10, t=40, b=40))
    return go.Figure(traces, layout=layout)
