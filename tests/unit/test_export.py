"""Weights in and out (safetensors only, checked against the spec) and the plain-PyTorch
source export, run and compared with the spec-built model."""

import json

import pytest
import torch
from safetensors.torch import save_file
from torch import nn

from playground.builder import build_model
from playground.datasets import make_data
from playground.errors import SpecError
from playground.export import (
    export_source,
    load_weights,
    read_weights,
    save_weights,
    write_metrics,
)
from playground.layers import LAYERS
from playground.presets import PRESETS
from playground.shapes import analyze
from playground.spec import Spec

# Kinds built from stock torch.nn modules: these must always export.
STOCK_KINDS = {"relu", "leaky_relu", "tanh", "sigmoid", "gelu", "linear", "flatten",
               "dropout", "batchnorm", "layernorm", "conv2d", "maxpool2d", "avgpool2d"}


def cnn_spec(**train):
    return Spec.from_dict({"dataset": "digits", "layers": [
        {"type": "conv2d", "channels": 3}, {"type": "batchnorm"}, {"type": "relu"},
        {"type": "maxpool2d"}, {"type": "flatten"}, {"type": "linear", "units": 6}],
        "train": train})


def test_weights_round_trip_with_buffers_and_spec_metadata(tmp_path):
    spec = cnn_spec()
    model = build_model(spec)
    model[1].running_mean.fill_(0.5)  # buffers travel too
    path = save_weights(model, tmp_path / "m.safetensors", spec)
    loaded = load_weights(spec, path)
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    from safetensors import safe_open
    with safe_open(str(path), "pt") as f:
        assert Spec.from_json(f.metadata()["spec"]) == spec


def test_loading_never_unpickles(tmp_path):
    pickled = tmp_path / "model.pt"
    torch.save(build_model(cnn_spec()).state_dict(), pickled)
    with pytest.raises(SpecError, match="is not a safetensors weights file"):
        read_weights(pickled)
    with pytest.raises(SpecError, match="does not exist"):
        read_weights(tmp_path / "missing.safetensors")


def test_mismatched_weights_name_the_layer(tmp_path):
    spec = cnn_spec()
    path = save_weights(build_model(spec), tmp_path / "m.safetensors")
    wider = spec.with_layers([{"type": "conv2d", "channels": 4}, *spec.to_dict()["layers"][1:]])
    with pytest.raises(SpecError, match=r"layer 1 \(conv2d\) needs '0.weight' of shape "
                                        r"4×1×3×3, the file has 3×1×3×3"):
        load_weights(wider, path)
    tensors = build_model(spec).state_dict()
    del tensors["6.bias"]
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(tmp_path / "cut.st"))
    with pytest.raises(SpecError, match=r"the output head needs '6.bias', which the file lacks"):
        load_weights(spec, tmp_path / "cut.st")
    tensors = {**build_model(spec).state_dict(), "9.weight": torch.zeros(2)}
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(tmp_path / "extra.st"))
    with pytest.raises(SpecError, match="tensors the model lacks"):
        load_weights(spec, tmp_path / "extra.st")


def test_metrics_are_strict_json(tmp_path):
    path = write_metrics(tmp_path / "metrics.json", {"a": float("nan"), "b": [1.0, float("inf")],
                                                     "c": {"d": 2}})
    assert json.loads(path.read_text()) == {"a": None, "b": [1.0, None], "c": {"d": 2}}


def _exportable_spec(name):
    """A small valid spec containing this kind on a vector or image dataset."""
    layer = LAYERS[name].defaults()
    for dataset in ("digits", "spiral"):
        for layers in ([layer], [layer, {"type": "flatten"}], [{"type": "flatten"}, layer]):
            spec = Spec.from_dict({"dataset": dataset, "layers": layers})
            if analyze(spec).ok:
                return spec
    raise AssertionError(f"no simple stack holds {name}")


def check_export(spec):
    """Exported code, run, equals the spec-built model; or a custom module is refused."""
    ours = build_model(spec).eval()
    custom = [i for i, m in enumerate(ours) if getattr(nn, type(m).__name__, None) is not type(m)]
    if custom:
        with pytest.raises(SpecError, match=rf"layer {custom[0] + 1} \(.*\) cannot be exported"):
            export_source(spec)
        return False
    namespace = {}
    exec(compile(export_source(spec), "exported.py", "exec"), namespace)  # noqa: S102
    theirs = namespace["build_model"]().eval()
    assert [type(m) for m in ours] == [type(m) for m in theirs]
    theirs.load_state_dict(ours.state_dict())
    x = torch.as_tensor(make_data(spec.dataset).x_test[:2].copy())
    assert tuple(x.shape[1:]) == namespace["INPUT_SHAPE"]
    assert torch.equal(ours(x), theirs(x))
    return True


@pytest.mark.parametrize("name", sorted(STOCK_KINDS))
def test_every_stock_kind_exports_as_the_same_network(name):
    assert check_export(_exportable_spec(name))


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_export_exactly_or_are_refused_clearly(name):
    check_export(PRESETS[name].spec())
