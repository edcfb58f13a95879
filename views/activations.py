"""Look inside: what every layer of the current model computes, also while it trains."""

import streamlit as st

from playground.datakinds import DATA_KINDS
from playground.ui.activations_view import render_views
from playground.ui.generative_inspection_view import (
    choose_network,
    render_generative_activations,
)
from playground.ui.inputs import choose_input
from playground.ui.state import get_spec, require_runner

st.title("Activations")
st.caption("Each layer re-represents its input. Pick an input and follow it through the "
           "network: early convolution filters respond to edges, later maps to parts and "
           "whole shapes, and the head turns the last layer into class scores.")

network = choose_network("activations", ("generator", "discriminator", "denoiser"))
if network is not None:  # a network of the Generative page's GAN or diffusion run
    render_generative_activations(network)
    st.stop()

spec = get_spec()
runner = require_runner()

data = runner.trainer.data
model, model_key = runner.model_copy()

with st.container(border=True):
    chosen = choose_input(data, model, key="activations", model_key=model_key)

controls = st.columns([2, 2, 3])
view = controls[0].segmented_control(
    "Show", ["Layers", "Health"], default="Layers", key="activations_view",
    help="Layers: what each layer outputs for the chosen input. Health: dead and saturated "
         "units, activation histograms and gradient norms per layer.") or "Layers"
per_input = False
if DATA_KINDS[data.info.kind].input_form == "image" and view == "Layers":
    per_input = controls[1].toggle(
        "Filters per input channel", key="activations_per_input",
        help="Deeper filters read several input channels; show each slice instead of "
             "their average.")

render_views(runner, data, chosen, view, per_input)
