"""Build: pick a dataset, stack layers, watch shapes and parameters update live."""

import streamlit as st

from playground.errors import SpecError
from playground.shapes import analyze
from playground.ui.dataset_picker import (
    dataset_editable,
    render_dataset_picker,
    render_dataset_preview,
)
from playground.ui.layer_cards import render_add_layer, render_layer_cards
from playground.ui.network_view import render_diagram, render_shape_table
from playground.ui.own_data_view import render_own_data
from playground.ui.spec_files import render_spec_files, show_flash
from playground.ui.state import get_spec
from playground.ui.text import md

st.title("Build a network")
show_flash()
spec = get_spec()

with st.expander("Presets, download and upload", icon=":material/folder_open:"):
    render_spec_files(spec)

st.subheader("1 · Data")
data_left, data_right = st.columns([1, 1.4], gap="large")
with data_left:
    render_dataset_picker(spec)
    if dataset_editable():  # own data replaces the dataset a lesson fixed
        with st.expander("Your own data: a table, points, pictures", icon=":material/upload:"):
            render_own_data(spec)
with data_right:
    render_dataset_preview(spec)

try:
    report = analyze(spec)
except SpecError as exc:  # the dataset itself could not be made
    st.error(md(exc))
    st.stop()

st.subheader("2 · Network")
st.caption("Data flows left to right. Block height shows each layer's width (units, channels "
           "or features) on a log scale; hover a block for its details.")
render_diagram(report, spec)

cards, table = st.columns([1.25, 1], gap="large")
with cards:
    st.markdown("**Layers**")
    render_layer_cards(spec, report)
    render_add_layer(spec)
with table:
    st.markdown("**Shapes and parameters**")
    render_shape_table(report, spec)
