"""What the model predicts on test examples: an image grid marked right or wrong, a confusion
matrix, a table of token sequences with the wrong tokens marked, and for a regression on one
input the predicted curve through the points.

Right and wrong are shown by colour and by a symbol (✓ / ✗), so they read without colour.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.viz.figure import make_figure, title
from playground.viz.palette import CORRECT, OKABE_ITO, SEQUENTIAL, WRONG


def _name(names: Sequence[str], i: int) -> str:
    return str(names[i]) if 0 <= i < len(names) else str(i)


def _mosaic(images: np.ndarray, cols: int, gap: int) -> tuple[np.ndarray, int, int]:
    """Tile (N, C, H, W) images into one (C, rows*(H+gap), cols*(W+gap)) array, NaN in gaps.
    Each tile is scaled to [0, 1] on its own so faint and bright images both read."""
    n, c, h, w = images.shape
    rows = -(-n // cols)
    out = np.full((c, rows * (h + gap), cols * (w + gap)), np.nan, dtype=np.float32)
    for i, img in enumerate(images.astype(np.float32)):
        lo, hi = float(img.min()), float(img.max())
        r, q = divmod(i, cols)
        out[:, r * (h + gap):r * (h + gap) + h, q * (w + gap):q * (w + gap) + w] = (
            (img - lo) / (hi - lo) if hi > lo else np.zeros_like(img))
    return out, rows, cols


def prediction_grid(images: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray,
                    class_names: Sequence[str], cols: int = 8) -> go.Figure:
    """Test images with the predicted class above each, framed green ✓ or orange ✗.

    Args:
        images: (N, C, H, W) with C = 1 (grey) or 3 (colour).
        y_true, y_pred: (N,) class ids.
        class_names: names shown in the labels.
    """
    images = np.asarray(images)
    n, c, h, w = images.shape
    cols = max(1, min(cols, n))
    gap = max(2, -(-h * 9 // 20))  # room under each tile for its label
    mosaic, rows, cols = _mosaic(images, cols, gap)
    if c == 3:
        rgb = np.nan_to_num(mosaic, nan=1.0).transpose(1, 2, 0) * 255
        traces = [{"type": "image", "z": rgb.astype(np.uint8), "hoverinfo": "skip"}]
    else:
        traces = [{"type": "heatmap", "z": mosaic[0], "colorscale": "Greys", "zmin": 0,
                   "zmax": 1, "reversescale": True, "showscale": False,
                   "hoverinfo": "skip"}]
    shapes, notes = [], []
    for i in range(n):
        r, q = divmod(i, cols)
        x0, y0 = q * (w + gap) - 0.5, r * (h + gap) - 0.5
        right = int(y_pred[i]) == int(y_true[i])
        color = CORRECT if right else WRONG
        shapes.append({"type": "rect", "x0": x0, "y0": y0, "x1": x0 + w, "y1": y0 + h,
                       "line": {"color": color, "width": 3}})
        pred = _name(class_names, int(y_pred[i]))
        label = (f"✓ {pred}" if right else
                 f"✗ {pred} (is {_name(class_names, int(y_true[i]))})")
        notes.append({"x": x0 + w / 2, "y": y0 + h, "yanchor": "top", "showarrow": False,
                      "text": label, "font": {"size": 11, "color": color}})
    layout = {
        "shapes": shapes, "annotations": notes,
        "height": int(rows * (h + gap) * 640 / (cols * (w + gap))) + 50,  # ~640 px wide
        "title": title("Test predictions (✓ right, ✗ wrong)"),
        "margin": {"l": 10, "r": 10, "t": 36, "b": 10}, "plot_bgcolor": "white",
        "xaxis": {"visible": False, "range": [-0.5 - gap / 2, cols * (w + gap) - 0.5]},
        "yaxis": {"visible": False, "autorange": "reversed", "scaleanchor": "x",
                  "scaleratio": 1},
    }
    return make_figure(traces, layout)


def confusion_matrix_figure(matrix: np.ndarray, class_names: Sequence[str],
                            title_text: str = "Confusion matrix (test set)",
                            height: int = 380) -> go.Figure:
    """Counts of true (rows) against predicted (columns) classes; the diagonal is right."""
    matrix = np.asarray(matrix)
    k = matrix.shape[0]
    names = [_name(class_names, i) for i in range(k)]
    rows = matrix.sum(axis=1, keepdims=True)
    share = np.divide(matrix, rows, out=np.zeros(matrix.shape, dtype=np.float64),
                      where=rows > 0)
    trace = {
        "type": "heatmap", "z": share, "x": names, "y": names,
        "text": np.where(matrix > 0, matrix.astype(str), ""),  # blank zeros: errors stand out
        "colorscale": SEQUENTIAL, "zmin": 0, "zmax": 1,
        "colorbar": {"title": {"text": "share of row"}},
        "hovertemplate": "true %{y}, predicted %{x}: %{z:.0%} of the row<extra></extra>"}
    if k <= 15:
        trace["texttemplate"] = "%{text}"
    layout = {"title": title(title_text), "height": height,
              "margin": {"l": 60, "r": 10, "t": 36, "b": 50},
              "xaxis": {"title": {"text": "predicted class"}, "type": "category"},
              "yaxis": {"title": {"text": "true class"}, "type": "category",
                        "autorange": "reversed"}}
    return make_figure([trace], layout)


def _tokens(ids: np.ndarray, vocab: Sequence[str]) -> list[str]:
    return [_name(vocab, int(t)) for t in np.asarray(ids).ravel()]


def _marked(pred: list[str], true: list[str]) -> str:
    """Predicted tokens with the wrong ones bold, bracketed and orange."""
    return " ".join(p if p == t else f"<b><span style='color:{WRONG}'>[{p}]</span></b>"
                    for p, t in zip(pred, true, strict=False))


def sequence_table(inputs: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray,
                   vocab: Sequence[str], class_names: Sequence[str] = (),
                   height: int | None = None) -> go.Figure:
    """A few test sequences: the input tokens, the predicted and the true output.

    Args:
        inputs: (N, T) token ids.
        y_true, y_pred: (N, T) per-position token ids, or (N,) class ids per sequence.
        vocab: token names (index = id); class_names name per-sequence classes.
    """
    per_token = np.asarray(y_true).ndim == 2
    col_in, col_pred, col_true, col_ok = [], [], [], []
    for x, t, p in zip(inputs, y_true, y_pred, strict=True):
        col_in.append(" ".join(_tokens(x, vocab)))
        if per_token:
            true_tokens, pred_tokens = _tokens(t, vocab), _tokens(p, vocab)
            col_true.append(" ".join(true_tokens))
            col_pred.append(_marked(pred_tokens, true_tokens))
            right = sum(a == b for a, b in zip(pred_tokens, true_tokens, strict=False))
            col_ok.append(("✓ " if right == len(true_tokens) else "✗ ")
                          + f"{right}/{len(true_tokens)}")
        else:
            names = class_names or vocab
            col_true.append(_name(names, int(t)))
            col_pred.append(_name(names, int(p)))
            col_ok.append("✓" if int(t) == int(p) else "✗")
    colors = [CORRECT if s.startswith("✓") else WRONG for s in col_ok]
    table = {
        "type": "table", "columnwidth": [3, 3, 3, 1],
        "header": {"values": ["<b>input</b>", "<b>predicted</b>", "<b>true</b>",
                              "<b>right</b>"], "align": "left", "fill": {"color": "#EEEEEE"}},
        "cells": {"values": [col_in, col_pred, col_true, col_ok], "align": "left",
                  "font": {"color": [["#222222"] * len(col_ok)] * 3 + [colors]}}}
    layout = {"title": title("Test sequences (wrong tokens in [brackets])"),
              "height": height or 80 + 28 * len(col_ok),
              "margin": {"l": 10, "r": 10, "t": 36, "b": 10}}
    return make_figure([table], layout)


MAX_POINTS = 1500  # points per split drawn


def predicted_curve(xs: np.ndarray, predicted: np.ndarray, x_train: np.ndarray,
                    y_train: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
                    feature: str = "x", height: int = 420,
                    title_text: str = "Predicted curve (line) through the data (points)"
                    ) -> go.Figure:
    """A regression on one input: the model's prediction along x as a line, with the
    training points (circles) and test points (diamonds) at their targets.

    Args:
        xs: (R,) increasing x values; predicted: (R,) the model's output at each.
        x_train, x_test: (N, 1) or (N,) inputs; y_train, y_test: (N,) targets.
    """
    traces: list[dict] = []
    for split, x, y, symbol, color in (("train", x_train, y_train, "circle", OKABE_ITO[0]),
                                       ("test", x_test, y_test, "diamond", OKABE_ITO[1])):
        if not len(x):
            continue
        x = np.asarray(x, dtype=np.float32).reshape(len(x), -1)[:MAX_POINTS, 0]
        traces.append({
            "type": "scatter", "x": x, "y": np.asarray(y, dtype=np.float32)[:MAX_POINTS],
            "mode": "markers", "name": f"{split} points",
            "marker": {"color": color, "symbol": symbol, "size": 7, "opacity": 0.75,
                       "line": {"color": "white" if split == "train" else "#222222",
                                "width": 1}},
            "hovertemplate": f"{split}: {feature}=%{{x:.3f}}, target %{{y:.3f}}"
                             "<extra></extra>"})
    traces.append({
        "type": "scatter", "x": np.asarray(xs, dtype=np.float32),
        "y": np.asarray(predicted, dtype=np.float32).ravel(), "mode": "lines",
        "name": "prediction", "line": {"color": "#000000", "width": 3},
        "hovertemplate": f"{feature}=%{{x:.3f}}: predicted %{{y:.3f}}<extra></extra>"})
    layout = {"title": title(title_text), "height": height, "uirevision": "curve",
              "margin": {"l": 50, "r": 10, "t": 36, "b": 40}, "plot_bgcolor": "white",
              "legend": {"orientation": "h", "y": -0.22, "x": 0},
              "xaxis": {"title": {"text": feature}, "gridcolor": "#EEEEEE", "zeroline": False},
              "yaxis": {"title": {"text": "target"}, "gridcolor": "#EEEEEE"}}
    return make_figure(traces, layout)
