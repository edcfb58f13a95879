"""The network drawn as neurons and edges, TensorFlow Playground style.

Nodes sit in columns, one column per layer; every edge is a line coloured by its sign and
as wide as its share of the largest magnitude. Lines cannot carry hover text along their
length, so each edge has a small marker on it carrying the exact value (and the selection
a page reads to edit it); each node has a bias marker at its lower left. The figure stays
light: one trace per kind (and per sign and width step for the lines), never one per edge.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from playground.inspection.dense_graph import DenseGraph
from playground.viz.figure import make_figure, title
from playground.viz.palette import DIVERGING, NEUTRAL

NEGATIVE, POSITIVE = DIVERGING[0][1], DIVERGING[-1][1]
COLUMN_GAP = 2.5  # x units between columns; nodes are 1 unit apart vertically
THUMB = 0.7  # thumbnail side in data units (nodes are 1 apart)
_WIDTHS = (0.6, 1.5, 2.6, 4.0, 5.6)  # line width steps, by |value| / largest
EDGE_TRACE, BIAS_TRACE = "edges", "biases"  # names of the selectable marker traces


def node_positions(graph: DenseGraph) -> list[np.ndarray]:
    """Per column, the (n, 2) positions of its nodes: columns COLUMN_GAP apart, nodes
    centred vertically, the first at the top."""
    out = []
    for c, n in enumerate(graph.sizes):
        ys = (n - 1) / 2 - np.arange(n, dtype=float)
        out.append(np.stack([np.full(n, c * COLUMN_GAP), ys], 1))
    return out


def _fmt(v: float) -> str:
    return f"{v:.3f}".replace("-", "−")


def _edge_traces(graph: DenseGraph, pos: list[np.ndarray], edges: Sequence[np.ndarray],
                 edge_name: str) -> list[dict[str, Any]]:
    largest = max((float(np.abs(w).max()) for w in edges if np.size(w)), default=0.0) or 1.0
    lines: dict[tuple[bool, int], tuple[list, list]] = {}
    mx, my, text, custom, colors = [], [], [], [], []
    for g, w in enumerate(edges):
        w = np.asarray(w, dtype=float)
        n_in = w.shape[1]
        for o in range(w.shape[0]):
            for i in range(n_in):
                v = float(w[o, i])
                (x0, y0), (x1, y1) = pos[g][i], pos[g + 1][o]
                step = min(int(abs(v) / largest * len(_WIDTHS)), len(_WIDTHS) - 1)
                xs, ys = lines.setdefault((v >= 0, step), ([], []))
                xs += [x0, x1, None]
                ys += [y0, y1, None]
                # Staggered by source along the edge, so no two markers ever coincide.
                t = 0.3 + 0.4 * (i / (n_in - 1) if n_in > 1 else 0.5)
                mx.append(x0 + t * (x1 - x0))
                my.append(y0 + t * (y1 - y0))
                text.append(f"{graph.edge_label(g, o, i)}: {edge_name} {_fmt(v)}")
                custom.append([g, o, i])
                colors.append(POSITIVE if v >= 0 else NEGATIVE)
    traces: list[dict[str, Any]] = [
        {"type": "scatter", "x": xs, "y": ys, "mode": "lines", "hoverinfo": "skip",
         "line": {"color": POSITIVE if positive else NEGATIVE, "width": _WIDTHS[step]},
         "opacity": 0.75, "showlegend": False, "name": f"{edge_name} {'+' if positive else '−'}"}
        for (positive, step), (xs, ys) in sorted(lines.items())]
    traces.append({"type": "scatter", "x": mx, "y": my, "mode": "markers", "name": EDGE_TRACE,
                   "marker": {"size": 7, "color": colors, "line": {"color": "white",
                                                                     "width": 1}},
                   "hovertext": text, "hoverinfo": "text", "customdata": custom,
                   "showlegend": False})
    return traces


def _bias_trace(graph: DenseGraph, pos: list[np.ndarray], biases: Sequence[np.ndarray],
                edge_name: str, offset: float) -> dict[str, Any]:
    bx, by, text, custom, colors = [], [], [], [], []
    name = "bias" if edge_name == "weight" else f"{edge_name} (bias)"
    for g, b in enumerate(biases):
        for o, v in enumerate(np.asarray(b, dtype=float)):
            x, y = pos[g + 1][o]
            bx.append(x - offset)
            by.append(y - offset)
            text.append(f"{graph.edge_label(g, o, None)}: {name} {_fmt(float(v))}")
            custom.append([g, o, -1])
            colors.append(POSITIVE if v >= 0 else NEGATIVE)
    return {"type": "scatter", "x": bx, "y": by, "mode": "markers", "name": BIAS_TRACE,
            "marker": {"symbol": "square", "size": 8, "color": colors,
                       "line": {"color": "black", "width": 1}},
            "hovertext": text, "hoverinfo": "text", "customdata": custom, "showlegend": False}


def _node_trace(graph: DenseGraph, pos: list[np.ndarray],
                values: Sequence[np.ndarray] | None, size: float) -> dict[str, Any]:
    xy = np.concatenate(pos)
    names = [f"{graph.labels[c]}, {n}" for c, col in enumerate(graph.nodes) for n in col]
    trace: dict[str, Any] = {"type": "scatter", "x": xy[:, 0], "y": xy[:, 1],
                             "mode": "markers", "name": "neurons", "showlegend": False,
                             "hoverinfo": "text"}
    marker: dict[str, Any] = {"symbol": "square", "size": size,
                              "line": {"color": "#444444", "width": 1}}
    if values is None:
        marker["color"] = NEUTRAL
        trace["hovertext"] = names
    else:
        v = np.concatenate([np.asarray(c, dtype=float).ravel() for c in values])
        top = float(np.abs(v).max()) or 1.0
        marker |= {"color": v, "colorscale": DIVERGING, "cmin": -top, "cmax": top,
                   "colorbar": {"title": {"text": "value"}, "thickness": 12, "len": 0.6}}
        trace["hovertext"] = [f"{n}: value {_fmt(float(x))}" for n, x in zip(names, v,
                                                                               strict=True)]
    trace["marker"] = marker
    return trace


def _label_trace(graph: DenseGraph, pos: list[np.ndarray]) -> dict[str, Any]:
    """The inputs named on their left and the outputs on their right, as in TF Playground."""
    shift = THUMB / 2 + 0.12
    first, last = pos[0], pos[-1]
    return {"type": "scatter", "mode": "text", "name": "labels", "showlegend": False,
            "hoverinfo": "skip",
            "x": [*(first[:, 0] - shift), *(last[:, 0] + shift)],
            "y": [*first[:, 1], *last[:, 1]],
            "text": [*graph.nodes[0], *graph.nodes[-1]],
            "textposition": ["middle left"] * len(first) + ["middle right"] * len(last)}


def diverging_rgb(z: np.ndarray, top: float) -> np.ndarray:
    """Values on the palette's diverging scale over −top…top, as (..., 3) RGB in 0…255."""
    t = np.clip((np.nan_to_num(np.asarray(z, dtype=float)) / (top or 1.0) + 1) / 2, 0, 1)
    t = t[..., None]
    stops = np.array([[int(c[1:][k:k + 2], 16) for k in (0, 2, 4)] for _, c in DIVERGING],
                     dtype=float)  # (3, RGB): low, middle, high
    return np.where(t < 0.5, stops[0] + (stops[1] - stops[0]) * t * 2,
                    stops[1] + (stops[2] - stops[1]) * (t - 0.5) * 2)


