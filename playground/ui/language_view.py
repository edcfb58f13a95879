"""The Language model page's sections: the text it learns from (shipped or the learner's own),
live bits per character against the baselines with the samples timeline, generation with its
sampling controls and next-token bars, attention over the generated text and attributions
over the prompt."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
import torch
from torch import nn

from playground.attribution.compute import attribute
from playground.attribution.methods import METHODS
from playground.datasets import DATASETS, Data
from playground.errors import SpecError
from playground.inspection.attention import attention_sites, capture_attention
from playground.inspection.recurrent import trace_recurrent
from playground.language.baselines import Baselines, bits
from playground.language.corpus import MIN_TEXT_CHARS, OWN_TEXTS, check_text, encode, shown
from playground.language.runs import data_baselines, pad_id
from playground.language.sampling import (
    Generation,
    Sampling,
    generate,
    model_probs,
    next_logits,
    window,
)
from playground.language.timeline import SampleTimeline, watch_prompt
from playground.limits import current_limits
from playground.presets import PRESETS
from playground.run_watchers import watchers
from playground.runner import ModelKey, Runner
from playground.spec import Spec
from playground.ui.attention_view import show_recurrent
from playground.ui.state import derived, set_spec
from playground.ui.text import md
from playground.ui.train_controls import render_controls, show_notices
from playground.viz.attention import attention_heads_figure
from playground.viz.attributions import token_heatmap
from playground.viz.language import (
    bits_curve,
    next_token_bars,
    sureness_figure,
    timeline_figure,
)

LM_PRESETS = ("char_transformer", "char_lstm")
SOURCES = {"grammar_text": "the grammar's sentences",
           "guide_text": "the playground's guide (57 kB of English)",
           "own_text": "your own text"}
POLL_SECONDS = 1.5
CANDIDATES = 10  # next tokens offered for the attribution
TOKEN_METHODS = tuple(name for name, m in METHODS.items() if m.supports("text"))


@dataclass(frozen=True)
class Written:
    """What the generation section wrote, with the model state that wrote it."""

    model: nn.Module
    key: ModelKey
    prompt: str
    text: str
    seed: int


def offer_presets(reason: str) -> None:
    """Say why there is nothing to show and offer the two language-model presets."""
    st.info(reason)
    cols = st.columns(len(LM_PRESETS))
    for col, name in zip(cols, LM_PRESETS, strict=True):
        preset = PRESETS[name]
        if col.button(f"Load the {preset.title} preset", key=f"lm_load_{name}",
                      type="primary", width="stretch"):
            set_spec(preset.spec(), what=f"open the {preset.title} preset")
            st.rerun()
        col.caption(preset.description)


def _use(spec: Spec, name: str, params: dict, what: str) -> None:
    try:
        new = spec.with_dataset(name, params)
    except SpecError as exc:
        st.error(md(exc))
        return
    set_spec(new, what=what)
    st.rerun()


def render_text_source(spec: Spec) -> None:
    """Which text the model learns from, its context length, and the learner's own text."""
    name, params = spec.dataset.name, dict(spec.dataset.params)
    context = int(params.get("context", 32))
    left, right = st.columns([3, 1])
    choice = left.radio("Learn from", list(SOURCES), format_func=SOURCES.get,
                        index=list(SOURCES).index(name), horizontal=True,
                        key=f"lm_source_{name}",
                        help="Switching the text starts again from new weights; Undo in the "
                             "sidebar brings the trained model back.")
    new_context = int(right.number_input(
        "Context (characters)", 4, 128, context, key=f"lm_context_{name}_{context}",
        help="How many characters the model sees at once; each one predicts the next."))
    if choice != name and choice != "own_text":
        _use(spec, choice, {"context": context}, f"train on {SOURCES[choice]}")
    elif new_context != context:
        _use(spec, name, {**params, "context": new_context},
             f"set the context to {new_context} characters")
    if choice == "own_text":
        _own_text_form(spec, context, has_text=name == "own_text" and bool(
            params.get("text_id")))
    st.caption(DATASETS[choice].description)


