"""The Activations page's views: neurons over the plane, per-layer maps and bars, health.

Everything shown is computed from a copy of the session's model (`Runner.model_copy`), so
looking never disturbs a run; results are kept per (model state, input) in the session's cache.
While training runs the views sit in a fragment that redraws every second.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from playground.datakinds import DATA_KINDS
from playground.datasets import Data
from playground.inspection.activations import (
    LayerActivation,
    capture_activations,
    capture_plane,
    probabilities,
)
from playground.inspection.dense_graph import (
    dense_graph,
    graph_gradients,
    graph_weights,
    node_values,
)
from playground.inspection.health import LayerHealth, gradient_norms, histogram, layer_health
from playground.inspection.plane import PlaneGrid, plane_grid
from playground.inspection.receptive import ReceptiveField, describe_receptive, receptive_fields
from playground.layers import LAYERS, format_shape
from playground.runner import ModelKey, Runner
from playground.shapes import LayerRow
from playground.ui.inputs import ChosenInput
from playground.ui.neuron_graph_view import GraphState, plane_thumbnails, render_network
from playground.ui.state import derived
from playground.ui.text import md
from playground.viz.activations import (
    activation_bars,
    filters_figure,
    map_grid,
    neuron_thumbnails,
    probability_bars,
    sequence_map,
)
from playground.viz.boundary import decision_boundary, prediction_surface
from playground.viz.health import activation_histograms, health_figure

PLANE_RESOLUTION = 40  # thumbnails are ~100 px wide; 40×40 keeps a poll cheap
HEALTH_BATCH = 256  # test examples for histograms and dead-unit counts
_CACHE = "activations_cache"
_CACHE_SIZE = 4
IMAGE_GUIDE = (
    "**How to read it.** A convolution's *filters* are small weight patterns; each one's "
    "*feature map* lights up where its pattern — an edge, a corner, a blob — appears in the "
    "input. ReLU keeps only the positive responses. Every pooling layer halves the maps, so "
    "each value of a later map sees a larger patch (its *receptive field*, in the caption): "
    "later maps respond to parts and whole shapes rather than edges. Flatten and the dense "
    "layers mix all positions, and the head turns them into class scores."
)
ATTACHED = ("activation", "regularization", "normalization")  # belong to the layer before


@dataclass(frozen=True)
class Inspection:
    """Everything the views draw for one model state and one input."""

    key: ModelKey
    rows: tuple[LayerRow, ...]
    single: list[LayerActivation]  # the chosen input, batch of one
    batch: list[LayerActivation]  # a slice of the test split, for health
    grads: list[float | None]
    weights: dict[int, np.ndarray]  # conv layer index → weight (out, in, k, k)
    plane: list[LayerActivation] | None  # 2D data: outputs over the plane (R, R, units)
    grid: PlaneGrid | None
    network: GraphState | None = None  # 2D data on a small dense net: the neuron graph


def _digest(x: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(x).tobytes()).hexdigest()[:16]


def inspect(runner: Runner, chosen: ChosenInput) -> Inspection:
    """Capture all layers for the chosen input (and the plane, and a health batch), cached
    per model state and input so a rerun or an idle poll costs nothing."""
    return derived(_CACHE, (runner.key, _digest(chosen.x)), lambda: _capture(runner, chosen),
                   keep=_CACHE_SIZE)


def _capture(runner: Runner, chosen: ChosenInput) -> Inspection:
    with runner.holding() as trainer:  # one consistent moment: weights, key, gradients
        model, key = runner.model_copy()
        grads = gradient_norms(trainer.model)
        rows, data = trainer.report.rows, trainer.data
        graph = None
        if DATA_KINDS[data.info.kind].plane:
            names = DATA_KINDS[data.info.kind].feature_names(2, data.info.feature_names)
            graph = dense_graph(model, names, data.info.class_names or ("prediction",))
        graph_grads = graph_gradients(trainer.model, graph) if graph is not None else None
    kinds = [r.kind for r in rows]
    single = capture_activations(model, chosen.x[None], kinds)
    batch = capture_activations(model, data.x_test[:HEALTH_BATCH], kinds)
    weights = {r.index: model[r.index].weight.detach().cpu().numpy()
               for r in rows if LAYERS[r.kind].category == "convolution"}
    plane = grid = None
    if DATA_KINDS[data.info.kind].plane:
        grid = plane_grid(data.x_train, PLANE_RESOLUTION)
        plane = capture_plane(model, grid, kinds)
    network = None
    if graph is not None and plane is not None and grid is not None:
        w, b = graph_weights(model, graph)
        network = GraphState(graph, w, b, graph_grads, node_values(model, graph, chosen.x),
                             plane_thumbnails(graph, grid, [a.output for a in plane]))
    return Inspection(key, tuple(rows), single, batch, grads, weights, plane, grid, network)


def layer_label(row: LayerRow) -> str:
    """How the page names a layer: 1-based like the builder's messages."""
    return "head (linear)" if row.is_head else f"{row.index + 1} {row.kind}"


