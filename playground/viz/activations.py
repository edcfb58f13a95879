"""What each layer computes, as figures: neuron thumbnails over the plane, feature maps,
filters and activation bars. Arrays in, plotly Figures out.

Grids of small maps are tiled into one heatmap (NaN gaps between tiles) rather than one
subplot per map: a 32-channel layer stays one light trace that draws quickly on every poll.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.viz.palette import CORRECT, DIVERGING, NEUTRAL, SEQUENTIAL, class_color

MAX_TILES = 64  # maps drawn per grid; more would be unreadably small
MAX_BARS = 512  # units drawn per bar chart


def tile_maps(maps: np.ndarray, cols: int, gap: int = 1,
              per_map_scale: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tile (N, h, w) maps into one mosaic, row by row.

    Returns:
        shown: (rows*(h+gap)-gap, cols*(w+gap)-gap) values to colour, NaN in the gaps; each
            map scaled to [-1, 1] (signed) or [0, 1] on its own when `per_map_scale`.
        raw: the same layout with the original values (for hover).
        index: the map number of every cell, -1 in the gaps.
    """
    maps = np.asarray(maps, dtype=np.float32)
    n, h, w = maps.shape
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    size = (rows * (h + gap) - gap, cols * (w + gap) - gap)
    shown = np.full(size, np.nan, np.float32)
    raw = np.full(size, np.nan, np.float32)
    index = np.full(size, -1, np.int64)
    for i, m in enumerate(maps):
        r, c = divmod(i, cols)
        top, left = r * (h + gap), c * (w + gap)
        scaled = m
        if per_map_scale:
            peak = float(np.abs(m).max())
            scaled = m / peak if peak > 0 else np.zeros_like(m)
        shown[top:top + h, left:left + w] = scaled
        raw[top:top + h, left:left + w] = m
        index[top:top + h, left:left + w] = i
    return shown, raw, index


def _tiles_layout(title: str, x_title: str, height: int) -> dict:
    """Layout for a tile mosaic: image orientation (row 0 at the top), square pixels.
    Built as one dict: plotly's update_xaxes costs ~80 ms per call, too slow for a poll."""
    hidden = dict(showticklabels=False, showgrid=False, zeroline=False, ticks="",
                  showline=False)
    return dict(title=dict(text=title, font=dict(size=13)), height=height,
                margin=dict(l=10, r=10, t=36, b=30), plot_bgcolor="white",
                xaxis=dict(**hidden, title=dict(text=x_title, font=dict(size=11))),
                yaxis=dict(**hidden, autorange="reversed", scaleanchor="x", scaleratio=1))


