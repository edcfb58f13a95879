"""The builder against a trusted reference: a hand-written nn.Sequential with the same seed."""

import pytest
import torch
from torch import nn

from playground.builder import build_model, count_parameters
from playground.datasets import make_data
from playground.shapes import validate
from playground.spec import Spec

LAYERS = [
    {"type": "conv2d", "channels": 4, "kernel_size": 3, "stride": 1, "padding": 1},
    {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool2d", "kernel_size": 2},
    {"type": "conv2d", "channels": 6, "kernel_size": 3, "stride": 2, "padding": 0},
    {"type": "flatten"}, {"type": "linear", "units": 12}, {"type": "layernorm"},
    {"type": "tanh"}, {"type": "dropout", "p": 0.3}, {"type": "linear", "units": 7},
    {"type": "leaky_relu", "negative_slope": 0.1},
]


def reference(seed):
    """The same network written by hand; initialisation draws in the same order."""
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, 1, 1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, 2, 0), nn.Flatten(), nn.Linear(6, 12), nn.LayerNorm([12]),
        nn.Tanh(), nn.Dropout(0.3), nn.Linear(12, 7), nn.LeakyReLU(0.1), nn.Linear(7, 10),
    )


@pytest.mark.parametrize("seed", [0, 123])
def test_spec_built_model_equals_hand_written_sequential(seed):
    spec = Spec.from_dict({"dataset": "digits", "layers": LAYERS, "train": {"seed": seed}})
    model, ref = build_model(spec), reference(seed)
    assert [type(m) for m in model] == [type(m) for m in ref]
    got, want = model.state_dict(), ref.state_dict()
    assert list(got) == list(want)
    for key in want:
        assert torch.equal(got[key], want[key]), key
    x = torch.as_tensor(make_data(spec.dataset).x_train[:16].copy())
    model.eval(), ref.eval()
    assert torch.equal(model(x), ref(x))


def test_children_are_named_by_position_and_the_head_is_last():
    spec = Spec.from_dict({"dataset": "spiral", "layers": [{"type": "linear", "units": 5},
                                                           {"type": "relu"}]})
    model = build_model(spec)
    assert [name for name, _ in model.named_children()] == ["0", "1", "2"]
    assert isinstance(model[2], nn.Linear) and model[2].out_features == 2
    assert count_parameters(model) == validate(spec).total_parameters == 2 * 5 + 5 + 5 * 2 + 2


def test_seed_decides_the_weights_and_global_rng_is_untouched():
    spec = Spec.from_dict({"dataset": "xor", "layers": [{"type": "linear", "units": 8}]})
    torch.manual_seed(99)
    before = torch.random.get_rng_state()
    a, b = build_model(spec), build_model(spec)
    assert torch.equal(torch.random.get_rng_state(), before)
    c = build_model(spec.with_train(seed=1))
    assert torch.equal(a[0].weight, b[0].weight)
    assert not torch.equal(a[0].weight, c[0].weight)
