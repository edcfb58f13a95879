"""The neuron-graph figure, read from its data: edges coloured by sign and sized by
magnitude, hover text with exact values, node colours and thumbnails."""

import numpy as np
import plotly.graph_objects as go

from playground.inspection.dense_graph import DenseGraph
from playground.viz.neuron_graph import (
    BIAS_TRACE,
    EDGE_TRACE,
    NEGATIVE,
    POSITIVE,
    neuron_graph_figure,
)

GRAPH = DenseGraph(("input", "layer 1", "output"),
                   (("x", "y"), ("unit 1", "unit 2", "unit 3"), ("a", "b")), (0, 2), (-1, 1, 2))
W1 = np.array([[0.5, -1.0], [2.0, 0.0], [-0.412, 0.1]])
W2 = np.array([[1.0, -2.0, 0.3], [-0.2, 0.0, 4.0]])
B = [np.array([0.1, -0.2, 0.0]), np.array([-1.5, 2.0])]


def _trace(fig, name):
    return next(t for t in fig.data if t.name == name)


def test_edge_markers_carry_exact_values_and_colours_follow_signs():
    fig = neuron_graph_figure(GRAPH, [W1, W2], B)
    go.Figure(fig.to_dict())  # a valid figure
    edges = _trace(fig, EDGE_TRACE)
    assert len(edges.x) == 6 + 6
    values = {tuple(c): t for c, t in zip(edges.customdata, edges.hovertext, strict=True)}
    assert values[(0, 2, 0)] == "layer 1, unit 3 ← x: weight −0.412"
    assert values[(1, 1, 2)] == "output, b ← unit 3: weight 4.000"
    colours = dict(zip([tuple(c) for c in edges.customdata], edges.marker.color, strict=True))
    assert colours[(0, 0, 1)] == NEGATIVE and colours[(0, 0, 0)] == POSITIVE
    assert len({(x, y) for x, y in zip(edges.x, edges.y, strict=True)}) == 12  # no overlap


def test_line_width_grows_with_magnitude_and_line_colour_with_sign():
    fig = neuron_graph_figure(GRAPH, [W1, W2], B)
    lines = [t for t in fig.data if t.mode == "lines"]
    assert len(lines) <= 10  # one trace per sign and width step, not one per edge
    widest = max(lines, key=lambda t: t.line.width)
    # The largest weight (4.0: unit 3 at (2.5, -1) to output b at (5, -0.5)) is the widest.
    assert widest.line.color == POSITIVE
    points = list(zip(widest.x, widest.y, strict=True))
    assert points[points.index((2.5, -1.0)) + 1] == (5.0, -0.5)
    thinnest = min(lines, key=lambda t: t.line.width)
    assert thinnest.line.width < widest.line.width


def test_bias_markers_and_gradient_names():
    fig = neuron_graph_figure(GRAPH, [W1, W2], B, edge_name="∂loss/∂w")
    biases = _trace(fig, BIAS_TRACE)
    assert list(map(tuple, biases.customdata)) == [(0, 0, -1), (0, 1, -1), (0, 2, -1),
                                                   (1, 0, -1), (1, 1, -1)]
    assert biases.hovertext[3] == "output, a: ∂loss/∂w (bias) −1.500"
    assert "∂loss/∂w 0.500" in _trace(fig, EDGE_TRACE).hovertext[0]


def test_node_values_colour_the_nodes_on_a_symmetric_scale_and_thumbnails_are_images():
    values = [np.array([1.0, -2.0]), np.array([0.0, 0.5, -0.5]), np.array([3.0, -1.0])]
    thumbs = [[np.random.default_rng(i).normal(size=(8, 8)) for i in range(n)]
              for n in GRAPH.sizes]
    fig = neuron_graph_figure(GRAPH, [W1, W2], B, node_values=values, thumbnails=thumbs)
    go.Figure(fig.to_dict())
    nodes = _trace(fig, "neurons")
    assert list(nodes.marker.color) == [1.0, -2.0, 0.0, 0.5, -0.5, 3.0, -1.0]
    assert nodes.marker.cmin == -3.0 and nodes.marker.cmax == 3.0
    assert nodes.marker.colorbar.title.text == "value"
    assert "x: value 1.000" in nodes.hovertext[0]
    assert len(fig.layout.images) == 7
    assert fig.layout.images[0].source.startswith("data:image/png;base64,")
    assert fig.layout.xaxis.title.text and list(fig.layout.xaxis.ticktext) == list(GRAPH.labels)
