"""The class board's overlaid learning curves: one line per hand-in."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from playground.viz.palette import OKABE_ITO


def board_curves(names: Sequence[str], curves: Sequence[Sequence[float]],
                 metric: str = "test accuracy") -> go.Figure:
    """Each student's per-epoch `metric` on one chart, so the class compares runs at a glance."""
    traces = [go.Scatter(x=list(range(1, len(values) + 1)), y=list(values), mode="lines",
                         name=name, line={"color": OKABE_ITO[i % len(OKABE_ITO)]})
              for i, (name, values) in enumerate(zip(names, curves, strict=True))]
    return go.Figure(traces, layout={"xaxis": {"title": {"text": "epoch"}},
                                     "yaxis": {"title": {"text": metric}}, "height": 320})