def _own_text_form(spec: Spec, context: int, has_text: bool) -> None:
    cap = current_limits().max_text_chars
    if not has_text:
        st.caption("Until you give a text, the model trains on the guide.")
    with st.form("lm_own_text", border=True):
        pasted = st.text_area(
            f"Paste a text ({MIN_TEXT_CHARS:,} to {cap:,} characters)", height=150,
            key="lm_paste", placeholder="A few pages of any plain text: a story, lyrics, code…")
        upload = st.file_uploader("…or upload a plain-text file (UTF-8)", type=["txt", "md"],
                                  key="lm_upload")
        sent = st.form_submit_button("Train on this text", type="primary",
                                     icon=":material/upload:")
    if not sent:
        return
    if upload is None and not pasted.strip():
        st.error("Paste a text into the box or choose a file first.")
        return
    what = f"The file {upload.name!r}" if upload is not None else "The pasted text"
    try:
        text = check_text(upload.getvalue() if upload is not None else pasted, what)
    except SpecError as exc:
        st.error(md(exc))
        return
    label = "train on a new text of yours" if has_text else "train on your own text"
    _use(spec, "own_text", {"text_id": OWN_TEXTS.keep(text), "context": context}, label)


def text_summary(data: Data) -> None:
    info = data.info
    n_train, context = data.x_train.shape
    st.caption(f"{len(info.vocab)} different characters · {n_train:,} training windows of "
               f"{context} characters · the last {len(data.x_test):,} windows of the text "
               "are held out as the test text.")


def _baselines(runner: Runner) -> Baselines:
    data = runner.trainer.data
    return derived("lm_baselines", runner.key.run_id, lambda: data_baselines(data))


def render_training(runner: Runner) -> None:
    """Run controls, then live bits per character and the samples timeline."""
    show_notices()
    render_controls(runner, runner.snapshot())
    running = runner.running
    base = _baselines(runner)

    @st.fragment(run_every=POLL_SECONDS if running else None)
    def live() -> None:
        snap = runner.snapshot()
        if running and not snap.running:
            st.rerun()  # the run ended: redraw the controls and stop polling
        last = snap.epochs[-1] if snap.epochs else {}
        cols = st.columns(5)
        cols[0].metric(f"Step (epoch {snap.epoch} of {snap.epochs_budget})", f"{snap.step:,}",
                       help="Batches trained so far; the test text is scored after each "
                            "epoch.")
        train = bits(last["train_loss"]) if last else None
        test = bits(last["test_loss"]) if last else None
        cols[1].metric("Train bits/char", f"{train:.3f}" if train else "–",
                       help="Cross-entropy on the training text, in bits: how many yes/no "
                            "questions the model still needs per character.")
        cols[2].metric("Test bits/char", f"{test:.3f}" if test else "–",
                       f"{test - base.bigram:+.3f} vs bigram" if test else None,
                       delta_color="inverse",
                       help="The same on the held-out end of the text, after each epoch.")
        cols[3].metric("Bigram baseline", f"{base.bigram:.3f}",
                       help="Counting which character follows which in the training text.")
        cols[4].metric("Unigram baseline", f"{base.unigram:.3f}",
                       help="Counting only how often each character occurs.")
        if snap.diverged:
            st.error(md(snap.diverged))
        st.plotly_chart(bits_curve(snap.step_loss, snap.epochs, base.unigram, base.bigram),
                        key="lm_bits")
        timeline = watchers(runner).samples
        if timeline is not None:
            render_timeline(timeline)

    live()


