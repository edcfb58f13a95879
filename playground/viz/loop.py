"""Figures for the learning loop's stages: how cross-entropy turns the right class's
probability into a loss, gradient norms per layer, the update against the gradient, a
parameter tensor before and after, and the batch's losses before and after the step."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.viz.activations import activation_bars, map_grid, sequence_map
from playground.viz.palette import CORRECT, DIVERGING, NEUTRAL, OKABE_ITO, WRONG

MAX_POINTS = 4000  # elements drawn in the update scatter; a sample of larger tensors


def as_matrix(values: np.ndarray) -> np.ndarray:
    """A parameter tensor as rows × columns for a heatmap: a bias is one row, a dense weight
    its (out, in) matrix, a conv kernel one row per output channel."""
    a = np.asarray(values, dtype=np.float32)
    if a.ndim <= 1:
        return a.reshape(1, -1)
    return a.reshape(a.shape[0], -1)


def layer_output_figure(out: np.ndarray, title: str,
                        positions: Sequence[str] | None = None) -> go.Figure:
    """One layer's output for one example: maps for (C, H, W), a heatmap for a sequence's
    (T, F), bars for a vector."""
    out = np.asarray(out)
    if out.ndim == 3:
        return map_grid(out, title)
    if out.ndim == 2:
        return sequence_map(out, title, positions)
    return activation_bars(out, title)


def cross_entropy_curve(p_true: np.ndarray, losses: np.ndarray,
                        followed: int | None = None) -> go.Figure:
    """The curve loss = −ln p with each example of the batch on it: near-certain right
    answers cost almost nothing, confident wrong ones cost a lot."""
    p = np.linspace(0.005, 1.0, 200)
    fig = go.Figure(go.Scatter(x=p, y=-np.log(p), mode="lines", name="loss = −ln p",
                               line=dict(color=NEUTRAL, width=2),
                               hovertemplate="p=%{x:.3f} → loss %{y:.3f}<extra></extra>"))
    p_true, losses = np.asarray(p_true).ravel(), np.asarray(losses).ravel()
    fig.add_trace(go.Scatter(
        x=p_true, y=losses, mode="markers", name="examples in the batch",
        marker=dict(color=[CORRECT if v >= 0.5 else WRONG for v in p_true], size=10,
                    line=dict(color="white", width=1)),
        hovertemplate="p(right class)=%{x:.3f}<br>loss %{y:.3f}<extra></extra>"))
    if followed is not None and 0 <= followed < len(p_true):
        fig.add_trace(go.Scatter(
            x=[p_true[followed]], y=[losses[followed]], mode="markers",
            name="the followed example",
            marker=dict(symbol="circle-open", size=20, color=OKABE_ITO[7],
                        line=dict(width=2.5)), hoverinfo="skip"))
    fig.update_layout(
        title=dict(text="Cross-entropy: loss = −ln(probability of the right class)",
                   font=dict(size=13)),
        height=320, margin=dict(l=10, r=10, t=40, b=40), plot_bgcolor="white",
        legend=dict(orientation="h", y=-0.3),
        xaxis=dict(title="probability the network gave the right class", range=[0, 1.02],
                   gridcolor="#EEEEEE"),
        yaxis=dict(title="loss (nats)", rangemode="tozero", gridcolor="#EEEEEE"))
    return fig


def regression_fit(target: np.ndarray, predicted: np.ndarray,
                   followed: int | None = None) -> go.Figure:
    """Each example's prediction against its target; the diagonal is a perfect fit and the
    vertical distance to it is the error the loss squares."""
    t, p = np.asarray(target, float).ravel(), np.asarray(predicted, float).ravel()
    lo, hi = float(min(t.min(), p.min())), float(max(t.max(), p.max()))
    fig = go.Figure(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="perfect fit",
                               line=dict(color=NEUTRAL, dash="dash"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=t, y=p, mode="markers", name="examples in the batch",
                             marker=dict(color=OKABE_ITO[0], size=9),
                             hovertemplate="target %{x:.3f}<br>predicted %{y:.3f}"
                                           "<extra></extra>"))
    if followed is not None and 0 <= followed < len(t):
        fig.add_trace(go.Scatter(x=[t[followed]], y=[p[followed]], mode="markers",
                                 name="the followed example", hoverinfo="skip",
                                 marker=dict(symbol="circle-open", size=20,
                                             color=OKABE_ITO[7], line=dict(width=2.5))))
    fig.update_layout(title=dict(text="Predicted against target", font=dict(size=13)),
                      height=320, margin=dict(l=10, r=10, t=40, b=40), plot_bgcolor="white",
                      legend=dict(orientation="h", y=-0.3),
                      xaxis=dict(title="target", gridcolor="#EEEEEE"),
                      yaxis=dict(title="prediction", gridcolor="#EEEEEE"))
    return fig


def grad_norm_bars(labels: Sequence[str], norms: Sequence[float | None]) -> go.Figure:
    """The gradient's L2 norm per layer on a log axis, so a layer whose gradient is a
    thousand times smaller (vanishing) or larger (exploding) than the rest stands out."""
    shown = [(lab, n) for lab, n in zip(labels, norms, strict=True) if n is not None]
    names = [lab for lab, _ in shown]
    values = [max(n, 1e-12) for _, n in shown]
    fig = go.Figure(go.Bar(x=names, y=values, marker_color=OKABE_ITO[0],
                           hovertemplate="%{x}: ‖∂loss/∂w‖ = %{y:.3g}<extra></extra>"))
    fig.update_layout(title=dict(text="Gradient norm per layer (log scale)",
                                 font=dict(size=13)),
                      height=280, margin=dict(l=10, r=10, t=40, b=40), plot_bgcolor="white",
                      xaxis=dict(title="layer", type="category"),
                      yaxis=dict(title="‖∂loss/∂w‖ (L2 norm)", type="log",
                                 gridcolor="#EEEEEE"))
    return fig


def tensor_panels(panels: dict[str, np.ndarray], title: str) -> go.Figure:
    """A parameter tensor's stages side by side (e.g. before, gradient, update, after),
    each a heatmap on its own diverging scale centred on zero."""
    names = list(panels)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=names,
                        horizontal_spacing=0.1)
    for i, name in enumerate(names, start=1):
        m = as_matrix(panels[name])
        peak = float(np.abs(m).max()) or 1.0
        right = fig.layout[f"xaxis{i if i > 1 else ''}"].domain[1]
        fig.add_trace(go.Heatmap(
            z=m, zmin=-peak, zmax=peak, colorscale=DIVERGING, showscale=True,
            colorbar=dict(thickness=8, len=0.8, x=right + 0.005, xanchor="left",
                          tickfont=dict(size=9)),
            hovertemplate=f"{name}<br>row %{{y}}, column %{{x}}: %{{z:.4g}}<extra></extra>"),
            row=1, col=i)
        fig.update_xaxes(title_text="input (column)", showticklabels=m.shape[1] <= 16,
                         dtick=1 if m.shape[1] <= 16 else None, row=1, col=i)
        fig.update_yaxes(title_text="unit (row)" if i == 1 else None, autorange="reversed",
                         showticklabels=m.shape[0] <= 16,
                         dtick=1 if m.shape[0] <= 16 else None, row=1, col=i)
    fig.update_layout(title=dict(text=title, font=dict(size=13)), height=300,
                      margin=dict(l=10, r=10, t=60, b=40), plot_bgcolor="white")
    return fig


def update_scatter(grad: np.ndarray, update: np.ndarray, lr: float,
                   optimizer: str) -> go.Figure:
    """Every weight's update against its gradient. Plain SGD puts them all on the line
    update = −lr·gradient; momentum and Adam move off it, Adam to steps of about ±lr."""
    g, u = np.asarray(grad, float).ravel(), np.asarray(update, float).ravel()
    if len(g) > MAX_POINTS:
        keep = np.linspace(0, len(g) - 1, MAX_POINTS).astype(np.int64)
        g, u = g[keep], u[keep]
    span = float(np.abs(g).max()) or 1.0
    fig = go.Figure(go.Scatter(x=[-span, span], y=[lr * span, -lr * span], mode="lines",
                               name="−lr × gradient (plain SGD)",
                               line=dict(color=NEUTRAL, dash="dash"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=g, y=u, mode="markers", name=f"{optimizer}: actual update",
                             marker=dict(color=OKABE_ITO[5], size=6, opacity=0.7),
                             hovertemplate="gradient %{x:.3g}<br>update %{y:.3g}"
                                           "<extra></extra>"))
    fig.update_layout(title=dict(text="Each weight's update against its gradient",
                                 font=dict(size=13)),
                      height=320, margin=dict(l=10, r=10, t=40, b=40), plot_bgcolor="white",
                      legend=dict(orientation="h", y=-0.3),
                      xaxis=dict(title="gradient ∂loss/∂w", gridcolor="#EEEEEE",
                                 zeroline=True, zerolinecolor="#BBBBBB"),
                      yaxis=dict(title="update (new w − old w)", gridcolor="#EEEEEE",
                                 zeroline=True, zerolinecolor="#BBBBBB"))
    return fig


def losses_before_after(before: np.ndarray, after: np.ndarray) -> go.Figure:
    """Each example's loss before and after the update, side by side."""
    names = [str(i) for i in range(len(before))]
    fig = go.Figure([
        go.Bar(x=names, y=np.asarray(before), name="before the update",
               marker_color=OKABE_ITO[1],
               hovertemplate="example %{x}: %{y:.4f}<extra>before</extra>"),
        go.Bar(x=names, y=np.asarray(after), name="after the update",
               marker_color=OKABE_ITO[0],
               hovertemplate="example %{x}: %{y:.4f}<extra>after</extra>")])
    fig.update_layout(title=dict(text="Each example's loss, before and after one update",
                                 font=dict(size=13)), barmode="group",
                      height=300, margin=dict(l=10, r=10, t=40, b=40), plot_bgcolor="white",
                      legend=dict(orientation="h", y=-0.3),
                      xaxis=dict(title="example in the batch", type="category"),
                      yaxis=dict(title="loss", gridcolor="#EEEEEE", rangemode="tozero"))
    return fig


def loop_trail(steps: Sequence[int], before: Sequence[float],
               after: Sequence[float]) -> go.Figure:
    """The loop run so far: each step's batch loss before and after its own update."""
    fig = go.Figure([
        go.Scatter(x=list(steps), y=list(before), mode="lines+markers",
                   name="batch loss before the step", line=dict(color=OKABE_ITO[1])),
        go.Scatter(x=list(steps), y=list(after), mode="lines+markers",
                   name="same batch after the step", line=dict(color=OKABE_ITO[0]))])
    fig.update_layout(title=dict(text="The loop, step after step", font=dict(size=13)),
                      height=280, margin=dict(l=10, r=10, t=40, b=40), plot_bgcolor="white",
                      legend=dict(orientation="h", y=-0.35),
                      xaxis=dict(title="training step", gridcolor="#EEEEEE"),
                      yaxis=dict(title="loss", gridcolor="#EEEEEE", rangemode="tozero"))
    return fig
