"""The compact model summary shown on every page: dataset, layers, parameters, training
state and device."""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.datakinds import DATA_KINDS
from playground.datasets import DATASETS
from playground.devices import describe_device, resolve_device
from playground.errors import SpecError
from playground.layers import LAYERS
from playground.shapes import analyze
from playground.spec import Spec
from playground.ui.state import get_spec, keep_spec_in_url, peek_runner, pop_notice
from playground.ui.text import md


def layer_label(layer: dict[str, Any]) -> str:
    """'linear(32)', 'conv2d(16)', 'relu': the kind with its first parameter, if any."""
    kind = LAYERS[layer["type"]]
    if not kind.params:
        return kind.name
    value = layer.get(kind.params[0].name, kind.params[0].default)
    return f"{kind.name}({value:g})" if isinstance(value, (int, float)) else \
        f"{kind.name}({value})"


def layers_summary(spec: Spec, num_classes: int | None) -> str:
    """The layer stack on one line, ending with the automatic head (its units: one per
    class, or 1 for regression)."""
    head = f"head({num_classes})" if num_classes else "head"
    return " → ".join([*(layer_label(layer) for layer in spec.layers), head])


def training_summary(snap: Any) -> str:
    """One line from a runner Snapshot: state, epoch and the latest test accuracy (regression:
    test RMSE and R²)."""
    if snap.diverged:
        state = "diverged"
    elif getattr(snap, "queued", 0):
        state = f"queued ({snap.queued} in line)"
    elif snap.running:
        state = "training"
    elif snap.done:
        state = "finished"
    elif snap.untrained:
        return "untrained"
    else:
        state = "paused"
    line = f"{state}, epoch {snap.epoch}/{snap.epochs_budget}"
    last = snap.epochs[-1] if snap.epochs else {}
    if "test_r2" in last:
        line += f", test RMSE {last['test_rmse']:.3g}, R² {last['test_r2']:.2f}"
    elif "test_accuracy" in last:
        line += f", test accuracy {last['test_accuracy']:.0%}"
    return line


def _training_line(runner: Any) -> None:
    """The training state; while a run goes on it refreshes itself every 2 s."""
    running = runner is not None and runner.running

    @st.fragment(run_every=2.0 if running else None)
    def line() -> None:
        state = training_summary(runner.snapshot()) if runner is not None else "untrained"
        st.caption(f"Training: {state}")

    line()


def render_sidebar() -> None:
    """Dataset, layers, parameters, training state and device of the session's model."""
    keep_spec_in_url()
    spec = get_spec()
    with st.sidebar:
        if notice := pop_notice():
            st.warning(notice)  # built escaped where it is written (ui/state.py)
        st.markdown("**Current model**")
        kind = DATA_KINDS[DATASETS[spec.dataset.name].kind].label
        try:
            report = analyze(spec)
        except SpecError as exc:
            st.caption(f"Dataset: {md(spec.dataset.name)} ({kind})")
            st.caption(f":orange[{md(exc)}]")
            return
        info = report.info
        st.caption(f"Dataset: **{md(spec.dataset.name)}** ({kind}, {info.target_phrase})")
        st.caption(f"Layers: {md(layers_summary(spec, info.outputs))}")
        if report.ok:
            st.caption(f"Parameters: **{report.total_parameters:,}**")
            _training_line(peek_runner())  # never builds a model just to say "untrained"
        else:
            st.caption(f":orange[Invalid network: {md(report.error)}]")
        try:
            st.caption(f"Device: {describe_device(resolve_device(spec.train.device))}")
        except SpecError as exc:
            st.caption(f":orange[{md(exc)}]")
