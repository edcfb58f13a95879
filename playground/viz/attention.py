"""Attention maps as heatmaps: queries down, keys across, tokens on both axes, the exact
weight on hover. Pure functions: arrays in, plotly Figure out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.viz.palette import SEQUENTIAL, class_color

_HOVER = ("query %{customdata[0]} → key %{customdata[1]}<br>"
          "weight %{z:.3f}<extra></extra>")


def _hover_labels(tokens: Sequence[str]) -> np.ndarray:
    """(T, T, 2) 'position “token”' labels for each (query, key) cell."""
    names = [f"{i} '{t}'" for i, t in enumerate(tokens)]
    t = len(names)
    return np.array([[[names[q], names[k]] for k in range(t)] for q in range(t)], dtype=object)


def _heatmap(matrix: np.ndarray, tokens: Sequence[str], showscale: bool) -> go.Heatmap:
    t = len(tokens)
    return go.Heatmap(
        z=np.asarray(matrix, dtype=float), x=list(range(t)), y=list(range(t)),
        zmin=0.0, zmax=1.0, colorscale=SEQUENTIAL, showscale=showscale,
        colorbar={"title": {"text": "weight"}, "len": 0.8},
        customdata=_hover_labels(tokens), hovertemplate=_HOVER,
    )


def _token_axes(fig: go.Figure, tokens: Sequence[str], row: int | None = None,
                col: int | None = None) -> None:
    ticks = {"tickmode": "array", "tickvals": list(range(len(tokens))),
             "ticktext": list(tokens), "showgrid": False}
    fig.update_xaxes(title_text="key (looked at)", side="bottom", row=row, col=col, **ticks)
    fig.update_yaxes(title_text="query (looking)" if col in (None, 1) else None,
                     autorange="reversed", row=row, col=col, **ticks)


def attention_heads_figure(weights: np.ndarray, tokens: Sequence[str],
                           title: str = "Attention per head", columns: int = 4) -> go.Figure:
    """One query × key heatmap per head.

    Args:
        weights: (heads, T, T) attention weights of one example; rows sum to 1.
        tokens: the T input tokens, shown on both axes.
    """
    heads = weights.shape[0]
    cols = min(columns, heads)
    rows = -(-heads // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"head {h + 1}"
                                                              for h in range(heads)],
                        horizontal_spacing=0.08, vertical_spacing=0.12)
    for h in range(heads):
        r, c = h // cols + 1, h % cols + 1
        fig.add_trace(_heatmap(weights[h], tokens, showscale=h == 0), row=r, col=c)
        _token_axes(fig, tokens, row=r, col=c)
    side = 260 if cols > 1 else 380
    fig.update_layout(title=title, height=side * rows + 80, margin={"t": 80, "b": 40})
    return fig


def attention_map_figure(matrix: np.ndarray, tokens: Sequence[str],
                         title: str = "Average over heads") -> go.Figure:
    """One (T, T) query × key heatmap, for example the mean over heads."""
    fig = go.Figure(_heatmap(matrix, tokens, showscale=True))
    _token_axes(fig, tokens)
    fig.update_layout(title=title, height=380, margin={"t": 60, "b": 40})
    return fig


def attention_trend_figure(steps: Sequence[int], series: dict[str, Sequence[float]],
                           y_label: str) -> go.Figure:
    """How a summary of the maps (e.g. weight on the mirrored position) moved over training."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        fig.add_trace(go.Scatter(x=list(steps), y=list(values), mode="lines+markers", name=name,
                                 line={"color": class_color(i)},
                                 hovertemplate="step %{x}<br>%{y:.3f}<extra>" + name +
                                 "</extra>"))
    fig.update_layout(title=f"{y_label} during training", height=300,
                      xaxis_title="training step", yaxis_title=y_label,
                      yaxis_range=[0, 1.02], margin={"t": 50, "b": 40})
    return fig