def _frames(pos: list[np.ndarray], values: Sequence[np.ndarray]) -> list[dict[str, Any]]:
    """A frame round each thumbnail in the colour of the node's value (the node marker's
    scale), drawn in data units so it fits the image at any size."""
    v = np.concatenate([np.asarray(c, dtype=float).ravel() for c in values])
    rgb = diverging_rgb(v, float(np.abs(v).max()))
    half = THUMB / 2 + 0.06
    return [{"type": "rect", "xref": "x", "yref": "y", "x0": x - half, "x1": x + half,
             "y0": y - half, "y1": y + half, "layer": "below",
             "fillcolor": "rgb({:.0f},{:.0f},{:.0f})".format(*c),
             "line": {"color": "#444444", "width": 1}}
            for (x, y), c in zip(np.concatenate(pos), rgb, strict=True)]


def thumbnail_png(plane: np.ndarray) -> str:
    """A (R, R) map, row 0 at the bottom, as a PNG data URI on the diverging scale (each
    map on its own symmetric range, like the plane thumbnails)."""
    z = np.asarray(plane, dtype=float)[::-1]
    rgb = diverging_rgb(z, float(np.nanmax(np.abs(z))) if z.size else 1.0)
    buf = io.BytesIO()
    Image.fromarray(rgb.astype(np.uint8), "RGB").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def neuron_graph_figure(graph: DenseGraph, edges: Sequence[np.ndarray],
                        biases: Sequence[np.ndarray],
                        node_values: Sequence[np.ndarray] | None = None,
                        thumbnails: Sequence[Sequence[np.ndarray]] | None = None,
                        edge_name: str = "weight", heading: str = "") -> go.Figure:
    """The network as neurons (columns) and edges.

    Args:
        graph: the columns and gaps (playground.inspection.dense_graph).
        edges: per gap, the values to draw on the edges, (out, in): weights, or gradients
            with edge_name "∂loss/∂w".
        biases: per gap, (out,), drawn as a small square at each node's lower left.
        node_values: per column, one example's values; colours the nodes when given.
        thumbnails: per column, per node, an (R, R) map over the plane (row 0 at the
            bottom), drawn on the node.
        edge_name: how hover text names an edge's value.
    """
    pos = node_positions(graph)
    tallest = max(graph.sizes)
    height = int(min(max(110 + 48 * tallest, 300), 760))
    size = 22.0
    traces = [*_edge_traces(graph, pos, edges, edge_name),
              _node_trace(graph, pos, node_values, size),
              _bias_trace(graph, pos, biases, edge_name, THUMB / 2 + 0.08),
              _label_trace(graph, pos)]
    images: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    if thumbnails is not None and node_values is not None:
        shapes = _frames(pos, node_values)
    if thumbnails is not None:
        for c, column in enumerate(thumbnails):
            for n, plane in enumerate(column):
                x, y = pos[c][n]
                images.append({"source": thumbnail_png(plane), "xref": "x", "yref": "y",
                               "x": x, "y": y, "sizex": THUMB, "sizey": THUMB,
                               "xanchor": "center", "yanchor": "middle", "layer": "above",
                               "sizing": "stretch"})
    ticks = [c * COLUMN_GAP for c in range(len(graph.sizes))]
    layout = {
        "title": title(heading), "images": images, "shapes": shapes, "hovermode": "closest",
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 40 if heading else 10, "b": 40},
        "xaxis": {"title": {"text": "layer (input on the left, output on the right)"},
                  "tickvals": ticks, "ticktext": list(graph.labels), "showgrid": False,
                  "zeroline": False, "range": [-1.6, ticks[-1] + 1.6], "fixedrange": True},
        "yaxis": {"title": {"text": "neuron"}, "showticklabels": False, "showgrid": False,
                  "zeroline": False, "scaleanchor": "x", "scaleratio": 1,
                  "range": [-(tallest / 2) - 0.3, tallest / 2 + 0.3], "fixedrange": True},
        "plot_bgcolor": "white",
    }
    return make_figure(traces, layout)
