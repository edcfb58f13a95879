"""Recurrent layers over time: hidden units × steps, and one panel per gate. Pure
functions: arrays in, plotly Figure out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.viz.palette import DIVERGING, SEQUENTIAL


def _step_axis(tokens: Sequence[str]) -> dict:
    return {"tickmode": "array", "tickvals": list(range(len(tokens))),
            "ticktext": list(tokens), "title_text": "step (input token)"}


def _units_heatmap(values: np.ndarray, tokens: Sequence[str], zmin: float, zmax: float,
                   colorscale, name: str, showscale: bool = True) -> go.Heatmap:
    """values (T, H) → a heatmap with units down and steps across."""
    z = np.asarray(values, dtype=float).T  # (H, T)
    steps = [f"{i} '{t}'" for i, t in enumerate(tokens)]
    custom = np.array([steps for _ in range(z.shape[0])], dtype=object)
    return go.Heatmap(z=z, x=list(range(len(tokens))), y=list(range(z.shape[0])), zmin=zmin,
                      zmax=zmax, colorscale=colorscale, showscale=showscale, name=name,
                      customdata=custom, colorbar={"len": 0.8},
                      hovertemplate=f"{name}<br>unit %{{y}}, step %{{customdata}}<br>"
                                    "value %{z:.3f}<extra></extra>")


def hidden_state_figure(hidden: np.ndarray, tokens: Sequence[str],
                        title: str = "Hidden state over time") -> go.Figure:
    """hidden (T, H): each column is the state after reading that step's token."""
    bound = max(1.0, float(np.abs(hidden).max())) if hidden.size else 1.0
    fig = go.Figure(_units_heatmap(hidden, tokens, -bound, bound, DIVERGING, "hidden"))
    fig.update_xaxes(**_step_axis(tokens))
    fig.update_yaxes(title_text="hidden unit", autorange="reversed")
    fig.update_layout(title=title, height=min(600, 160 + 12 * hidden.shape[1]),
                      margin={"t": 50, "b": 40})
    return fig


def gates_figure(gates: dict[str, np.ndarray], tokens: Sequence[str], tanh_gates: set[str],
                 title: str = "Gate activations") -> go.Figure:
    """One units × steps panel per gate; each gate (T, H). Sigmoid gates run 0 (closed) to 1
    (open) on the sequential scale; tanh candidates run −1…1 on the diverging scale."""
    names = list(gates)
    # One colour bar per scale: on the first sigmoid gate and on the first tanh gate.
    with_bar = {next((n for n in names if (n in tanh_gates) == tanh), None)
                for tanh in (False, True)}
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=names,
                        horizontal_spacing=0.06)
    for i, name in enumerate(names):
        tanh = name in tanh_gates
        trace = _units_heatmap(gates[name], tokens, -1.0 if tanh else 0.0, 1.0,
                               DIVERGING if tanh else SEQUENTIAL, name,
                               showscale=name in with_bar)
        trace.colorbar.x = 1.1 if tanh else 1.02  # one bar per scale, side by side
        fig.add_trace(trace, row=1, col=i + 1)
        fig.update_xaxes(row=1, col=i + 1, **_step_axis(tokens))
        fig.update_yaxes(row=1, col=i + 1, autorange="reversed",
                         title_text="hidden unit" if i == 0 else None)
    h = next(iter(gates.values())).shape[1] if gates else 1
    fig.update_layout(title=title, height=min(600, 180 + 12 * h), margin={"t": 70, "b": 40})
    return fig
