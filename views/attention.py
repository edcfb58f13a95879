"""Attention: where each position of a sequence looks, per layer and head, and how those maps
formed during training; for recurrent layers, the hidden state and gates over time."""

import streamlit as st

from playground.datasets import DATASETS
from playground.inspection.attention import (
    attention_sites,
    capture_attention,
)
from playground.inspection.recurrent import recurrent_sites, trace_recurrent
from playground.run_watchers import watchers
from playground.ui import attention_view as view
from playground.ui.state import get_runner, runner_error
from playground.ui.text import md

st.title("Attention")
st.caption("A sequence model mixes information between positions. Attention layers show "
           "exactly where each position looked; recurrent layers carry a state step by step.")

runner = get_runner()
if runner is None:
    st.error(md(runner_error() or "The current network cannot be built."))
    view.offer_preset("Fix the network on the Build page, or load a preset that works.")
    st.stop()

data = runner.trainer.data
info = data.info
model, _ = runner.model_copy()
if not info.tokens or not (attention_sites(model) or recurrent_sites(model)):
    view.offer_preset("The current model has no attention or recurrent layer, so there are "
                      "no attention maps or hidden states to show. Build one on a sequence "
                      "dataset, or load a preset.")
    st.stop()

chosen = view.choose_input(data)
if chosen is None:
    st.stop()
x, target = chosen
tokens = [info.vocab[int(i)] for i in x]
running = runner.running
mirror = DATASETS[info.name].attention_pattern == "mirror"  # the task's own attention, measured


@st.fragment(run_every=1.5 if running else None)
def maps_and_states() -> None:
    """Everything read off the weights; redrawn from a fresh copy while training runs."""
    if running and not runner.running:
        st.rerun()  # the run ended: redraw once more and stop polling
    view.status_line(runner)
    model, _ = runner.model_copy()
    logits, maps = capture_attention(model, x)
    view.show_prediction(info, x, target, logits)
    if maps:
        st.header("Attention maps")
        overall = view.test_set_scores(model, data)
        for amap, whole in zip(maps, overall, strict=True):
            view.show_attention_layer(amap, whole, tokens, mirror)
        view.show_history(watchers(runner).attention, info.vocab, mirror)
    traces = trace_recurrent(model, x)
    if traces:
        st.header("Recurrent layers over time")
        for trace in traces:
            view.show_recurrent(trace, tokens)


maps_and_states()