def render_timeline(timeline: SampleTimeline) -> None:
    samples = timeline.samples()
    latest = samples[-1]
    st.subheader("Samples while it trains")
    st.caption(f"Every few seconds of training the model continues “{md(timeline.prompt)}” with "
               "the same seed and temperature 0.8. Read them top to bottom: letters, then "
               "words, then phrases.")
    st.code(timeline.prompt + latest.text, language=None, wrap_lines=True)
    st.caption(f"Latest: step {latest.step:,} (epoch {latest.epoch}), "
               f"{latest.real_words:.0%} of its words are words of the training text"
               + (f", the grammar accepts {latest.accepted:.0%} of its sentences"
                  if latest.accepted is not None else "") + ".")
    grammar = latest.accepted is not None
    st.plotly_chart(timeline_figure([s.step for s in samples], [s.real_words for s in samples],
                                    [s.accepted or 0.0 for s in samples] if grammar else None),
                    key="lm_timeline")
    with st.expander(f"All {len(samples)} samples", icon=":material/history:"):
        table = pd.DataFrame({
            "step": [s.step for s in samples], "epoch": [s.epoch for s in samples],
            "real words": [f"{s.real_words:.0%}" for s in samples],
            "sample": [timeline.prompt + s.text for s in samples]})
        if grammar:
            table.insert(3, "accepted", [f"{s.accepted:.0%}" for s in samples])
        st.dataframe(table, hide_index=True, width="stretch")


def generation_controls(data: Data) -> tuple[str, int, Sampling, int] | None:
    """Prompt, length, temperature, top-k, top-p and seed; None when a value is refused."""
    vocab = data.info.vocab
    prompt = st.text_input("Prompt", value=watch_prompt(data), key=f"lm_prompt_{len(vocab)}",
                           help="The text the model continues, character by character.")
    cols = st.columns(5)
    n = int(cols[0].slider("Characters to write", 1, 400, 120, key="lm_tokens"))
    temperature = float(cols[1].slider(
        "Temperature", 0.0, 2.0, 0.8, 0.05, key="lm_temperature",
        help="Scores are divided by it before the softmax: below 1 sharpens, above 1 "
             "flattens, 0 always writes the most likely character (greedy)."))
    top_k = int(cols[2].number_input(
        "Top-k", 0, len(vocab), 0, key="lm_top_k",
        help="Keep only the k most likely characters (0 keeps all)."))
    top_p = float(cols[3].slider(
        "Top-p", 0.05, 1.0, 1.0, 0.05, key="lm_top_p",
        help="Keep the fewest characters whose probabilities add up to p (nucleus)."))
    seed = int(cols[4].number_input("Seed", 0, 2**31 - 1, 0, key="lm_seed",
                                    help="The same seed and settings write the same text."))
    if not prompt:
        st.error("Type a prompt of at least one character to continue.")
        return None
    try:
        return prompt, n, Sampling(temperature, top_k, top_p), seed
    except SpecError as exc:
        st.error(md(exc))
        return None


def _generate(runner: Runner, prompt: str, n: int, sampling: Sampling,
              seed: int) -> tuple[nn.Module, ModelKey, Generation]:
    data = runner.trainer.data
    vocab = data.info.vocab
    model, key = runner.model_copy()
    ids = encode(prompt, vocab)
    gen = derived("lm_generation", (key, prompt, n, sampling, seed),
                  lambda: generate(model, ids, n, data.info.input_shape[0], sampling, seed,
                                   pad_id(vocab)))
    return model, key, gen


