"""Learning loop: one iteration of the session's own network, stage by stage."""

import streamlit as st

from playground.ui.loop_view import render_controls, render_stages
from playground.ui.state import require_runner

st.title("Learning loop")
st.caption("Data in → forward pass → prediction → loss → backpropagation → gradient descent "
           "update → repeat. Take one real step of your network and read every stage; the "
           "numbers are the ones training uses, and the Train page carries on from them.")

runner = require_runner()
data = runner.trainer.data  # read-only arrays, safe outside the lock
render_controls(runner, data)
render_stages(runner, data)
