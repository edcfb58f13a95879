"""The depth comparison: the derived family of specs, training them side by side in one
job, partial results while it runs, cancelling, and the server's caps."""

import time

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from playground.builder import build_model, count_parameters
from playground.depth import (
    DEFAULT_WIDTHS,
    DENSE,
    DEPTHS,
    DepthComparison,
    block_style,
    depth_plans,
    spec_activation,
)
from playground.errors import SpecError
from playground.jobs import CANCELLED, DONE, Job, JobCancelled
from playground.presets import PRESETS
from playground.shapes import validate
from playground.viz.depth import accuracy_by_depth, depth_boundary, depth_curves, short_count


def _preset(name: str, **train):
    return PRESETS[name].spec().with_train(device="cpu", **train)


def _kinds(plan) -> list[str]:
    return [layer["type"] for layer in plan.spec.layers]


def test_dense_family_has_one_linear_layer_per_depth_and_the_spec_activation():
    spec = _preset("xor")  # its hidden layers use tanh
    plans = depth_plans(spec, width=12, epochs=7)
    assert [p.depth for p in plans] == list(DEPTHS)
    for plan in plans:
        kinds = _kinds(plan)
        assert kinds.count("linear") == plan.depth and kinds.count("tanh") == plan.depth
        assert all(layer["units"] == 12 for layer in plan.spec.layers
                   if layer["type"] == "linear")
        assert plan.parameters == count_parameters(build_model(plan.spec))
        assert plan.spec.dataset == spec.dataset and plan.spec.train.epochs == 7
        assert plan.spec.train.seed == spec.train.seed and plan.spec.train.lr == spec.train.lr
        validate(plan.spec)
    assert plans[0].parameters == 2 * 2 + 2  # no hidden layer: logistic regression
    assert spec_activation(_preset("digits_cnn")) == {"type": "relu"}
    assert depth_plans(spec, depths=(1,))[0].spec.layers[0]["units"] == DEFAULT_WIDTHS[DENSE]


def test_image_family_uses_conv_blocks_that_widen_and_pool_while_the_maps_allow():
    plans = depth_plans(_preset("digits_cnn"), width=8)
    assert block_style(plans[0].spec) == "conv"
    x = torch.zeros(2, 1, 8, 8)
    for plan in plans:
        kinds = _kinds(plan)
        assert kinds.count("conv2d") == plan.depth and kinds.count("relu") == plan.depth
        assert kinds.count("maxpool2d") == min(plan.depth, 2)  # 8 → 4 → 2, then kept
        assert kinds[-1] == "flatten" and "linear" not in kinds
        channels = [layer["channels"] for layer in plan.spec.layers
                    if layer["type"] == "conv2d"]
        assert channels == [8, 16, 32, 64][:plan.depth]  # doubled in each block
        model = build_model(plan.spec)
        assert model(x).shape == (2, 10)
        assert plan.parameters == count_parameters(model)


def test_sequence_data_and_bad_requests_get_clear_messages(monkeypatch):
    with pytest.raises(SpecError, match="dense and conv networks"):
        depth_plans(_preset("brackets_lstm"))
    with pytest.raises(SpecError, match="at least one depth"):
        depth_plans(_preset("spiral"), depths=())
    with pytest.raises(SpecError, match="from 0 to 4"):
        depth_plans(_preset("spiral"), depths=(5,))
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", "3000")
    with pytest.raises(SpecError, match="4-hidden-layer model.*more than this server allows"):
        depth_plans(_preset("spiral"), width=32)
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", "1000")
    with pytest.raises(SpecError, match="Together the 3 models"):
        depth_plans(_preset("spiral"), depths=(2, 3, 4), width=16)  # 354, 626, 898 each fit


def test_on_spiral_the_deepest_model_beats_the_linear_one_by_far():
    # Measured: 0 hidden layers 57.5 %, 4 hidden layers of 16 units 99.2 % after 20 epochs.
    plans = depth_plans(_preset("spiral"), depths=(0, 4), width=16, epochs=20)
    snap = DepthComparison(plans).run(lambda fraction, text: None)
    linear, deep = snap.rows
    assert linear.epochs_done == deep.epochs_done == 20
    assert linear.last_test < 0.7 and deep.last_test > 0.9
    assert deep.last_test - linear.last_test > 0.25
    assert deep.probs.shape == (40, 40, 2) and snap.grid.resolution == 40


def test_models_train_in_turn_and_partial_results_are_readable():
    plans = depth_plans(_preset("spiral"), depths=(0, 1, 2), epochs=50)
    comparison = DepthComparison(plans)
    seen = []

    def progress(fraction, text):
        if fraction > 0:
            seen.append(comparison.snapshot())
        if len(seen) == 4:
            raise JobCancelled

    with pytest.raises(JobCancelled):
        comparison.run(progress)
    done = [[row.epochs_done for row in snap.rows] for snap in seen]
    assert done == [[1, 0, 0], [1, 1, 0], [1, 1, 1], [2, 1, 1]]  # one epoch each in turn
    first = seen[0].rows[0]
    assert len(first.test_accuracy) == 1 and first.probs is not None
    assert seen[0].rows[1].probs is None and seen[0].rows[1].last_test is None


def test_the_job_can_be_cancelled_and_keeps_what_it_trained():
    comparison = DepthComparison(depth_plans(_preset("spiral"), epochs=1000))
    job = Job(comparison.run, name="depth")
    assert job.start() is None
    deadline = time.monotonic() + 60
    while comparison.snapshot().rows[-1].epochs_done == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    job.cancel()
    status = job.join(timeout=60)
    assert status.state == CANCELLED
    rows = comparison.snapshot().rows
    assert all(1 <= row.epochs_done < 1000 for row in rows)


def test_the_time_cap_stops_the_run_with_a_message():
    plans = depth_plans(_preset("spiral"), depths=(0, 2), epochs=50)
    job = Job(DepthComparison(plans, max_seconds=1e-9).run, name="depth")
    job.start()
    status = job.join(timeout=60)
    assert status.state == DONE
    assert "time cap" in status.result.message
    assert [row.epochs_done for row in status.result.rows] == [1, 1]


def test_figures_are_valid_and_show_every_depth():
    by_depth = accuracy_by_depth([0, 2, 4], [0.55, None, 0.99], [0.6, None, 1.0],
                                 [6, 114, 102_282])
    curves = depth_curves([0, 2, 4], [[0.5, 0.55], [], [0.7, 0.99]])
    xs = np.linspace(-1, 1, 5, dtype=np.float32)
    points, labels = np.zeros((4, 2), np.float32), np.array([0, 1, 0, 1])
    boundary = depth_boundary(1, xs, xs, np.full((5, 5, 2), 0.5), points, labels, points,
                              labels, ["a", "b"])
    for fig in (by_depth, curves, boundary):
        go.Figure(fig.to_dict())  # every key is one plotly knows
    test = by_depth.data[0]
    assert list(test.x) == [0, 2, 4] and list(test.y) == [0.55, None, 0.99]
    assert by_depth.layout.xaxis.ticktext[-1] == "4<br>(102k params)"
    assert by_depth.layout.xaxis.title.text == "hidden layers"
    assert [t.name for t in curves.data] == ["0 hidden layers", "2 hidden layers",
                                            "4 hidden layers"]
    assert len({t.line.dash for t in curves.data}) == 3  # told apart without colour
    assert boundary.layout.title.text == "1 hidden layer" and not boundary.layout.showlegend
    assert [short_count(n) for n in (6_090, 25_866, 1_234_567)] == ["6,090", "25.9k", "1.2M"]
