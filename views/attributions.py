"""Why did it decide that? Captum attributions on the user's own model."""

import streamlit as st

from playground.datakinds import DATA_KINDS
from playground.errors import SpecError
from playground.shapes import analyze
from playground.ui import attributions_view as view
from playground.ui.generative_inspection_view import (
    choose_network,
    render_discriminator_attributions,
)
from playground.ui.inputs import choose_input
from playground.ui.state import get_spec, require_runner
from playground.ui.text import md

st.title("Attributions")
st.caption("Which parts of the input made the model choose a class? Attribution methods "
           "answer with a score per pixel, feature or token. Different methods (and "
           "baselines) give different answers — comparing them is part of the lesson.")

if choose_network("attributions", ("discriminator",)) is not None:  # the GAN's
    render_discriminator_attributions()
    st.stop()

spec = get_spec()
runner = require_runner()

data = runner.trainer.data
report = analyze(spec)
model, model_key = runner.model_copy()
if runner.snapshot().untrained:
    st.info("This model is untrained: its attributions explain random weights. Train it on "
            "the Train page first for explanations worth reading.")

with st.container(border=True):
    chosen = choose_input(data, model, key="attributions", model_key=model_key)

try:
    with st.container(border=True):
        request = view.choose_request(model, data, report, chosen, seed=spec.train.seed)
    mean = view.data_mean(model, data, report, model_key)
except SpecError as exc:
    st.error(md(exc))
    st.stop()

kind = DATA_KINDS[data.info.kind]
tabs = ["Explain this input", "Compare methods"]
if kind.input_form == "features":  # a few named measurements: rank them over the test set
    tabs.append("Across the dataset")
if kind.plane:
    tabs.append("Over the plane")
shown = st.segmented_control("View", tabs, default=tabs[0], key="attr_view") or tabs[0]

if shown == "Explain this input":
    view.show_one(model, model_key, data, chosen, request, mean)
elif shown == "Compare methods":
    view.show_compare(model, model_key, data, report, chosen, request, mean)
elif shown == "Across the dataset":
    view.show_dataset(model, model_key, data, request, mean)
else:
    view.show_plane(model, model_key, data, chosen, request, mean)
