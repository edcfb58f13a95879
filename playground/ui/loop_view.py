"""The Learning loop page: one real step of the session's own run, read stage by stage.

A step is taken on the session's trainer (under its lock, only while paused) and kept in
session state with the run it belongs to; the six stages then narrate what it did. "Run the
loop" repeats the step from a fragment that ticks once a second or faster, while whichever
stage is open animates; the Train page carries on from the same weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
import torch

from playground.datakinds import DATA_KINDS
from playground.datasets import Data
from playground.inspection.activations import capture_plane, probabilities
from playground.inspection.dense_graph import DenseGraph, dense_graph
from playground.inspection.plane import PlaneGrid, plane_grid
from playground.learning_loop import (
    DEFAULT_BATCH,
    MAX_BATCH,
    STAGES,
    LoopStep,
    ParamStep,
    expected_update,
    loop_batch,
    take_step,
)
from playground.metrics import predict_values
from playground.runner import Runner
from playground.trainer import Trainer
from playground.ui.activations_view import layer_label
from playground.ui.live_view import curve_inputs
from playground.ui.neuron_graph_view import plane_thumbnails
from playground.ui.state import switch_page
from playground.ui.text import md
from playground.viz.activations import filters_figure, probability_bars
from playground.viz.boundary import decision_boundary, prediction_surface, target_range
from playground.viz.data import curve_points, image_grid, scatter_2d, scatter_targets
from playground.viz.loop import (
    cross_entropy_curve,
    grad_norm_bars,
    layer_output_figure,
    loop_trail,
    losses_before_after,
    regression_fit,
    tensor_panels,
    update_scatter,
)
from playground.viz.neuron_graph import neuron_graph_figure
from playground.viz.predictions import predicted_curve
from playground.viz.tables import sequence_frame, tabular_frame

_RECORD, _TRAIL, _STAGE, _RUN = "loop.record", "loop.trail", "loop.stage", "loop.running"
_MESSAGE, _PARAM, _EXAMPLE = "loop.message", "loop.param", "loop.example"
_HANDOVER = "loop.handover"  # "Train on from here": "" once started, else why it could not
SPEEDS = {"slow (one step a second)": 1.0, "fast (four steps a second)": 0.25}
GRID_RESOLUTION = 50
TRAIL_KEEP = 200  # loop steps kept for the trail chart

NARRATION = {
    "Data": "The loop starts with a **batch**: a handful of training examples drawn at "
            "random, each with the label the network should learn to give it.",
    "Forward": "The **forward pass**: the example goes through the network layer by layer. "
               "Each layer multiplies by its weights, adds its biases and bends the result "
               "with its activation; the last layer's numbers are the prediction.",
    "Prediction and loss": "The **loss** says how wrong the prediction is, as one number "
                           "per example, and the batch's loss is their mean: the one number "
                           "training pushes down.",
    "Backward": "**Backpropagation**: autograd works out, for every weight, how much the "
                "batch's loss would change if that weight moved a little: the gradient "
                "∂loss/∂w. Its sign says which way is downhill, its size how steep.",
    "Update": "**Gradient descent**: the optimizer moves every weight a small step downhill. "
              "The learning rate sets how far; momentum and Adam also remember past "
              "gradients and shape the step with them.",
    "Did it help?": "The **same batch** through the updated network: its loss should be a "
                    "little lower. Then the loop repeats with the next batch — that is all "
                    "training is, thousands of times over.",
}


@dataclass(frozen=True)
class LoopRecord:
    """A taken step, the run it belongs to, what the model predicted everywhere before and
    after it (2D: over the plane; one input: along the curve) and, for a small dense
    network, its drawing as neurons and edges."""

    run_id: str
    step: LoopStep
    labels: tuple[str, ...]  # one per layer of the Sequential
    grid: PlaneGrid | None
    curve_x: np.ndarray | None  # (R, 1) inputs of a one-input regression's curve
    before: np.ndarray | None  # probabilities (R, R, C), numbers (R, R) or a curve (R,)
    after: np.ndarray | None
    graph: DenseGraph | None
    thumbnails: list[list[np.ndarray]] | None  # per node, its map over the plane before


def _record(runner: Runner) -> LoopRecord | None:
    """The kept step, if it belongs to this run and the run has not been reset since."""
    record = st.session_state.get(_RECORD)
    if record is None or record.run_id != runner.run_id:
        return None
    return record


def _graph(model: torch.nn.Module, data: Data) -> DenseGraph | None:
    """The neuron drawing of a small dense network on vector inputs, else None."""
    if data.x_train.ndim != 2:
        return None
    kind = DATA_KINDS[data.info.kind]
    names = kind.feature_names(data.x_train.shape[1], data.info.feature_names)
    return dense_graph(model, names, data.info.class_names or ("prediction",))


def _everywhere(model: torch.nn.Module, grid: PlaneGrid | None,
                curve_x: np.ndarray | None) -> np.ndarray | None:
    """What the model predicts over the plane (probabilities, or numbers for regression)
    or along the curve; the model's train/eval mode is kept."""
    if curve_x is not None:
        return predict_values(model, curve_x)
    if grid is None:
        return None
    head = capture_plane(model, grid)[-1].output
    return head[..., 0] if head.shape[-1] == 1 else probabilities(head)


