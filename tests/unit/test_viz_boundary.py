"""The decision boundary figure: predicted class and confidence in the heatmap, train and
test points told apart by symbol and outline."""

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from torch import nn

from playground.inspection.plane import plane_grid, predict_plane
from playground.viz.boundary import (
    boundary_z,
    confidence_colorscale,
    decision_boundary,
    prediction_surface,
)
from playground.viz.palette import class_color


def test_z_encodes_class_and_confidence():
    probs = np.array([[[0.9, 0.05, 0.05], [0.2, 0.3, 0.5]],
                      [[1 / 3, 1 / 3, 1 / 3], [0.0, 1.0, 0.0]]])
    z = boundary_z(probs)
    np.testing.assert_array_equal(np.floor(z), [[0, 2], [0, 1]])
    assert z[0, 0] - 0 == pytest.approx((0.9 - 1 / 3) / (2 / 3), abs=1e-6)
    assert z[1, 0] == pytest.approx(0.0, abs=1e-6)  # chance: palest
    assert z[1, 1] < 2  # full confidence stays inside its class band


def test_colorscale_bands_use_class_colours():
    scale = confidence_colorscale(3)
    assert [pos for pos, _ in scale] == [0, 1 / 3, 1 / 3, 2 / 3, 2 / 3, 1]
    r, g, b = (int(class_color(1)[i:i + 2], 16) for i in (1, 3, 5))
    strong = scale[3][1]
    assert strong.startswith("rgb(") and strong != scale[2][1]
    # the strong end of band 1 leans towards class 1's colour, away from white
    sr, sg, sb = map(int, strong[4:-1].split(","))
    assert abs(sr - r) + abs(sg - g) + abs(sb - b) < abs(255 - r) + abs(255 - g) + abs(255 - b)


def test_figure_from_a_real_model():
    rng = np.random.default_rng(0)
    x_train = rng.normal(size=(40, 2)).astype(np.float32)
    y_train = (x_train[:, 0] > 0).astype(np.int64)
    x_test = rng.normal(size=(10, 2)).astype(np.float32)
    y_test = (x_test[:, 0] > 0).astype(np.int64)
    torch.manual_seed(0)
    grid = plane_grid(np.concatenate([x_train, x_test]), resolution=20)
    probs = predict_plane(nn.Sequential(nn.Linear(2, 2)), grid)
    fig = decision_boundary(grid.xs, grid.ys, probs, x_train, y_train, x_test, y_test,
                            ("left", "right"))
    go.Figure(fig.to_dict())
    heat = fig.data[0]
    assert heat.type == "heatmap" and np.asarray(heat.z).shape == (20, 20)
    np.testing.assert_array_equal(np.floor(np.asarray(heat.z)), probs.argmax(-1))
    scatters = {t.name: t for t in fig.data[1:]}
    assert set(scatters) == {"left (train)", "right (train)", "left (test)", "right (test)"}
    assert sum(len(t.x) for n, t in scatters.items() if "train" in n) == 40
    assert sum(len(t.x) for n, t in scatters.items() if "test" in n) == 10
    train, test = scatters["left (train)"], scatters["left (test)"]
    assert train.marker.symbol != test.marker.symbol
    assert train.marker.line.color != test.marker.line.color
    assert train.marker.color == test.marker.color == class_color(0)
    assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_prediction_surface_colours_by_the_targets_or_a_given_range():
    xs = ys = np.linspace(-1, 1, 5)
    values = np.zeros((5, 5))
    x = np.array([[0.0, 0.0], [0.5, 0.5]])
    fig = prediction_surface(xs, ys, values, x, np.array([0.2, 0.4]), x[:0], np.zeros(0))
    assert (fig.data[0].zmin, fig.data[0].zmax) == pytest.approx((0.2, 0.4))
    wide = prediction_surface(xs, ys, values, x, np.array([0.2, 0.4]), x[:0], np.zeros(0),
                              value_range=(-1.0, 1.0))
    assert (wide.data[0].zmin, wide.data[0].zmax) == (-1.0, 1.0)
    assert wide.data[1].marker.cmin == -1.0  # the points share the background's scale
