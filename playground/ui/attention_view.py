"""The Attention page's sections: choose an input, see the prediction, every attention layer's
maps (per head and averaged), how they formed during training, and recurrent states."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from torch import nn

from playground.datasets import Data, DatasetInfo
from playground.datasets.sequence import format_tokens, parse_tokens
from playground.errors import SpecError
from playground.inspection.activations import probabilities
from playground.inspection.attention import (
    AttentionMap,
    AttentionRecorder,
    capture_attention,
    focus,
    mirror_weight,
)
from playground.inspection.recurrent import TANH_GATES, RecurrentTrace
from playground.presets import PRESETS
from playground.runner import Runner
from playground.ui.state import set_spec
from playground.ui.text import md
from playground.viz.attention import (
    attention_heads_figure,
    attention_map_figure,
    attention_trend_figure,
)
from playground.viz.palette import CORRECT, WRONG
from playground.viz.recurrent import gates_figure, hidden_state_figure

PRESET = "reverse_attention"
READING_HINT = ("Each row is a query: one position of the input, looking. Its cells show how "
                "much it reads from each key position; a row sums to 1. Hover for the exact "
                "weight. A sharp diagonal means each position reads one other position.")


def offer_preset(reason: str) -> None:
    """Say why there is nothing to show, and offer the preset that has something."""
    st.info(reason)
    if st.button(f"Load the {PRESETS[PRESET].title} preset", key="attn_load_preset",
                 type="primary"):
        set_spec(PRESETS[PRESET].spec(), what="open the attention preset")
        st.rerun()
    st.caption(PRESETS[PRESET].description + " Train it on the Train page, then come back.")


def status_line(runner: Runner) -> None:
    snap = runner.snapshot()
    if snap.untrained:
        st.warning("This model is untrained, so its attention is close to random. Train it on "
                   "the Train page (or press Step there) and come back.")
        return
    last = snap.epochs[-1] if snap.epochs else {}
    acc = last.get("test_accuracy")
    text = f"Weights after step {snap.step} (epoch {snap.epoch} of {snap.epochs_budget})"
    if acc is not None:
        text += f" · test token accuracy {acc:.1%}" if "test_sequence_accuracy" in last else \
            f" · test accuracy {acc:.1%}"
    if snap.running:
        text += " · training: the maps follow it live"
    st.caption(text)


def choose_input(data: Data) -> tuple[np.ndarray, np.ndarray | None] | None:
    """A test example or a typed sequence: (token ids (T,), target or None), or None when the
    typed text is invalid (the message is shown)."""
    info = data.info
    length = info.input_shape[0]
    mode = st.radio("Input", ["Test example", "Type a sequence"], horizontal=True,
                    key="attn_input_mode")
    if mode == "Test example":
        i = int(st.number_input("Test example", 0, len(data.x_test) - 1, 0, key="attn_example",
                                help="Which held-out example to feed the network."))
        return np.asarray(data.x_test[i]), np.asarray(data.y_test[i])
    text = st.text_input(
        f"Sequence of {length} tokens", value=format_tokens(data.x_test[0], info.vocab),
        key="attn_text",
        help=f"Tokens from: {md(' '.join(info.vocab))}. Single-character tokens may be typed "
             "together; otherwise separate them with spaces.")
    try:
        return parse_tokens(text, info.vocab, length), None
    except SpecError as exc:  # it quotes what was typed
        st.error(md(exc))
        return None


def show_prediction(info: DatasetInfo, x: np.ndarray, target: np.ndarray | None,
                    logits: np.ndarray) -> None:
    tokens = [info.vocab[int(i)] for i in x]
    if info.task == "tokens":
        pred = logits[0].argmax(-1)
        rows = {"input": tokens}
        if target is not None:
            rows["target"] = [info.class_names[int(i)] for i in target]
        rows["predicted"] = [info.class_names[int(i)] for i in pred]
        table = pd.DataFrame(rows).T
        if target is not None:
            right = pred == target
            colors = [f"background-color: {CORRECT if r else WRONG}33" for r in right]

            def paint(row: pd.Series) -> list[str]:
                return colors if row.name == "predicted" else [""] * len(row)

            st.dataframe(table.style.apply(paint, axis=1), width="stretch")
            st.caption(f"{int(right.sum())} of {len(right)} tokens right "
                       "(green: right, orange: wrong).")
        else:
            st.dataframe(table, width="stretch")
        return
    probs = probabilities(logits[0])
    k = int(probs.argmax())
    text = f"Input `{format_tokens(x, info.vocab)}` → predicted **{info.class_names[k]}** " \
           f"({probs[k]:.0%})"
    if target is not None:
        ok = int(target) == k
        text += f" · true: **{info.class_names[int(target)]}** " + ("✓" if ok else "✗")
    st.markdown(text)


def test_set_scores(model: nn.Module, data: Data) -> list[AttentionMap]:
    """Attention over the whole test split, for the summary numbers."""
    _, maps = capture_attention(model, data.x_test[:512])
    return maps


def show_attention_layer(amap: AttentionMap, overall: AttentionMap, tokens: list[str],
                         reverse: bool) -> None:
    w = amap.weights[0]  # (heads, T, T)
    heads = w.shape[0]
    st.subheader(f"{amap.label.capitalize()} · {heads} head{'s' if heads > 1 else ''}"
                 + (" · causal" if amap.causal else ""))
    cols = st.columns(3 if reverse else 2)
    cols[0].metric("Focus, this input", f"{focus(w):.2f}",
                   help="Mean of each query's largest weight: 1 = every query looks at one "
                        "token, 1/T = attention spread evenly.")
    cols[1].metric("Focus, test set", f"{focus(overall.weights):.2f}")
    if reverse:
        cols[2].metric("Mirror weight, test set",
                       f"{mirror_weight(overall.weights):.2f}",
                       help="Mean weight from each position t to its mirrored position "
                            "T−1−t (the anti-diagonal), which reversing needs.")
    if heads > 1:
        left, right = st.columns([3, 2])
        left.plotly_chart(attention_heads_figure(w, tokens), key=f"attn_heads_{amap.index}")
        right.plotly_chart(attention_map_figure(w.mean(0), tokens),
                           key=f"attn_avg_{amap.index}")
    else:
        left, right = st.columns([3, 2])
        left.plotly_chart(attention_map_figure(w[0], tokens, "Attention (one head)"),
                          key=f"attn_heads_{amap.index}")
        right.markdown(READING_HINT)
    if heads > 1:
        st.caption(READING_HINT)


def show_history(recorder: AttentionRecorder | None, vocab: tuple[str, ...],
                 reverse: bool) -> None:
    st.header("How the maps formed during training")
    snaps = recorder.snapshots() if recorder is not None else []
    if len(snaps) < 2:
        st.info("Snapshots of the maps are kept while the model trains. Train it and come "
                "back to slide through them.")
        return
    probe = [vocab[int(i)] for i in recorder.probe[0]]
    st.caption(f"Probe input: the first test example `{format_tokens(recorder.probe[0], vocab)}`"
               f" · a snapshot every {recorder.every} steps ({len(snaps)} kept).")
    steps = [s.step for s in snaps]
    summary = mirror_weight if reverse else focus
    label = "weight on mirrored position" if reverse else "focus"
    series = {m.label: [summary(s.maps[j].weights) for s in snaps]
              for j, m in enumerate(snaps[0].maps)}
    st.plotly_chart(attention_trend_figure(steps, series, label), key="attn_trend")
    step = st.select_slider("Training step", options=steps, value=steps[-1],
                            key="attn_history_step")
    snap = snaps[steps.index(step)]
    labels = [m.label for m in snap.maps]
    which = st.selectbox("Layer", labels, key="attn_history_layer") if len(labels) > 1 else \
        labels[0]
    amap = snap.maps[labels.index(which)]
    figure = attention_heads_figure(amap.weights[0], probe, f"{amap.label} at step {step}")
    area = st.columns([3, 2])[0] if amap.weights.shape[1] == 1 else st.container()
    area.plotly_chart(figure, key="attn_history_fig")


def show_recurrent(trace: RecurrentTrace, tokens: list[str]) -> None:
    st.subheader(trace.label.capitalize())
    n_layers, dirs = trace.hidden.shape[:2]
    cols = st.columns(2)
    depth = (cols[0].number_input("Stacked layer", 1, n_layers, n_layers,
                                  key=f"rec_depth_{trace.index}") - 1) if n_layers > 1 else 0
    direction = 0
    if dirs > 1:
        choice = cols[1].radio("Direction", ["forward", "backward"], horizontal=True,
                               key=f"rec_dir_{trace.index}")
        direction = ["forward", "backward"].index(choice)
    where = trace.label + (f", stacked layer {depth + 1}" if n_layers > 1 else "") + (
        f", {['forward', 'backward'][direction]}" if dirs > 1 else "")
    st.plotly_chart(hidden_state_figure(trace.hidden[depth, direction], tokens,
                                        f"Hidden state over time — {where}"),
                    key=f"rec_hidden_{trace.index}")
    st.caption("Each column is the state after reading that step's token (orange positive, "
               "blue negative): watch which units switch when a telling token arrives.")
    if trace.cell is not None:
        st.plotly_chart(hidden_state_figure(trace.cell[depth, direction], tokens,
                                            f"Memory cell over time — {where}"),
                        key=f"rec_cell_{trace.index}")
    if trace.gates:
        st.plotly_chart(gates_figure({k: v[depth, direction] for k, v in trace.gates.items()},
                                     tokens, TANH_GATES, f"Gates — {where}"),
                        key=f"rec_gates_{trace.index}")
        st.caption("Sigmoid gates run from 0 (closed) to 1 (open); candidates run from −1 to "
                   "1. Each column is one step of the input.")
