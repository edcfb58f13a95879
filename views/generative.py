"""Generative: a GAN and a diffusion model trained live on 2D points."""

import streamlit as st

from playground.ui.diffusion_view import render_diffusion
from playground.ui.generative_view import (
    render_controls,
    render_drawing,
    render_live,
    render_setup,
)

st.title("Generative")
st.caption("Two generative models on 2D points, trained live. In the **GAN** the generator "
           "turns random noise into points and the discriminator learns to tell them from the "
           "real data; each improves against the other. The **diffusion** model adds noise to "
           "the data step by step and a denoiser learns to undo it, so sampling runs the "
           "chain backwards from pure noise. Watch whether every mode of the data is "
           "covered.")

with st.expander("Draw your own target: click on the plane", icon=":material/draw:"):
    render_drawing()

gan_tab, diffusion_tab = st.tabs(["GAN", "Diffusion"])
with gan_tab:
    render_setup()
    st.divider()
    render_controls()
    render_live()
with diffusion_tab:
    st.caption("A diffusion model instead: noise is added to the data step by step until "
               "nothing is left, and a denoiser learns to undo one step at a time.")
    render_diffusion()
