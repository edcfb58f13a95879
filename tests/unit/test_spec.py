"""The spec: exact round trips through every encoding, and a clear SpecError for every
kind of mistake, naming the layer (position and kind) and saying how to fix it."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.errors import SpecError
from playground.presets import PRESETS
from playground.shapes import validate
from playground.spec import TRAIN_PARAMS, Spec, load_spec


def spec_dict(**over):
    base = {"version": 1, "dataset": {"name": "spiral"},
            "layers": [{"type": "linear", "units": 8}, {"type": "relu"}],
            "train": {"epochs": 2}}
    return {**base, **over}


def layers_error(layers, dataset="spiral"):
    with pytest.raises(SpecError) as err:
        validate(Spec.from_dict(spec_dict(layers=layers, dataset={"name": dataset})))
    return str(err.value)


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_round_trip_through_dict_json_and_url(name):
    spec = PRESETS[name].spec()
    assert Spec.from_dict(spec.to_dict()) == spec
    assert Spec.from_json(spec.to_json()) == spec
    assert Spec.from_url_token(spec.to_url_token()) == spec
    assert spec.to_dict() == json.loads(spec.to_json())


@settings(max_examples=40, deadline=None)
@given(units=st.integers(1, 4096), lr=st.floats(1e-6, 10.0), seed=st.integers(0, 2**31 - 1),
       optimizer=st.sampled_from(["sgd", "momentum", "adam", "adamw"]),
       noise=st.floats(0.0, 1.0), test_fraction=st.floats(0.05, 0.9),
       p=st.floats(0.0, 0.9))
def test_any_valid_spec_round_trips_exactly(units, lr, seed, optimizer, noise, test_fraction,
                                            p):
    spec = Spec.from_dict({
        "dataset": {"name": "xor", "params": {"noise": noise}, "test_fraction": test_fraction,
                    "seed": seed},
        "layers": [{"type": "linear", "units": units}, {"type": "dropout", "p": p}],
        "train": {"lr": lr, "optimizer": optimizer, "seed": seed},
    })
    for again in (Spec.from_dict(spec.to_dict()), Spec.from_json(spec.to_json()),
                  Spec.from_url_token(spec.to_url_token())):
        assert again == spec
        assert again.to_dict() == spec.to_dict()


def test_missing_values_take_their_defaults():
    spec = Spec.from_dict({"dataset": "spiral", "layers": [{"type": "linear"}]})
    assert spec.layers == ({"type": "linear", "units": 16},)
    assert spec.train.optimizer == "adam" and spec.train.epochs == 20
    assert spec.dataset.params == {"n_samples": 600, "noise": 0.1, "arms": 2}
    assert {p.name for p in TRAIN_PARAMS} == set(spec.to_dict()["train"])


def test_with_helpers_revalidate():
    spec = Spec.from_dict(spec_dict())
    assert spec.with_train(lr=0.5).train.lr == 0.5
    assert spec.with_layers([{"type": "tanh"}]).layers == ({"type": "tanh"},)
    assert spec.with_dataset("xor").dataset.name == "xor"
    with pytest.raises(SpecError, match="'lr' is 100"):
        spec.with_train(lr=100.0)


def test_unknown_layer_kind_names_position_and_lists_kinds():
    msg = layers_error([{"type": "linear", "units": 4}, {"type": "convolution"}])
    assert msg.startswith("layer 2: unknown layer type 'convolution'")
    assert "Available:" in msg and "conv2d" in msg


def test_layer_without_type_names_position_and_shows_an_example():
    msg = layers_error([{"type": "relu"}, {"units": 4}])
    assert msg.startswith("layer 2:") and '{"type": "relu"}' in msg


def test_out_of_range_parameter_names_layer_and_range():
    msg = layers_error([{"type": "linear", "units": 0}])
    assert msg.startswith("layer 1 (linear): 'units' is 0")
    assert "Use a value from 1 to 4096" in msg


def test_wrong_json_type_names_layer_and_expected_type():
    msg = layers_error([{"type": "relu"}, {"type": "linear", "units": "16"}])
    assert msg.startswith("layer 2 (linear): 'units' must be an integer, got '16'")
    assert "Use a value from 1 to 4096" in msg


def test_unknown_parameter_names_layer_and_the_allowed_ones():
    msg = layers_error([{"type": "conv2d", "filters": 3}], dataset="digits")
    assert msg.startswith("layer 1 (conv2d): unknown parameter 'filters'")
    assert "channels" in msg and "kernel_size" in msg


def test_unknown_dataset_lists_the_available_ones():
    with pytest.raises(SpecError, match=r"Unknown dataset 'mnist'. Available: .*digits"):
        Spec.from_dict(spec_dict(dataset={"name": "mnist"}))


def test_too_many_parameters_names_the_layer_and_a_fix(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", "1000")
    msg = layers_error([{"type": "linear", "units": 8}, {"type": "linear", "units": 200}])
    assert msg.startswith("layer 2 (linear) brings the model to 1,824 parameters")
    assert "(1,000)" in msg and "fewer units" in msg


def test_linear_after_conv_says_add_a_flatten_layer():
    msg = layers_error([{"type": "conv2d"}, {"type": "linear", "units": 8}], dataset="digits")
    assert msg.startswith("layer 2 (linear) receives 8×8×8 feature maps")
    assert "add a flatten layer" in msg


@pytest.mark.parametrize("data, match", [
    ([], "must be a JSON object"),
    ({"layers": [], "extra": 1}, "Unknown top-level key 'extra'"),
    ({"version": 2}, "version 2 is not supported"),
    ({"dataset": 3}, "'dataset' must be an object with a 'name'"),
    ({"dataset": {"name": "xor", "size": 3}}, "dataset: unknown key 'size'"),
    ({"dataset": {"name": "xor", "params": {"noise": 9}}}, r"dataset xor: 'noise' is 9"),
    ({"dataset": {"name": "xor", "test_fraction": 0.99}}, "'test_fraction' is 0.99"),
    ({"layers": {"type": "relu"}}, "'layers' must be a list"),
    ({"train": []}, "'train' must be an object"),
    ({"train": {"optimizer": "rmsprop"}}, r"train: 'optimizer' is 'rmsprop'; choose one of"),
    ({"train": {"lr": -1}}, r"train: 'lr' is -1"),
])
def test_top_level_mistakes_are_spec_errors(data, match):
    with pytest.raises(SpecError, match=match):
        Spec.from_dict(data)


def test_bad_json_url_and_files_are_spec_errors(tmp_path):
    with pytest.raises(SpecError, match="not valid JSON"):
        Spec.from_json("{nope")
    with pytest.raises(SpecError, match="could not be read"):
        Spec.from_url_token("!!!not-a-token")
    with pytest.raises(SpecError, match="Cannot read spec file"):
        load_spec(tmp_path / "missing.json")
    binary = tmp_path / "weights.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(SpecError):
        load_spec(binary)
    good = tmp_path / "spec.json"
    good.write_text(Spec.from_dict(spec_dict()).to_json())
    assert load_spec(good) == Spec.from_dict(spec_dict())
