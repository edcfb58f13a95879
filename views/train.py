"""Train: settings, run controls and the live view of the session's run."""

import streamlit as st

from playground.ui.export_view import render_export, render_model_in
from playground.ui.live_view import render_live_view
from playground.ui.state import get_spec, require_runner
from playground.ui.train_controls import render_controls, render_settings, show_notices

st.title("Train")
st.caption("Watch the network learn: the loss falls, the accuracy rises and the predictions "
           "change as the weights are updated batch by batch. Training goes on while you "
           "visit other pages.")

with st.expander("Training settings", expanded=True, icon=":material/tune:"):
    render_settings(get_spec())

show_notices()
runner = require_runner()
render_controls(runner, runner.snapshot())
render_live_view(runner, get_spec())
with st.expander("Model out: weights, TorchScript, ONNX, a PyTorch script",
                 icon=":material/output:"):
    render_export(runner, get_spec())
with st.expander("Model in: continue from saved weights", icon=":material/input:"):
    render_model_in()
