"""Attribution figures read back: diverging scales centred at 0, signs, order, labels."""

from __future__ import annotations

import numpy as np

from playground.viz import attributions as viz
from playground.viz.palette import DIVERGING


def _scale(trace) -> list:
    return [list(step) for step in trace.colorscale]


def test_image_overlay_shows_input_attribution_and_overlay_centred_at_zero():
    img = np.linspace(0, 1, 64).reshape(8, 8)
    attr = np.zeros((8, 8))
    attr[2, 3], attr[5, 5] = 0.4, -0.1
    fig = viz.image_overlay(img, attr, "IG")
    base, heat, under, over = fig.data
    assert np.array_equal(base.z, img) and np.array_equal(under.z, img)
    assert not base.showscale and not under.showscale
    assert _scale(heat) == [list(s) for s in DIVERGING]
    for h in (heat, over):
        assert np.array_equal(h.z, attr)
        assert h.zmid == 0 and h.zmin == -0.4 and h.zmax == 0.4
    assert over.colorscale[1][1].endswith(",0.0)")  # zero effect is see-through
    assert over.xaxis == "x3" and [a.text for a in fig.layout.annotations] == [
        "input", "attribution", "overlay"]
    assert fig.layout.yaxis.autorange == "reversed"  # row 0 at the top, like the image
    assert fig.layout.yaxis3.scaleanchor == "x3"  # square pixels
    assert heat.colorbar.title.text == "attribution"


def test_image_overlay_of_all_zeros_keeps_a_valid_range():
    heat = viz.image_overlay(np.zeros((4, 4)), np.zeros((4, 4))).data[1]
    assert heat.zmin == -1 and heat.zmax == 1


def test_feature_bars_colour_by_sign():
    fig = viz.feature_bars(np.array([0.5, -0.2, 0.0]), ["a", "b", "c"], "wine")
    bar = fig.data[0]
    assert list(bar.y) == ["a", "b", "c"] and list(bar.x) == [0.5, -0.2, 0.0]
    assert list(bar.marker.color) == [viz.POSITIVE, viz.NEGATIVE, viz.POSITIVE]
    assert viz.POSITIVE != viz.NEGATIVE
    assert "attribution" in fig.layout.xaxis.title.text
    assert fig.layout.yaxis.title.text == "feature"


def test_mean_abs_bars_are_sorted_largest_first():
    fig = viz.mean_abs_bars(np.array([0.1, 0.7, 0.3]), ["a", "b", "c"])
    bar = fig.data[0]
    assert list(bar.y) == ["b", "c", "a"] and list(bar.x) == [0.7, 0.3, 0.1]
    assert bar.marker.colorscale[0][1] != bar.marker.colorscale[-1][1]
    assert len(bar.marker.colorscale) > 2  # the sequential scale, not one colour
    assert "mean |attribution|" in fig.layout.xaxis.title.text


def test_plane_field_has_one_centred_panel_per_feature():
    xs, ys = np.linspace(-1, 1, 5), np.linspace(-2, 2, 5)
    field = np.zeros((5, 5, 2))
    field[..., 0], field[0, 0, 1] = 0.2, -0.8
    fig = viz.plane_field(xs, ys, field, ("x", "y"), points=np.zeros((3, 2)),
                          labels=np.array([0, 1, 1]), marker=(0.5, 0.5))
    heat = [t for t in fig.data if t.type == "heatmap"]
    assert len(heat) == 2
    assert all(h.zmid == 0 and h.zmin == -0.8 and h.zmax == 0.8 for h in heat)
    assert np.array_equal(heat[0].z, field[..., 0]) and np.array_equal(heat[1].z, field[..., 1])
    assert sum(h.showscale for h in heat) == 1  # one colour bar for the shared scale
    markers = [t for t in fig.data if t.type == "scatter" and t.marker.symbol == "x"]
    assert len(markers) == 2 and markers[0].x == (0.5,)
    assert fig.layout.xaxis.title.text == "x" and fig.layout.yaxis.title.text == "y"


def test_token_heatmap_shows_every_token_coloured_by_its_value():
    fig = viz.token_heatmap(list("(()"), np.array([0.3, -0.6, 0.1]))
    heat = fig.data[0]
    assert list(heat.text[0]) == ["(", "(", ")"]
    assert np.allclose(heat.z, [[0.3, -0.6, 0.1]]) and heat.zmin == -0.6 and heat.zmid == 0
    assert fig.layout.xaxis.title.text == "position"


def test_methods_grid_scales_each_method_to_its_own_largest_value():
    maps = {"A": np.full((4, 4), 2.0), "B": -np.eye(4) * 0.01, "C": np.zeros((4, 4))}
    fig = viz.methods_grid(maps, np.ones((4, 4)))
    heat = [t for t in fig.data if t.name in maps]
    assert [t.name for t in heat] == ["A", "B", "C"]
    assert np.abs(heat[0].z).max() == 1 and np.abs(heat[1].z).max() == 1
    assert np.abs(heat[2].z).max() == 0
    assert len(fig.layout.annotations) == 3  # one subplot title per method
    assert all(t.zmin == -1 and t.zmax == 1 for t in heat)


def test_methods_matrix_rows_are_methods():
    fig = viz.methods_matrix({"A": np.array([1.0, -2.0]), "B": np.array([0.5, 0.5])},
                             ["f0", "f1"])
    heat = fig.data[0]
    assert list(heat.y) == ["A", "B"] and list(heat.x) == ["f0", "f1"]
    assert np.allclose(heat.z, [[0.5, -1.0], [1.0, 1.0]])


def test_rank_matrix_prints_values_and_a_dash_for_undefined():
    corr = np.array([[1.0, np.nan], [np.nan, 1.0]])
    fig = viz.rank_matrix(["A", "B"], corr)
    heat = fig.data[0]
    assert [list(r) for r in heat.text] == [["1.00", "–"], ["–", "1.00"]]
    assert heat.zmin == -1 and heat.zmax == 1 and heat.zmid == 0
    assert fig.layout.xaxis.title.text == "method"