def _take(runner: Runner, batch_size: int, data: Data) -> str | None:
    """One step on the session's run; keeps its record, or returns why it could not."""
    kind = DATA_KINDS[data.info.kind]
    grid = (plane_grid(np.concatenate([data.x_train, data.x_test]), GRID_RESOLUTION)
            if kind.plane else None)
    curve_x = curve_inputs(data) if _regression(data) and data.x_train.shape[1:] == (1,) \
        else None

    def take(trainer: Trainer) -> LoopRecord:
        graph = _graph(trainer.model, data)
        thumbnails = None
        if graph is not None and grid is not None:
            planes = [a.output for a in capture_plane(trainer.model, grid)]
            thumbnails = plane_thumbnails(graph, grid, planes)
        before = _everywhere(trainer.model, grid, curve_x)
        step = take_step(trainer, loop_batch(trainer, batch_size, trainer.step_count))
        after = _everywhere(trainer.model, grid, curve_x)
        labels = tuple(layer_label(row) for row in trainer.report.rows)
        return LoopRecord(runner.run_id, step, labels, grid, curve_x, before, after, graph,
                          thumbnails)

    result = runner.step_with(take)
    if isinstance(result, str):
        return result
    st.session_state[_RECORD] = result
    trail = [t for t in st.session_state.get(_TRAIL, []) if t[0] < result.step.step]
    trail.append((result.step.step, result.step.loss_before, result.step.loss_after))
    st.session_state[_TRAIL] = trail[-TRAIL_KEEP:]
    return None


def _regression(data: Data) -> bool:
    return np.issubdtype(np.asarray(data.y_train).dtype, np.floating)


def _on_take(runner: Runner, data: Data) -> None:
    st.session_state[_MESSAGE] = _take(runner, st.session_state["loop.batch"], data)
    st.session_state[_STAGE] = STAGES[0]


def _move(by: int) -> None:
    i = STAGES.index(st.session_state.get(_STAGE, STAGES[0]))
    st.session_state[_STAGE] = STAGES[max(0, min(len(STAGES) - 1, i + by))]


def _set_running(speed: str | None) -> None:
    st.session_state[_RUN] = speed


def _train_on(runner: Runner) -> None:
    st.session_state[_RUN] = None
    st.session_state[_HANDOVER] = runner.start() or ""


