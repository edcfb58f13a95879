"""Dataset previews: 2D points coloured by class (regression: by target), a 1D curve's
points and a labelled grid of images.

Pure functions (arrays in, plotly Figure out), shared by the build page and any page that
shows examples.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.viz.palette import CORRECT, DIVERGING, OKABE_ITO, WRONG, class_color

# Ink dark on white, as digits are drawn on paper; grey carries no hue to confuse.
PIXEL_SCALE = [[0.0, "#FFFFFF"], [1.0, "#000000"]]
# Plain labels stay dark: some palette colours (yellow) cannot be read as small text on white.
LABEL_COLOR = "#333333"


def scatter_2d(x: np.ndarray, y: np.ndarray, class_names: Sequence[str],
               feature_names: Sequence[str] = ("x", "y"), title: str | None = None,
               marker_size: int = 6) -> go.Figure:
    """One trace per class (in class order) so the legend names each colour.

    Args:
        x: (N, 2) points.
        y: (N,) class ids.
        class_names: names indexed by class id.
    """
    fig = go.Figure()
    for k, name in enumerate(class_names):
        pts = x[y == k]
        fig.add_trace(go.Scattergl(
            x=pts[:, 0], y=pts[:, 1], mode="markers", name=str(name),
            marker=dict(color=class_color(k), size=marker_size, opacity=0.85,
                        line=dict(color="white", width=0.5)),
        ))
    names = list(feature_names) if len(feature_names) == 2 else ["x", "y"]
    fig.update_layout(
        title=title, height=380, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        legend=dict(title="class"), plot_bgcolor="white",
        xaxis=dict(title=names[0], gridcolor="#EEEEEE", zeroline=False),
        yaxis=dict(title=names[1], gridcolor="#EEEEEE", zeroline=False, scaleanchor="x"),
    )
    return fig


def scatter_targets(x: np.ndarray, y: np.ndarray, feature_names: Sequence[str] = ("x", "y"),
                    title: str | None = None, marker_size: int = 6) -> go.Figure:
    """2D regression data: the points coloured by their target on a diverging scale.

    Args:
        x: (N, 2) points.
        y: (N,) float targets.
    """
    y = np.asarray(y, dtype=np.float32)
    names = list(feature_names) if len(feature_names) == 2 else ["x", "y"]
    fig = go.Figure(go.Scattergl(
        x=x[:, 0], y=x[:, 1], mode="markers", name="target", customdata=y,
        marker=dict(color=y, colorscale=DIVERGING, size=marker_size, opacity=0.9,
                    line=dict(color="#555555", width=0.5),
                    colorbar=dict(title="target", thickness=12)),
        hovertemplate="target %{customdata:.3f}<extra></extra>"))
    fig.update_layout(
        title=title, height=380, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        plot_bgcolor="white",
        xaxis=dict(title=names[0], gridcolor="#EEEEEE", zeroline=False),
        yaxis=dict(title=names[1], gridcolor="#EEEEEE", zeroline=False, scaleanchor="x"),
    )
    return fig


def curve_points(x: np.ndarray, y: np.ndarray, feature: str = "x",
                 title: str | None = None) -> go.Figure:
    """1D data: each example's target against its one input.

    Args:
        x: (N, 1) or (N,) inputs.
        y: (N,) float targets.
    """
    x = np.asarray(x, dtype=np.float32).reshape(len(x), -1)[:, 0]
    fig = go.Figure(go.Scattergl(
        x=x, y=np.asarray(y, dtype=np.float32), mode="markers", name="training examples",
        marker=dict(color=OKABE_ITO[0], size=6, opacity=0.8,
                    line=dict(color="white", width=0.5)),
        hovertemplate=f"{feature}=%{{x:.3f}}, target %{{y:.3f}}<extra></extra>"))
    fig.update_layout(
        title=title, height=340, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        plot_bgcolor="white",
        xaxis=dict(title=feature, gridcolor="#EEEEEE", zeroline=False),
        yaxis=dict(title="target", gridcolor="#EEEEEE"),
    )
    return fig


def pick_examples(y: np.ndarray, per_class: int, limit: int) -> np.ndarray:
    """Indices of up to `per_class` examples of each class, interleaved so every class shows
    even when `limit` cuts the list short."""
    y = np.asarray(y)
    groups = [np.flatnonzero(y == k)[:per_class] for k in np.unique(y)]
    order = [g[i] for i in range(per_class) for g in groups if i < len(g)]
    return np.asarray(order[:limit], dtype=np.int64)


def image_grid(images: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
               columns: int = 8, predictions: np.ndarray | None = None,
               title: str | None = None) -> go.Figure:
    """Images tiled into one heatmap with each label written above its tile.

    Args:
        images: (N, C, H, W) or (N, H, W) in [0, 1]; multi-channel images show their mean.
        labels: (N,) true class ids.
        predictions: optional (N,) predicted ids; the label then reads "pred ✓" or
            "pred ✗ (true)" in the correct/wrong colours.

    Returns:
        A figure whose first trace is the mosaic heatmap (NaN between tiles) and whose
        annotations are the tile labels, in image order.
    """
    imgs = np.asarray(images, dtype=np.float32)
    if imgs.ndim == 4:
        imgs = imgs.mean(axis=1)  # (N, H, W)
    n, h, w = imgs.shape
    columns = max(1, min(columns, n))
    rows = max(1, -(-n // columns))
    band = max(3, h // 4)  # rows of space above each tile for its label
    cell_h, cell_w = h + band, w + 1
    mosaic = np.full((rows * cell_h, columns * cell_w - 1), np.nan, dtype=np.float32)
    annotations = []
    for i in range(n):
        r, c = divmod(i, columns)
        top, left = r * cell_h + band, c * cell_w
        mosaic[top:top + h, left:left + w] = imgs[i]
        true = int(labels[i])
        if predictions is None:
            text, color = str(class_names[true]), LABEL_COLOR
        else:
            pred = int(predictions[i])
            ok = pred == true
            text = f"{class_names[pred]} ✓" if ok else \
                f"{class_names[pred]} ✗ ({class_names[true]})"
            color = CORRECT if ok else WRONG
        annotations.append(dict(x=left + (w - 1) / 2, y=top - 0.6, text=text, showarrow=False,
                                yanchor="bottom", font=dict(size=11, color=color)))
    fig = go.Figure(go.Heatmap(z=mosaic, colorscale=PIXEL_SCALE, zmin=0.0, zmax=1.0,
                               showscale=False, hoverongaps=False,
                               hovertemplate="pixel value %{z:.2f}<extra></extra>"))
    fig.update_layout(
        title=title, annotations=annotations, plot_bgcolor="white",
        # Square pixels in a column about 560 px wide: height follows the mosaic's aspect.
        height=int(min(640, max(160, 560 * mosaic.shape[0] / mosaic.shape[1] + 40))),
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        xaxis=dict(title="examples (label above each image)", showticklabels=False,
                   showgrid=False, zeroline=False, scaleanchor="y", constrain="domain"),
        yaxis=dict(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed"),
    )
    return fig
