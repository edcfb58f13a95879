"""Receptive field sizes from the shape table."""

from __future__ import annotations

from playground.inspection.receptive import describe_receptive, receptive_fields
from playground.presets import PRESETS
from playground.shapes import analyze


def test_shapes_cnn_receptive_fields_grow_layer_by_layer():
    rows = analyze(PRESETS["shapes_cnn"].spec()).rows
    rfs = receptive_fields(rows)
    assert [r.size for r in rfs[:6]] == [3, 3, 4, 8, 8, 10]  # conv3, relu, pool2, conv3, …
    assert [r.jump for r in rfs[:6]] == [1, 1, 2, 2, 2, 4]
    assert not any(r.whole_input for r in rfs[:6])
    assert all(r.whole_input for r in rfs[6:])  # flatten, dense layers and the head
    assert "3×3 patch of the 16×16" in describe_receptive(rfs[0], (16, 16))
    assert "whole 16×16" in describe_receptive(rfs[-1], (16, 16))


def test_stride_and_large_kernels_reach_the_whole_image():
    spec = PRESETS["digits_cnn"].spec().with_layers([
        {"type": "conv2d", "channels": 2, "kernel_size": 3, "stride": 2, "padding": 1},
        {"type": "conv2d", "channels": 2, "kernel_size": 3, "stride": 1, "padding": 1},
        {"type": "conv2d", "channels": 2, "kernel_size": 5, "stride": 1, "padding": 2},
        {"type": "flatten"}])
    rfs = receptive_fields(analyze(spec).rows)
    assert [r.size for r in rfs[:3]] == [3, 7, 15]  # 3; 3 + 2·2; 7 + 4·2 (8×8 input)
    assert not rfs[0].whole_input and rfs[1].whole_input is False and rfs[2].whole_input


def test_no_receptive_field_for_vectors():
    assert receptive_fields(analyze(PRESETS["wine_mlp"].spec()).rows) is None
    assert receptive_fields(()) is None