def render_controls(runner: Runner, data: Data) -> None:
    """Batch size, Take one step, Run the loop (slow or fast) and the hand-over."""
    if _HANDOVER in st.session_state:
        refused = st.session_state.pop(_HANDOVER)
        if not refused:
            switch_page("views/train.py")  # from the script: callbacks run before navigation
        st.warning(md(refused), icon=":material/hourglass_top:")
    if runner.running:
        st.info("Training is running on the Train page. Pause it to take steps here "
                "one at a time.", icon=":material/pause_circle:")
        st.button("Pause training", key="loop.pause", on_click=runner.pause,
                  icon=":material/pause:")
        st.stop()
    running = st.session_state.get(_RUN)
    c1, c2, c3, c4 = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
    c1.number_input("Batch size", min_value=1, max_value=MAX_BATCH, value=DEFAULT_BATCH,
                    key="loop.batch", disabled=bool(running),
                    help=f"Examples in the step's batch (1 to {MAX_BATCH}). Small batches "
                         "are easy to read; the Train page uses the spec's batch size.")
    c2.button("Take one step", type="primary", icon=":material/skip_next:",
              key="loop.take", on_click=_on_take, args=(runner, data),
              disabled=bool(running), width="stretch",
              help="Forward, loss, backward and update on a new batch, for real: the "
                   "session's model learns from it.")
    speed = c3.selectbox("Speed", list(SPEEDS), key="loop.speed", disabled=bool(running))
    if running:
        c4.button("Stop the loop", icon=":material/stop:", key="loop.stop",
                  on_click=_set_running, args=(None,), width="stretch")
    else:
        c4.button("Run the loop", icon=":material/autorenew:", key="loop.run",
                  on_click=_set_running, args=(speed,), width="stretch",
                  help="Take step after step while the open stage animates.")
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        st.warning(md(message), icon=":material/warning:")


def render_stages(runner: Runner, data: Data) -> None:
    """Back / the six stages / Next, then the open stage; ticking while the loop runs."""
    running = st.session_state.get(_RUN)
    interval = SPEEDS.get(running) if running else None

    @st.fragment(run_every=interval)
    def stages() -> None:
        if running:
            message = _take(runner, st.session_state.get("loop.batch", DEFAULT_BATCH), data)
            if message or not st.session_state.get(_RUN):
                st.session_state[_MESSAGE] = message
                st.session_state[_RUN] = None
                st.rerun(scope="app")
        record = _record(runner)
        if record is None:
            st.info("Press **Take one step** to run one iteration of the learning loop on "
                    "your network, then read it stage by stage.", icon=":material/school:")
            return
        now = runner.trainer.step_count
        if now != record.step.step:
            st.caption(f"The run has trained on since this step: it is at step {now}. Take "
                       "a step to look at the weights it has now.")
        _render_record(record, data)

    stages()
    if not running and _record(runner) is not None:
        st.divider()
        st.button("Train on from here on the Train page", icon=":material/model_training:",
                  key="loop.train_on", on_click=_train_on, args=(runner,),
                  help="The Train page's run already has these weights; this starts it.")


def _render_record(record: LoopRecord, data: Data) -> None:
    step = record.step
    st.caption(f"Step {step.step} of this run · a batch of {len(step.indices)} · "
               f"{step.optimizer}, learning rate {step.lr:g}")
    back, pick, nxt = st.columns([1, 8, 1], vertical_alignment="center")
    back.button("Back", icon=":material/arrow_back:", key="loop.back", on_click=_move,
                args=(-1,), disabled=st.session_state.get(_STAGE, STAGES[0]) == STAGES[0])
    pick.radio("Stage", STAGES, horizontal=True, key=_STAGE, label_visibility="collapsed")
    nxt.button("Next", icon=":material/arrow_forward:", key="loop.next", on_click=_move,
               args=(1,), disabled=st.session_state.get(_STAGE) == STAGES[-1])
    stage = st.session_state.get(_STAGE, STAGES[0])
    st.markdown(f"#### {STAGES.index(stage) + 1}. {stage}")
    st.markdown(NARRATION[stage])
    RENDERERS[stage](record, data)


def _class_name(data: Data, c: int) -> str:
    names = data.info.class_names
    return str(names[c]) if 0 <= c < len(names) else str(c)


