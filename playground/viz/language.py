"""Figures of a language model: bits per character against the counting baselines, how sure it
was of each token it wrote, the next-token distribution at one position, and the samples
timeline's share of real words."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.language.corpus import shown
from playground.viz.curves import MAX_POINTS, TEST_COLOR, TRAIN_COLOR, downsample
from playground.viz.figure import make_figure, title
from playground.viz.palette import NEUTRAL, OKABE_ITO, SEQUENTIAL

UNIGRAM_COLOR = OKABE_ITO[3]
BIGRAM_COLOR = OKABE_ITO[2]
BARS_SHOWN = 15  # tokens in a next-token chart: enough to see what else was considered


def _line(y: float, name: str, color: str) -> dict:
    return {"type": "scatter", "x": [0, 1], "y": [y, y], "xaxis": "x2", "mode": "lines",
            "name": name, "line": {"color": color, "dash": "dot", "width": 2},
            "hovertemplate": f"{name}: %{{y:.3f}} bits<extra></extra>"}


def bits_curve(step_loss: Sequence[float], epochs: Sequence[dict[str, float]],
               unigram: float, bigram: float, height: int = 320) -> go.Figure:
    """Training and test loss in bits per character against steps, with the unigram and
    bigram baselines as dotted lines across the whole plot (a model under the bigram line
    has learned more than which letter follows which).

    Args:
        step_loss: the trainer's per-batch loss in nats; epochs: its epoch records.
    """
    to_bits = 1.0 / math.log(2)
    xs, ys = downsample(step_loss, MAX_POINTS)
    traces = [{"type": "scatter", "x": xs, "y": ys * to_bits, "mode": "lines",
               "name": "train (per batch)", "opacity": 0.7,
               "line": {"color": NEUTRAL, "width": 1}}]
    steps = [e["step"] for e in epochs]
    for i, (key, name) in enumerate((("train_loss", "train (epoch)"),
                                     ("test_loss", "test (epoch)"))):
        traces.append({
            "type": "scatter", "x": steps, "y": [e[key] * to_bits for e in epochs],
            "mode": "lines+markers", "name": name,
            "line": {"color": (TRAIN_COLOR, TEST_COLOR)[i], "dash": ("solid", "dash")[i],
                     "width": 2},
            "marker": {"size": 7, "symbol": ("circle", "diamond")[i]}})
    traces += [_line(unigram, "unigram baseline", UNIGRAM_COLOR),
               _line(bigram, "bigram baseline", BIGRAM_COLOR)]
    top = max([unigram * 1.15, *(ys[:1] * to_bits)]) if len(ys) else unigram * 1.15
    layout = {
        "title": title("Bits per character (lower is better)"), "height": height,
        "margin": {"l": 55, "r": 10, "t": 36, "b": 40},
        "legend": {"orientation": "h", "y": -0.3, "x": 0}, "uirevision": "bits",
        "xaxis": {"title": {"text": "step (batches trained)"}, "rangemode": "tozero"},
        "xaxis2": {"overlaying": "x", "range": [0, 1], "visible": False},
        "yaxis": {"title": {"text": "bits per character"}, "range": [0, top]},
    }
    return make_figure(traces, layout)


def sureness_figure(tokens: Sequence[str], chosen: np.ndarray, top: np.ndarray,
                    height: int = 240) -> go.Figure:
    """One bar per generated token: the probability the model gave the token it wrote, over
    the probability of its favourite at that position (equal when it wrote its favourite).

    Args:
        tokens: the generated characters; chosen, top: (N,) probabilities.
    """
    positions = list(range(1, len(tokens) + 1))
    chars = [shown(t) for t in tokens]
    hover = "position %{x} (%{customdata}): "
    traces = [
        {"type": "bar", "x": positions, "y": list(top), "name": "most likely token",
         "customdata": chars, "marker": {"color": "rgba(127,127,127,0.35)"},
         "hovertemplate": hover + "favourite at %{y:.0%}<extra></extra>"},
        {"type": "bar", "x": positions, "y": list(chosen), "name": "token written",
         "customdata": chars,
         "marker": {"color": list(chosen), "colorscale": SEQUENTIAL, "cmin": 0, "cmax": 1},
         "hovertemplate": hover + "written at %{y:.0%}<extra></extra>"}]
    every = max(1, len(tokens) // 60)  # a readable character under every bar, or every k-th
    layout = {"title": title("How sure the model was of each character it wrote"),
              "height": height, "barmode": "overlay", "bargap": 0.1,
              "margin": {"l": 55, "r": 10, "t": 36, "b": 50},
              "legend": {"orientation": "h", "y": 1.12, "x": 0.5},
              "xaxis": {"title": {"text": "generated character (position in hover)"},
                        "tickangle": 0, "tickvals": positions[::every],
                        "ticktext": chars[::every]},
              "yaxis": {"title": {"text": "probability"}, "range": [0, 1],
                        "tickformat": ".0%"}}
    return make_figure(traces, layout)


def next_token_bars(vocab: Sequence[str], model_p: np.ndarray, drawn_p: np.ndarray,
                    written: int, context: str, shown_count: int = BARS_SHOWN,
                    height: int = 380) -> go.Figure:
    """The model's own probability of each candidate next token beside the probability the
    sampler drew from (after temperature, top-k and top-p); the written one is marked.

    Args:
        vocab: the characters; model_p, drawn_p: (V,) distributions; written: the token id
            that was drawn; context: the text before this position (for the title).
    """
    order = list(np.argsort(-np.maximum(model_p, drawn_p), kind="stable")[:shown_count])
    if written not in order:
        order[-1] = written
    names = [("▶ " if i == written else "") + repr(shown(vocab[i]))[1:-1] for i in order]
    traces = [
        {"type": "bar", "orientation": "h", "y": names, "x": [float(model_p[i]) for i in order],
         "name": "the model's probability", "marker": {"color": OKABE_ITO[0]},
         "hovertemplate": "%{y}: model %{x:.1%}<extra></extra>"},
        {"type": "bar", "orientation": "h", "y": names, "x": [float(drawn_p[i]) for i in order],
         "name": "what the sampler drew from", "marker": {"color": OKABE_ITO[1]},
         "hovertemplate": "%{y}: sampler %{x:.1%}<extra></extra>"}]
    tail = context[-24:].replace("\n", "↵")
    biggest = max(float(model_p[order].max()), float(drawn_p[order].max()))
    layout = {"title": title(f"Next character after “…{tail}” (▶ the one written)"),
              "height": height, "barmode": "group",
              "margin": {"l": 70, "r": 10, "t": 40, "b": 40},
              "legend": {"orientation": "h", "y": -0.15, "x": 0},
              "xaxis": {"title": {"text": "probability"}, "tickformat": ".0%",
                        "range": [0, min(1.0, biggest * 1.15 + 0.02)]},
              "yaxis": {"autorange": "reversed", "type": "category"}}
    return make_figure(traces, layout)


def timeline_figure(steps: Sequence[int], real_words: Sequence[float],
                    accepted: Sequence[float] | None = None, height: int = 260) -> go.Figure:
    """The samples timeline: share of real words (and of accepted sentences, for the grammar
    text) in each sample, against the step it was written at."""
    traces = [{"type": "scatter", "x": list(steps), "y": list(real_words),
               "mode": "lines+markers", "name": "real words",
               "line": {"color": OKABE_ITO[0], "width": 2}}]
    if accepted is not None:
        traces.append({"type": "scatter", "x": list(steps), "y": list(accepted),
                       "mode": "lines+markers", "name": "sentences the grammar accepts",
                       "line": {"color": OKABE_ITO[1], "width": 2, "dash": "dash"},
                       "marker": {"symbol": "diamond"}})
    layout = {"title": title("What the samples get right as training goes on"),
              "height": height, "margin": {"l": 55, "r": 10, "t": 36, "b": 40},
              "legend": {"orientation": "h", "y": -0.35, "x": 0}, "uirevision": "timeline",
              "xaxis": {"title": {"text": "step (batches trained)"}, "rangemode": "tozero"},
              "yaxis": {"title": {"text": "share of the sample"}, "range": [0, 1.05],
                        "tickformat": ".0%"}}
    return make_figure(traces, layout)
