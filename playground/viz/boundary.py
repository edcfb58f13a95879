"""The decision boundary of a 2D classifier, and the predicted surface of a 2D regression
model, drawn as TensorFlow Playground draws them.

The background is the predicted class over the plane, its colour stronger where the model is
more confident (regression: the predicted number, on a blue–white–orange scale); training
points are circles with a white outline, test points diamonds with a dark outline, both
coloured by their true class (regression: by their target, on the same scale).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.viz.figure import make_figure, title
from playground.viz.palette import DIVERGING, class_color

MAX_SCATTER = 1500  # points per split drawn; more only slows every redraw
_LIGHT, _STRONG = 0.06, 0.4  # background opacity at chance and at full confidence


def _blend(hex_color: str, alpha: float) -> str:
    """`hex_color` laid over white with opacity `alpha`, as an rgb() string."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 + (c - 255) * alpha) for c in (r, g, b)]
    return f"rgb({mix[0]},{mix[1]},{mix[2]})"


def confidence_colorscale(k: int) -> list[list[float | str]]:
    """Band i of k (z in [i, i+1)) runs from a pale to a strong tint of class i's colour."""
    scale: list[list[float | str]] = []
    for i in range(k):
        scale += [[i / k, _blend(class_color(i), _LIGHT)],
                  [(i + 1) / k, _blend(class_color(i), _STRONG)]]
    return scale


def boundary_z(probs: np.ndarray) -> np.ndarray:
    """Encode class and confidence in one number per cell: predicted class + shade in [0, 1).

    Args:
        probs: (R, R, C) class probabilities over the grid.

    Returns:
        (R, R) float32; floor gives the predicted class, the fraction how far the confidence
        is above chance (1/C).
    """
    k = probs.shape[-1]
    pred = probs.argmax(-1)
    conf = probs.max(-1)
    chance = 1.0 / k
    shade = np.clip((conf - chance) / max(1e-9, 1.0 - chance), 0.0, 0.999)
    return (pred + shade).astype(np.float32)


