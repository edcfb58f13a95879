"""Language model: a character-level model the learner trains on shipped or own text, the
samples it writes as it learns, generation with sampling controls, and reading it."""

import streamlit as st

from playground.ui import language_view as view
from playground.ui.state import get_runner, get_spec, runner_error
from playground.ui.text import md

st.title("Language model")
st.caption("Predict the next character, over and over: that is all a language model learns. "
           "Train one on a text and watch its samples go from gibberish to spelling, then "
           "words, then grammar; then write with it and read how it chose.")

spec = get_spec()
if spec.dataset.name not in view.SOURCES:
    view.offer_presets("The current network does not learn from a text. Load a language "
                       "model preset: both read a text one character at a time and predict "
                       "the next one.")
    st.stop()

st.header("The text")
view.render_text_source(spec)
runner = get_runner()
if runner is None:
    st.error(md(runner_error() or "The current network cannot be built."))
    view.offer_presets("Fix the network on the Build page, or load a preset that works.")
    st.stop()
data = runner.trainer.data
view.text_summary(data)

st.header("Training")
view.render_training(runner)

st.header("Write with it")
written = view.render_generation(runner)
if written is None:
    st.stop()
st.header("How it reads the text")
view.render_attention(written, data)
st.header("Which prompt characters decided the next one")
view.render_attribution(written, data)