def render_generation(runner: Runner) -> Written | None:
    """Generate from a prompt; what was written feeds the sections below."""
    data = runner.trainer.data
    vocab = data.info.vocab
    chosen = generation_controls(data)
    if chosen is None:
        return None
    prompt, n, sampling, seed = chosen
    try:
        model, key, gen = _generate(runner, prompt, n, sampling, seed)
    except SpecError as exc:  # a prompt character the text never has
        st.error(md(exc))
        return None
    written = "".join(vocab[int(i)] for i in gen.tokens)
    st.code(prompt + written, language=None, wrap_lines=True)
    st.caption(f"The first {len(prompt)} characters are your prompt; the model wrote the "
               f"other {len(written)}, each drawn from its distribution after the one "
               "before (hover the bars below).")
    steps = np.arange(len(gen.tokens))
    chosen_p = gen.model[steps, gen.tokens]
    st.plotly_chart(sureness_figure(list(written), chosen_p, gen.model.max(1)),
                    key="lm_sureness")
    st.caption(f"Mean probability of what it wrote: {chosen_p.mean():.0%}. A tall grey bar "
               "over a short coloured one: the sampler took a less likely character.")
    position = int(st.slider("Next-token distribution at generated position", 1, len(written),
                             1, key=f"lm_position_{len(written)}"))
    i = position - 1
    st.plotly_chart(next_token_bars(vocab, gen.model[i], gen.drawn[i], int(gen.tokens[i]),
                                    prompt + written[:i]), key="lm_next_bars")
    kept = int((gen.drawn[i] > 0).sum())
    st.caption(f"At position {position} the sampler could draw {kept} of {len(vocab)} "
               "characters. Move the temperature, top-k or top-p: the orange bars change at "
               "once, the blue ones (the model's own belief) do not.")
    return Written(model, key, prompt, written, seed)


def render_attention(written: Written, data: Data) -> None:
    """Attention per layer and head over the last context window of the generated text
    (attention models), or the hidden state over it (recurrent models)."""
    vocab = data.info.vocab
    context = data.info.input_shape[0]
    model = written.model
    x, at = window(encode(written.prompt + written.text, vocab), context, pad_id(vocab))
    tokens = [shown(vocab[int(i)]) for i in x[: at + 1]]
    if attention_sites(model):
        _, maps = capture_attention(model, x)
        st.caption("The last window of the text above, as the model reads it. Each row is a "
                   "position looking back (the model is causal: never ahead); hover a cell.")
        for amap in maps:
            weights = amap.weights[0][:, : at + 1, : at + 1]
            st.plotly_chart(attention_heads_figure(weights, tokens,
                                                   f"{amap.label.capitalize()}: per head",
                                                   columns=2),
                            key=f"lm_attention_{amap.index}")
        return
    traces = trace_recurrent(model, x[None, : at + 1])
    if not traces:
        st.info("This model has neither attention nor recurrent layers to read.")
        return
    st.caption("This model has no attention: a recurrent layer carries a state from one "
               "character to the next. Its state over the last window of the text above:")
    for trace in traces:
        show_recurrent(trace, tokens)


def render_attribution(written: Written, data: Data) -> None:
    """Which prompt characters push the model towards a chosen next character."""
    model, prompt, seed = written.model, written.prompt, written.seed
    vocab = data.info.vocab
    context = data.info.input_shape[0]
    ids = encode(prompt, vocab)
    x, at = window(ids, context, pad_id(vocab))
    probs = model_probs(next_logits(model, ids, context, pad_id(vocab)))
    order = [int(i) for i in np.argsort(-probs, kind="stable")[:CANDIDATES]]
    left, right = st.columns(2)
    target = left.selectbox("Next character to explain", order, key="lm_attr_target",
                            format_func=lambda i: f"{shown(vocab[i])}  ({probs[i]:.1%})")
    method = right.selectbox("Method", TOKEN_METHODS, key="lm_attr_method",
                             index=TOKEN_METHODS.index("integrated_gradients"),
                             format_func=lambda m: METHODS[m].title)
    tokens = [shown(vocab[int(i)]) for i in x[: at + 1]]

    def compute() -> np.ndarray:
        values = attribute(model, torch.as_tensor(x[None]), target, method, position=at,
                           seed=seed)
        return values[0, : at + 1].numpy()

    try:
        values = derived("lm_attribution", (written.key, tuple(x), at, target, method, seed),
                         compute)
    except SpecError as exc:
        st.error(md(exc))
        return
    st.plotly_chart(token_heatmap(tokens, values, f"{METHODS[method].title}: which prompt "
                                  f"characters push towards {shown(vocab[target])!r}"),
                    key="lm_attribution")
    st.caption(METHODS[method].description + " Orange pushes towards the chosen character, "
               "blue away from it. Only the last window of the prompt is read.")
