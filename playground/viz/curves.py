"""Loss and accuracy curves (regression: R² and RMSE), train and test, against steps or
epochs.

Long runs have one loss value per batch; `downsample` averages them into at most a few
hundred points so each live redraw stays small.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.classic.overfitting import overfit_onset
from playground.viz.figure import make_figure, title
from playground.viz.palette import NEUTRAL, OKABE_ITO, WRONG

TRAIN_COLOR = OKABE_ITO[0]
TEST_COLOR = OKABE_ITO[1]
MAX_POINTS = 400  # per-batch points drawn; enough to see noise, small enough to redraw live
LOSS_LABELS = {"cross_entropy": "cross-entropy loss", "mse": "mean squared error",
               "huber": "Huber loss"}
R2_FLOOR = -1.0  # the R² axis starts no lower: early epochs far below 0 would flatten the rest


def downsample(values: Sequence[float], max_points: int = MAX_POINTS) -> tuple[np.ndarray,
                                                                                  np.ndarray]:
    """Average consecutive values into at most `max_points` buckets.

    Returns:
        (steps, means): 1-based step numbers at each bucket's end, and the bucket means.
    """
    y = np.asarray(values, dtype=np.float64)
    n = len(y)
    if n <= max_points:
        return np.arange(1, n + 1, dtype=np.float64), y
    edges = np.linspace(0, n, max_points + 1).astype(np.int64)
    sums = np.add.reduceat(y, edges[:-1])
    return edges[1:].astype(np.float64), sums / np.diff(edges)


def _layout(title_text: str, x_title: str, y_title: str, height: int) -> dict:
    return {
        "title": title(title_text), "height": height,
        "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
        "legend": {"orientation": "h", "y": -0.3, "x": 0},
        "uirevision": "curves",  # keep the user's zoom across live redraws
        "xaxis": {"title": {"text": x_title}, "rangemode": "tozero"},
        "yaxis": {"title": {"text": y_title}},
    }


def _scale(x_axis: str, steps_per_epoch: int) -> tuple[float, str]:
    if x_axis == "epoch":
        return 1.0 / max(1, steps_per_epoch), "epoch"
    if x_axis == "step":
        return 1.0, "step (batches trained)"
    raise ValueError(f"x_axis must be 'step' or 'epoch', not {x_axis!r}")


def _epoch_traces(epochs: Sequence[dict[str, float]], x_axis: str,
                  series: tuple[tuple[str, str], ...]) -> list[dict]:
    """One line per (key, name): train solid with circles, test dashed with diamonds."""
    ex = [(e["epoch"] if x_axis == "epoch" else e["step"]) for e in epochs]
    traces = []
    for i, (key, name) in enumerate(series):
        traces.append({
            "type": "scatter", "x": ex, "y": [e.get(key) for e in epochs],
            "mode": "lines+markers" if len(ex) <= 60 else "lines", "name": name,
            "line": {"color": (TRAIN_COLOR, TEST_COLOR)[i], "dash": ("solid", "dash")[i],
                     "width": 2},
            "marker": {"size": 6, "symbol": ("circle", "diamond")[i]}})
    return traces


def loss_curve(step_loss: Sequence[float], epochs: Sequence[dict[str, float]],
               x_axis: str = "step", steps_per_epoch: int = 1,
               max_points: int = MAX_POINTS, height: int = 300,
               loss: str = "cross_entropy") -> go.Figure:
    """Per-batch training loss (thin, averaged when long) and per-epoch train and test loss.

    Args:
        step_loss: one loss per training step.
        epochs: the trainer's epoch records (epoch, step, train_loss, test_loss, ...).
        x_axis: "step" or "epoch" (per-batch points sit at fractional epochs).
        steps_per_epoch: batches per epoch, to place batches on the epoch axis.
        loss: the spec's train.loss, which names the y axis.
    """
    scale, x_title = _scale(x_axis, steps_per_epoch)
    xs, ys = downsample(step_loss, max_points)
    traces = [{"type": "scatter", "x": xs * scale, "y": ys, "mode": "lines",
               "name": "train loss (per batch)", "opacity": 0.7,
               "line": {"color": NEUTRAL, "width": 1}}]
    traces += _epoch_traces(epochs, x_axis, (("train_loss", "train loss (epoch)"),
                                             ("test_loss", "test loss (epoch)")))
    layout = _layout("Loss", x_title, LOSS_LABELS.get(loss, loss), height)
    onset = overfit_onset(epochs)
    if onset is not None:  # where memorising starts: test loss up, train loss still down
        record = epochs[onset - 1]
        x = record["epoch"] if x_axis == "epoch" else record["step"]
        layout["shapes"] = [{"type": "line", "x0": x, "x1": x, "yref": "paper", "y0": 0,
                             "y1": 1, "line": {"color": WRONG, "dash": "dot", "width": 2}}]
        layout["annotations"] = [{
            "x": x, "yref": "paper", "y": 1, "xanchor": "left", "yanchor": "top",
            "showarrow": False, "font": {"size": 11, "color": WRONG},
            "text": f"epoch {onset}: test loss rises from here<br>while train loss falls "
                    "(overfitting)"}]
    return make_figure(traces, layout)


def accuracy_curve(epochs: Sequence[dict[str, float]], x_axis: str = "step",
                   height: int = 300) -> go.Figure:
    """Train and test accuracy after each epoch (train: running average over the epoch)."""
    _, x_title = _scale(x_axis, 1)
    traces = _epoch_traces(epochs, x_axis, (("train_accuracy", "train accuracy"),
                                            ("test_accuracy", "test accuracy")))
    layout = _layout("Accuracy", x_title, "accuracy", height)
    layout["yaxis"] |= {"range": [0, 1.02], "tickformat": ".0%"}
    return make_figure(traces, layout)


def r2_curve(epochs: Sequence[dict[str, float]], x_axis: str = "step",
             height: int = 260) -> go.Figure:
    """Regression: train and test R² after each epoch (train: running over the epoch). 1 is
    perfect, 0 is no better than predicting the mean target; the axis stops at R2_FLOOR."""
    _, x_title = _scale(x_axis, 1)
    traces = _epoch_traces(epochs, x_axis, (("train_r2", "train R²"), ("test_r2", "test R²")))
    values = [e[k] for e in epochs for k in ("train_r2", "test_r2") if e.get(k) is not None]
    low = max(R2_FLOOR, min([0.0, *values]))
    layout = _layout("R² (1 = perfect, 0 = predicting the mean)", x_title, "R²", height)
    layout["yaxis"] |= {"range": [low - 0.02, 1.02]}
    return make_figure(traces, layout)


def rmse_curve(epochs: Sequence[dict[str, float]], x_axis: str = "step",
               height: int = 260) -> go.Figure:
    """Regression: train and test root mean squared error after each epoch, in the target's
    units (0 is perfect)."""
    _, x_title = _scale(x_axis, 1)
    traces = _epoch_traces(epochs, x_axis, (("train_rmse", "train RMSE"),
                                            ("test_rmse", "test RMSE")))
    layout = _layout("RMSE (in target units)", x_title, "RMSE", height)
    layout["yaxis"] |= {"rangemode": "tozero"}
    return make_figure(traces, layout)
