"""Generative: a GAN trained live on 2D points."""

import streamlit as st

from playground.ui.generative_view import render_controls, render_live, render_setup

st.title("Generative")
st.caption("A generative adversarial network on 2D points, trained live. The generator "
           "turns random noise into points; the discriminator learns to tell them from the "
           "real data; each improves against the other. Watch the discriminator's view of "
           "the plane, the generator's push on its points, and whether every mode of the "
           "data is covered.")

render_setup()
st.divider()
render_controls()
render_live()