def _data_stage(record: LoopRecord, data: Data) -> None:
    step, form = record.step, DATA_KINDS[data.info.kind].input_form
    if form == "point" and not step.regression:
        fig = scatter_2d(step.x, step.y, data.info.class_names,
                         data.info.feature_names or ("x", "y"), marker_size=12,
                         title="The batch (large) among the training set (grey)")
        fig.add_trace(go.Scattergl(x=data.x_train[:, 0], y=data.x_train[:, 1],
                                   mode="markers", name="rest of the training set",
                                   marker=dict(color="#CCCCCC", size=4)))
        fig.data = (fig.data[-1], *fig.data[:-1])
        st.plotly_chart(fig, key="loop.data.plane")
    elif form == "point":
        names = data.info.feature_names or ("x", "y")
        fig = scatter_targets(step.x, step.y, names, marker_size=12,
                              title="The batch (large, coloured by target) among the training "
                                    "set (grey)")
        fig.add_trace(go.Scattergl(x=data.x_train[:, 0], y=data.x_train[:, 1],
                                   mode="markers", name="rest of the training set",
                                   marker=dict(color="#CCCCCC", size=4)))
        fig.data = (fig.data[-1], *fig.data[:-1])
        st.plotly_chart(fig, key="loop.data.plane")
    elif record.curve_x is not None:
        feature = _feature_names(data)[0]
        fig = curve_points(data.x_train, data.y_train, feature,
                           title="The batch (large) among the training set (small)")
        fig.add_trace(go.Scatter(x=step.x[:, 0], y=step.y, mode="markers", name="the batch",
                                 marker=dict(size=12, color="#D55E00",
                                             line=dict(color="black", width=1))))
        st.plotly_chart(fig, key="loop.data.curve")
    elif form == "image":
        st.plotly_chart(image_grid(step.x, step.y, data.info.class_names,
                                   title="The batch, with its labels"), key="loop.data.images")
    if form == "tokens":
        st.dataframe(sequence_frame(step.x, step.y, data.info.vocab, data.info.class_names,
                                    rows=len(step.x)), hide_index=True)
    elif form != "image" and not step.regression:
        frame = tabular_frame(step.x.reshape(len(step.x), -1), step.y,
                              data.info.feature_names, data.info.class_names, len(step.x))
        frame.insert(0, "training example", step.indices)
        st.dataframe(frame, hide_index=True)
    elif step.regression:
        frame = pd.DataFrame(step.x.reshape(len(step.x), -1),
                             columns=list(data.info.feature_names) or None).round(3)
        frame.insert(0, "training example", step.indices)
        frame["target"] = np.asarray(step.y).reshape(len(step.y), -1)[:, 0].round(3)
        st.dataframe(frame, hide_index=True)


def _followed(record: LoopRecord, data: Data) -> int:
    step = record.step
    n = len(step.indices)
    if st.session_state.get(_EXAMPLE, 0) >= n:
        st.session_state[_EXAMPLE] = 0

    def name(i: int) -> str:
        if step.regression or step.y.ndim > 1:
            return f"example {i} (training example {step.indices[i]})"
        return f"example {i}: {_class_name(data, int(step.y[i]))}"

    return int(st.selectbox("Follow one example", range(n), format_func=name,
                            key=_EXAMPLE))


def _feature_names(data: Data) -> tuple[str, ...]:
    return tuple(DATA_KINDS[data.info.kind].feature_names(data.x_train.shape[1],
                                                          data.info.feature_names))


