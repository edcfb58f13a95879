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
    """The placed points by class over a faint grid of click targets (read a click back with
    `clicked_points`).

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
        marker=dict(color=NEUTRAL, size=7, opacity=0.12), hovertemplate="add at (%{x}, %{y})"
        "<extra></extra>"))
    fig.update_layout(height=420, clickmode="event+select", dragmode=False,
                      xaxis_range=[-EXTENT * 1.05, EXTENT * 1.05],
                      yaxis_range=[-EXTENT * 1.05, EXTENT * 1.05])
    return fig


def clicked_points(selection: object) -> list[tuple[float, float]]:
    """The (x, y) of each grid marker a chart selection on the plane names.

    Read from the points' own x and y: a numpy customdata reaches the browser as a typed
    array and comes back as an object {"0": x, "1": y}, not a list.
    """
    try:
        points = selection["selection"]["points"]  # type: ignore[index]
    except (KeyError, TypeError):
        return []
    return [(float(p["x"]), float(p["y"])) for p in points or []
            if isinstance(p.get("x"), int | float) and isinstance(p.get("y"), int | float)
            and max(abs(p["x"]), abs(p["y"])) <= EXTENT]
