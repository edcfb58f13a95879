"""`python -m playground`: listings from the registries, validate, train, export, bench; every
mistake is one `error:` line on stderr with exit code 2 and no traceback."""

import io
import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from playground import cli
from playground.bench import format_results, training
from playground.datasets import DATASETS
from playground.export import load_weights
from playground.layers import LAYERS
from playground.presets import PRESETS
from playground.spec import Spec, load_spec

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args, timeout=120):
    """The real command in a fresh interpreter, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "playground", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def call(*args):
    """The command in this process: (exit code, stdout). SystemExit is argparse's exit."""
    out = io.StringIO()
    try:
        code = cli.main([str(a) for a in args], out=out)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def one_error_line(stderr):
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.fixture
def small_spec(tmp_path):
    spec = Spec.from_dict({
        "dataset": {"name": "blobs", "params": {"n_samples": 120}},
        "layers": [{"type": "linear", "units": 8}, {"type": "relu"}],
        "train": {"epochs": 3, "batch_size": 16},
    })
    path = tmp_path / "spec.json"
    path.write_text(spec.to_json())
    return spec, path


def test_layers_and_datasets_list_every_registry_entry(capsys):
    code, text = call("layers")
    assert code == 0
    for name, kind in LAYERS.items():
        assert f"{name} ({kind.category})" in text
        for p in kind.params:
            assert f"{p.name}: {p.type.__name__}" in text
    code, text = call("layers", "--json")
    listed = {entry["name"]: entry for entry in json.loads(text)}
    assert list(listed) == list(LAYERS)
    assert listed["linear"]["params"][0]["name"] == "units"
    code, text = call("datasets", "--json")
    entries = json.loads(text)
    assert [e["name"] for e in entries] == list(DATASETS)
    assert next(e for e in entries if e["name"] == "digits")["input_shape"] == [1, 8, 8]
    code, text = call("datasets")
    assert code == 0 and all(name in text for name in DATASETS)


def test_validate_prints_the_table_with_head_and_total(capsys):
    code, text = call("validate", PRESETS["digits_cnn"].path)
    assert code == 0
    lines = text.splitlines()
    assert lines[0].startswith("dataset digits: image, input 1×8×8, 10 classes")
    assert "linear (output head)" in lines[-2] and lines[-2].split()[-2:] == ["650", "640"]
    code, text = call("validate", PRESETS["digits_cnn"].path, "--json")
    report = json.loads(text)
    assert report["ok"] and report["total_parameters"] == 13706
    assert report["rows"][-1]["layer"] == "head" and report["rows"][-1]["macs"] == 64 * 10
    assert report["total_macs"] == sum(r["macs"] for r in report["rows"])
    assert lines[-1].split() == ["total", "13,706", f"{report['total_macs']:,}"]


def test_validate_a_bad_spec_is_one_error_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"dataset": "digits",
                               "layers": [{"type": "conv2d"}, {"type": "linear"}]}))
    result = run_cli("validate", bad)
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert "layer 2 (linear)" in line and "add a flatten layer" in line


@pytest.mark.parametrize("args, expected", [
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["train", "x.json"], "required: --out"),
    (["train", "x.json", "--out", "d", "--epochs", "0"], "must be at least 1"),
    (["train", "x.json", "--out", "d", "--device", "tpu"], "invalid choice: 'tpu'"),
    (["bench", "--repeats", "many"], "is not a whole number"),
    ([], "required: COMMAND"),
])
def test_bad_arguments_are_one_error_line_and_exit_2(capsys, args, expected):
    code, _ = call(*args)
    assert code == 2
    line = one_error_line(capsys.readouterr().err)
    assert expected in line


def test_missing_or_invalid_spec_files(capsys, tmp_path):
    code, _ = call("validate", tmp_path / "nope.json")
    assert code == 2 and "Cannot read spec file" in one_error_line(capsys.readouterr().err)
    broken = tmp_path / "broken.json"
    broken.write_text('{"layers": [')
    code, _ = call("train", broken, "--out", tmp_path / "out")
    assert code == 2 and "not valid JSON" in one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "out").exists()


