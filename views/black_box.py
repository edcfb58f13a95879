"""The black-box problem: experiments that show why a model's explanations, accuracy and
confidence need checking. Each section runs in the background with progress."""

import streamlit as st

from playground.blackbox import EXPERIMENTS
from playground.errors import SpecError
from playground.ui.blackbox_experiments import closing_section, experiment_section
from playground.ui.text import md

CLOSING = "questions"

st.title("The black box")
st.caption("A network can be accurate without anyone being able to say why. Explanation "
           "methods promise to open it up — but an explanation is itself a claim that needs "
           "testing. Each experiment below is small enough to run in seconds; run it on "
           "your own model or on the preset it suggests.")

labels = {name: exp.title for name, exp in EXPERIMENTS.items()} | {
    CLOSING: "Before you trust a model"}
shown = st.segmented_control("Experiment", list(labels), format_func=labels.get,
                             default="interpretable", key="bb.section") or "interpretable"

try:
    with st.container(border=True):
        if shown == CLOSING:
            closing_section()
        else:
            experiment_section(shown)
except SpecError as exc:
    st.error(md(exc))

if shown != CLOSING:
    st.divider()
    closing_section()
