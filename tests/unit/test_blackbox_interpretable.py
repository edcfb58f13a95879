"""Accuracy against transparency: readable models beside the network, feature crosses."""

import numpy as np

from playground.blackbox.interpretable import compare_interpretable, feature_crosses
from playground.datasets import make_data
from playground.presets import PRESETS


def test_crosses_let_the_linear_model_solve_circles():
    data = make_data(PRESETS["circles"].spec().dataset)
    result = compare_interpretable(data, 0.99, 0.98, 123, crosses=True)
    scores = {s.name: s for s in result.scores}
    plain = scores["Logistic regression"].test_accuracy
    crossed = scores["Logistic regression + crosses"].test_accuracy
    assert plain < 0.75 < 0.95 < crossed  # a line cannot, a circle's equation can
    assert result.cross_names[2:] == ("x²", "y²", "x·y")
    # The squares carry the decision: read off the weights.
    w = np.abs(result.cross_weights[0])
    assert w[2] > 5 * w[0] and w[3] > 5 * w[1]
    assert scores["Neural network"].test_accuracy == 0.98
    assert "123 weights" in scores["Neural network"].readable


def test_tree_rules_are_printed_and_images_keep_their_shape():
    data = make_data(PRESETS["digits_mlp"].spec().dataset)
    result = compare_interpretable(data, 1.0, 0.97, 1000, crosses=True)
    assert [s.name for s in result.scores] == ["Logistic regression",
                                               "Decision tree (depth 3)", "Neural network"]
    assert "pixel (" in result.tree_rules and "class:" in result.tree_rules
    assert result.tree_rules.count("class:") <= 8  # depth 3: at most eight leaves
    assert result.image_shape == (8, 8) and result.weights.shape == (10, 64)


def test_feature_crosses_columns():
    x = np.array([[2.0, 3.0]], np.float32)
    assert feature_crosses(x).tolist() == [[2.0, 3.0, 4.0, 9.0, 6.0]]
