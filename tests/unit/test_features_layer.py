"""The input-features layer: what it computes, where it is refused and why, and the point
of it — a model with no hidden layer separates circles once it sees x² and y²."""

import pytest
import torch

from playground.builder import build_model
from playground.errors import SpecError
from playground.layers import LAYERS
from playground.layers.features import InputFeatures
from playground.presets import PRESETS
from playground.shapes import analyze
from playground.spec import Spec
from playground.trainer import Trainer


def _spec(layers, dataset="circles"):
    return Spec.from_dict({"dataset": dataset, "layers": layers})


def test_defaults_are_x_and_y_and_every_feature_is_computed_in_order():
    assert {k for k, v in LAYERS["features"].defaults().items() if v is True} == {"x", "y"}
    every = {p.name: True for p in LAYERS["features"].params}
    module = LAYERS["features"].build((2,), every)
    p = torch.tensor([[2.0, -0.5]])
    x, y = 2.0, -0.5
    expected = [x, y, x * x, y * y, x * y, torch.sin(torch.tensor(x)).item(),
                torch.sin(torch.tensor(y)).item()]
    assert module(p)[0].tolist() == pytest.approx(expected)
    assert sum(q.numel() for q in module.parameters()) == 0


def test_it_maps_two_features_to_the_chosen_count():
    report = analyze(_spec([{"type": "features", "xy": True, "sin_x": True}]))
    assert report.ok and report.rows[0].output_shape == (4,)
    assert report.rows[1].input_shape == (4,)  # the head reads the features
    assert isinstance(build_model(_spec([{"type": "features"}]))[0], InputFeatures)


def test_not_first_or_not_2d_is_a_shape_error_naming_the_fix():
    later = analyze(_spec([{"type": "linear", "units": 4}, {"type": "features"}]))
    assert later.error_index == 1
    assert "layer 2 (features)" in str(later.error) and "first layer" in str(later.error)
    image = analyze(_spec([{"type": "flatten"}, {"type": "features"}], dataset="digits"))
    assert "2D point data" in str(image.error)


def test_no_feature_selected_is_a_clear_error():
    report = analyze(_spec([{"type": "features", "x": False, "y": False}]))
    assert "no feature selected" in str(report.error)
    with pytest.raises(SpecError, match="tick at least one"):
        build_model(_spec([{"type": "features", "x": False, "y": False}]))


def test_a_linear_model_on_squared_features_separates_circles():
    spec = PRESETS["circles_features"].spec()
    assert [layer["type"] for layer in spec.layers] == ["features"]  # then only the head
    trainer = Trainer(spec)
    trainer.train()
    assert trainer.evaluate("test")["accuracy"] > 0.95  # measured: 1.0
    plain = Trainer(Spec.from_dict({**spec.to_dict(), "layers": []}))
    plain.train()
    assert plain.evaluate("test")["accuracy"] < 0.8  # a straight line cannot do it
