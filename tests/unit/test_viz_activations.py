"""Activation and health figures: read the figures' data."""

from __future__ import annotations

import numpy as np

from playground.inspection.health import LayerHealth
from playground.viz.activations import (
    activation_bars,
    filters_figure,
    map_grid,
    neuron_thumbnails,
    probability_bars,
    sequence_map,
    tile_maps,
)
from playground.viz.health import activation_histograms, health_figure
from playground.viz.palette import CORRECT, DIVERGING, SEQUENTIAL


def test_tile_maps_lays_maps_row_by_row_with_nan_gaps():
    maps = np.arange(5 * 2 * 3, dtype=np.float32).reshape(5, 2, 3)
    shown, raw, index = tile_maps(maps, cols=2, gap=1)
    assert shown.shape == (3 * 3 - 1, 2 * 4 - 1)
    np.testing.assert_array_equal(raw[0:2, 4:7], maps[1])  # second map: first row, right
    np.testing.assert_array_equal(raw[6:8, 0:3], maps[4])  # fifth map: third row, left
    assert np.isnan(shown[2]).all()  # the gap row
    assert index[6, 0] == 4 and index[2, 0] == -1
    scaled, _, _ = tile_maps(np.stack([np.full((2, 2), 4.0), np.full((2, 2), -0.5)]), 2, 1,
                             per_map_scale=True)
    assert scaled[0, 0] == 1.0 and scaled[0, 3] == -1.0


def test_map_grid_uses_a_diverging_scale_for_signed_maps_and_sequential_otherwise():
    signed = map_grid(np.array([[[-1.0, 2.0]]]), "t")
    heat = signed.data[0]
    assert [list(c) for c in heat.colorscale] == [list(c) for c in DIVERGING]
    assert heat.zmin == -2.0 and heat.zmax == 2.0
    positive = map_grid(np.ones((3, 4, 4)), "t")
    assert positive.data[0].colorscale[0][1].lower() != DIVERGING[0][1].lower()
    assert "Cividis" in str(SEQUENTIAL)
    assert positive.layout.title.text == "t"
    assert positive.layout.xaxis.title.text == "one tile per channel"


def test_neuron_thumbnails_put_high_y_at_the_top():
    r = 4
    planes = np.zeros((r, r, 2), np.float32)
    planes[r - 1, :, 0] = 1.0  # neuron 0 fires only on the top row of the plane (max y)
    fig = neuron_thumbnails(planes, "layer")
    raw = np.array(fig.data[0].customdata)[..., 1]
    assert raw[0, 0] == 1.0 and raw[r - 1, 0] == 0.0  # first drawn row (top) is max y
    assert fig.layout.yaxis.autorange == "reversed"


def test_filters_are_averaged_over_input_channels_or_shown_per_channel():
    w = np.zeros((3, 2, 3, 3), np.float32)
    w[0, 0] = 2.0
    mean = filters_figure(w, "filters")
    raw = np.array(mean.data[0].customdata)[..., 1]
    assert np.nanmax(raw) == 1.0  # (2 + 0) / 2
    per = filters_figure(w, "filters", per_input=True)
    raw = np.array(per.data[0].customdata)[..., 1]
    assert np.nanmax(raw) == 2.0
    index = np.array(per.data[0].customdata)[..., 0]
    assert np.nanmax(index) == 5  # 3 filters × 2 input channels


def test_activation_bars_colour_by_sign_and_use_feature_names():
    fig = activation_bars(np.array([1.0, -2.0, 0.0]), "acts", ["a", "b", "c"])
    bar = fig.data[0]
    assert list(bar.x) == ["a", "b", "c"]
    assert bar.marker.color[0] == DIVERGING[-1][1] and bar.marker.color[1] == DIVERGING[0][1]
    assert fig.layout.xaxis.title.text == "feature"
    assert fig.layout.yaxis.title.text == "activation"


def test_probability_bars_mark_the_true_class():
    fig = probability_bars(np.array([0.2, 0.8]), ["cat", "dog"], "p", label=1)
    assert list(fig.data[0].x) == ["cat", "dog ✓"]
    assert fig.data[0].marker.color[1] == CORRECT
    assert list(fig.layout.yaxis.range) == [0, 1]


def test_sequence_map_draws_positions_by_features():
    fig = sequence_map(np.arange(12, dtype=np.float32).reshape(3, 4), "seq")
    assert np.array(fig.data[0].z).shape == (3, 4)
    assert fig.layout.yaxis.title.text == "position: input token"
    assert fig.layout.xaxis.title.text == "feature"
    labelled = sequence_map(np.zeros((2, 3)), "head", ["0: a", "1: b"], ["x", "y", "z"])
    assert list(labelled.data[0].y) == ["0: a", "1: b"]
    assert list(labelled.data[0].x) == ["x", "y", "z"]
    assert labelled.layout.xaxis.title.text == "class"


def test_health_figure_leaves_inapplicable_figures_blank():
    rows = [LayerHealth(0, "linear", None, None, 0.5, 0.0, 1.0),
            LayerHealth(1, "relu", 0.25, None, None, 0.0, 1.0),
            LayerHealth(2, "tanh", None, 0.0, None, 0.0, 1.0)]
    fig = health_figure(rows, ["1 linear", "2 relu", "3 tanh"])
    dead, sat, grad = fig.data
    assert list(dead.x) == [None, 25.0, None] and list(dead.text) == ["", "25%", ""]
    assert list(sat.x) == [None, None, 0.0] and sat.text[2] == "0%"
    assert list(grad.x) == [0.5, None, None]
    assert fig.layout.xaxis3.type == "log"


def test_activation_histograms_draw_one_panel_per_layer():
    counts, edges = np.array([1, 2, 3]), np.array([0.0, 1.0, 2.0, 3.0])
    fig = activation_histograms([("a", counts, edges)] * 5, cols=4)
    assert len(fig.data) == 5
    assert list(fig.data[4].y) == [1, 2, 3]
    assert [a.text for a in fig.layout.annotations] == ["a"] * 5
