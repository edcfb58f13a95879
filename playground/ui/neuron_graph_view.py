"""The Activations page's network drawing, TensorFlow Playground style, and its editor.

Every neuron shows its output over the plane (the first column the input features
themselves), every edge its weight; clicking an edge's or a bias's marker picks it for the
editor below, which writes a value into the session's real model (pausing a run first), so
the learner sees the boundary and the thumbnails answer. A selectbox picks the same
targets without a click (and is what AppTest drives: chart clicks do not run there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from playground.inspection.dense_graph import DenseGraph, parameter_of
from playground.inspection.plane import PlaneGrid
from playground.runner import Runner
from playground.viz.neuron_graph import neuron_graph_figure

Target = tuple[int, int, int]  # (gap, out, inp); inp -1 is the bias of node `out`
TARGET_KEY = "neuron_edit_target"
CHART_KEY = "neuron_graph"
_FLASH = "neuron_edit_done"
VALUE_KEY = "neuron_edit_value"
_VALUE_FOR = "neuron_edit_value_for"  # the target the typed value was started from
EDGE_NAMES = {"weights": "weight", "gradients": "∂loss/∂w"}


@dataclass(frozen=True)
class GraphState:
    """What the drawing shows for one model state: weights, last-step gradients (None
    before any step), the chosen input's values and every node's map over the plane."""

    graph: DenseGraph
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    grads: tuple[list[np.ndarray], list[np.ndarray]] | None
    values: list[np.ndarray]
    thumbnails: list[list[np.ndarray]]


def plane_thumbnails(graph: DenseGraph, grid: PlaneGrid,
                     planes: Sequence[np.ndarray]) -> list[list[np.ndarray]]:
    """Per column, per node, its (R, R) map over the plane (row 0 at the bottom).

    Args:
        planes: every layer's output over the grid, (R, R, units), in Sequential order.
    """
    r = grid.resolution
    out = []
    for tap in graph.taps:
        maps = grid.points.reshape(r, r, 2) if tap < 0 else np.asarray(planes[tap])
        out.append([maps[..., u] for u in range(maps.shape[-1])])
    return out


def targets(graph: DenseGraph) -> list[Target]:
    """Every editable value: each gap's weights (out, then in), then its biases."""
    found: list[Target] = []
    for g in range(len(graph.linears)):
        n_out, n_in = graph.sizes[g + 1], graph.sizes[g]
        found += [(g, o, i) for o in range(n_out) for i in range(n_in)]
        found += [(g, o, -1) for o in range(n_out)]
    return found


def current_value(state: GraphState, target: Target) -> float:
    g, o, i = target
    return float(state.biases[g][o] if i < 0 else state.weights[g][o, i])


def describe(graph: DenseGraph, target: Target) -> str:
    g, o, i = target
    what = "bias" if i < 0 else "weight"
    return f"{graph.edge_label(g, o, None if i < 0 else i)} ({what})"


def clicked(selection: object) -> Target | None:
    """The edge or bias a chart click picked: the first selected point carrying
    (gap, out, inp) as customdata (nodes and lines carry none)."""
    try:
        points = selection["selection"]["points"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    for point in points or []:
        data = point.get("customdata")
        if isinstance(data, list | tuple) and len(data) == 3:
            return int(data[0]), int(data[1]), int(data[2])
    return None


def _on_pick() -> None:
    """Chart click → the editor's pick. A callback, because it runs before the rerun: a
    live chart's figure changes every poll, which gives it a new identity, and the rerun
    would no longer see the selection made on the old one."""
    picked = clicked(st.session_state.get(CHART_KEY))
    if picked is not None:
        st.session_state[TARGET_KEY] = picked


def render_editor(runner: Runner, state: GraphState) -> None:
    """Pick an edge or bias (a click on the chart picks it too), type a value, Apply."""
    options = targets(state.graph)
    if st.session_state.get(TARGET_KEY) not in options:
        st.session_state[TARGET_KEY] = options[0]
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash)
    if runner.snapshot().running:
        note, button = st.columns([4, 1], vertical_alignment="center")
        note.caption("Training is redrawing the drawing every second, and a click that lands "
                     "during a redraw is missed — pause to pick edges by clicking.")
        if button.button("Pause training", key="neuron_edit_pause"):
            runner.pause()
            st.rerun()
    left, mid, right = st.columns([3, 2, 1], vertical_alignment="bottom")
    # Labels and defaults stay fixed while training changes the values: a widget whose
    # options or default change every poll would be rebuilt and lose what was typed.
    target = left.selectbox(
        "Edge or bias to set", options, key=TARGET_KEY,
        format_func=lambda t: describe(state.graph, t),
        help="Click an edge's dot or a bias square on the drawing to pick it here.")
    if st.session_state.get(_VALUE_FOR) != target:
        st.session_state[_VALUE_FOR] = target
        st.session_state[VALUE_KEY] = round(current_value(state, target), 3)
    value = mid.number_input("New value", step=0.1, format="%.3f", key=VALUE_KEY)
    st.caption(f"Its value now: {current_value(state, target):+.4f}.")
    g, o, i = target
    if right.button("Apply", key="neuron_edit_apply", type="primary"):
        name, index = parameter_of(state.graph, g, o, None if i < 0 else i)
        was_running = runner.snapshot().running
        runner.set_parameter(name, index, value)
        paused = " Training was paused; press Train to go on from here." if was_running else ""
        st.session_state[_FLASH] = (f"Set {describe(state.graph, target)} to {value:.3f}."
                                    f"{paused}")
        st.rerun()


def render_network(runner: Runner, state: GraphState, surface: go.Figure) -> None:
    """The drawing with the decision surface beside it, then the editor."""
    st.markdown("#### The network, neuron by neuron")
    st.caption(
        "Each square is one neuron's output over the whole plane (x across, y up; blue "
        "negative, orange positive, each on its own range); the first column is what the "
        "network is fed, and a square's frame is its value for the chosen input (the star "
        "on the surface). Lines are weights: orange positive, blue negative, wider for "
        "larger. Hover a line's dot or a bias square (lower left of a neuron) for its exact "
        "value; click it to set it by hand below.")
    shown = st.segmented_control(
        "Edges show", list(EDGE_NAMES), default="weights", key="neuron_edges",
        help="weights: the values the network computes with. gradients: how the last "
             "training step's loss would change per unit of each weight (∂loss/∂w).")
    grads = state.grads if shown == "gradients" else None
    if shown == "gradients" and grads is None:
        st.caption("No gradients yet — train at least one step to see them.")
    edges, biases = grads or (state.weights, state.biases)
    fig = neuron_graph_figure(state.graph, edges, biases, state.values, state.thumbnails,
                              EDGE_NAMES["gradients"] if grads else "weight")
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(fig, key=CHART_KEY, on_select=_on_pick, selection_mode="points",
                        config={"displayModeBar": False})
    with right:
        st.plotly_chart(surface, key="plane_head", config={"displayModeBar": False})
    render_editor(runner, state)