def map_grid(maps: np.ndarray, title: str, cols: int | None = None, unit: str = "channel",
             per_map_scale: bool = False, signed: bool | None = None, tile_px: int = 64,
             showscale: bool = True, x_title: str | None = None) -> go.Figure:
    """Small heatmaps in a grid, one per channel (or neuron, or filter).

    Args:
        maps: (N, h, w); at most MAX_TILES are drawn.
        title: the figure title.
        cols: tiles per row (default: up to 8, so a layer reads as a strip).
        unit: what one tile is, for the hover and axis text.
        per_map_scale: scale each tile to its own range (shape over magnitude).
        signed: diverging scale centred on 0; default: whether any value is negative.
        tile_px: the height of one tile row in pixels.
        showscale: draw the colour bar (not with per-map scales, whose ranges differ).
        x_title: the text under the grid (default: what one tile is).
    """
    maps = np.asarray(maps, dtype=np.float32)[:MAX_TILES]
    n, h, w = maps.shape
    cols = max(1, min(cols or 8, n))
    gap = max(1, min(h, w) // 8)
    shown, raw, index = tile_maps(maps, cols, gap, per_map_scale)
    signed = bool(np.nanmin(raw) < 0) if signed is None else signed
    if per_map_scale:
        lo, hi = (-1.0, 1.0) if signed else (0.0, 1.0)
    else:
        peak = float(np.nanmax(np.abs(raw))) or 1.0
        lo, hi = (-peak, peak) if signed else (min(0.0, float(np.nanmin(raw))), peak)
    custom = np.stack([index.astype(np.float32), raw], axis=-1)
    rows = -(-n // cols)
    what = f"one tile per {unit}" if n > 1 else ""
    if per_map_scale:
        what += ", each on its own colour range"
    if x_title is not None:
        what = x_title
    return go.Figure(go.Heatmap(
        z=shown, zmin=lo, zmax=hi, colorscale=DIVERGING if signed else SEQUENTIAL,
        customdata=custom, showscale=showscale and not per_map_scale,
        colorbar=dict(thickness=10, len=0.9),
        hovertemplate=f"{unit} %{{customdata[0]:.0f}}<br>value %{{customdata[1]:.3f}}"
                      "<extra></extra>", hoverongaps=False),
        layout=_tiles_layout(title, what, 70 + rows * tile_px))


def neuron_thumbnails(planes: np.ndarray, title: str, cols: int = 4) -> go.Figure:
    """Each neuron's output over the input plane, TensorFlow Playground style.

    Args:
        planes: (R, R, U) with row i at y = ys[i] (upwards); flipped so up is up.
    """
    maps = np.moveaxis(np.asarray(planes), -1, 0)[:, ::-1, :]  # (U, R, R), top row = max y
    return map_grid(maps, title, cols=min(cols, len(maps)), unit="neuron", per_map_scale=True,
                    tile_px=40)


def filters_figure(weight: np.ndarray, title: str, per_input: bool = False) -> go.Figure:
    """A conv layer's learned filters (out, in, k, k): one tile per filter, averaged over
    the input channels, or one row per filter and one column per input channel."""
    w = np.asarray(weight, dtype=np.float32)
    out_c, in_c, kh, kw = w.shape
    if per_input and in_c > 1:
        keep_in = min(in_c, 8)
        keep_out = max(1, min(out_c, MAX_TILES // keep_in))
        maps = w[:keep_out, :keep_in].reshape(-1, kh, kw)
        return map_grid(maps, title, cols=keep_in, unit="filter × input channel", signed=True,
                        tile_px=36, x_title=f"rows: filters 0–{keep_out - 1}, columns: input "
                                            f"channels 0–{keep_in - 1}")
    maps = w.mean(axis=1) if in_c > 1 else w[:, 0]
    return map_grid(maps, title, cols=4, unit="filter", signed=True, tile_px=48,
                    x_title=f"filters, mean over {in_c} input channels" if in_c > 1 else None)


def activation_bars(values: np.ndarray, title: str, names: Sequence[str] | None = None,
                    y_title: str = "activation", x_title: str | None = None) -> go.Figure:
    """One bar per unit of a vector layer; orange above zero, blue below."""
    v = np.asarray(values, dtype=np.float32).ravel()[:MAX_BARS]
    labels = list(names)[:len(v)] if names is not None else [str(i) for i in range(len(v))]
    colors = [DIVERGING[-1][1] if x > 0 else DIVERGING[0][1] if x < 0 else NEUTRAL for x in v]
    shown = "" if len(np.asarray(values).ravel()) <= MAX_BARS else f" (first {MAX_BARS})"
    return go.Figure(go.Bar(x=labels, y=v, marker_color=colors,
                            hovertemplate="%{x}: %{y:.3f}<extra></extra>"), layout=dict(
        title=dict(text=title + shown, font=dict(size=13)), height=220,
        margin=dict(l=10, r=10, t=36, b=30), bargap=0.1,
        xaxis=dict(title=dict(text=x_title or ("feature" if names is not None else "unit")),
                   type="category", showticklabels=names is not None or len(v) <= 40),
        yaxis=dict(title=dict(text=y_title))))


def probability_bars(probs: np.ndarray, class_names: Sequence[str], title: str,
                     label: int | None = None) -> go.Figure:
    """The head's class probabilities; the true class (when known) in green with ✓."""
    p = np.asarray(probs, dtype=np.float32).ravel()
    names = [str(class_names[i]) if i < len(class_names) else str(i) for i in range(len(p))]
    if label is not None and 0 <= label < len(names):
        names[label] += " ✓"
    colors = [CORRECT if i == label else class_color(i) for i in range(len(p))]
    return go.Figure(go.Bar(x=names, y=p, marker_color=colors,
                            hovertemplate="%{x}: %{y:.1%}<extra></extra>"), layout=dict(
        title=dict(text=title, font=dict(size=13)), height=220,
        margin=dict(l=10, r=10, t=36, b=30),
        xaxis=dict(title=dict(text="class"), type="category"),
        yaxis=dict(title=dict(text="probability"), range=[0, 1])))


def sequence_map(values: np.ndarray, title: str, positions: Sequence[str] | None = None,
                 features: Sequence[str] | None = None) -> go.Figure:
    """A per-position layer output (T, F) as a heatmap: positions down, features across.

    Args:
        positions: a label per row (e.g. "2: c", the input token there).
        features: a label per column (e.g. class names for the head).
    """
    v = np.asarray(values, dtype=np.float32)
    signed = bool(v.min() < 0)
    peak = float(np.abs(v).max()) or 1.0
    y = list(positions) if positions is not None and len(positions) == v.shape[0] else None
    x = list(features) if features is not None and len(features) == v.shape[1] else None
    fig = go.Figure(go.Heatmap(z=v, x=x, y=y, zmin=-peak if signed else 0, zmax=peak,
                               colorscale=DIVERGING if signed else SEQUENTIAL,
                               colorbar=dict(thickness=10),
                               hovertemplate="position %{y}, feature %{x}: %{z:.3f}"
                                             "<extra></extra>"), layout=dict(
        title=dict(text=title, font=dict(size=13)), height=min(420, 100 + 18 * v.shape[0]),
        margin=dict(l=10, r=10, t=36, b=30),
        xaxis=dict(title=dict(text="class" if x is not None else "feature"),
                   type="category" if x is not None else None),
        yaxis=dict(title=dict(text="position: input token"), autorange="reversed",
                   type="category" if y is not None else None)))
    return fig
