"""The Deep vs classic page's first sections: which data, the baselines table (with
hand-made against learned features on images) and the learning curves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground.classic.baselines import BASELINES, ModelRow, check_tabular, network_row
from playground.classic.comparison import compare_models, first_filters
from playground.classic.features import oriented_kernels
from playground.classic.learning_curve import SIZES, learning_curve, overtakes, summarize
from playground.datasets import dataset_info, make_data
from playground.errors import SpecError
from playground.jobs import JobStatus
from playground.presets import PRESETS
from playground.spec import Spec
from playground.ui.classic_jobs import Started, render_live, start, stop_button
from playground.ui.state import get_spec, peek_runner
from playground.ui.text import md
from playground.viz.activations import filters_figure
from playground.viz.classic import learning_curves

YOURS = "yours"
OFFERED = ("digits_mlp", "shapes_cnn", "gaussian_regression")  # when yours cannot be used


def choose_data() -> tuple[Spec, str]:
    """Your network and data (unless sequence data) or a preset: the spec every section
    works on, and its key."""
    spec = get_spec()
    options: dict[str, str] = {}
    try:
        check_tabular(make_data(spec.dataset))
        options[YOURS] = f"Your network on {spec.dataset.name}"
    except SpecError as exc:
        st.info(md(f"Your network's data is not offered here: {exc}"),
                icon=":material/info:")
    for key in OFFERED:
        options[key] = f"{PRESETS[key].title} preset"
    key = st.radio("Network and data", list(options), format_func=options.get,
                   horizontal=True, key="dvc.data")
    return (spec if key == YOURS else PRESETS[key].spec()), key


def _score_name(spec: Spec) -> str:
    return "test R²" if dataset_info(spec.dataset).regression else "test accuracy"


def _frame(rows: tuple[ModelRow, ...], regression: bool) -> pd.DataFrame:
    score = "test R²" if regression else "test accuracy"
    out = pd.DataFrame({
        "model": [r.name for r in rows],
        score: [round(r.score, 4) for r in rows],
        "train score": [round(r.train_score, 4) for r in rows],
        "fit (s)": [round(r.fit_seconds, 3) for r in rows],
        "predict test set (ms)": [round(1000 * r.predict_seconds, 1) for r in rows],
        "learned": [f"{r.learned:,} {r.learned_what}" for r in rows],
        "what a person can read off it": [r.readable for r in rows]})
    if regression:
        out.insert(2, "test RMSE", [round(r.rmse or 0.0, 4) for r in rows])
    return out


def _session_network(spec: Spec, source: str) -> tuple[ModelRow | None, object]:
    """The session's trained run, scored now, when the page works on it."""
    runner = peek_runner()
    if source != YOURS or runner is None:
        return None, None
    with runner.holding() as trainer:
        if trainer.step_count == 0 or trainer.spec != spec:
            return None, None
        return network_row(trainer), first_filters(trainer.model)


def render_baselines(spec: Spec, source: str) -> None:
    regression = dataset_info(spec.dataset).regression
    st.markdown("Traditional models from scikit-learn, fitted on **exactly your network's "
                "training split** and scored on its test split, beside the network.")
    left, right = st.columns([3, 1])
    keys = left.multiselect("Baselines", list(BASELINES), default=list(BASELINES),
                            format_func=lambda k: BASELINES[k].title(regression),
                            key="dvc.baselines")
    network, filters = _session_network(spec, source)
    right.caption("Network: your trained run." if network is not None else
                  f"Network: trained here for {spec.train.epochs} epochs (train yours on "
                  "the Train page to use it instead).")
    buttons = st.container(horizontal=True)
    if buttons.button("Fit baselines", type="primary", key="dvc.fit"):
        data = make_data(spec.dataset)
        start("baselines", compare_models, f"{spec.dataset.name}: "
              f"{len(data.x_train):,} training and {len(data.x_test):,} test examples",
              data, tuple(keys), spec, network, filters,
              extra={"regression": regression})
    with buttons:
        stop_button("baselines")
    render_live("baselines", _draw_baselines, "Press **Fit baselines**.")


def _draw_baselines(started: Started, status: JobStatus) -> None:
    regression = started.extra["regression"]
    rows = started.rows.rows()
    if rows:
        st.dataframe(_frame(rows, regression), hide_index=True, key="dvc.table")
    result = status.result
    if result is None or not result.features:
        return
    st.subheader("Hand-made features against learned ones")
    st.dataframe(pd.DataFrame({
        "features into logistic regression": [fs.name for fs, _, _ in result.features],
        "what they are": [fs.how for fs, _, _ in result.features],
        "features per image": [n for _, n, _ in result.features],
        "test accuracy": [round(r.score, 4) for _, _, r in result.features]}),
        hide_index=True, key="dvc.features")
    left, right = st.columns(2)
    left.plotly_chart(filters_figure(oriented_kernels(), "Hand-made: 8 oriented edge "
                                     "detectors (what HOG measures)"), key="dvc.kernels")
    if result.filters is not None:
        right.plotly_chart(filters_figure(result.filters, "Learned: the network's first "
                                          "conv filters"), key="dvc.filters")
    else:
        right.info("This network has no convolution, so it has no filters to show: pick "
                   "the shapes CNN preset to see learned filters beside the hand-made ones.")


def render_curve(spec: Spec) -> None:
    regression = dataset_info(spec.dataset).regression
    st.markdown("How much data does each model need? Every model trains on growing shares "
                "of the same training split (several seeds) and is scored on the same test "
                "split. The network gets the same number of updates at every size.")
    a, b, c, d = st.columns([3, 3, 1, 1])
    keys = a.multiselect("Baselines", list(BASELINES), default=["logreg", "knn", "forest"],
                         format_func=lambda k: BASELINES[k].title(regression),
                         key="dvc.curve.baselines")
    sizes = b.multiselect("Training shares", SIZES, default=list(SIZES),
                          format_func=lambda f: f"{f:.0%}", key="dvc.curve.sizes")
    seeds = c.number_input("Seeds", 1, 5, 3, key="dvc.curve.seeds")
    epochs = d.number_input("Epochs at 100 %", 1, 200, min(spec.train.epochs, 20),
                            key="dvc.curve.epochs")
    buttons = st.container(horizontal=True)
    if buttons.button("Start learning curve", type="primary", key="dvc.curve.start"):
        if not sizes:
            st.error("Pick at least one training share.", icon=":material/error:")
        else:
            start("curve", learning_curve, f"{spec.dataset.name}, {seeds} seeds", spec,
                  tuple(keys), tuple(sizes), int(seeds), int(epochs),
                  extra={"regression": regression})
    with buttons:
        stop_button("curve")
    render_live("curve", _draw_curve, "Press **Start learning curve**.")


def _draw_curve(started: Started, status: JobStatus) -> None:
    points = started.rows.rows()
    if not points:
        return
    summaries = summarize(points)
    words = overtakes(summaries) if not status.active else ""
    if words:
        st.success(md(words), icon=":material/insights:")
    st.plotly_chart(learning_curves(summaries, started.extra["regression"]),
                    key="dvc.curve.figure")
