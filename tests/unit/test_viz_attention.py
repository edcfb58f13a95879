"""Attention and recurrent figures, read through the figure's data."""

import numpy as np

from playground.inspection.recurrent import TANH_GATES
from playground.viz.attention import (
    attention_heads_figure,
    attention_map_figure,
    attention_trend_figure,
)
from playground.viz.recurrent import gates_figure, hidden_state_figure

TOKENS = ["a", "b", "a", "c"]


def weights(heads=3, t=4, seed=0):
    w = np.random.default_rng(seed).random((heads, t, t))
    return w / w.sum(-1, keepdims=True)


def test_heads_grid_has_one_heatmap_per_head_with_tokens_on_both_axes():
    w = weights()
    fig = attention_heads_figure(w, TOKENS)
    assert len(fig.data) == 3
    for h, trace in enumerate(fig.data):
        np.testing.assert_allclose(np.array(trace.z), w[h])
        assert (trace.zmin, trace.zmax) == (0.0, 1.0)
        assert trace.customdata[1][2].tolist() == ["1 'b'", "2 'a'"]  # query 1 → key 2
        assert "weight %{z:.3f}" in trace.hovertemplate
    assert [t.showscale for t in fig.data] == [True, False, False]
    assert [a.text for a in fig.layout.annotations] == ["head 1", "head 2", "head 3"]
    assert fig.layout.xaxis.ticktext == tuple(TOKENS)  # repeated tokens keep their positions
    assert fig.layout.yaxis.ticktext == tuple(TOKENS)
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.xaxis.title.text == "key (looked at)"
    assert fig.layout.yaxis.title.text == "query (looking)"
    assert fig.layout.yaxis2.title.text is None  # one axis title per row, not overlapping
    assert fig.data[0].colorscale[0][1] == attention_map_figure(w[0], TOKENS).data[0] \
        .colorscale[0][1]


def test_many_heads_wrap_into_rows():
    fig = attention_heads_figure(weights(heads=6), TOKENS, columns=4)
    assert len(fig.data) == 6
    assert fig.data[5].xaxis == "x6" and fig.layout.height > attention_heads_figure(
        weights(heads=2), TOKENS).layout.height


def test_average_map_and_trend():
    w = weights()
    fig = attention_map_figure(w.mean(0), TOKENS)
    np.testing.assert_allclose(np.array(fig.data[0].z), w.mean(0))
    trend = attention_trend_figure([0, 10, 20], {"layer 3": [0.1, 0.5, 0.9]}, "focus")
    assert list(trend.data[0].x) == [0, 10, 20] and list(trend.data[0].y) == [0.1, 0.5, 0.9]
    assert trend.layout.xaxis.title.text == "training step"


def test_hidden_state_is_units_by_steps():
    hidden = np.linspace(-1, 1, 4 * 5).reshape(4, 5)  # (T, H)
    fig = hidden_state_figure(hidden, TOKENS)
    np.testing.assert_allclose(np.array(fig.data[0].z), hidden.T)
    assert fig.layout.xaxis.ticktext == tuple(TOKENS)
    assert fig.data[0].zmin == -fig.data[0].zmax


def test_gates_panels_use_each_gate_range():
    gates = {"reset": np.full((4, 3), 0.2), "update": np.full((4, 3), 0.9),
             "candidate": np.full((4, 3), -0.5)}
    fig = gates_figure(gates, TOKENS, TANH_GATES)
    assert [t.name for t in fig.data] == ["reset", "update", "candidate"]
    assert [(t.zmin, t.zmax) for t in fig.data] == [(0.0, 1.0), (0.0, 1.0), (-1.0, 1.0)]
    np.testing.assert_allclose(np.array(fig.data[2].z), gates["candidate"].T)
    assert [t.showscale for t in fig.data] == [True, False, True]  # one bar per scale