def test_train_writes_metrics_weights_and_spec(small_spec, tmp_path):
    spec, path = small_spec
    out = tmp_path / "run"
    result = run_cli("train", path, "--out", out, "--epochs", 1, "--device", "cpu")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "epoch 1/1" in result.stderr
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("train_loss", "train_accuracy", "test_loss", "test_accuracy", "epochs",
                "device", "parameters", "samples_per_second", "history"):
        assert key in metrics
    assert metrics["epochs"] == 1 and metrics["device"] == "CPU"
    assert metrics["parameters"] == 2 * 8 + 8 + 8 * 3 + 3
    assert len(metrics["history"]["epochs"]) == 1
    saved = load_spec(out / "spec.json")
    assert saved == spec.with_train(epochs=1, device="cpu")
    model = load_weights(saved, out / "model.safetensors")
    x = torch.zeros(4, 2)
    assert model.eval()(x).shape == (4, 3)


def test_train_reports_divergence_as_an_error_after_saving(capsys, tmp_path):
    spec = Spec.from_dict({"dataset": "spiral",
                           "layers": [{"type": "linear", "units": 64},
                                      {"type": "linear", "units": 64}],
                           "train": {"optimizer": "sgd", "lr": 10.0, "epochs": 2}})
    path = tmp_path / "hot.json"
    path.write_text(spec.to_json())
    code, _ = call("train", path, "--out", tmp_path / "run")
    assert code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("error: Training stopped at step")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["diverged"].startswith("Training stopped")


def test_export_writes_code_that_runs(small_spec, tmp_path, capsys, monkeypatch):
    spec, path = small_spec
    code, _ = call("train", path, "--out", tmp_path / "run", "--epochs", 1)
    assert code == 0
    target = tmp_path / "net.py"
    weights = tmp_path / "run" / "model.safetensors"
    code, text = call("export", path, "--weights", weights, "--out", target)
    assert code == 0 and "wrote" in text
    assert (tmp_path / "model.safetensors").read_bytes() == weights.read_bytes()  # beside it
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", [str(target)])
    runpy.run_path(str(target), run_name="__main__")  # as `python net.py` runs it
    assert capsys.readouterr().out.strip().endswith("-> output (2, 3)")
    other = tmp_path / "other.json"
    other.write_text(spec.with_layers([{"type": "linear", "units": 5}]).to_json())
    code, _ = call("export", other, "--weights", weights)
    assert code == 2
    assert "layer 1 (linear) needs '0.weight' of shape 5×2" in capsys.readouterr().err


def test_bench_table_and_json(monkeypatch, capsys):
    monkeypatch.setattr(training, "WORKLOADS", (training.Workload("spiral MLP", "spiral", 1),))
    code, text = call("bench", "--repeats", 1, "--json")
    assert code == 0
    (row,) = json.loads(text)
    assert row["workload"] == "spiral MLP" and row["repeats"] == 1
    assert row["trainer_samples_per_second"] > 0 and row["plain_samples_per_second"] > 0
    assert row["ratio"] == pytest.approx(
        row["trainer_samples_per_second"] / row["plain_samples_per_second"], rel=0.01)
    table = format_results([row])
    assert "ratio" in table.splitlines()[0] and "spiral MLP" in table


def test_bench_attributions_suite_prints_the_module_rows(monkeypatch, capsys):
    fake = type(sys)("playground.bench.attributions")
    fake.run_attribution_bench = lambda repeats: [{"method": "saliency", "repeats": repeats,
                                                   "ratio": 1.01}]
    monkeypatch.setitem(sys.modules, "playground.bench.attributions", fake)
    code, text = call("bench", "--suite", "attributions", "--repeats", 2)
    assert code == 0
    assert text.splitlines()[0].split() == ["method", "repeats", "ratio"]
    assert text.splitlines()[1].split() == ["saliency", "2", "1.01"]


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_redraws_in_place_on_a_terminal_and_logs_epochs_otherwise():
    from playground.trainer import Trainer

    spec = Spec.from_dict({"dataset": {"name": "xor", "params": {"n_samples": 100}},
                           "layers": [{"type": "linear", "units": 4}],
                           "train": {"epochs": 1, "batch_size": 40}})
    for stream in (FakeTerminal(), io.StringIO()):
        trainer = Trainer(spec)
        progress = cli.Progress(trainer.steps_per_epoch, stream)
        while not trainer.done:
            progress.update(trainer, trainer.step().epoch_done)
        text = stream.getvalue()
        assert "epoch 1/1  train loss" in text
        assert ("\r[" in text) == isinstance(stream, FakeTerminal)
