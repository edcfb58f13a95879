"""MACs (multiply-accumulates per example) in the shape table, against hand counts and
against the layers' own torch modules."""

from __future__ import annotations

from torch import nn

from playground.builder import build_model
from playground.classic.compute import spec_macs
from playground.classic.macs import layer_macs, total_macs
from playground.presets import PRESETS
from playground.shapes import analyze, validate
from playground.spec import Spec
from playground.viz.tables import SHAPE_COLUMNS, shape_table


def test_linear_macs_are_inputs_times_units_by_hand():
    spec = Spec.from_dict({"dataset": "xor", "layers": [
        {"type": "linear", "units": 16}, {"type": "relu"}, {"type": "linear", "units": 8}]})
    frame = shape_table(analyze(spec), spec.layers)
    # input 0; 2·16; relu 0; 16·8; head 8·2 (xor has two classes)
    assert list(frame["MACs"]) == [0, 32, 0, 128, 16]
    assert int(frame["MACs"].sum()) == total_macs(validate(spec)) == 176
    linears = [m for m in build_model(spec, validate(spec)).modules() if isinstance(m, nn.Linear)]
    assert [m.in_features * m.out_features for m in linears] == [32, 128, 16]


def test_conv2d_macs_are_outputs_times_window_by_hand():
    spec = Spec.from_dict({"dataset": "digits", "layers": [
        {"type": "conv2d", "channels": 4, "kernel_size": 3, "stride": 1, "padding": 1},
        {"type": "conv2d", "channels": 2, "kernel_size": 3, "stride": 2, "padding": 0},
        {"type": "flatten"}]})
    rows = validate(spec).rows
    assert rows[0].output_shape == (4, 8, 8) and rows[1].output_shape == (2, 3, 3)
    assert layer_macs(rows[0]) == 4 * 8 * 8 * (1 * 3 * 3)  # 2,304: each output reads 1·3·3
    assert layer_macs(rows[1]) == 2 * 3 * 3 * (4 * 3 * 3)  # 648: each output reads 4·3·3
    assert layer_macs(rows[2]) == 0  # flatten moves nothing through a product
    assert layer_macs(rows[3]) == 18 * 10  # the head
    frame = shape_table(analyze(spec), spec.layers)
    assert list(frame["MACs"]) == [0, 2304, 648, 0, 180]


def test_the_table_and_the_compute_section_count_alike():
    spec = PRESETS["digits_cnn"].spec()
    frame = shape_table(analyze(spec), spec.layers)
    assert "MACs" in SHAPE_COLUMNS
    assert list(frame["MACs"].iloc[1:]) == [m for _, m in spec_macs(spec)]


def test_macs_are_blank_past_an_error():
    spec = PRESETS["digits_cnn"].spec()
    broken = spec.with_layers([x for x in spec.layers if x["type"] != "flatten"])
    frame = shape_table(analyze(broken), broken.layers)
    assert frame["MACs"].isna().iloc[7:].all()
    assert not frame["MACs"].isna().iloc[:7].any()
