"""The learning loop's figures, read from their data."""

import numpy as np
import pytest

from playground.viz.loop import (
    as_matrix,
    cross_entropy_curve,
    grad_norm_bars,
    layer_output_figure,
    loop_trail,
    losses_before_after,
    regression_fit,
    tensor_panels,
    update_scatter,
)
from playground.viz.palette import CORRECT, WRONG


def test_as_matrix_lays_out_biases_dense_and_conv_weights():
    assert as_matrix(np.zeros(5)).shape == (1, 5)
    assert as_matrix(np.zeros((3, 4))).shape == (3, 4)
    assert as_matrix(np.zeros((8, 3, 3, 3))).shape == (8, 27)


def test_cross_entropy_curve_puts_each_example_on_minus_log_p():
    p = np.array([0.9, 0.2, 0.5])
    fig = cross_entropy_curve(p, -np.log(p), followed=1)
    curve, points, followed = fig.data
    np.testing.assert_allclose(curve.y, -np.log(curve.x))
    np.testing.assert_allclose(points.y, -np.log(p))
    assert list(points.marker.color) == [CORRECT, WRONG, CORRECT]
    assert followed.x == (0.2,)
    assert "probability" in fig.layout.xaxis.title.text


def test_grad_norm_bars_skip_layers_without_parameters_on_a_log_axis():
    fig = grad_norm_bars(["1 linear", "2 relu", "head"], [0.5, None, 2e-4])
    assert list(fig.data[0].x) == ["1 linear", "head"]
    assert fig.layout.yaxis.type == "log"


def test_tensor_panels_centre_each_scale_on_zero():
    fig = tensor_panels({"before": np.array([[1.0, -3.0]]), "update": np.array([0.1, 0.2])},
                        "t")
    first, second = fig.data
    assert (first.zmin, first.zmax) == (-3.0, 3.0)
    assert second.zmax == pytest.approx(0.2)
    assert np.asarray(second.z).shape == (1, 2)


def test_update_scatter_draws_the_sgd_line_and_the_actual_updates():
    g = np.array([1.0, -2.0, 0.5])
    fig = update_scatter(g, -0.1 * g, 0.1, "sgd")
    line, points = fig.data
    assert line.x == (-2.0, 2.0) and line.y == (0.2, -0.2)  # −lr × gradient
    np.testing.assert_allclose(points.y, -0.1 * g)


def test_before_after_trail_fit_and_layer_outputs_have_data():
    fig = losses_before_after(np.array([1.0, 2.0]), np.array([0.5, 1.5]))
    assert [t.name for t in fig.data] == ["before the update", "after the update"]
    assert len(loop_trail([1, 2], [1.0, 0.9], [0.9, 0.8]).data[0].x) == 2
    fit = regression_fit(np.array([0.0, 1.0]), np.array([0.1, 0.8]), followed=0)
    assert len(fit.data) == 3
    assert layer_output_figure(np.zeros((4, 5, 5)), "maps").data[0].type == "heatmap"
    assert layer_output_figure(np.zeros(6), "bars").data[0].type == "bar"
