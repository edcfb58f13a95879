"""The plane a learner clicks points onto: the points placed so far over a faint grid of
click targets (a chart click lands only on a marker)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.viz.data import scatter_2d
from playground.viz.palette import NEUTRAL

EXTENT = 1.0  # the plane runs from -EXTENT to EXTENT on both axes


def click_plane(x: np.ndarray, y: np.ndarray, class_names: Sequence[str],
                grid: int = 33) -> go.Figure:
    """The placed points by class, and a grid whose markers carry their (x, y) as customdata.

    Args:
        x: (N, 2) points placed so far (N may be 0).
        y: (N,) class ids into `class_names`.
        grid: click targets per axis.
    """
    fig = scatter_2d(x.reshape(-1, 2), y, class_names, marker_size=10)
    axis = np.linspace(-EXTENT, EXTENT, grid).round(3)
    gx, gy = np.meshgrid(axis, axis)
    fig.add_trace(go.Scatter(
        x=gx.ravel(), y=gy.ravel(), mode="markers", name="click to add", showlegend=False,
        customdata=np.stack([gx.ravel(), gy.ravel()], axis=1),
        marker=dict(color=NEUTRAL, size=7, opacity=0.12), hovertemplate="add at (%{x}, %{y})"
        "<extra></extra>"))
    fig.update_layout(height=420, clickmode="event+select", dragmode=False,
                      xaxis_range=[-EXTENT * 1.05, EXTENT * 1.05],
                      yaxis_range=[-EXTENT * 1.05, EXTENT * 1.05])
    return fig