def _settings(row: LayerRow) -> str:
    """"units 8"; switches (the features layer's) are listed by name when on."""
    p = {k: v for k, v in (row.params or {}).items() if k != "type"}
    return ", ".join(k.replace("_", " ") if v is True else f"{k.replace('_', ' ')} {v}"
                     for k, v in p.items() if v is not False)


def layer_caption(row: LayerRow, rf: ReceptiveField | None,
                  input_hw: tuple[int, int] | None) -> str:
    """One line per layer: name, settings, output shape and receptive field."""
    head = "**Output head** (linear)" if row.is_head else f"**Layer {row.index + 1} · {row.kind}**"
    settings = _settings(row)
    text = f"{head}{f' ({settings})' if settings else ''} → {format_shape(row.output_shape)}"
    if rf is not None and input_hw is not None:
        text += f" · {describe_receptive(rf, input_hw)}"
    return text


def blocks(rows: Sequence[LayerRow]) -> list[list[LayerRow]]:
    """Group layers into neuron layers: a weighted layer plus the activations, dropout and
    normalisation after it. The last row of a block is what its neurons output."""
    groups: list[list[LayerRow]] = []
    for row in rows:
        if row.is_head:
            continue
        category = LAYERS[row.kind].category if row.kind in LAYERS else ""
        if groups and category in ATTACHED:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def render_status(runner: Runner) -> None:
    snap = runner.snapshot()
    if snap.untrained:
        st.info("This model is **untrained**: its weights are random, so the patterns below "
                "are noise. Train it on the Train page and come back — the views follow.")
    elif snap.running:
        st.caption(f"Training live — step {snap.step:,}, epoch {snap.epoch}. The views "
                   "refresh every second.")
    else:
        st.caption(f"After {snap.step:,} training steps (epoch {snap.epoch}).")


def surface_figure(ins: Inspection, data: Data, chosen: ChosenInput,
                   height: int = 380) -> go.Figure:
    """The head's decision surface over the plane (regression: its predicted number), with
    the chosen input as a star."""
    assert ins.plane is not None and ins.grid is not None
    head = ins.plane[-1].output
    if data.info.regression:
        fig = prediction_surface(ins.grid.xs, ins.grid.ys, head[..., 0], data.x_train,
                                 data.y_train, data.x_test, data.y_test, height=height)
    else:
        fig = decision_boundary(ins.grid.xs, ins.grid.ys, probabilities(head), data.x_train,
                                data.y_train, data.x_test, data.y_test,
                                data.info.class_names, height=height)
    if chosen.x.shape == (2,):
        fig.add_trace(go.Scatter(x=[chosen.x[0]], y=[chosen.x[1]], mode="markers",
                                 marker=dict(symbol="star", size=16, color="black",
                                             line=dict(color="white", width=1)),
                                 name="chosen input"))
    fig.update_layout(title="Predicted surface (output head)" if data.info.regression
                      else "Decision surface (output head)")
    return fig


def render_plane(ins: Inspection, data: Data, chosen: ChosenInput) -> None:
    """TF-Playground-style thumbnails: each neuron's output over the whole input plane,
    layer by layer, ending in the decision surface (regression: the predicted surface)."""
    assert ins.plane is not None and ins.grid is not None
    groups = blocks(ins.rows)
    st.markdown("#### Every neuron over the input plane")
    st.caption("Each small square is one neuron's output for every point of the plane "
               "(x across, y up), each on its own colour range: dark is 0 and yellow high for "
               "outputs that cannot go negative (ReLU), blue negative and orange positive for "
               "signed ones. Read left to right: first straight cuts, then the bends built "
               "from them, then the decision.")
    widths = [1] * len(groups) + [2]
    cols = st.columns(widths)
    for col, group in zip(cols, groups, strict=False):
        last = group[-1]
        title = " + ".join(r.kind for r in group)
        with col:
            st.plotly_chart(neuron_thumbnails(ins.plane[last.index].output,
                                              f"Layer {group[0].index + 1}: {title}"),
                            key=f"plane_{last.index}", config={"displayModeBar": False})
    with cols[-1]:
        st.plotly_chart(surface_figure(ins, data, chosen), key="plane_head",
                        config={"displayModeBar": False})


def _input_figure(data: Data, chosen: ChosenInput) -> go.Figure | None:
    x = np.asarray(chosen.x)
    title = f"Input: {html.escape(chosen.description)}"  # Plotly titles render HTML
    if x.ndim == 3:
        return map_grid(x, title, unit="channel", tile_px=150, showscale=False)
    if x.ndim == 1 and x.dtype.kind == "f":
        return activation_bars(x, title, data.info.feature_names or None, "value")
    return None


def _token_labels(data: Data, chosen: ChosenInput) -> list[str] | None:
    """"position: token" per row of a sequence input, when the dataset has a vocabulary."""
    x, vocab = np.asarray(chosen.x), data.info.vocab
    if x.ndim != 1 or x.dtype.kind not in "iu" or not vocab:
        return None
    return [f"{t}: {vocab[i] if 0 <= i < len(vocab) else i}" for t, i in enumerate(x)]


