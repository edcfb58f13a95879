"""`python -m playground export --format ...`: from a run folder the trained weights, from a
bare spec fresh ones at its seed; each file loads back (safetensors, torch.jit.load,
onnxruntime) to the outputs of the model on the test set. The exported script's
`--retrain CSV` trains the model on CSV rows, for an MLP on a table and a CNN on images."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import numpy as np
import onnxruntime
import pytest
import torch
from safetensors.torch import load_file
from test_cli import call

from playground.builder import build_model
from playground.datasets import make_data
from playground.export import load_weights
from playground.spec import Spec
from playground.trainer import Trainer

TABLE_MLP = Spec.from_dict({
    "dataset": {"name": "csv"},  # the built-in example table (iris), standardised
    "layers": [{"type": "linear", "units": 8}, {"type": "relu"}],
    "train": {"epochs": 2, "batch_size": 16, "device": "cpu"}})
IMAGE_CNN = Spec.from_dict({
    "dataset": {"name": "image_folder"},  # the built-in example image folder
    "layers": [{"type": "conv2d", "channels": 3}, {"type": "batchnorm"}, {"type": "relu"},
               {"type": "maxpool2d"}, {"type": "flatten"}],
    "train": {"epochs": 2, "batch_size": 16, "device": "cpu"}})


def _outputs(model: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return model.eval()(x).numpy()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A run folder as `python -m playground train SPEC --out DIR` writes it."""
    root = tmp_path_factory.mktemp("run")
    (root / "spec.json").write_text(TABLE_MLP.to_json())
    code, _ = call("train", root / "spec.json", "--out", root / "run", "--epochs", 2)
    assert code == 0
    return root / "run"


@pytest.mark.parametrize("fmt", ["safetensors", "torchscript", "onnx"])
def test_a_run_folder_exports_its_trained_weights(run_dir, tmp_path, fmt):
    target = tmp_path / f"model.{fmt}"
    code, text = call("export", run_dir, "--format", fmt, "--out", target)
    assert code == 0 and "trained weights" in text
    model = load_weights(TABLE_MLP, run_dir / "model.safetensors")
    x = torch.as_tensor(make_data(TABLE_MLP.dataset).x_test.copy())
    expected = _outputs(model, x)
    got = _load_and_run(fmt, target, x)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    fresh = _outputs(build_model(TABLE_MLP), x)
    assert not np.allclose(got, fresh)  # the trained weights, not new ones


@pytest.mark.parametrize("fmt", ["safetensors", "torchscript", "onnx"])
def test_a_bare_spec_exports_fresh_weights_at_its_seed(tmp_path, fmt):
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(IMAGE_CNN.to_json())
    target = tmp_path / f"model.{fmt}"
    code, text = call("export", spec_path, "--format", fmt, "--out", target)
    assert code == 0 and "fresh (seed 0) weights" in text
    trainer = Trainer(IMAGE_CNN)  # the model a run starts from
    x = trainer.x_test.cpu()
    got = _load_and_run(fmt, target, x)
    np.testing.assert_allclose(got, _outputs(trainer.model, x), rtol=1e-4, atol=1e-5)


def _load_and_run(fmt: str, path, x: torch.Tensor) -> np.ndarray:
    """The exported file loaded by its own runtime, answering `x`."""
    if fmt == "safetensors":
        spec = TABLE_MLP if x.shape[1:] == (4,) else IMAGE_CNN
        model = build_model(spec)
        model.load_state_dict(load_file(str(path)))
        return _outputs(model, x)
    if fmt == "torchscript":
        return _outputs(torch.jit.load(str(path)), x)
    session = onnxruntime.InferenceSession(str(path))
    (y,) = session.run(["y"], {"x": x.numpy()})
    return y


def test_binary_formats_need_a_file_and_folders_need_a_run(run_dir, tmp_path, capsys):
    code, _ = call("export", run_dir, "--format", "onnx")
    assert code == 2
    assert "--format onnx writes a binary file: give --out FILE" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _ = call("export", empty, "--format", "torchscript", "--out", tmp_path / "m.pt")
    assert code == 2
    assert "without spec.json" in capsys.readouterr().err
    code, _ = call("export", run_dir, "--format", "pickle", "--out", tmp_path / "m.pkl")
    assert code == 2 and "invalid choice: 'pickle'" in capsys.readouterr().err


def _raw_csv(spec: Spec, path, header: bool) -> Trainer:
    """The spec's training rows written as a CSV the way a user holds them: inputs before
    standardisation, flattened, then the class name."""
    trainer = Trainer(spec)
    data = trainer.data
    x = data.x_train.reshape(len(data.x_train), -1)
    if data.mean is not None:
        x = x * data.std + data.mean  # back to the table's own numbers
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        if header:
            writer.writerow([f"f{i}" for i in range(x.shape[1])] + ["label"])
        for row, label in zip(x, data.y_train, strict=True):
            writer.writerow([repr(float(v)) for v in row] + [data.info.class_names[label]])
    return trainer


@pytest.mark.parametrize("spec", [TABLE_MLP, IMAGE_CNN], ids=["mlp", "cnn"])
def test_the_exported_script_retrains_on_a_csv(spec, tmp_path):
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(spec.to_json())
    code, _ = call("train", spec_path, "--out", tmp_path / "run", "--epochs", 1)
    assert code == 0
    code, _ = call("export", tmp_path / "run", "--out", tmp_path / "net.py")
    assert code == 0
    trainer = _raw_csv(spec, tmp_path / "rows.csv", header=spec is TABLE_MLP)
    trainer.model.load_state_dict(load_file(str(tmp_path / "model.safetensors")))
    before = trainer.evaluate("train")
    run = subprocess.run([sys.executable, str(tmp_path / "net.py"), "--retrain", "rows.csv",
                          "--epochs", "2", "--save", "again.safetensors"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    # The script prepared the raw rows as the playground did: the same accuracy to start.
    start = re.search(r"accuracy ([\d.]+)", lines[0])
    assert lines[0].startswith("from ") and start
    assert float(start.group(1)) == pytest.approx(before["accuracy"], abs=1e-3)
    assert [line.split()[1] for line in lines[1:3]] == ["1/2", "2/2"]
    assert lines[-1] == "wrote again.safetensors"
    again = load_weights(spec, tmp_path / "again.safetensors")  # fits the spec
    changed = any(not torch.equal(a, b) for a, b in zip(
        again.state_dict().values(), trainer.model.state_dict().values(), strict=True))
    assert changed


def test_a_bad_csv_is_one_message(tmp_path):
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(TABLE_MLP.to_json())
    assert call("export", spec_path, "--out", tmp_path / "net.py")[0] == 0
    (tmp_path / "rows.csv").write_text("a,b,label\n1,2,x\n")
    run = subprocess.run([sys.executable, "net.py", "--retrain", "rows.csv"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "row 1: expected 4 numbers (the input) and then the target" in run.stderr
    assert "Traceback" not in run.stderr
