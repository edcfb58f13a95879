"""Figures for deep learning against traditional machine learning: learning curves with
their spread, the train/test gap against model size, remedies overlaid, compute cost, and
kept runs' curves overlaid. Arrays and small records in, plotly Figures out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from playground.viz.depth import short_count
from playground.viz.figure import make_figure, title
from playground.viz.palette import NEUTRAL, OKABE_ITO

DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "cross", "star")


def _style(i: int) -> tuple[str, str, str]:
    """Colour, dash and marker of the i-th series: lines stay apart without colour."""
    return OKABE_ITO[i % len(OKABE_ITO)], DASHES[i % len(DASHES)], SYMBOLS[i % len(SYMBOLS)]


def _fill(color: str, alpha: float = 0.18) -> str:
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(text: str, x_title: str, y_title: str, height: int, **axes: Any) -> dict:
    return {"title": title(text), "height": height,
            "margin": {"l": 55, "r": 10, "t": 36, "b": 50},
            "legend": {"orientation": "h", "y": -0.3, "x": 0},
            "xaxis": {"title": {"text": x_title}, **axes.get("xaxis", {})},
            "yaxis": {"title": {"text": y_title}, **axes.get("yaxis", {})}}


def _score_axis(regression: bool) -> dict:
    return {} if regression else {"tickformat": ".0%"}


def learning_curves(summaries: Sequence[Any], regression: bool = False,
                    height: int = 380) -> go.Figure:
    """Test score against training-set size (log axis), one line per model at the mean
    over seeds and a band from the lowest to the highest seed.

    Args:
        summaries: learning_curve.CurveSummary records (model, n_train, mean, low, high).
    """
    traces = []
    for i, s in enumerate(summaries):
        color, dash, symbol = _style(i)
        xs = list(s.n_train)
        traces.append({"type": "scatter", "x": xs + xs[::-1],
                       "y": list(s.high) + list(s.low)[::-1], "fill": "toself",
                       "fillcolor": _fill(color), "line": {"width": 0}, "hoverinfo": "skip",
                       "showlegend": False, "legendgroup": s.model})
        traces.append({"type": "scatter", "x": xs, "y": list(s.mean), "name": s.model,
                       "mode": "lines+markers", "legendgroup": s.model,
                       "line": {"color": color, "dash": dash, "width": 2},
                       "marker": {"size": 8, "symbol": symbol},
                       "hovertemplate": f"{s.model}<br>%{{x:,}} training examples: "
                                        f"%{{y:{'.3f' if regression else '.1%'}}}"
                                        "<extra></extra>"})
    what = "test R²" if regression else "test accuracy"
    return make_figure(traces, _layout(
        f"Learning curves: {what} against training-set size (band: lowest to highest seed)",
        "training examples (log scale)", what, height, xaxis={"type": "log"},
        yaxis=_score_axis(regression)))


def gap_by_size(rows: Sequence[Any], regression: bool = False,
                height: int = 360) -> go.Figure:
    """Train and test score, and the gap between them, against parameter count.

    Args:
        rows: overfitting.FitRow records of the width sweep, smallest first.
    """
    xs = [r.parameters for r in rows]
    labels = [r.label for r in rows]
    fmt = ".3f" if regression else ".1%"
    traces = []
    for name, ys, color, dash, symbol in (
            ("train", [r.train_score for r in rows], OKABE_ITO[0], "solid", "circle"),
            ("test", [r.test_score for r in rows], OKABE_ITO[1], "dash", "diamond"),
            ("gap (train − test)", [r.gap for r in rows], OKABE_ITO[5], "dot", "square")):
        traces.append({"type": "scatter", "x": xs, "y": ys, "name": name, "text": labels,
                       "mode": "lines+markers",
                       "line": {"color": color, "dash": dash, "width": 2},
                       "marker": {"size": 9, "symbol": symbol},
                       "hovertemplate": f"%{{text}}, %{{x:,}} parameters<br>{name}: "
                                        f"%{{y:{fmt}}}<extra></extra>"})
    score = "R²" if regression else "accuracy"
    return make_figure(traces, _layout(
        f"Train and test {score} against model size", "parameters (log scale)", score,
        height, xaxis={"type": "log", "tickvals": xs, "ticktext": [short_count(x) for x in xs]},
        yaxis=_score_axis(regression)))


def remedy_curves(rows: Sequence[Any], height: int = 380) -> go.Figure:
    """Test loss (solid) and train loss (thin dotted) per epoch for each variant, the
    best epoch (lowest test loss) of each marked with a star."""
    traces = []
    for i, r in enumerate(rows):
        color, dash, symbol = _style(i)
        ex = [e["epoch"] for e in r.epochs]
        traces.append({"type": "scatter", "x": ex, "y": [e["test_loss"] for e in r.epochs],
                       "name": f"{r.label}: test", "mode": "lines", "legendgroup": r.label,
                       "line": {"color": color, "dash": dash, "width": 2}})
        traces.append({"type": "scatter", "x": ex, "y": [e["train_loss"] for e in r.epochs],
                       "name": f"{r.label}: train", "mode": "lines", "legendgroup": r.label,
                       "opacity": 0.6, "line": {"color": color, "dash": "dot", "width": 1}})
        best = next((e for e in r.epochs if e["epoch"] == r.best_epoch), None)
        if best is not None:
            traces.append({"type": "scatter", "x": [best["epoch"]], "y": [best["test_loss"]],
                           "mode": "markers", "name": f"{r.label}: best epoch",
                           "legendgroup": r.label, "showlegend": False,
                           "marker": {"size": 14, "symbol": "star", "color": color,
                                      "line": {"color": "black", "width": 1}},
                           "hovertemplate": f"{r.label}<br>best epoch %{{x}}: test loss "
                                            "%{y:.4f}<extra></extra>"})
    return make_figure(traces, _layout(
        "Test loss (solid) and train loss (dotted) per epoch; ★ lowest test loss", "epoch",
        "loss", height, yaxis={"rangemode": "tozero"}))


def remedy_gaps(rows: Sequence[Any], height: int = 320) -> go.Figure:
    """Each variant's gap in loss (test − train) on its final weights, as bars."""
    labels = [r.label for r in rows]
    traces = [{"type": "bar", "x": labels, "y": [r.loss_gap for r in rows],
               "marker": {"color": [_style(i)[0] for i in range(len(rows))]},
               "text": [f"{r.loss_gap:.3f}" for r in rows], "textposition": "outside",
               "hovertemplate": "%{x}<br>test − train loss: %{y:.4f}<extra></extra>",
               "showlegend": False}]
    return make_figure(traces, _layout("Overfitting gap: test loss − train loss (lower is "
                                       "better)", "variant", "test loss − train loss",
                                       height, yaxis={"rangemode": "tozero"}))


