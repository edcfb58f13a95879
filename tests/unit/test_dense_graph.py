"""The neuron graph of a dense network: its columns and gaps, the weights it reads and
writes, and one example's values per column, against the model itself."""

import numpy as np
import pytest
import torch
from torch import nn

from playground.builder import build_model
from playground.inspection.dense_graph import (
    dense_graph,
    graph_weights,
    node_values,
    parameter_of,
    set_weight,
)
from playground.spec import Spec


def _mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Dropout(0.1), nn.Linear(3, 2))


def test_a_2_3_2_mlp_is_three_columns_with_the_linears_as_gaps():
    graph = dense_graph(_mlp(), ["x", "y"], ["red", "blue"])
    assert graph.labels == ("input", "layer 1", "output")
    assert graph.nodes == (("x", "y"), ("unit 1", "unit 2", "unit 3"), ("red", "blue"))
    assert graph.linears == (0, 3)
    assert graph.taps == (-1, 2, 3)  # layer 1's values are read after tanh and dropout
    assert graph.edge_label(1, 0, 2) == "output, red ← unit 3"


def test_weights_equal_the_models_and_values_follow_a_hand_computed_pass():
    model = _mlp()
    graph = dense_graph(model, ["x", "y"])
    (w1, w2), (b1, b2) = graph_weights(model, graph)
    assert w1.shape == (3, 2) and w2.shape == (2, 3) and b2.shape == (2,)
    np.testing.assert_array_equal(w1, model[0].weight.detach().numpy())
    np.testing.assert_array_equal(b2, model[3].bias.detach().numpy())
    x = np.array([0.5, -1.0], np.float32)
    values = node_values(model, graph, x)
    hidden = np.tanh(w1 @ x + b1)
    np.testing.assert_allclose(values[0], x)
    np.testing.assert_allclose(values[1], hidden, rtol=1e-5)
    np.testing.assert_allclose(values[2], w2 @ hidden + b2, rtol=1e-5)
    assert model.training  # inspection restores the mode


def test_not_a_small_dense_net_gives_none():
    cnn = build_model(Spec.from_dict({"dataset": "shapes", "layers": [
        {"type": "conv2d", "channels": 4}, {"type": "relu"}, {"type": "flatten"}]}))
    assert dense_graph(cnn, ["pixel"] * 256) is None
    assert dense_graph(nn.Sequential(nn.Linear(2, 17), nn.ReLU(), nn.Linear(17, 2)),
                       ["x", "y"]) is None
    deep = [m for _ in range(8) for m in (nn.Linear(2, 2), nn.ReLU())]
    assert dense_graph(nn.Sequential(*deep), ["x", "y"]) is None
    assert dense_graph(nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 2)),
                       ["x", "y"]) is None


def test_the_features_layer_is_the_first_column():
    spec = Spec.from_dict({"dataset": "circles", "layers": [
        {"type": "features", "x": False, "y": False, "x_squared": True, "y_squared": True},
        {"type": "linear", "units": 4}, {"type": "relu"}]})
    model = build_model(spec)
    graph = dense_graph(model, ["x", "y"])
    assert graph.labels[0] == "features" and graph.nodes[0] == ("x²", "y²")
    assert graph.linears == (1, 3)
    values = node_values(model, graph, np.array([2.0, -3.0], np.float32))
    np.testing.assert_allclose(values[0], [4.0, 9.0])


def test_set_weight_changes_exactly_one_value_and_parameter_of_names_it():
    model = _mlp()
    graph = dense_graph(model, ["x", "y"])
    before = {k: v.clone() for k, v in model.state_dict().items()}
    set_weight(model, graph, 1, 1, 2, -0.412)
    set_weight(model, graph, 0, 2, None, 1.5)
    after = model.state_dict()
    assert after["3.weight"][1, 2].item() == pytest.approx(-0.412)
    assert after["0.bias"][2].item() == pytest.approx(1.5)
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed == {"3.weight", "0.bias"}
    diff = (before["3.weight"] != after["3.weight"]).sum().item()
    assert diff == 1
    assert parameter_of(graph, 1, 1, 2) == ("3.weight", (1, 2))
    assert parameter_of(graph, 0, 2, None) == ("0.bias", (2,))
    with pytest.raises(IndexError):
        set_weight(model, graph, 2, 0, 0, 1.0)
    with pytest.raises(IndexError):
        set_weight(model, graph, 0, 0, 5, 1.0)


def test_the_runner_writes_an_edited_weight_into_the_live_model_and_bumps_its_version():
    from playground.presets import PRESETS
    from playground.runner import Runner
    from playground.trainer import Trainer

    runner = Runner(Trainer(PRESETS["xor"].spec()))
    graph = dense_graph(runner.trainer.model, ["x", "y"])
    before = runner.key
    name, index = parameter_of(graph, 0, 1, 0)
    runner.set_parameter(name, index, 0.75)
    assert runner.trainer.model.get_parameter(name)[index].item() == 0.75
    assert runner.key.version == before.version + 1 and runner.key.run_id == before.run_id
    with pytest.raises(IndexError):
        runner.set_parameter(name, (99, 0), 1.0)
