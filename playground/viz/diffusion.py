"""Figures of a diffusion model on the plane: points at one timestep (forward noising or a
frame of the reverse chain) and the training loss per timestep band."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.viz.figure import make_figure, title
from playground.viz.palette import OKABE_ITO

MAX_POINTS = 400  # loss curve points drawn per band


def points_figure(real: np.ndarray, points: np.ndarray, text: str) -> go.Figure:
    """The data (blue, faint) and the points at one timestep (orange) on a fixed ±4 plane,
    so frames compare."""
    traces = [{"type": "scatter", "mode": "markers", "x": real[:, 0].tolist(),
               "y": real[:, 1].tolist(), "name": "data",
               "marker": {"size": 3, "color": OKABE_ITO[0], "opacity": 0.3}},
              {"type": "scatter", "mode": "markers", "x": points[:, 0].tolist(),
               "y": points[:, 1].tolist(), "name": "points at this step",
               "marker": {"size": 4, "color": OKABE_ITO[1], "opacity": 0.7}}]
    return make_figure(traces, {"title": title(text), "height": 420,
                                "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
                                "legend": {"orientation": "h", "y": -0.15, "x": 0},
                                "xaxis": {"title": {"text": "x"}, "range": [-4, 4]},
                                "yaxis": {"title": {"text": "y"}, "range": [-4, 4],
                                          "scaleanchor": "x"}})


def band_loss_figure(steps: Sequence[int], band_loss: Sequence[Sequence[float]],
                     timesteps: int) -> go.Figure:
    """Noise-prediction loss per quarter of the timesteps, smoothed over 50 steps."""
    traces = []
    if len(steps):
        b = np.array(band_loss, dtype=float)
        stride = max(1, len(steps) // MAX_POINTS)
        for i in range(b.shape[1]):
            col = b[:, i]
            ok = np.isfinite(col)
            filled = np.where(ok, col, 0.0)
            kernel = np.ones(50)
            smooth = (np.convolve(filled, kernel, "full")[:len(col)]
                      / np.maximum(np.convolve(ok, kernel, "full")[:len(col)], 1))
            lo, hi = i * timesteps // b.shape[1], (i + 1) * timesteps // b.shape[1] - 1
            traces.append({"type": "scatter", "mode": "lines", "name": f"t {lo}–{hi}",
                           "x": list(steps[::stride]), "y": smooth[::stride].tolist(),
                           "line": {"color": OKABE_ITO[(i + 1) % len(OKABE_ITO)]}})
    return make_figure(traces, {"title": title("Loss per timestep band"), "height": 300,
                                "margin": {"l": 50, "r": 10, "t": 36, "b": 40},
                                "xaxis": {"title": {"text": "training step"}},
                                "yaxis": {"title": {"text": "noise MSE"}, "type": "log"}})