def cost_curves(rows: Sequence[Any], axis: str, height: int = 340) -> go.Figure:
    """MACs per example (log axis, left) and training samples per second (right) against
    the width factor or the number of hidden layers."""
    mine = [r for r in rows if r.axis == axis]
    xs = [r.value for r in mine]
    x_title = "width (× your network's)" if axis == "width" else "hidden layers"
    traces = [
        {"type": "scatter", "x": xs, "y": [max(1, r.macs) for r in mine],
         "name": "MACs per example (forward)", "mode": "lines+markers",
         "customdata": [r.parameters for r in mine],
         "line": {"color": OKABE_ITO[0], "width": 2}, "marker": {"size": 9},
         "hovertemplate": "%{x}: %{y:,} MACs, %{customdata:,} parameters<extra></extra>"},
        {"type": "scatter", "x": xs, "y": [r.samples_per_second for r in mine],
         "name": "training samples per second", "mode": "lines+markers", "yaxis": "y2",
         "line": {"color": OKABE_ITO[1], "dash": "dash", "width": 2},
         "marker": {"size": 9, "symbol": "diamond"},
         "hovertemplate": "%{x}: %{y:,.0f} samples/s<extra></extra>"},
    ]
    layout = _layout(f"Cost against {axis}", x_title, "MACs per example (log scale)", height,
                     xaxis={"tickvals": xs}, yaxis={"type": "log"})
    layout["yaxis2"] = {"title": {"text": "samples per second"}, "overlaying": "y",
                        "side": "right", "rangemode": "tozero", "showgrid": False}
    layout["margin"]["r"] = 60
    return make_figure(traces, layout)


def runs_overlay(runs: Sequence[Any], key: str, label: str, percent: bool = False,
                 height: int = 360) -> go.Figure:
    """One kept run per colour: its test `key` (solid) and train twin (dotted) per epoch.

    Args:
        runs: run_list.KeptRun records.
        key: an epoch record's test key, e.g. "test_loss" or "test_accuracy".
    """
    traces = []
    train_key = key.replace("test_", "train_", 1)
    for i, r in enumerate(runs):
        color, dash, symbol = _style(i)
        ex = [e["epoch"] for e in r.epochs]
        traces.append({"type": "scatter", "x": ex, "y": [e.get(key) for e in r.epochs],
                       "name": f"run {r.number}: test", "mode": "lines",
                       "legendgroup": str(r.number),
                       "line": {"color": color, "dash": dash, "width": 2}})
        traces.append({"type": "scatter", "x": ex, "y": [e.get(train_key) for e in r.epochs],
                       "name": f"run {r.number}: train", "mode": "lines",
                       "legendgroup": str(r.number), "opacity": 0.6,
                       "line": {"color": color, "dash": "dot", "width": 1}})
    if not traces:
        traces.append({"type": "scatter", "x": [], "y": [], "name": "no runs",
                       "line": {"color": NEUTRAL}})
    return make_figure(traces, _layout(f"{label} per epoch: test (solid), train (dotted)",
                                       "epoch", label, height,
                                       yaxis={"tickformat": ".0%"} if percent else {}))
