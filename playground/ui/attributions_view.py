"""The Attributions page's controls and views: method, parameters, target and baseline
chosen from the registry; one input explained; methods compared; dataset or plane views.

Results are cached in the session's cache by model key and request, so reruns caused by
other widgets do not recompute them, and a reset or rebuilt model never sees another's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import streamlit as st
import torch
from torch import nn

from playground.attribution import (
    BASELINE_HELP,
    BASELINE_NOTE,
    METHODS,
    baselines_for,
    compare_methods,
    completeness,
    mean_abs_attribution,
    mean_embedding,
    plane_attributions,
    predict,
)
from playground.attribution.compute import attribute, readout
from playground.datakinds import DATA_KINDS
from playground.datasets import Data
from playground.errors import SpecError
from playground.inspection.plane import plane_grid
from playground.metrics import predict_values
from playground.runner import ModelKey
from playground.shapes import ShapeReport
from playground.ui.inputs import ChosenInput
from playground.ui.state import derived
from playground.ui.text import md
from playground.ui.widgets import param_form
from playground.viz import attributions as viz

T = TypeVar("T")
_CACHE = "attributions"
_CACHE_SIZE = 24
PLANE_RESOLUTION = 40
DATASET_ROWS = 300  # test rows averaged for the dataset-wide view


@dataclass(frozen=True)
class Request:
    """Everything one attribution depends on, chosen by the controls."""

    method: str
    params: dict[str, Any]
    target: int
    baseline: str
    layer: int | None
    embedding_layer: int | None
    position: int | None
    seed: int  # seeds the noisy methods (SmoothGrad, GradientSHAP, the noise baseline)


def _cached(key: tuple, compute: Callable[[], T]) -> T:
    """Compute once per key (which starts with the model's key) in the session's cache."""
    return derived(_CACHE, hashlib.sha1(repr(key).encode()).hexdigest(), compute,
                   keep=_CACHE_SIZE)


def _class_name(data: Data, c: int) -> str:
    names = data.info.class_names
    return names[c] if 0 <= c < len(names) else str(c)


def _shown_class(data: Data, c: int) -> str:
    """A class name for markdown: a spec's names are shown literally, never as markup."""
    return md(_class_name(data, c))


def as_batch(chosen: ChosenInput) -> torch.Tensor:
    return torch.from_numpy(np.array(chosen.x))[None]


def data_mean(model: nn.Module, data: Data, report: ShapeReport, model_key: ModelKey
              ) -> torch.Tensor:
    """The "mean" baseline: the training inputs' mean, or the mean embedding for tokens."""
    if data.info.tokens:
        k = report.embedding_layer
        return _cached(("mean_emb", data.info.name, model_key), lambda: mean_embedding(
            model, torch.from_numpy(np.array(data.x_train[:1000])), k))
    return torch.from_numpy(np.ascontiguousarray(data.x_train.mean(0), dtype=np.float32))


def params_ui(method: str, item_shape: tuple[int, ...]) -> dict[str, Any]:
    """The method's parameters; SmoothGrad's own settings only appear when it is on."""
    m = METHODS[method]
    main = tuple(p for p in m.params if not p.name.startswith("nt_") and p.name != "smoothgrad")
    values = param_form(main, m.defaults_for(item_shape), key_prefix=f"attr.{method}",
                        columns=3)
    if m.smoothgrad:
        sg = {p.name: p for p in m.params}
        values |= param_form((sg["smoothgrad"],), {}, key_prefix=f"attr.{method}")
        if values["smoothgrad"]:
            values |= param_form((sg["nt_samples"], sg["nt_stdev"]), {},
                                 key_prefix=f"attr.{method}", columns=2)
    return values


def choose_request(model: nn.Module, data: Data, report: ShapeReport, chosen: ChosenInput,
                   seed: int) -> Request:
    """Method, parameters, target, baseline and layer controls; returns the request.
    `seed` (the spec's training seed) makes the noisy methods repeatable per spec."""
    info = data.info
    supported = [n for n, m in METHODS.items() if m.supports(info.kind)
                 and not (m.needs_layer and not report.conv_map_layers)]
    cols = st.columns([2, 3])
    method = cols[0].selectbox("Method", supported, key="attr_method",
                               format_func=lambda n: METHODS[n].title)
    cols[1].caption(METHODS[method].description)
    params = params_ui(method, tuple(info.input_shape))
    m = METHODS[method]
    layer = None
    if m.needs_layer:
        layers = report.conv_map_layers
        layer = st.selectbox("Convolution layer", layers, index=len(layers) - 1,
                             key="attr_layer", format_func=lambda i: f"layer {i + 1} "
                             f"({report.rows[i].kind}, {report.rows[i].output_shape[1]}×"
                             f"{report.rows[i].output_shape[2]} maps)",
                             help="Deeper layers see larger parts but give coarser maps.")
    position = None
    if info.task == "tokens":
        length = info.input_shape[0]
        position = int(st.number_input("Explain the prediction at position", 0, length - 1,
                                       length - 1, key="attr_position"))
    target = choose_target(model, data, chosen, position)
    baseline = "zeros"
    if m.uses_baseline:
        options = baselines_for(tuple(info.input_shape) if not info.tokens
                                else (*info.input_shape, 1))
        baseline = st.selectbox("Baseline", options, key="attr_baseline",
                                format_func=lambda b: f"{b}: {BASELINE_HELP[b]}")
        st.caption(BASELINE_NOTE)
    return Request(method, params, target, baseline, layer, report.embedding_layer, position,
                   seed)


def choose_target(model: nn.Module, data: Data, chosen: ChosenInput,
                  position: int | None) -> int:
    """Predicted, true or any class; returns the class the attributions explain. A
    regression model has one output, the predicted number: that is always the target."""
    if data.info.regression:
        value = float(predict_values(model, as_batch(chosen))[0])
        true = (f"; the true target is **{chosen.target:.3f}**" if chosen.target is not None
                else "")
        st.caption(f"Input: {md(chosen.description)}. The model predicts **{value:.3f}**"
                   f"{true}. Explaining the predicted number (the head's one output): how "
                   "much each input feature raised or lowered it.")
        return 0
    pred, probs = predict(readout(model, position), as_batch(chosen))
    true = chosen.label
    if position is not None and chosen.index is not None:
        true = int(np.asarray(data.y_test[chosen.index])[position])
    options = ["predicted", "true", "any"] if true is not None else ["predicted", "any"]
    cols = st.columns([2, 2])
    how = cols[0].radio("Explain which class", options, horizontal=True, key="attr_target",
                        help="Attributions answer 'why this class?': the model's answer, the "
                             "right answer, or any class you pick.")
    if how == "any":
        classes = list(range(probs.shape[-1]))
        target = cols[1].selectbox("Class", classes, key="attr_any_class",
                                   format_func=lambda c: _class_name(data, c))
    else:
        target = int(pred[0]) if how == "predicted" else int(true)
    st.caption(f"Input: {md(chosen.description)}. The model predicts "
               f"**{_shown_class(data, int(pred[0]))}** ({probs[0].max():.0%})"
               + (f"; the true class is **{_shown_class(data, true)}**" if true is not None
                  else "") + f". Explaining **{_shown_class(data, target)}** "
               f"(p = {probs[0][target]:.0%}).")
    return int(target)


def _progress_bar(label: str):
    bar = st.progress(0.0, text=label)
    return bar, lambda f: bar.progress(float(min(max(f, 0.0), 1.0)), text=label)


def run_one(model: nn.Module, model_key: ModelKey, x: torch.Tensor, req: Request,
            mean: torch.Tensor) -> np.ndarray:
    """The request's attributions for one input (cached), shaped like the input."""
    key = ("one", model_key, req, x.numpy().tobytes())

    def compute():
        bar, tick = _progress_bar(f"Running {METHODS[req.method].title}…")
        out = attribute(model, x, req.target, req.method, req.params, req.baseline, mean,
                        req.layer, embedding_layer=req.embedding_layer,
                        position=req.position, progress=tick, seed=req.seed)[0].numpy()
        bar.empty()
        return out
    return _cached(key, compute)


def show_one(model: nn.Module, model_key: ModelKey, data: Data, chosen: ChosenInput, req: Request,
             mean: torch.Tensor) -> np.ndarray | None:
    """The chosen input explained in the view that fits its data kind."""
    x = as_batch(chosen)
    try:
        a = run_one(model, model_key, x, req, mean)
    except SpecError as exc:
        st.error(md(exc))
        return None
    info = data.info
    title = (f"{METHODS[req.method].title} of the predicted number" if info.regression else
             f"{METHODS[req.method].title} towards “{_class_name(data, req.target)}”")
    form = DATA_KINDS[info.kind].input_form
    if form == "image":
        fig = viz.image_overlay(chosen.x.mean(0), a.sum(0), title)
    elif form == "tokens":
        vocab = info.vocab or tuple(str(i) for i in range(int(chosen.x.max()) + 1))
        fig = viz.token_heatmap([vocab[int(t)] for t in chosen.x], a, title)
    else:
        fig = viz.feature_bars(a, _feature_names(data), title)
    st.plotly_chart(fig, key="attr_one")
    st.caption(("Orange raises the predicted number, blue lowers it" if info.regression else
                "Orange pushes the model towards the class, blue away from it")
               + "; white is no effect. " + ("Saliency shows sizes only while 'absolute' is on."
                             if req.method == "saliency" else ""))
    if req.method == "integrated_gradients":
        show_completeness(model, x, req, mean)
    return a


def show_completeness(model: nn.Module, x: torch.Tensor, req: Request,
                      mean: torch.Tensor) -> None:
    """IG's completeness: the attributions add up to f(x) − f(baseline)."""
    try:
        c = completeness(model, x, req.target, req.params.get("n_steps", 50), req.baseline,
                         mean, embedding_layer=req.embedding_layer, position=req.position,
                         seed=req.seed)
    except SpecError as exc:
        st.error(md(exc))
        return
    cols = st.columns(3)
    cols[0].metric("Sum of attributions", f"{c.attribution_sum:.4f}")
    cols[1].metric("f(x) − f(baseline)", f"{c.score_difference:.4f}")
    cols[2].metric("Convergence delta", f"{c.delta:.2e}",
                   help="Captum's gap between the two; more steps shrink it.")
    st.caption(f"Completeness check with {c.n_steps} steps (without SmoothGrad): the "
               "attributions share out exactly the change in the explained output (a class "
               "score, or the predicted number) between the baseline and the input.")


def _feature_names(data: Data) -> list[str]:
    info = data.info
    return list(DATA_KINDS[info.kind].feature_names(info.input_shape[0], info.feature_names))


def show_compare(model: nn.Module, model_key: ModelKey, data: Data, report: ShapeReport,
                 chosen: ChosenInput, req: Request, mean: torch.Tensor) -> None:
    """Every chosen method on the same input, and how far their rankings agree."""
    info = data.info
    supported = [n for n, m in METHODS.items() if m.supports(info.kind)
                 and not (m.needs_layer and not report.conv_map_layers)]
    names = st.multiselect("Methods to compare", supported, default=supported,
                           key="attr_compare", format_func=lambda n: METHODS[n].title)
    if len(names) < 2:
        st.info("Pick at least two methods to compare.")
        return
    st.caption("Each method with its default parameters, the same target and baseline"
               f" ({req.baseline}).")
    x = as_batch(chosen)
    layer = req.layer if req.layer is not None else (report.conv_map_layers or [None])[-1]

    shape = tuple(info.input_shape)
    defaults = {n: METHODS[n].defaults_for(shape) for n in names}

    def compute():
        bar, tick = _progress_bar("Running the methods…")
        out = compare_methods(model, x, req.target, names, defaults, req.baseline, mean, layer,
                              req.embedding_layer, req.position, progress=tick,
                              seed=req.seed)
        bar.empty()
        return out
    comp = _cached(("cmp", model_key, tuple(names), req.target, req.baseline, layer,
                    req.position, req.seed, x.numpy().tobytes()), compute)
    for name, msg in comp.errors.items():
        st.warning(f"{METHODS[name].title}: {msg}")
    titles = {METHODS[n].title: v for n, v in comp.maps.items()}
    form = DATA_KINDS[info.kind].input_form
    if form == "image":
        fig = viz.methods_grid({k: v.sum(0) for k, v in titles.items()}, chosen.x.mean(0))
    elif form == "tokens":
        vocab = info.vocab or tuple(str(i) for i in range(int(chosen.x.max()) + 1))
        fig = viz.methods_matrix(titles, [f"{i}:{vocab[int(t)]}"
                                          for i, t in enumerate(chosen.x)])
    else:
        fig = viz.methods_matrix(titles, _feature_names(data))
    st.plotly_chart(fig, key="attr_grid")
    st.caption("Each map is scaled to its own largest value: methods measure in different "
               "units, so compare patterns, not numbers.")
    st.plotly_chart(viz.rank_matrix(list(titles), comp.correlation), key="attr_rank")
    st.caption("Spearman rank correlation of |attribution|: 1 means two methods rank the "
               "features identically; near 0 means they disagree about what matters."
               + (" With only two features a ranking can only agree (1), flip (−1) or be "
                  "undefined (–, when a method scores both alike)." if len(x[0]) == 2
                  and x.dim() == 2 else ""))
    if "integrated_gradients" in names:
        show_completeness(model, x, req, mean)


def show_dataset(model: nn.Module, model_key: ModelKey, data: Data, req: Request,
                 mean: torch.Tensor) -> None:
    """Tabular: which features the model relies on across the test split."""
    n = min(DATASET_ROWS, len(data.x_test))
    x = torch.from_numpy(np.array(data.x_test[:n]))
    if data.info.regression:  # one output: every row explains the predicted number
        pred = np.zeros(n, np.int64)
        what = "its predicted number"
    else:
        pred, _ = predict(model, x)
        what = "its predicted class"
    st.caption(f"Mean |attribution| over {n} test rows, each explained for {what}, "
               f"with {METHODS[req.method].title} and the settings above.")

    def compute():
        bar, tick = _progress_bar("Explaining the test rows…")
        out = mean_abs_attribution(model, x, torch.from_numpy(pred), req.method, req.params,
                                   req.baseline, mean, progress=tick, seed=req.seed)
        bar.empty()
        return out
    try:
        values = _cached(("ds", model_key, req.method, repr(req.params), req.baseline,
                          req.seed), compute)
    except SpecError as exc:
        st.error(md(exc))
        return
    st.plotly_chart(viz.mean_abs_bars(values, _feature_names(data),
                                      "Feature importance across the test split"),
                    key="attr_dataset")


def show_plane(model: nn.Module, model_key: ModelKey, data: Data, chosen: ChosenInput,
               req: Request, mean: torch.Tensor) -> None:
    """2D: each coordinate's attribution towards the target class over the whole plane."""
    grid = plane_grid(np.asarray(data.x_train), PLANE_RESOLUTION)

    def compute():
        bar, tick = _progress_bar("Explaining every grid point…")
        out = plane_attributions(model, grid.points, req.target, req.method, req.params,
                                 req.baseline, mean, progress=tick, seed=req.seed)
        bar.empty()
        return out
    try:
        field = _cached(("plane", model_key, req.method, repr(req.params), req.target,
                         req.baseline, req.seed), compute)
    except SpecError as exc:
        st.error(md(exc))
        return
    r = grid.resolution
    st.plotly_chart(viz.plane_field(grid.xs, grid.ys, field.reshape(r, r, 2),
                                    points=np.asarray(data.x_test),
                                    labels=None if data.info.regression
                                    else np.asarray(data.y_test),
                                    marker=(float(chosen.x[0]), float(chosen.x[1]))),
                    key="attr_plane")
    towards = ("of the predicted number" if data.info.regression else
               f"towards “{_shown_class(data, req.target)}”")
    st.caption(f"Attributions {towards} at every point of the plane (× marks the chosen "
               "point). Where a panel is white that coordinate does not matter there.")
