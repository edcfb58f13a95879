"""Depth: the same data trained with 0 to 4 hidden layers side by side, live."""

import streamlit as st

from playground.ui.depth_view import choose_data, render_controls, render_results

st.title("Depth")
st.caption("Why depth matters: the same data, training settings and seed, with 0 to 4 hidden "
           "layers trained side by side. With no hidden layer a network is a linear model: "
           "on 2D points its boundary is one straight line, and a spiral defeats it. Each "
           "layer re-represents what the one before found, so deeper networks can bend the "
           "boundary further — often with fewer parameters than one very wide layer.")

spec, source = choose_data()
render_controls(spec, source)
st.divider()
render_results()