def _layer_figures(row: LayerRow, out: np.ndarray, ins: Inspection, data: Data,
                   chosen: ChosenInput, per_input: bool) -> list[go.Figure]:
    """The figures for one layer's output `out` (its shape without the batch)."""
    figs: list[go.Figure] = []
    if row.kind == "conv2d" and row.index in ins.weights:
        figs.append(filters_figure(ins.weights[row.index], "Learned filters",
                                   per_input=per_input))
    if row.is_head and out.ndim == 1 and data.info.regression:
        names, values = ["predicted"], [float(out[0])]
        if chosen.target is not None:
            names, values = [*names, "true target"], [*values, chosen.target]
        figs.append(activation_bars(np.array(values, np.float32),
                                    "Prediction (the head's one output)", names, "value",
                                    "output"))
    elif row.is_head and out.ndim == 1:
        figs.append(activation_bars(out, "Logits (scores before softmax)",
                                    data.info.class_names or None, "logit", "class"))
        figs.append(probability_bars(probabilities(out), data.info.class_names,
                                     "Class probabilities", chosen.label))
    elif out.ndim == 3:
        figs.append(map_grid(out, f"Feature maps ({out.shape[0]} channels)"))
    elif out.ndim == 2:
        figs.append(sequence_map(out, "Logits per position" if row.is_head else
                                 "Output per position", _token_labels(data, chosen),
                                 data.info.class_names if row.is_head else None))
    else:
        figs.append(activation_bars(out, f"Activations ({out.size} units)"))
    return figs


def render_layers(ins: Inspection, data: Data, chosen: ChosenInput, per_input: bool) -> None:
    """One row per layer: caption with receptive field, then its filters, maps or bars."""
    rfs = receptive_fields(ins.rows)
    shape = data.info.input_shape
    input_hw = (shape[1], shape[2]) if len(shape) == 3 else None
    fig = _input_figure(data, chosen)
    if fig is not None:
        cols = st.columns([1, 2]) if np.asarray(chosen.x).ndim == 3 else [st.container()]
        cols[0].plotly_chart(fig, key="layer_input", config={"displayModeBar": False})
        if len(cols) > 1:
            cols[1].markdown(IMAGE_GUIDE)
    for act, row in zip(ins.single, ins.rows, strict=True):
        st.markdown(layer_caption(row, rfs[row.index] if rfs else None, input_hw))
        figs = _layer_figures(row, act.output[0], ins, data, chosen, per_input)
        weights = [1, 2] if len(figs) == 2 and row.kind == "conv2d" else [1] * len(figs)
        for col, (i, f) in zip(st.columns(weights), enumerate(figs), strict=True):
            col.plotly_chart(f, key=f"layer_{row.index}_{i}",
                             config={"displayModeBar": False})


def render_health(ins: Inspection, data: Data) -> None:
    """Histograms over a test batch, dead and saturated shares, and last-step gradients."""
    n = len(ins.batch[0].output) if ins.batch else 0
    health: list[LayerHealth] = layer_health(ins.batch, ins.grads)
    labels = [layer_label(r) for r in ins.rows]
    st.markdown("#### Layer health")
    st.caption(
        f"Over {n} test examples. A **dead** ReLU unit outputs 0 for every one of them, so "
        "no gradient flows through it. A **saturated** tanh or sigmoid value sits on the "
        "flat end of its curve, where the gradient almost vanishes. The **gradient norm** "
        "(log scale) comes from the last training step: tiny values in early layers mean "
        "vanishing gradients, huge ones exploding gradients. A blank row means the figure "
        "does not apply to that layer.")
    if all(g is None for g in ins.grads):
        st.caption("No gradients yet — train at least one step to see them.")
    st.plotly_chart(health_figure(health, labels), key="health_bars",
                    config={"displayModeBar": False})
    st.markdown("#### Activation histograms")
    hists = [(label, *histogram(a.output)) for label, a in zip(labels, ins.batch, strict=True)]
    st.plotly_chart(activation_histograms(hists), key="health_hists",
                    config={"displayModeBar": False})


def render_views(runner: Runner, data: Data, chosen: ChosenInput, view: str,
                 per_input: bool) -> None:
    """The live part of the page: redrawn every second while training runs."""
    running = runner.snapshot().running

    @st.fragment(run_every=1.0 if running else None)
    def live() -> None:
        snap = runner.snapshot()
        if running and not snap.running:
            st.rerun()  # the run ended: redraw once more without the timer
        render_status(runner)
        ins = inspect(runner, chosen)
        if view == "Health":
            render_health(ins, data)
            return
        if ins.network is not None:
            render_network(runner, ins.network, surface_figure(ins, data, chosen))
        elif ins.plane is not None:
            render_plane(ins, data, chosen)
        st.markdown(f"#### Layer by layer, for {md(chosen.description)}")
        render_layers(ins, data, chosen, per_input)

    live()