def _thin(x: np.ndarray, y: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    if len(x) <= limit:
        return x, y
    keep = np.linspace(0, len(x) - 1, limit).astype(np.int64)
    return x[keep], y[keep]


def decision_boundary(xs: np.ndarray, ys: np.ndarray, probs: np.ndarray,
                      x_train: np.ndarray, y_train: np.ndarray,
                      x_test: np.ndarray, y_test: np.ndarray,
                      class_names: Sequence[str], height: int = 420) -> go.Figure:
    """Heatmap of the predicted class with confidence shading, plus the data points.

    Args:
        xs, ys: (R,) grid coordinates; probs[i, j] is the prediction at (xs[j], ys[i]).
        probs: (R, R, C) softmax probabilities.
        x_train, x_test: (N, 2) points; y_train, y_test: (N,) class ids.
        class_names: one name per class, for the legend.
    """
    k = probs.shape[-1]
    traces: list[dict] = [{
        "type": "heatmap", "x": xs, "y": ys, "z": boundary_z(probs), "zmin": 0, "zmax": k,
        "colorscale": confidence_colorscale(k), "showscale": False, "name": "prediction",
        "hovertemplate": "x=%{x:.2f}, y=%{y:.2f}<br>class + confidence: %{z:.2f}"
                         "<extra></extra>"}]
    for split, x, y, symbol, outline in (("train", x_train, y_train, "circle", "white"),
                                         ("test", x_test, y_test, "diamond", "#222222")):
        x, y = _thin(np.asarray(x), np.asarray(y), MAX_SCATTER)
        for c in range(k):
            pts = x[y == c]
            traces.append({
                "type": "scatter", "x": pts[:, 0], "y": pts[:, 1], "mode": "markers",
                "name": f"{class_names[c] if c < len(class_names) else c} ({split})",
                "legendgroup": split,
                "marker": {"color": class_color(c), "symbol": symbol, "size": 8,
                           "line": {"color": outline, "width": 1.5 if split == "train"
                                    else 1.0}},
                "hovertemplate": f"{split}: class {c}<extra></extra>"})
    layout = {
        "title": title("Decision boundary (colour: predicted class; strength: confidence)"),
        "height": height, "margin": {"l": 40, "r": 10, "t": 36, "b": 40},
        "legend": {"orientation": "h", "y": -0.22, "x": 0}, "uirevision": "boundary",
        "plot_bgcolor": "white",
        "xaxis": {"title": {"text": "x₁"}, "range": [float(xs[0]), float(xs[-1])],
                  "showgrid": False, "constrain": "domain"},
        "yaxis": {"title": {"text": "x₂"}, "range": [float(ys[0]), float(ys[-1])],
                  "showgrid": False, "scaleanchor": "x", "scaleratio": 1},
    }
    return make_figure(traces, layout)


def target_range(*targets: np.ndarray) -> tuple[float, float]:
    """The colour range of a regression view: the targets' span (never empty), so the
    background and the points share one scale and a prediction past the data saturates."""
    values = np.concatenate([np.asarray(t, dtype=np.float64).ravel() for t in targets])
    lo, hi = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    return lo, hi


def prediction_surface(xs: np.ndarray, ys: np.ndarray, values: np.ndarray,
                       x_train: np.ndarray, y_train: np.ndarray,
                       x_test: np.ndarray, y_test: np.ndarray,
                       height: int = 420, title_text: str | None = None,
                       value_range: tuple[float, float] | None = None) -> go.Figure:
    """Heatmap of a regression model's predicted number over the plane, with the points.

    Args:
        xs, ys: (R,) grid coordinates; values[i, j] is the prediction at (xs[j], ys[i]).
        values: (R, R) predicted numbers (or (R, R, 1)).
        x_train, x_test: (N, 2) points; y_train, y_test: (N,) float targets.
        value_range: the colour range; the points' targets' span when None (pass the whole
            data's when the points are only a few of them).
    """
    z = np.asarray(values, dtype=np.float32).reshape(len(ys), len(xs))
    lo, hi = value_range or target_range(y_train, y_test)
    scale = {"colorscale": DIVERGING, "cmin": lo, "cmax": hi}
    traces: list[dict] = [{
        "type": "heatmap", "x": xs, "y": ys, "z": z, "zmin": lo, "zmax": hi,
        "colorscale": DIVERGING, "opacity": 0.85, "name": "prediction",
        "colorbar": {"title": {"text": "value"}, "thickness": 12, "len": 0.8},
        "hovertemplate": "x=%{x:.2f}, y=%{y:.2f}<br>predicted %{z:.3f}<extra></extra>"}]
    for split, x, y, symbol, outline in (("train", x_train, y_train, "circle", "white"),
                                         ("test", x_test, y_test, "diamond", "#222222")):
        x, y = _thin(np.asarray(x), np.asarray(y, dtype=np.float32), MAX_SCATTER)
        traces.append({
            "type": "scatter", "x": x[:, 0], "y": x[:, 1], "mode": "markers",
            "name": f"{split} points (colour: target)", "customdata": y,
            "marker": {**scale, "color": y, "symbol": symbol, "size": 8,
                       "line": {"color": outline, "width": 1.5 if split == "train" else 1.0}},
            "hovertemplate": f"{split}: target %{{customdata:.3f}}<extra></extra>"})
    layout = {
        "title": title(title_text or "Predicted value over the plane (points: their targets)"),
        "height": height, "margin": {"l": 40, "r": 10, "t": 36, "b": 40},
        "legend": {"orientation": "h", "y": -0.22, "x": 0}, "uirevision": "surface",
        "plot_bgcolor": "white",
        "xaxis": {"title": {"text": "x₁"}, "range": [float(xs[0]), float(xs[-1])],
                  "showgrid": False, "constrain": "domain"},
        "yaxis": {"title": {"text": "x₂"}, "range": [float(ys[0]), float(ys[-1])],
                  "showgrid": False, "scaleanchor": "x", "scaleratio": 1},
    }
    return make_figure(traces, layout)
