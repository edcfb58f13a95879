"""The compact model summary shown on every page."""

from __future__ import annotations

import streamlit as st

from playground.devices import describe_device, resolve_device
from playground.errors import SpecError
from playground.shapes import analyze
from playground.ui.state import get_runner, get_spec


def render_sidebar() -> None:
    spec = get_spec()
    with st.sidebar:
        st.markdown("**Current model**")
        st.caption(f"Dataset: {spec.dataset.name}")
        report = analyze(spec)
        kinds = " → ".join(layer["type"] for layer in spec.layers) or "(no hidden layers)"
        st.caption(f"Layers: {kinds} → head")
        if report.ok:
            st.caption(f"Parameters: {report.total_parameters:,}")
            runner = get_runner()
            if runner is not None:
                snap = runner.snapshot()
                state = "training" if snap.running else ("diverged" if snap.diverged else
                                                         "paused" if snap.step else "untrained")
                st.caption(f"Training: {state}, epoch {snap.epoch}/{snap.epochs_budget}")
        else:
            st.caption(f":orange[Invalid network: {report.error}]")
        try:
            st.caption(f"Device: {describe_device(resolve_device(spec.train.device))}")
        except SpecError as exc:
            st.caption(f":orange[{exc}]")
