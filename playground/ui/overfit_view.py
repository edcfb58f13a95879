"""The Deep vs classic page's later sections: overfitting and its remedies, compute, and
the session's kept runs compared."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from playground.augment import augment_preview
from playground.classic.compute import cost_plans, spec_macs, time_plans
from playground.classic.overfitting import (
    AUGMENT,
    REMEDY_NAMES,
    WIDTH_FACTORS,
    remedies_for,
    remedy_plans,
    run_plans,
    width_plans,
)
from playground.datasets import dataset_info, make_data
from playground.errors import SpecError
from playground.jobs import JobStatus
from playground.run_list import runs_csv, spec_diff
from playground.spec import Spec
from playground.ui.classic_jobs import Started, render_live, start, stop_button
from playground.ui.state import get_session, peek_runner
from playground.ui.text import md
from playground.viz.classic import (
    cost_curves,
    gap_by_size,
    remedy_curves,
    remedy_gaps,
    runs_overlay,
)
from playground.viz.data import image_grid, pick_examples


def render_overfitting(spec: Spec) -> None:
    regression = dataset_info(spec.dataset).regression
    st.markdown("A network with more parameters than examples can memorise its training "
                "set: train score climbs to 100 % while the test score stalls. Scale your "
                "network's width, or keep it and add one remedy at a time. Tip: a small "
                "**training share** on the Build page makes overfitting easy to see.")
    a, b, c = st.columns([2, 3, 1])
    factors = a.multiselect("Widths (× yours)", WIDTH_FACTORS, default=list(WIDTH_FACTORS),
                            format_func=lambda f: f"{f:g}×", key="dvc.fit.widths")
    offered = remedies_for(spec)  # data augmentation only for image datasets
    remedies = b.multiselect("Remedies", offered, default=list(offered),
                             format_func=REMEDY_NAMES.get, key="dvc.fit.remedies")
    epochs = c.number_input("Epochs", 1, 500, max(spec.train.epochs, 40),
                            key="dvc.fit.epochs")
    buttons = st.container(horizontal=True)
    for job, label, plans_of in (("widths", "Run width sweep", width_plans),
                                 ("remedies", "Run remedies", remedy_plans)):
        if buttons.button(label, type="primary", key=f"dvc.{job}.start"):
            try:
                plans = plans_of(spec, factors if job == "widths" else remedies)
            except SpecError as exc:
                st.error(md(exc), icon=":material/error:")
                continue
            start(job, run_plans, f"{spec.dataset.name}, {epochs} epochs", plans,
                  int(epochs), extra={"regression": regression})
    with buttons:
        stop_button("widths")
        stop_button("remedies")
    render_live("widths", _draw_widths, "**Run width sweep**: the same network at several "
                "widths, the train/test gap against parameter count.")
    render_live("remedies", _draw_remedies, "**Run remedies**: the same run with dropout, "
                "an L2 penalty or early stopping"
                + (", or data augmentation (each training image shifted, turned and noised "
                   "afresh every epoch)" if "augment" in offered else "") + ", overlaid.")
    if "augment" in offered:
        with st.expander("What data augmentation does to a training image",
                         icon=":material/transform:"):
            _render_augment_preview(spec)


def _render_augment_preview(spec: Spec) -> None:
    """A few training images (top row) and three augmented versions of each, as the
    augmentation arm's network sees them; test images are never changed."""
    data = make_data(spec.dataset)
    picked = pick_examples(data.y_train, 1, 8)
    rows = augment_preview(data.x_train[picked], AUGMENT, spec.train.seed)  # (4, N, C, H, W)
    n = len(picked)
    labels = np.repeat(np.arange(len(rows)).clip(max=1), n)  # 0 "original", then 1
    st.plotly_chart(image_grid(rows.reshape(-1, *rows.shape[2:]), labels,
                               ("original", "augmented"), columns=n,
                               title="Training images: as stored (top) and augmented"),
                    key="dvc.augment.preview", config={"displayModeBar": False})
    st.caption("Top row: training images as stored. Below: the same images shifted, turned "
               "and noised as in three different epochs. The network never sees the same "
               "pixels twice, so it cannot memorise them; the test images stay as they are. "
               "Digits are already centred, so a shift also teaches an invariance the test "
               "set never asks for, and the test score can drop while the gap narrows.")


def _fit_frame(rows, regression: bool) -> pd.DataFrame:
    score = "R²" if regression else "accuracy"
    return pd.DataFrame({
        "model": [r.label for r in rows], "parameters": [r.parameters for r in rows],
        f"train {score}": [round(r.train_score, 4) for r in rows],
        f"test {score}": [round(r.test_score, 4) for r in rows],
        "gap": [round(r.gap, 4) for r in rows],
        "test − train loss": [round(r.loss_gap, 4) for r in rows],
        "best epoch": [r.best_epoch for r in rows],
        "epochs trained": [len(r.epochs) for r in rows]})


def _draw_widths(started: Started, status: JobStatus) -> None:
    rows = started.rows.rows()
    if rows:
        st.plotly_chart(gap_by_size(rows, started.extra["regression"]), key="dvc.widths.fig")
        st.dataframe(_fit_frame(rows, started.extra["regression"]), hide_index=True)


