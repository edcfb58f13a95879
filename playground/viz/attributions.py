"""Attribution figures: arrays in, plotly figures out.

Signed attributions always use the palette's diverging scale centred at 0 (white = no
effect, orange = pushes towards the class, blue = pushes away), with symmetric limits so
the colours of different signs are comparable.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.viz.palette import DIVERGING, OKABE_ITO, SEQUENTIAL

POSITIVE, NEGATIVE = DIVERGING[-1][1], DIVERGING[0][1]
ATTR_LABEL = "attribution"
_GREYS = [[0.0, "#000000"], [1.0, "#FFFFFF"]]


def _limit(values: np.ndarray) -> float:
    """Symmetric colour limit: the largest |value| (1 when everything is zero)."""
    m = float(np.nanmax(np.abs(values))) if np.size(values) else 0.0
    return m if m > 0 else 1.0


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# The diverging scale with a see-through centre: laid over the input, features with no
# effect show the picture itself and only strong attributions are coloured.
OVERLAY = [[0.0, _rgba(DIVERGING[0][1], 0.95)], [0.5, _rgba(DIVERGING[1][1], 0.0)],
           [1.0, _rgba(DIVERGING[-1][1], 0.95)]]


def _image_axes(fig: go.Figure, n: int) -> None:
    """Square pixels, row 0 at the top, no tick labels, for the first `n` subplots."""
    for i in range(1, n + 1):
        suffix = "" if i == 1 else str(i)
        fig.layout[f"xaxis{suffix}"].update(showticklabels=False, constrain="domain")
        fig.layout[f"yaxis{suffix}"].update(showticklabels=False, autorange="reversed",
                                            scaleanchor=f"x{suffix}", constrain="domain")


def image_overlay(image: np.ndarray, attr: np.ndarray, title: str = "") -> go.Figure:
    """Three panels: the input in grey, the signed attributions, and the attributions laid
    over the input (centre of the scale see-through).

    Args:
        image: (H, W) input (any range; shown min–max scaled in grey).
        attr: (H, W) signed attributions (sum over channels beforehand).
    """
    img = np.asarray(image, float)
    a = np.asarray(attr, float)
    lim = _limit(a)
    fig = make_subplots(1, 3, subplot_titles=["input", "attribution", "overlay"],
                        horizontal_spacing=0.04)
    hover = "row %{y}, column %{x}<br>attribution %{z:.4g}<extra></extra>"
    fig.add_trace(go.Heatmap(z=img, colorscale=_GREYS, showscale=False, name="input",
                             hovertemplate="row %{y}, column %{x}<br>value %{z:.3g}"
                             "<extra></extra>"), 1, 1)
    fig.add_trace(go.Heatmap(z=a, colorscale=DIVERGING, zmid=0.0, zmin=-lim, zmax=lim,
                             colorbar={"title": {"text": ATTR_LABEL}}, name=ATTR_LABEL,
                             hovertemplate=hover), 1, 2)
    fig.add_trace(go.Heatmap(z=img, colorscale=_GREYS, showscale=False, hoverinfo="skip",
                             name="input"), 1, 3)
    fig.add_trace(go.Heatmap(z=a, colorscale=OVERLAY, zmid=0.0, zmin=-lim, zmax=lim,
                             showscale=False, name="overlay", hovertemplate=hover), 1, 3)
    _image_axes(fig, 3)
    fig.update_layout(title=title, height=340, margin={"l": 10, "r": 10, "t": 60, "b": 10})
    return fig


def feature_bars(values: np.ndarray, names: Sequence[str], title: str = "") -> go.Figure:
    """Signed bars per input feature: orange pushes towards the class, blue away."""
    v = np.asarray(values, float).ravel()
    colors = [POSITIVE if x >= 0 else NEGATIVE for x in v]
    fig = go.Figure(go.Bar(x=v, y=list(names), orientation="h", marker_color=colors,
                           hovertemplate="%{y}: %{x:.4g}<extra></extra>"))
    fig.update_layout(title=title, height=max(220, 26 * len(v) + 90),
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=False)
    fig.update_xaxes(title_text=f"{ATTR_LABEL} (+ towards the class, − away)", zeroline=True,
                     zerolinecolor="#444")
    fig.update_yaxes(title_text="feature", autorange="reversed")
    return fig


def mean_abs_bars(values: np.ndarray, names: Sequence[str], title: str = "") -> go.Figure:
    """Dataset-wide mean |attribution| per feature, largest first."""
    v = np.asarray(values, float).ravel()
    order = np.argsort(-v)
    fig = go.Figure(go.Bar(x=v[order], y=[names[i] for i in order], orientation="h",
                           marker={"color": v[order], "colorscale": SEQUENTIAL},
                           hovertemplate="%{y}: %{x:.4g}<extra></extra>"))
    fig.update_layout(title=title, height=max(220, 26 * len(v) + 90),
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=False)
    fig.update_xaxes(title_text="mean |attribution| over the samples")
    fig.update_yaxes(title_text="feature", autorange="reversed")
    return fig


def plane_field(xs: np.ndarray, ys: np.ndarray, field: np.ndarray,
                names: Sequence[str] = ("x", "y"), points: np.ndarray | None = None,
                labels: np.ndarray | None = None, marker: tuple[float, float] | None = None
                ) -> go.Figure:
    """Each input feature's attribution evaluated over the plane, one panel per feature.

    Args:
        xs, ys: (R,) grid coordinates; field: (R, R, 2) attributions, field[i, j] at
            (xs[j], ys[i]).
        points, labels: optional data points (N, 2) with classes, drawn for orientation.
        marker: the chosen point, drawn as a cross.
    """
    f = np.asarray(field, float)
    lim = _limit(f)
    fig = make_subplots(1, f.shape[-1], subplot_titles=[f"attribution of {n}" for n in names],
                        horizontal_spacing=0.08)
    for k in range(f.shape[-1]):
        fig.add_trace(go.Heatmap(x=xs, y=ys, z=f[..., k], colorscale=DIVERGING, zmid=0.0,
                                 zmin=-lim, zmax=lim, showscale=k == 0,
                                 colorbar={"title": {"text": ATTR_LABEL}},
                                 hovertemplate="(%{x:.2f}, %{y:.2f}): %{z:.4g}<extra></extra>"),
                      1, k + 1)
        if points is not None:
            cls = np.zeros(len(points), int) if labels is None else np.asarray(labels, int)
            fig.add_trace(go.Scatter(
                x=points[:, 0], y=points[:, 1], mode="markers", showlegend=False,
                hoverinfo="skip", marker={"size": 4, "color": [OKABE_ITO[c % 8] for c in cls],
                                          "line": {"width": 0.5, "color": "#333"}}), 1, k + 1)
        if marker is not None:
            fig.add_trace(go.Scatter(x=[marker[0]], y=[marker[1]], mode="markers",
                                     showlegend=False, name="chosen point",
                                     marker={"symbol": "x", "size": 12, "color": "#000"}),
                          1, k + 1)
        fig.update_xaxes(title_text=names[0], row=1, col=k + 1)
        fig.update_yaxes(title_text=names[1], row=1, col=k + 1)
    fig.update_layout(height=400, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def token_heatmap(tokens: Sequence[str], values: np.ndarray, title: str = "") -> go.Figure:
    """The sequence as a row of cells, each coloured by its token's attribution."""
    v = np.asarray(values, float).ravel()
    lim = _limit(v)
    fig = go.Figure(go.Heatmap(
        z=v[None, :], x=list(range(len(v))), text=[list(tokens)], texttemplate="%{text}",
        textfont={"size": 18}, colorscale=DIVERGING, zmid=0.0, zmin=-lim, zmax=lim,
        colorbar={"title": {"text": ATTR_LABEL, "side": "right"}, "len": 1.0,
                  "thickness": 14},
        hovertemplate="position %{x}: '%{text}'<br>attribution %{z:.4g}<extra></extra>"))
    fig.update_layout(title=title, height=230, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    fig.update_xaxes(title_text="position", dtick=1)
    fig.update_yaxes(showticklabels=False)
    return fig


def _normalised(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, float) / _limit(a)


def methods_grid(maps: dict[str, np.ndarray], image: np.ndarray | None = None,
                 columns: int = 4) -> go.Figure:
    """One panel per method on the same image, each scaled to its own largest |value|
    (methods differ in units), on one shared diverging scale from −1 to 1."""
    names = list(maps)
    cols = min(columns, max(1, len(names)))
    rows = -(-len(names) // cols)
    fig = make_subplots(rows, cols, subplot_titles=names, horizontal_spacing=0.03,
                        vertical_spacing=0.08)
    for i, name in enumerate(names):
        r, c = i // cols + 1, i % cols + 1
        if image is not None:
            fig.add_trace(go.Heatmap(z=np.asarray(image, float), colorscale=_GREYS,
                                     showscale=False, hoverinfo="skip"), r, c)
        fig.add_trace(go.Heatmap(z=_normalised(maps[name]), zmid=0.0, zmin=-1, zmax=1,
                                 colorscale=OVERLAY if image is not None else DIVERGING,
                                 showscale=i == 0, name=name,
                                 colorbar={"title": {"text": "scaled"}},
                                 hovertemplate=f"{name}<br>%{{z:.3f}}<extra></extra>"), r, c)
    _image_axes(fig, len(names))
    fig.update_layout(height=250 * rows + 60, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def methods_matrix(maps: dict[str, np.ndarray], labels: Sequence[str]) -> go.Figure:
    """Methods × features (or tokens): each row scaled to its own largest |value|."""
    names = list(maps)
    z = np.stack([_normalised(np.ravel(maps[n])) for n in names])
    fig = go.Figure(go.Heatmap(z=z, x=list(labels), y=names, colorscale=DIVERGING, zmid=0.0,
                               zmin=-1, zmax=1, colorbar={"title": {"text": "scaled"}},
                               hovertemplate="%{y}<br>%{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(height=60 + 40 * len(names), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_xaxes(title_text="feature", type="category")
    fig.update_yaxes(title_text="method", autorange="reversed")
    return fig


def rank_matrix(names: Sequence[str], corr: np.ndarray) -> go.Figure:
    """Pairwise Spearman rank correlations between methods' maps, numbers in the cells."""
    c = np.asarray(corr, float)
    text = [["–" if np.isnan(v) else f"{v:.2f}" for v in row] for row in c]
    fig = go.Figure(go.Heatmap(z=c, x=list(names), y=list(names), text=text,
                               texttemplate="%{text}", colorscale=DIVERGING, zmid=0.0,
                               zmin=-1, zmax=1, colorbar={"title": {"text": "Spearman ρ"}},
                               hovertemplate="%{y} vs %{x}: %{z:.3f}<extra></extra>"))
    fig.update_layout(height=120 + 45 * len(names), margin={"l": 10, "r": 10, "t": 30, "b": 10})
    fig.update_xaxes(title_text="method")
    fig.update_yaxes(title_text="method", autorange="reversed")
    return fig