def _graph_tensors(record: LoopRecord, what: str
                   ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per gap of the drawing, one field of the step's weight and bias ParamSteps
    ("before", "grad" or "update"); zeros for a layer without a bias."""
    assert record.graph is not None
    params = {p.name: p for p in record.step.params}
    edges, biases = [], []
    for index in record.graph.linears:
        weight = getattr(params[f"{index}.weight"], what)
        bias = params.get(f"{index}.bias")
        edges.append(weight)
        biases.append(np.zeros(len(weight), np.float32) if bias is None
                      else getattr(bias, what))
    return edges, biases


def _node_values(record: LoopRecord, e: int) -> list[np.ndarray]:
    """Per column of the drawing, example e's values in the step's own forward pass."""
    assert record.graph is not None
    step = record.step
    return [np.asarray(step.x[e] if tap < 0 else step.layers[tap][e]).ravel()
            for tap in record.graph.taps]


def _draw_graph(record: LoopRecord, what: str, edge_name: str, key: str,
                e: int | None = None, heading: str = "") -> None:
    edges, biases = _graph_tensors(record, what)
    assert record.graph is not None
    values = _node_values(record, e) if e is not None else None
    st.plotly_chart(neuron_graph_figure(record.graph, edges, biases, values,
                                        record.thumbnails if e is not None else None,
                                        edge_name=edge_name, heading=heading),
                    key=key, config={"displayModeBar": False})


def _forward_stage(record: LoopRecord, data: Data) -> None:
    step = record.step
    e = _followed(record, data)
    x = step.x[e]
    if x.ndim == 1 and x.dtype.kind == "f":
        st.markdown("**Input**: " + ", ".join(
            f"{n} = {v:.3f}" for n, v in zip(_feature_names(data), x, strict=True)))
    if record.graph is not None:
        _draw_graph(record, "before", "weight", "loop.forward.graph", e,
                    f"Example {e} through the network: node colour = its value")
        st.caption("Each node is one neuron, coloured by the value it passes on for this "
                   "example (orange positive, blue negative"
                   + ("; its thumbnail is its output over the whole plane" if
                      record.thumbnails is not None else "")
                   + "). Edges are the weights: orange positive, blue negative, thicker "
                     "is larger; hover for the numbers.")
    with st.expander("Each layer's output as numbers", expanded=record.graph is None):
        for label, out in zip(record.labels, step.layers, strict=True):
            st.plotly_chart(layer_output_figure(out[e],
                                                f"{label} → output {tuple(out[e].shape)}"),
                            key=f"loop.forward.{label}", config={"displayModeBar": False})


def _loss_stage(record: LoopRecord, data: Data) -> None:
    step = record.step
    e = _followed(record, data)
    if step.regression:
        left, right = st.columns(2)
        left.plotly_chart(regression_fit(step.y, step.output, e), key="loop.loss.fit")
        target = float(np.ravel(step.y[e])[0])
        pred = float(np.ravel(step.output[e])[0])
        right.markdown(f"Example {e}: target **{target:.3f}**, prediction **{pred:.3f}**, "
                       f"so its loss is **{step.losses[e]:.4f}**. The batch's loss is the "
                       f"mean over the {len(step.losses)} examples: "
                       f"**{step.loss_before:.4f}**.")
        return
    probs = step.probabilities
    if step.y.ndim > 1:  # a sequence: one prediction per position
        p_true = np.take_along_axis(probs, step.y[..., None], -1)[..., 0]
        st.markdown(f"A sequence gets a prediction at every position. Example {e}'s loss "
                    f"is the mean of its positions' losses: **{step.losses[e]:.4f}**; the "
                    f"batch's loss, the mean over the batch: **{step.loss_before:.4f}**.")
        st.plotly_chart(cross_entropy_curve(p_true.ravel(), -np.log(
            np.clip(p_true.ravel(), 1e-12, 1))), key="loop.loss.curve")
        return
    p_true = probs[np.arange(len(step.y)), step.y]
    left, right = st.columns(2)
    label = int(step.y[e])
    left.plotly_chart(probability_bars(probs[e], data.info.class_names,
                                       f"Example {e}: the network's class probabilities",
                                       label), key="loop.loss.probs")
    left.markdown(f"The softmax turns the last layer's scores into probabilities. The right "
                  f"class, **{md(_class_name(data, label))}**, got **{p_true[e]:.3f}**, so "
                  f"this example's loss is −ln {p_true[e]:.3f} = **{step.losses[e]:.4f}**.")
    right.plotly_chart(cross_entropy_curve(p_true, step.losses, e), key="loop.loss.curve")
    frame = pd.DataFrame({"example": range(len(step.y)),
                          "right class": [_class_name(data, int(c)) for c in step.y],
                          "p(right class)": p_true.round(4), "loss": step.losses.round(4)})
    st.dataframe(frame, hide_index=True)
    extra = f" plus the L1/L2 penalty {step.penalty:.4f}" if step.penalty else ""
    st.markdown(f"The batch's loss is the mean of the column: **{step.loss_before:.4f}**"
                f"{extra}.")


def _pick_param(record: LoopRecord) -> ParamStep:
    names = [p.name for p in record.step.params]
    if st.session_state.get(_PARAM) not in names:
        st.session_state[_PARAM] = names[0]

    def label(name: str) -> str:
        p = next(p for p in record.step.params if p.name == name)
        kind = "bias" if name.endswith("bias") else "weights"
        return f"{record.labels[p.layer]} · {kind} {tuple(p.before.shape)}"

    name = st.selectbox("Parameter tensor", names, format_func=label, key=_PARAM)
    return next(p for p in record.step.params if p.name == name)


def _backward_stage(record: LoopRecord, data: Data) -> None:
    step = record.step
    norms = step.layer_grad_norms(len(record.labels))
    if record.graph is not None:
        _draw_graph(record, "grad", "∂loss/∂w", "loop.backward.graph",
                    heading="The gradient on every edge")
        st.caption("Each edge is now its weight's gradient ∂loss/∂w: blue means the loss "
                   "falls if the weight grows, orange if it shrinks; thicker is steeper. "
                   "The squares at the nodes are the biases' gradients.")
    st.plotly_chart(grad_norm_bars(record.labels, norms), key="loop.backward.norms")
    shown = [n for n in norms if n]
    if len(shown) > 1:
        ratio = max(shown) / min(shown)
        st.caption(f"The largest layer gradient is {ratio:,.0f}× the smallest. "
                   + ("A spread of thousands means some layers barely learn (vanishing "
                      "gradients) or others jump (exploding)." if ratio > 1000 else
                      "Within a few orders of magnitude: every layer is learning."))
    p = _pick_param(record)
    if p.before.ndim == 4:
        left, right = st.columns(2)
        left.plotly_chart(filters_figure(p.before, "The filters (weights)"),
                          key="loop.backward.filters")
        right.plotly_chart(filters_figure(p.grad, "Their gradient ∂loss/∂w"),
                           key="loop.backward.filter_grads")
    else:
        st.plotly_chart(tensor_panels({"weights w": p.before, "gradient ∂loss/∂w": p.grad},
                                      "Blue: the loss falls if the weight grows; orange: "
                                      "it falls if the weight shrinks"),
                        key="loop.backward.panels")
    st.caption(f"‖∂loss/∂w‖ for this tensor: {p.grad_norm:.4g}")


_RULES = {
    "sgd": "Plain SGD: **new w = w − lr × gradient**, with lr = {lr:g}. Every weight moves "
           "against its own gradient, in proportion to it.",
    "momentum": "SGD with momentum keeps a **velocity** v = 0.9 × v + gradient and moves "
                "**new w = w − lr × v** (lr = {lr:g}): steps keep going in directions the "
                "gradient has pointed for a while.",
    "adam": "Adam keeps two running averages per weight: **m**, of the gradient (β₁ = "
            "{beta1:g}), and **v**, of its square (β₂ = {beta2:g}); after correcting their "
            "start-up bias (step t = {t:.0f}) it moves **new w = w − lr × m̂ / (√v̂ + ε)**: "
            "about lr = {lr:g} per step whatever the gradient's size.",
    "adamw": "AdamW is Adam plus **weight decay** (shrinking every weight by lr × "
             "{weight_decay:g} of itself each step). Adam part: running averages m "
             "(β₁ = {beta1:g}) and v (β₂ = {beta2:g}), step t = {t:.0f}, **new w = w − lr × "
             "(m̂ / (√v̂ + ε) + decay × w)** with lr = {lr:g}.",
}

_BUFFER_NAMES = {"momentum_buffer": "velocity v", "exp_avg": "m (mean gradient)",
                 "exp_avg_sq": "v (mean squared gradient)"}


def _update_stage(record: LoopRecord, data: Data) -> None:
    step = record.step
    st.markdown(_RULES[step.optimizer].format(lr=step.lr, **step.hyper))
    if record.graph is not None:
        _draw_graph(record, "update", "Δw", "loop.update.graph",
                    heading="The step every weight took (Δw)")
    p = _pick_param(record)
    st.plotly_chart(tensor_panels({"before": p.before, "gradient": p.grad,
                                   "update": p.update, "after": p.after},
                                  "The weights before, the gradient, the step taken, and "
                                  "the weights after"), key="loop.update.panels")
    left, right = st.columns(2)
    left.plotly_chart(update_scatter(p.grad, p.update, step.lr, step.optimizer),
                      key="loop.update.scatter")
    with right:
        if p.buffers:
            st.plotly_chart(tensor_panels({_BUFFER_NAMES.get(k, k): v
                                           for k, v in p.buffers.items()},
                                          "What the optimizer remembers"),
                            key="loop.update.buffers")
        gap = float(np.abs(expected_update(step, p) - p.update).max())
        st.markdown(f"The rule above, applied to the recorded gradient"
                    f"{' and buffers' if p.buffers else ''}, gives the change the optimizer "
                    f"actually made to within **{gap:.2g}** (float rounding). Update size "
                    f"‖Δw‖ = {p.update_norm:.4g}.")


def _help_stage(record: LoopRecord, data: Data) -> None:
    step = record.step
    a, b = st.columns(2)
    a.metric("Batch loss before the update", f"{step.loss_before:.4f}")
    b.metric("Same batch after the update", f"{step.loss_after:.4f}",
             delta=f"{step.loss_after - step.loss_before:+.4f}", delta_color="inverse")
    if step.loss_after > step.loss_before:
        st.warning("The loss went **up**: the step overshot. A smaller learning rate takes "
                   "smaller steps.", icon=":material/trending_up:")
    st.plotly_chart(losses_before_after(step.losses, step.losses_after),
                    key="loop.help.losses")
    if record.before is not None and record.after is not None:
        left, right = st.columns(2)
        for col, values, when in ((left, record.before, "before"),
                                  (right, record.after, "after")):
            col.plotly_chart(_prediction_figure(record, data, values, when),
                             key=f"loop.help.boundary.{when}")
    trail = st.session_state.get(_TRAIL, [])
    if len(trail) > 1:
        steps, before, after = zip(*trail, strict=True)
        st.plotly_chart(loop_trail(steps, before, after), key="loop.help.trail")


def _prediction_figure(record: LoopRecord, data: Data, values: np.ndarray,
                       when: str) -> go.Figure:
    """The model's predictions everywhere, before or after the step, with the batch."""
    step, none = record.step, data.x_test[:0]
    if record.curve_x is not None:
        return predicted_curve(record.curve_x[:, 0], values, step.x, step.y, none,
                               data.y_test[:0], _feature_names(data)[0], height=360,
                               title_text=f"Predicted curve {when} the update (points: the "
                                          "batch)")
    assert record.grid is not None
    xs, ys = record.grid.xs, record.grid.ys
    if step.regression:
        return prediction_surface(xs, ys, values, step.x, step.y, none, data.y_test[:0],
                                  height=360, title_text=f"Predicted surface {when} the "
                                                         "update (points: the batch)",
                                  value_range=target_range(data.y_train))
    fig = decision_boundary(xs, ys, values, step.x, step.y, none, data.y_test[:0],
                            data.info.class_names, height=360)
    fig.update_layout(title=f"Decision boundary {when} the update (points: the batch)")
    return fig


RENDERERS = {
    "Data": _data_stage,
    "Forward": _forward_stage,
    "Prediction and loss": _loss_stage,
    "Backward": _backward_stage,
    "Update": _update_stage,
    "Did it help?": _help_stage,
}
