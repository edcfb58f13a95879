"""Figures of a diffusion model on the plane: points at one timestep (forward noising or a
frame of the reverse chain), the reverse chain as a Plotly animation with a play button, and
the training loss per timestep band."""

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
                                "xaxis": {"title": {"text": "x"}, "range": [-4, 4],
                                          "constrain": "domain"},
                                "yaxis": {"title": {"text": "y"}, "range": [-4, 4],
                                          "scaleanchor": "x"}})


def chain_animation(real: np.ndarray, chain: Sequence[np.ndarray], shown: int = -1,
                    frame_ms: int = 250) -> go.Figure:
    """The reverse chain from pure noise (frame 0) to the samples (last frame) as Plotly
    animation frames with Play / Pause buttons and a frame slider, all in the browser (no
    reruns, works offline). The figure first shows frame `shown`.

    Args:
        real: (n, 2) data points, drawn faintly behind every frame.
        chain: the chain's points, each (m, 2), from x_T down to x_0.
        frame_ms: how long each frame stays on screen while playing.
    """
    last = len(chain) - 1
    shown = last if shown < 0 else min(shown, last)

    def label(i: int) -> str:
        return f"Reverse chain, frame {i} of {last}" + (" (pure noise)" if i == 0 else
                                                       " (samples)" if i == last else "")

    fig = points_figure(real, chain[shown], label(shown))
    data = fig.to_plotly_json()
    frames = [{"name": str(i), "traces": [1],
               "data": [{"type": "scatter", "x": pts[:, 0].tolist(), "y": pts[:, 1].tolist()}],
               "layout": {"title": title(f"<b>{label(i)}</b>")}}  # bold like the first
              for i, pts in enumerate(chain)]
    # redraw: a frame's title (its number) is only applied on a full redraw; 500 points
    # redraw in a few milliseconds.
    play = {"frame": {"duration": frame_ms, "redraw": True}, "fromcurrent": False,
            "transition": {"duration": 0}, "mode": "immediate"}
    jump = {**play, "frame": {"duration": 0, "redraw": True}}
    names = [str(i) for i in range(len(chain))]
    layout = {**data["layout"], "height": 500,
              "margin": {"l": 50, "r": 10, "t": 60, "b": 120},
              "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0,
                         "yanchor": "bottom"},
              # Play always runs the whole chain, from pure noise (frame 0) to the samples.
              "updatemenus": [{"type": "buttons", "direction": "left", "showactive": False,
                               "x": 0, "y": -0.16, "xanchor": "left", "yanchor": "top",
                               "pad": {"t": 10},
                               "buttons": [
                                   {"label": "▶ Play", "method": "animate",
                                    "args": [names, play]},
                                   {"label": "❚❚ Pause", "method": "animate",
                                    "args": [[None], jump]}]}],
              "sliders": [{"active": shown, "x": 0.25, "y": -0.16, "len": 0.75,
                           "xanchor": "left", "yanchor": "top", "pad": {"t": 10},
                           "currentvalue": {"visible": False},
                           "steps": [{"label": n, "method": "animate", "args": [[n], jump]}
                                     for n in names]}]}
    return go.Figure({"data": data["data"], "layout": layout, "frames": frames},
                     _validate=False)


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
