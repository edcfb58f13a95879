"""Home: what the playground is, one-click presets, and the device training runs on."""

import streamlit as st

from playground.ui.preset_cards import BUILD_PAGE, device_label, render_preset_cards

st.title("Deep Learning Playground")
st.markdown(
    "Build a neural network layer by layer, train it live and look inside it — activations, "
    "attention maps and attributions — to see how deep learning learns and where it fails. "
    "Start from a preset below or open the builder, and everything you build is kept in "
    "the page's link, ready to share or reload."
)
st.info(device_label(), icon=":material/memory:")

st.subheader("Start from a preset")
st.caption("Each card loads a dataset and a network in one click and opens the builder.")
render_preset_cards(columns=4)

st.page_link(BUILD_PAGE, label="Or open the builder with the current network",
             icon=":material/construction:")
