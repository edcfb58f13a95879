"""Preset cards for the home page: one click loads a preset and opens the build page."""

from __future__ import annotations

import streamlit as st

from playground.datasets import DATASETS
from playground.devices import available_devices, describe_device, resolve_device
from playground.errors import SpecError
from playground.presets import PRESETS
from playground.shapes import analyze
from playground.ui.spec_files import load_preset
from playground.ui.state import get_spec, switch_page
from playground.ui.text import md

BUILD_PAGE = "views/build.py"
_KIND_ICONS = {"2d": ":material/scatter_plot:", "1d": ":material/show_chart:",
               "image": ":material/image:",
               "tabular": ":material/table_chart:", "sequence": ":material/text_fields:",
               "text": ":material/article:"}


@st.cache_data(show_spinner=False)
def preset_summary(name: str) -> tuple[str, str, int, int]:
    """(dataset name, dataset kind, hidden layer count, parameter count) of a preset."""
    spec = PRESETS[name].spec()
    report = analyze(spec)
    return (spec.dataset.name, DATASETS[spec.dataset.name].kind, len(spec.layers),
            report.total_parameters)


def open_preset(name: str) -> None:
    """Load the preset, then switch to the build page."""
    load_preset(name)
    switch_page(BUILD_PAGE)


def render_preset_cards(columns: int = 4) -> None:
    """A grid of preset cards, each with an Open button."""
    names = list(PRESETS)
    for start in range(0, len(names), columns):  # row by row, so the cards line up
        for col, name in zip(st.columns(columns), names[start:start + columns], strict=False):
            _card(col, name)


def _card(col, name: str) -> None:
    preset = PRESETS[name]
    dataset, kind, n_layers, n_params = preset_summary(name)
    with col.container(border=True, key=f"preset-{name}"):
        st.markdown(f"{_KIND_ICONS.get(kind, '')} **{preset.title}**")
        st.caption(preset.description)
        st.caption(f"{dataset} · {n_layers} layers + head · {n_params:,} parameters")
        if st.button("Open", key=f"preset.{name}", icon=":material/arrow_forward:",
                     type="primary"):
            open_preset(name)


def device_label() -> str:
    """The device training will use, and which other accelerators this machine offers."""
    try:
        device = resolve_device(get_spec().train.device)
        note = ""
    except SpecError as exc:  # the spec asks for a device this machine lacks
        device, note = resolve_device("auto"), f" ({md(exc)})"
    others = [{"cuda": "CUDA", "mps": "Apple MPS"}[n] for n, ok in available_devices().items()
              if ok and n in ("cuda", "mps") and n != device.type]
    extra = f" Also available: {', '.join(others)}." if others else ""
    return f"Training runs on **{describe_device(device)}**{note}.{extra}"
