"""Figures of the depth comparison: each depth's decision boundary, test accuracy against
depth, and test accuracy against epochs with one line per depth."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.viz.boundary import decision_boundary
from playground.viz.curves import TEST_COLOR, TRAIN_COLOR
from playground.viz.figure import make_figure, title
from playground.viz.palette import OKABE_ITO

_DASHES = ("solid", "dash", "dot", "dashdot", "longdash")
_SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x")


def depth_name(depth: int) -> str:
    return f"{depth} hidden layer{'' if depth == 1 else 's'}"


def depth_boundary(depth: int, xs: np.ndarray, ys: np.ndarray, probs: np.ndarray,
                   x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                   y_test: np.ndarray, class_names: Sequence[str],
                   height: int = 220) -> go.Figure:
    """One depth's decision boundary, compact enough for five side by side: the usual
    boundary figure (playground.viz.boundary) titled by depth, without its legend."""
    fig = decision_boundary(xs, ys, probs, x_train, y_train, x_test, y_test, class_names,
                            height)
    fig.layout.title = title(depth_name(depth)) | {"font": {"size": 12}}
    fig.layout.showlegend = False
    fig.layout.margin = {"l": 30, "r": 4, "t": 24, "b": 30}
    fig.layout.yaxis.constrain = "domain"  # x ticks stay at the square's edge, not below it
    fig.layout.xaxis.nticks = fig.layout.yaxis.nticks = 4  # narrow columns: few tick labels
    fig.layout.uirevision = f"depth.boundary.{depth}"
    return fig


def short_count(n: int) -> str:
    """A parameter count short enough for a tick label: 6,090 or 25.9k or 1.2M."""
    if n < 10_000:
        return f"{n:,}"
    if n < 1_000_000:
        return f"{n / 1000:.1f}k" if n < 100_000 else f"{n / 1000:.0f}k"
    return f"{n / 1e6:.1f}M"


def accuracy_by_depth(depths: Sequence[int], test: Sequence[float | None],
                      train: Sequence[float | None], parameters: Sequence[int],
                      height: int = 320) -> go.Figure:
    """Latest test (and train) accuracy against the number of hidden layers.

    Args:
        depths: hidden-layer counts, ascending.
        test, train: the latest accuracy of each depth's model; None before its first epoch.
        parameters: each model's parameter count, shown on hover and under the axis.
    """
    ticks = [f"{d}<br>({short_count(p)} params)"
             for d, p in zip(depths, parameters, strict=True)]
    traces = []
    for name, values, color, dash, symbol in (("test accuracy", test, TEST_COLOR, "solid",
                                               "diamond"),
                                              ("train accuracy", train, TRAIN_COLOR, "dot",
                                               "circle")):
        traces.append({
            "type": "scatter", "x": list(depths), "y": list(values), "name": name,
            "mode": "lines+markers", "customdata": list(parameters),
            "line": {"color": color, "dash": dash, "width": 2},
            "marker": {"size": 10, "symbol": symbol},
            "hovertemplate": "%{x} hidden layers (%{customdata:,} parameters)<br>"
                             f"{name}: %{{y:.1%}}<extra></extra>"})
    layout = {
        "title": title("Accuracy against depth"), "height": height,
        "margin": {"l": 50, "r": 10, "t": 36, "b": 60},
        "legend": {"orientation": "h", "y": -0.35, "x": 0}, "uirevision": "depth.accuracy",
        # padded range: a tick label at the very edge is dropped by plotly
        "xaxis": {"title": {"text": "hidden layers"}, "tickvals": list(depths),
                  "ticktext": ticks, "range": [min(depths, default=0) - 0.5,
                                               max(depths, default=0) + 0.5]},
        "yaxis": {"title": {"text": "accuracy"}, "range": [0, 1.02], "tickformat": ".0%"},
    }
    return make_figure(traces, layout)


def depth_curves(depths: Sequence[int], histories: Sequence[Sequence[float]],
                 height: int = 320) -> go.Figure:
    """Test accuracy after each epoch, one line per depth (colour, dash and marker differ,
    so the lines stay apart without colour)."""
    traces = []
    for i, (depth, history) in enumerate(zip(depths, histories, strict=True)):
        traces.append({
            "type": "scatter", "x": list(range(1, len(history) + 1)), "y": list(history),
            "name": depth_name(depth), "mode": "lines+markers" if len(history) <= 40
            else "lines",
            "line": {"color": OKABE_ITO[i % len(OKABE_ITO)], "dash": _DASHES[i % 5],
                     "width": 2},
            "marker": {"size": 6, "symbol": _SYMBOLS[i % 5]},
            "hovertemplate": f"{depth_name(depth)}<br>epoch %{{x}}: %{{y:.1%}}"
                             "<extra></extra>"})
    layout = {
        "title": title("Test accuracy while training"), "height": height,
        "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
        "legend": {"orientation": "h", "y": -0.3, "x": 0}, "uirevision": "depth.curves",
        "xaxis": {"title": {"text": "epoch"}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": "test accuracy"}, "range": [0, 1.02],
                  "tickformat": ".0%"},
    }
    return make_figure(traces, layout)