def _draw_remedies(started: Started, status: JobStatus) -> None:
    rows = started.rows.rows()
    if not rows:
        return
    left, right = st.columns([3, 2])
    left.plotly_chart(remedy_curves(rows), key="dvc.remedies.curves")
    right.plotly_chart(remedy_gaps(rows), key="dvc.remedies.gaps")
    st.dataframe(_fit_frame(rows, started.extra["regression"]), hide_index=True)
    for r in rows:
        if r.stopped:
            st.caption(md(f"{r.label}: {r.stopped}"))


def render_compute(spec: Spec) -> None:
    try:
        macs = spec_macs(spec)
    except SpecError as exc:
        st.error(md(exc), icon=":material/error:")
        return
    total = sum(m for _, m in macs)
    st.markdown(f"One example costs your network **{total:,} multiply-accumulates** (MACs) "
                "in the forward pass; training costs about three times that (forward, and "
                "the backward pass's two products).")
    st.dataframe(pd.DataFrame({"layer": [n for n, _ in macs],
                               "MACs per example": [m for _, m in macs]}),
                 hide_index=True, key="dvc.macs")
    runner = peek_runner()
    if runner is not None:
        snap = runner.snapshot()
        if snap.step:
            st.caption(f"Your run: {runner.trainer.train_seconds:.1f} s of training, "
                       f"{snap.samples_per_second:,.0f} samples per second on {snap.device}.")
    buttons = st.container(horizontal=True)
    if buttons.button("Time width and depth", type="primary", key="dvc.cost.start"):
        try:
            plans = cost_plans(spec)
        except SpecError as exc:
            st.error(md(exc), icon=":material/error:")
        else:
            start("cost", time_plans, f"{spec.dataset.name}", plans)
    with buttons:
        stop_button("cost")
    render_live("cost", _draw_cost, "**Time width and depth**: each variant trains 40 "
                "batches and its speed is measured.")


def _draw_cost(started: Started, status: JobStatus) -> None:
    rows = started.rows.rows()
    if not rows:
        return
    left, right = st.columns(2)
    if any(r.axis == "width" for r in rows):
        left.plotly_chart(cost_curves(rows, "width"), key="dvc.cost.width")
    if any(r.axis == "depth" for r in rows):
        right.plotly_chart(cost_curves(rows, "depth"), key="dvc.cost.depth")


def render_runs() -> None:
    session = get_session()
    runner = session.peek()
    if runner is not None:
        session.runs.keep(runner)  # the current run, once it has finished
        if st.button("Keep the current run now", key="dvc.runs.keep"):
            if session.runs.keep(runner, finished_only=False) is None:
                st.info("Nothing new to keep: the run has not trained, or is kept already.")
    runs = session.runs.runs()
    if not runs:
        st.caption("No runs kept yet. Every run that finishes its epoch budget (or stops "
                   "early) is kept here when you change the network or open this page.")
        return
    test_key = "test_r2" if "test_r2" in runs[-1].metrics else "test_accuracy"
    st.dataframe(pd.DataFrame({
        "run": [r.number for r in runs], "network": [r.label for r in runs],
        "parameters": [r.parameters for r in runs],
        test_key: [round(r.metrics.get(test_key, float("nan")), 4) for r in runs],
        "test loss": [round(r.metrics["test_loss"], 4) for r in runs],
        "training (s)": [round(r.train_seconds, 2) for r in runs],
        "samples/s": [round(r.samples_per_second) for r in runs],
        "device": [r.device for r in runs]}), hide_index=True, key="dvc.runs.table")
    numbers = [r.number for r in runs]
    chosen = st.multiselect("Overlay runs", numbers, default=numbers[-2:],
                            format_func=lambda n: f"run {n}", key="dvc.runs.chosen")
    picked = [r for r in runs if r.number in chosen]
    left, right = st.columns(2)
    left.plotly_chart(runs_overlay(picked, "test_loss", "loss"), key="dvc.runs.loss")
    right.plotly_chart(runs_overlay(picked, test_key, test_key.replace("test_", ""),
                                    percent=test_key == "test_accuracy"),
                       key="dvc.runs.score")
    if len(picked) >= 2:
        for r in picked[1:]:
            diff = spec_diff(picked[0].spec, r.spec) or ["the same spec"]
            st.caption(md(f"run {picked[0].number} → run {r.number}: " + "; ".join(diff)))
    a, b, c = st.columns([2, 1, 1])
    number = a.selectbox("Run", numbers, index=len(numbers) - 1,
                         format_func=lambda n: f"run {n}", key="dvc.runs.one")
    if b.button("Restore as current", key="dvc.runs.restore"):
        session.restore_run(number)
        st.rerun()
    if c.button("Remove", key="dvc.runs.remove"):
        session.runs.remove(number)
        st.rerun()
    st.download_button("Download runs as CSV", runs_csv(runs), "runs.csv", "text/csv",
                       key="dvc.runs.csv")
