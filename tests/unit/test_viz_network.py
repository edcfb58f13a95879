"""The network diagram and the shape table, read from the figure's data and the frame."""

import math

import pytest

from playground.layers import CATEGORIES
from playground.presets import PRESETS
from playground.shapes import analyze
from playground.viz.network import (
    Block,
    block_height,
    category_color,
    layer_width,
    network_blocks,
    network_figure,
)
from playground.viz.tables import shape_table


def _blocks(spec):
    report = analyze(spec)
    return report, network_blocks(report.info.input_shape, report.rows, spec.layers,
                                  report.error_index)


def _block_traces(fig):
    return [t for t in fig.data if t.fill == "toself"]


def _height(trace):
    return max(trace.y) - min(trace.y)


def test_layer_width_reads_units_channels_and_features():
    assert layer_width((32,)) == 32
    assert layer_width((16, 8, 8)) == 16  # channels of feature maps
    assert layer_width((12, 64)) == 64  # features per position of a sequence
    assert layer_width(None) == 1


def test_heights_are_log_scaled():
    assert block_height(4) - block_height(2) == pytest.approx(block_height(2) - block_height(1))
    ratio = block_height(4096) / block_height(2)
    assert 1 < ratio < 8, "4096 must stand out without dwarfing 2"


def test_valid_network_has_input_layers_and_head_in_order():
    spec = PRESETS["digits_cnn"].spec()
    report, blocks = _blocks(spec)
    assert [b.label for b in blocks] == ["input", *[layer["type"] for layer in spec.layers],
                                         "output head"]
    assert blocks[0].shape == report.info.input_shape
    assert blocks[-1].shape == (10,) and blocks[-1].category == "head"
    fig = network_figure(blocks)
    traces = _block_traces(fig)
    assert len(traces) == len(blocks)
    centres = [sum(t.x[:4]) / 4 for t in traces]
    assert centres == sorted(centres)
    # the second conv2d (32 channels) is drawn taller than the first (16)
    widths = [t.customdata[0] for t in traces]
    assert widths[1] == 16 and widths[4] == 32
    assert _height(traces[4]) > _height(traces[1])
    labels = next(t for t in fig.data if t.mode == "text")
    assert "<b>input</b>" in labels.text and "<b>output head</b>" in labels.text
    assert "16×8×8" in labels.text and "10" in labels.text


def test_block_colours_follow_category():
    spec = PRESETS["digits_cnn"].spec()
    _, blocks = _blocks(spec)
    traces = _block_traces(network_figure(blocks))
    assert traces[1].fillcolor == category_color("convolution")
    assert traces[2].fillcolor == category_color("activation")
    assert category_color("convolution") != category_color("dense")


def test_every_category_has_its_own_colour():
    colours = [category_color(c) for c in (*CATEGORIES, "input", "head")]
    assert len(set(colours)) == len(colours)


def test_invalid_layer_is_marked_and_later_layers_unreached():
    spec = PRESETS["digits_cnn"].spec()
    broken = spec.with_layers([x for x in spec.layers if x["type"] != "flatten"])
    report, blocks = _blocks(broken)
    assert report.error_index == 6
    statuses = [b.status for b in blocks]
    assert statuses[7] == "error" and blocks[7].label == "linear"
    assert statuses[8:] == ["unreached", "unreached"]
    assert blocks[-1].label == "output head"
    traces = _block_traces(network_figure(blocks))
    assert traces[7].line.dash == "dash"
    assert "invalid" in traces[7].text


def test_head_error_marks_the_head():
    spec = PRESETS["digits_cnn"].spec()
    report, blocks = _blocks(spec.with_layers(spec.layers[:6]))  # ends with feature maps
    assert report.error_index == 6
    assert blocks[-1].label == "output head" and blocks[-1].status == "error"


def test_figure_handles_empty_network_and_axes_are_labelled():
    fig = network_figure((Block("input", "input", (2,)), Block("output head", "head", (2,))))
    assert len(_block_traces(fig)) == 2
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_shape_table_lists_every_layer_and_the_total():
    spec = PRESETS["spiral"].spec()
    report = analyze(spec)
    frame = shape_table(report, spec.layers)
    assert list(frame["#"]) == ["in", "1", "2", "3", "4", "head"]
    assert list(frame["Output"]) == ["2", "32", "32", "32", "32", "2"]
    assert int(frame["Parameters"].sum()) == report.total_parameters == 1218


def test_shape_table_keeps_layers_after_an_error():
    spec = PRESETS["digits_cnn"].spec()
    broken = spec.with_layers([x for x in spec.layers if x["type"] != "flatten"])
    frame = shape_table(analyze(broken), broken.layers)
    assert len(frame) == len(broken.layers) + 2  # input + every layer + head
    assert frame["Status"].iloc[7] == "✗ invalid"
    assert list(frame["Status"].iloc[8:]) == ["not reached", "not reached"]
    assert frame["Parameters"].isna().iloc[7]
    assert not math.isnan(frame["Parameters"].iloc[1])


def test_parameter_cap_error_is_drawn_once(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", "500")
    spec = PRESETS["spiral"].spec()  # linear(32) → relu → linear(32) → relu: 1,218 parameters
    report, blocks = _blocks(spec)
    assert report.error_index == 2 and "500" in str(report.error)
    assert [b.label for b in blocks] == ["input", "linear", "relu", "linear", "relu",
                                         "output head"]
    assert [b.status for b in blocks][3:] == ["error", "unreached", "unreached"]
    frame = shape_table(report, spec.layers)
    assert list(frame["#"]) == ["in", "1", "2", "3", "4", "head"]
    assert list(frame["Status"])[3] == "✗ invalid"
