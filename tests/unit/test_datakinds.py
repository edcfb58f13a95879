"""The data-kind registry and the layer facts it leans on: every dataset's kind is registered,
every kind's layer categories exist and hold layers, the presets build only from layers their
data kind offers, and the layer registry's health and gate facts match the modules."""

import pytest
import torch
from torch import nn

from playground.datakinds import DATA_KINDS, TEST_SPLIT
from playground.datasets import DATASETS
from playground.layers import CATEGORIES, LAYERS
from playground.presets import PRESETS


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_dataset_kind_is_registered(name):
    assert DATASETS[name].kind in DATA_KINDS


@pytest.mark.parametrize("name", list(DATA_KINDS))
def test_kind_categories_exist_and_offer_layers(name):
    kind = DATA_KINDS[name]
    assert set(kind.layer_categories) <= set(CATEGORIES)
    offered = [k for k in LAYERS if kind.fits(k)]
    assert {LAYERS[k].category for k in offered} == set(kind.layer_categories)
    assert TEST_SPLIT in kind.input_pickers and kind.label and kind.noun


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_use_only_layers_their_data_kind_offers(name):
    spec = PRESETS[name].spec()
    kind = DATA_KINDS[DATASETS[spec.dataset.name].kind]
    misfits = [layer["type"] for layer in spec.layers if not kind.fits(layer["type"])]
    assert not misfits, f"{name}: {misfits} do not fit {kind.name} data"


def test_layers_offered_follow_the_data():
    assert DATA_KINDS["sequence"].fits("lstm") and DATA_KINDS["sequence"].fits("embedding")
    for name in ("image", "2d", "tabular"):
        assert not any(DATA_KINDS[name].fits(k) for k in ("lstm", "self_attention",
                                                           "embedding"))
    for name in ("2d", "tabular", "sequence"):
        assert not any(DATA_KINDS[name].fits(k) for k in ("conv2d", "maxpool2d"))
    assert DATA_KINDS["image"].fits("conv2d") and DATA_KINDS["image"].fits("linear")


def test_feature_names_prefer_the_dataset_then_the_kind():
    assert DATA_KINDS["2d"].feature_names(2) == ("x", "y")
    assert DATA_KINDS["tabular"].feature_names(2) == ("feature 0", "feature 1")
    assert DATA_KINDS["tabular"].feature_names(1, ("alcohol",)) == ("alcohol",)


def test_only_token_kinds_read_token_ids_and_only_points_lie_on_a_plane():
    assert [k for k, v in DATA_KINDS.items() if v.tokens] == ["sequence", "text"]
    assert [k for k, v in DATA_KINDS.items() if v.plane] == ["2d"]


def test_reverse_declares_the_attention_it_needs():
    patterns = {n: d.attention_pattern for n, d in DATASETS.items() if d.attention_pattern}
    assert patterns == {"reverse": "mirror"}


def test_every_preview_and_prediction_view_has_a_renderer():
    from playground.ui.dataset_picker import PREVIEWS
    from playground.ui.live_view import PREDICTION_VIEWS

    for kind in DATA_KINDS.values():
        assert kind.preview in PREVIEWS and kind.prediction_view in PREDICTION_VIEWS


@pytest.mark.parametrize("name", [k for k, v in LAYERS.items() if v.health == "saturating"])
def test_saturating_kinds_flatten_outside_their_linear_range(name):
    low, high = LAYERS[name].linear_range
    module = LAYERS[name].build((3,), LAYERS[name].defaults())
    x = torch.linspace(-20, 20, 4001, requires_grad=True)
    y = module(x)
    (grad,) = torch.autograd.grad(y.sum(), x)
    outside = (y < low) | (y > high)
    assert outside.any() and (~outside).any()
    assert grad[outside].max() < 0.1 * grad.max(), "saturated values must pass little gradient"


def test_health_and_gates_are_declared_where_they_apply():
    assert [k for k, v in LAYERS.items() if v.health == "dead"] == ["relu"]
    for name, kind in LAYERS.items():
        assert kind.health in (None, "dead", "saturating")
        assert (kind.linear_range is not None) == (kind.health == "saturating"), name
    blocks = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
    for name, cls in blocks.items():  # one torch weight block per gate (a plain RNN: one)
        rows = cls(4, 5).weight_ih_l0.shape[0] // 5
        assert rows == (len(LAYERS[name].gates) or 1)
