"""Deep vs classic: the network against traditional machine learning on the same split,
data hunger, overfitting, compute, and the session's runs compared."""

import streamlit as st

from playground.ui.classic_view import choose_data, render_baselines, render_curve
from playground.ui.overfit_view import (
    render_compute,
    render_overfitting,
    render_runs,
)

st.title("Deep vs classic")
st.caption("Deep learning's claims, measured on your own data: it learns features that "
           "traditional models need made by hand, it needs more data, it overfits, it "
           "costs more compute and it is harder to read. Each section is an experiment "
           "that runs in the background; see which claims come true here.")

SECTIONS = ("Baselines", "Learning curve", "Overfitting", "Compute", "Runs compared")
section = st.radio("Section", SECTIONS, horizontal=True, key="dvc.section",
                   label_visibility="collapsed")
if section == "Runs compared":
    render_runs()
else:
    spec, source = choose_data()
    if section == "Baselines":
        render_baselines(spec, source)
    elif section == "Learning curve":
        render_curve(spec)
    elif section == "Overfitting":
        render_overfitting(spec)
    else:
        render_compute(spec)
