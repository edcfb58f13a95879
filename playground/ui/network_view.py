"""The live shape table and the network diagram for the current spec, both cached on
plain values so an unrelated widget change rebuilds neither."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from playground.classic.macs import total_macs
from playground.limits import current_limits
from playground.shapes import ShapeReport
from playground.spec import Spec
from playground.ui.text import md
from playground.viz.network import Block, network_blocks, network_figure
from playground.viz.tables import shape_table

_ERROR_ROW = "background-color: rgba(213, 94, 0, 0.15)"
_MACS_HELP = ("Multiply-accumulates one example costs in this layer's forward pass: the "
              "compute cost. Activations and pooling count as 0; training costs about three "
              "times the total (the backward pass adds two products per weight).")


@st.cache_data(max_entries=64, show_spinner=False)
def _diagram(blocks: tuple[Block, ...]) -> go.Figure:
    return network_figure(blocks)


def report_blocks(report: ShapeReport, spec: Spec) -> tuple[Block, ...]:
    """Plain, hashable blocks for the diagram (the cache key of its figure)."""
    return network_blocks(report.info.input_shape, report.rows, spec.layers,
                          report.error_index)


def render_diagram(report: ShapeReport, spec: Spec) -> None:
    """The network diagram, rebuilt only when a block changed."""
    st.plotly_chart(_diagram(report_blocks(report, spec)), key="network_diagram",
                    config={"displayModeBar": False})


def render_shape_table(report: ShapeReport, spec: Spec) -> None:
    """Per-layer shapes, parameter counts and MACs, the head and the totals; the invalid
    layer is highlighted and its message repeated under the table."""
    frame = shape_table(report, spec.layers)
    shown = frame.drop(columns=["Input"]).assign(  # the input is the row above's output
        Parameters=[f"{v:,}" if pd.notna(v) else "" for v in frame["Parameters"]],
        MACs=[f"{v:,}" if pd.notna(v) else "" for v in frame["MACs"]])
    styled = shown.style.apply(
        lambda row: [_ERROR_ROW if row["Status"].startswith("✗") else ""] * len(row), axis=1)
    st.dataframe(styled, hide_index=True, key="shape_table", height=38 + 35 * len(frame),
                 column_config={"MACs": st.column_config.TextColumn(
                     "MACs", help=_MACS_HELP)})
    cap = current_limits().max_parameters
    if report.ok:
        st.markdown(f"**Total: {report.total_parameters:,} parameters, "
                    f"{total_macs(report):,} MACs per example** "
                    f":gray[(this server allows up to {cap:,} parameters)]")
    else:
        st.error(f"The network is invalid: {md(report.error)}")
