"""Loss and accuracy curves: the figure holds the history it was given."""

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.viz.curves import accuracy_curve, downsample, loss_curve

EPOCHS = [
    {"epoch": 1, "step": 10, "train_loss": 1.0, "test_loss": 1.2, "train_accuracy": 0.5,
     "test_accuracy": 0.4},
    {"epoch": 2, "step": 20, "train_loss": 0.5, "test_loss": 0.7, "train_accuracy": 0.8,
     "test_accuracy": 0.7},
]


def by_name(fig: go.Figure) -> dict:
    return {t.name: t for t in fig.data}


def test_short_histories_are_drawn_point_for_point():
    xs, ys = downsample([3.0, 2.0, 1.0])
    np.testing.assert_array_equal(xs, [1, 2, 3])
    np.testing.assert_array_equal(ys, [3, 2, 1])


def test_long_histories_are_averaged_into_buckets():
    values = np.arange(10_000, dtype=float)
    xs, ys = downsample(values, 100)
    assert len(xs) == len(ys) == 100
    assert xs[-1] == 10_000
    assert ys[0] == pytest.approx(values[:100].mean())
    assert np.mean(ys) == pytest.approx(values.mean())


def test_loss_curve_against_steps():
    fig = loss_curve([1.5, 1.2, 1.0, 0.9], EPOCHS, x_axis="step")
    go.Figure(fig.to_dict())  # every key valid
    traces = by_name(fig)
    assert list(traces["train loss (per batch)"].y) == [1.5, 1.2, 1.0, 0.9]
    assert list(traces["test loss (epoch)"].x) == [10, 20]
    assert list(traces["test loss (epoch)"].y) == [1.2, 0.7]
    assert list(traces["train loss (epoch)"].y) == [1.0, 0.5]
    assert fig.layout.xaxis.title.text.startswith("step")
    assert fig.layout.yaxis.title.text


def test_loss_curve_against_epochs_places_batches_at_fractions():
    fig = loss_curve([1.0] * 20, EPOCHS, x_axis="epoch", steps_per_epoch=10)
    traces = by_name(fig)
    assert traces["train loss (per batch)"].x[9] == pytest.approx(1.0)
    assert list(traces["test loss (epoch)"].x) == [1, 2]
    assert fig.layout.xaxis.title.text == "epoch"


def test_test_and_train_differ_without_colour():
    traces = by_name(loss_curve([], EPOCHS))
    assert traces["train loss (epoch)"].line.dash != traces["test loss (epoch)"].line.dash
    assert traces["train loss (epoch)"].marker.symbol != traces["test loss (epoch)"].marker.symbol


def test_accuracy_curve():
    fig = accuracy_curve(EPOCHS, x_axis="epoch")
    go.Figure(fig.to_dict())
    traces = by_name(fig)
    assert list(traces["train accuracy"].y) == [0.5, 0.8]
    assert list(traces["test accuracy"].y) == [0.4, 0.7]
    assert tuple(fig.layout.yaxis.range) == (0, 1.02)


def test_unknown_axis_is_an_error():
    with pytest.raises(ValueError):
        loss_curve([1.0], [], x_axis="time")
