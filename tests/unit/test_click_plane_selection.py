"""Reading a click on the click plane back: the marker's own x and y, whatever shape the
browser gives its customdata, and nothing for selections that are not grid clicks."""

import numpy as np
import plotly.graph_objects as go

from playground.viz.click_plane import EXTENT, click_plane, clicked_points


def test_a_click_is_read_from_the_points_own_coordinates():
    browser = {"selection": {"points": [
        {"x": 0.25, "y": -0.5, "customdata": {"0": 0.25, "1": -0.5}, "curve_number": 3}]}}
    assert clicked_points(browser) == [(0.25, -0.5)]
    assert clicked_points({"selection": {"points": [{"x": 2 * EXTENT, "y": 0.0}]}}) == []
    assert clicked_points({"selection": {"points": [{"x": "a", "y": 0.0}]}}) == []
    assert clicked_points(None) == [] and clicked_points({}) == []


def test_the_plane_offers_a_grid_of_click_targets_over_the_points():
    fig = click_plane(np.array([[0.1, 0.2]]), np.array([0]), ["a"])
    go.Figure(fig.to_dict())  # a valid figure
    grid = fig.data[-1]
    assert len(grid.x) == 33 * 33 and max(grid.x) == EXTENT and min(grid.y) == -EXTENT
    assert grid.customdata is None  # clicks are read from x and y
