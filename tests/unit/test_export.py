"""Weights in and out (safetensors only, checked against the spec) and the plain-PyTorch
source export, run apart from the repo and compared with the playground's own model."""

import dataclasses
import json
import subprocess
import sys

import pytest
import torch
from safetensors.torch import save_file
from torch import nn

from playground.builder import build_model
from playground.cli import main
from playground.datasets import make_data
from playground.errors import SpecError
from playground.export import (
    load_weights,
    read_weights,
    save_weights,
    write_metrics,
)
from playground.export_script import export_source
from playground.layers import LAYERS
from playground.presets import PRESETS
from playground.shapes import analyze
from playground.spec import Spec
from playground.trainer import Trainer


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
    """A small valid spec containing this kind, on a vector, image or token dataset."""
    layer = LAYERS[name].defaults()
    stacks = ([layer], [layer, {"type": "flatten"}], [{"type": "flatten"}, layer],
              [{"type": "embedding"}, layer])
    for dataset in ("digits", "spiral", "reverse", "brackets"):
        for layers in stacks:
            spec = Spec.from_dict({"dataset": dataset, "layers": layers})
            if analyze(spec).ok:
                return spec
    raise AssertionError(f"no simple stack holds {name}")


@pytest.mark.parametrize("name", list(LAYERS))
def test_every_kind_exports_as_the_same_network(name):
    spec = _exportable_spec(name)
    ours = build_model(spec).eval()
    namespace = {"__file__": "exported.py", "__name__": "exported"}
    exec(compile(export_source(spec), "exported.py", "exec"), namespace)  # noqa: S102
    theirs = namespace["build_model"]().eval()
    theirs.load_state_dict(ours.state_dict())
    x = torch.as_tensor(make_data(spec.dataset).x_test[:2].copy())
    assert tuple(x.shape[1:]) == namespace["INPUT_SHAPE"]
    assert torch.equal(ours(x), theirs(x))
    assert namespace["SPEC"] == spec.to_dict()


def test_a_custom_module_without_source_is_refused(monkeypatch):
    class Custom(nn.Identity):
        pass

    relu = dataclasses.replace(LAYERS["relu"], build=lambda shape, p: Custom())
    monkeypatch.setitem(LAYERS, "relu", relu)
    spec = Spec.from_dict({"dataset": "spiral", "layers": [{"type": "relu"}]})
    with pytest.raises(SpecError, match=r"layer 1 \(relu\) cannot be exported .* no `source`"):
        export_source(spec)


# Runs every exported file the way a user would, apart from the repo: an import of
# playground fails, each file runs as `python net.py` in a folder holding only it and its
# model.safetensors, then its load_model() answers the test inputs.
DRIVER = """
import contextlib, io, json, os, runpy, sys, traceback
from safetensors.torch import load_file, save_file
import torch

class NoPlayground:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "playground":
            raise ImportError("the exported file imports playground")

sys.meta_path.insert(0, NoPlayground())
root, names, report = sys.argv[1], sys.argv[2:], {}
for name in names:
    os.chdir(os.path.join(root, name))
    sys.argv = ["net.py"]  # no weights argument: the file finds the ones beside it
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            namespace = runpy.run_path("net.py", run_name="__main__")
        x = load_file(os.path.join(root, "io", name + "_x.safetensors"))["x"]
        with torch.no_grad():
            y = namespace["load_model"]()(x)
        save_file({"y": y.contiguous()}, os.path.join(root, "io", name + "_y.safetensors"))
        report[name] = {"printed": printed.getvalue()}
    except Exception:
        report[name] = {"printed": printed.getvalue(), "error": traceback.format_exc()}
with open(os.path.join(root, "report.json"), "w") as f:
    json.dump(report, f)
"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """Every preset trained a few steps, exported by the CLI and run in one fresh process."""
    root = tmp_path_factory.mktemp("exported")
    (root / "io").mkdir()
    (root / "weights").mkdir()
    expected = {}
    for name, preset in PRESETS.items():
        spec = preset.spec().with_train(device="cpu")
        trainer = Trainer(spec)
        for _ in range(3):
            trainer.step()
        weights = save_weights(trainer.model, root / "weights" / f"{name}.safetensors", spec)
        (root / name).mkdir()
        assert main(["export", str(preset.path), "--weights", str(weights),
                     "--out", str(root / name / "net.py")]) == 0
        x = trainer.x_test.cpu()
        save_file({"x": x.contiguous()}, str(root / "io" / f"{name}_x.safetensors"))
        with torch.no_grad():
            expected[name] = trainer.model.eval()(trainer.x_test).cpu()
    (root / "driver.py").write_text(DRIVER)
    run = subprocess.run([sys.executable, str(root / "driver.py"), str(root), *PRESETS],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    report = json.loads((root / "report.json").read_text())
    return root, expected, report


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_exports_to_standalone_code_with_the_same_outputs(name, exported):
    root, expected, report = exported
    source = (root / name / "net.py").read_text()
    assert "import playground" not in source and "from playground" not in source
    assert sorted(p.name for p in (root / name).iterdir()) == ["model.safetensors", "net.py"]
    assert "error" not in report[name], report[name]["error"]
    shape = (2, *expected[name].shape[1:])
    assert report[name]["printed"].strip().endswith(f"-> output {shape}")
    theirs = read_weights(root / "io" / f"{name}_y.safetensors")["y"]
    assert torch.allclose(theirs, expected[name], atol=1e-6)
