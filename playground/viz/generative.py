"""Figures of a generative model on the plane: real against generated points over the
discriminator's view, the generator's gradient arrows, both players' losses and the quality
measures over training."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.generative.quality import Quality
from playground.viz.curves import downsample
from playground.viz.figure import make_figure, title
from playground.viz.palette import OKABE_ITO, SEQUENTIAL

REAL_COLOR, FAKE_COLOR = OKABE_ITO[0], OKABE_ITO[1]
ARROW_COLOR = OKABE_ITO[7]


def _plane_layout(text: str, height: int = 460) -> dict:
    return {"title": title(text), "height": height,
            "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
            "legend": {"orientation": "h", "y": -0.15, "x": 0},
            "xaxis": {"title": {"text": "x"}}, "yaxis": {"title": {"text": "y"},
                                                         "scaleanchor": "x"},
            "uirevision": "plane"}


def samples_figure(real: np.ndarray, fake: np.ndarray, xs: np.ndarray | None = None,
                   ys: np.ndarray | None = None, d_map: np.ndarray | None = None,
                   arrows_at: np.ndarray | None = None, arrows: np.ndarray | None = None,
                   text: str = "Real and generated points") -> go.Figure:
    """Real (blue) and generated (orange) points; optionally over D's belief that a point is
    real (heatmap, 0–1) and with arrows along −∂(generator loss)/∂point.

    Args:
        real, fake: (n, 2) points; d_map: (len(ys), len(xs)) values in 0..1.
        arrows_at, arrows: (m, 2) arrow starts and directions (scaled here to a readable
            length).
    """
    traces: list[dict] = []
    if d_map is not None:
        traces.append({"type": "heatmap", "x": xs.tolist(), "y": ys.tolist(),
                       "z": np.round(d_map, 3).tolist(), "zmin": 0, "zmax": 1,
                       "colorscale": SEQUENTIAL, "opacity": 0.75, "name": "D(x)",
                       "colorbar": {"title": {"text": "D(x): real?"}, "len": 0.8},
                       "hovertemplate": "x %{x:.2f}, y %{y:.2f}<br>D(x) = %{z:.2f}"
                                        "<extra></extra>"})
    marker = {"size": 4, "opacity": 0.7}
    traces.append({"type": "scatter", "mode": "markers", "name": "real",
                   "x": real[:, 0].tolist(), "y": real[:, 1].tolist(),
                   "marker": {**marker, "color": REAL_COLOR}})
    traces.append({"type": "scatter", "mode": "markers", "name": "generated",
                   "x": fake[:, 0].tolist(), "y": fake[:, 1].tolist(),
                   "marker": {**marker, "color": FAKE_COLOR, "symbol": "diamond"}})
    if arrows_at is not None and arrows is not None and len(arrows):
        norms = np.linalg.norm(arrows, axis=1)
        span = float(np.ptp(real, axis=0).max()) if len(real) else 1.0
        scale = 0.12 * span / (np.percentile(norms, 90) + 1e-12)
        ends = arrows_at + np.clip(arrows * scale, -span, span)
        xs_l = np.column_stack([arrows_at[:, 0], ends[:, 0], np.full(len(ends), np.nan)])
        ys_l = np.column_stack([arrows_at[:, 1], ends[:, 1], np.full(len(ends), np.nan)])
        traces.append({"type": "scatter", "mode": "lines", "name": "generator's push",
                       "x": np.round(xs_l.ravel(), 4).tolist(),
                       "y": np.round(ys_l.ravel(), 4).tolist(),
                       "line": {"color": ARROW_COLOR, "width": 1.2}, "hoverinfo": "skip"})
        traces.append({"type": "scatter", "mode": "markers", "showlegend": False,
                       "x": ends[:, 0].tolist(), "y": ends[:, 1].tolist(),
                       "marker": {"size": 3, "color": ARROW_COLOR}, "hoverinfo": "skip"})
    layout = _plane_layout(text)
    if xs is not None and ys is not None:
        layout["xaxis"]["range"] = [float(xs[0]), float(xs[-1])]
        layout["yaxis"]["range"] = [float(ys[0]), float(ys[-1])]
    return make_figure(traces, layout)


def gan_losses(d_loss: Sequence[float], g_loss: Sequence[float]) -> go.Figure:
    """Both players' losses against generator steps (averaged into at most 400 points)."""
    traces = []
    for name, values, color in (("discriminator", d_loss, REAL_COLOR),
                                ("generator", g_loss, FAKE_COLOR)):
        x, y = downsample(values)
        traces.append({"type": "scatter", "mode": "lines", "name": f"{name} loss",
                       "x": x.tolist(), "y": np.round(y, 4).tolist(),
                       "line": {"color": color}})
    return make_figure(traces, {"title": title("Losses"), "height": 300,
                                "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
                                "legend": {"orientation": "h", "y": -0.3, "x": 0},
                                "xaxis": {"title": {"text": "generator step"}},
                                "yaxis": {"title": {"text": "loss"}}})


def quality_figure(steps: Sequence[int], quality: Sequence[Quality]) -> go.Figure:
    """MMD² (left axis, log) and, for mixtures, the share of modes covered and of
    high-quality samples (right axis, %) against generator steps."""
    traces = [{"type": "scatter", "mode": "lines+markers", "name": "MMD² to the data",
               "x": list(steps), "y": [q.mmd if np.isfinite(q.mmd) else None
                                       for q in quality],
               "line": {"color": OKABE_ITO[2]}}]
    if quality and quality[0].n_modes:
        traces.append({"type": "scatter", "mode": "lines+markers", "yaxis": "y2",
                       "name": "modes covered (%)", "x": list(steps),
                       "y": [100 * q.modes_covered / q.n_modes for q in quality],
                       "line": {"color": OKABE_ITO[3]}})
        traces.append({"type": "scatter", "mode": "lines", "yaxis": "y2",
                       "name": "high-quality samples (%)", "x": list(steps),
                       "y": [100 * q.high_quality for q in quality],
                       "line": {"color": OKABE_ITO[4], "dash": "dash"}})
    return make_figure(traces, {
        "title": title("Quality"), "height": 300,
        "margin": {"l": 50, "r": 50, "t": 36, "b": 40},
        "legend": {"orientation": "h", "y": -0.3, "x": 0},
        "xaxis": {"title": {"text": "generator step"}},
        "yaxis": {"title": {"text": "MMD² (lower is better)"}, "type": "log"},
        "yaxis2": {"title": {"text": "%"}, "overlaying": "y", "side": "right",
                   "range": [0, 105]}})
