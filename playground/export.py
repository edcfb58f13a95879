"""What leaves the playground: safetensors weights, metrics JSON and history CSV, and the
traced network as TorchScript or ONNX (the plain PyTorch file is `export_script`).

Weights are only ever read with safetensors (never unpickled), and a file is checked against
the spec's model before loading, so a mismatch names the layer instead of failing deep in
`load_state_dict`.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load, load_file, save
from torch import nn

from playground.builder import build_model
from playground.errors import SpecError
from playground.layers import format_shape
from playground.shapes import ShapeReport, validate
from playground.spec import Spec

if TYPE_CHECKING:
    from playground.runner import Runner


def save_weights(model: nn.Module, path: str | Path, spec: Spec | None = None) -> Path:
    """Write the model's state dict (buffers included) as safetensors.

    Args:
        model: the trained network (any device).
        path: the file to write.
        spec: stored in the file's metadata so the weights stay traceable to their network.
    Returns:
        The path written.
    """
    path = Path(path)
    path.write_bytes(weights_bytes(model, spec))
    return path


def weights_bytes(model: nn.Module, spec: Spec | None = None) -> bytes:
    """The safetensors file `save_weights` writes, as bytes (a download)."""
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    metadata = {"format": "deep-learning-playground"}
    if spec is not None:
        metadata["spec"] = spec.to_json(indent=None)
    return save(tensors, metadata=metadata)


def read_weights(path: str | Path) -> dict[str, torch.Tensor]:
    """Read a safetensors file into CPU tensors; any I/O or format problem is a SpecError."""
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"Weights file {str(path)!r} does not exist. Train first, for example "
                        "`python -m playground train SPEC.json --out DIR`.")
    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as exc:
        raise SpecError(f"{str(path)!r} is not a safetensors weights file ({exc}). Weights are "
                        "the model.safetensors that `python -m playground train` writes."
                        ) from None


def check_weights(spec: Spec, tensors: dict[str, torch.Tensor],
                  report: ShapeReport | None = None) -> None:
    """Raise a SpecError naming the layer when `tensors` do not fit the spec's model."""
    report = report or validate(spec)
    expected = {k: tuple(v.shape) for k, v in build_model(spec, report).state_dict().items()}
    unexpected = [k for k in tensors if k not in expected]
    advice = "Load weights trained with this exact spec, or train it again."
    for key, shape in expected.items():  # layer order: the first problem is the one to fix
        if key not in tensors:
            raise SpecError(f"These weights do not fit the spec: {_where(report, key)} needs "
                            f"{key!r}, which the file lacks. {advice}")
        got = tuple(tensors[key].shape)
        if got != shape:
            raise SpecError(
                f"These weights do not fit the spec: {_where(report, key)} needs {key!r} of "
                f"shape {format_shape(shape) or 'scalar'}, the file has "
                f"{format_shape(got) or 'scalar'}. {advice}"
            )
    if unexpected:
        raise SpecError(f"These weights do not fit the spec: the file has tensors the model "
                        f"lacks ({', '.join(map(repr, unexpected[:3]))}). {advice}")


def parse_weights(data: bytes, name: str = "The file") -> dict[str, torch.Tensor]:
    """Read uploaded safetensors bytes into CPU tensors (never unpickled); anything else,
    a pickled .pt file included, is a SpecError that says what to upload instead."""
    try:
        tensors = load(bytes(data))
    except (SafetensorError, OSError, ValueError, TypeError, RuntimeError) as exc:
        pickle = " A .pt or .pth file is a pickle, which the playground never loads." if (
            data[:2] == b"\x80\x02" or data[:2] == b"PK") else ""
        raise SpecError(f"{name} is not a safetensors weights file ({_first_line(exc)})."
                        f"{pickle} Upload the model.safetensors that Model out or `python -m "
                        "playground train` writes.") from None
    bad = next((k for k, v in tensors.items()
                if v.is_floating_point() and not bool(torch.isfinite(v).all())), None)
    if bad is not None:
        raise SpecError(f"{name} holds NaN or infinite values in {bad!r}: these weights "
                        "come from a run that diverged. Upload weights from a healthy run.")
    return tensors


def load_into_runner(runner: Runner, tensors: dict[str, torch.Tensor],
                     source: str = "a weights file") -> None:
    """Put checked weights into the run's model so training continues from them.

    A live run is paused first and the weights go in under the runner's lock, between two
    steps (see `Trainer.take_weights`); the version grows so every view derived from the
    model redraws.
    """
    check_weights(runner.trainer.spec, tensors, runner.trainer.report)
    runner.pause()
    with runner.lock:
        runner.trainer.take_weights(tensors, source)
        runner.version += 1


def history_csv(epochs: list[dict[str, float]]) -> str:
    """A run's per-epoch history as CSV text: one row per epoch, a column per recorded
    value (epoch, step, train and test loss, accuracy or rmse and r2, learning rate, ...).

    Args:
        epochs: the trainer's `history.epochs` records (a snapshot's copy).
    Returns:
        CSV text with a header row; a non-finite value is an empty field.
    """
    columns = list(dict.fromkeys(k for record in epochs for k in record))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns or ["epoch"])
    for record in epochs:
        writer.writerow([_csv_value(record.get(c)) for c in columns])
    return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def load_weights(spec: Spec, path: str | Path, model: nn.Module | None = None) -> nn.Module:
    """Build the spec's model (or use `model`) and load checked safetensors weights into it."""
    report = validate(spec)
    tensors = read_weights(path)
    check_weights(spec, tensors, report)
    model = model if model is not None else build_model(spec, report)
    model.load_state_dict(tensors)
    return model


ONNX_OPSET = 17  # read by onnxruntime 1.10 and later


def _example_input(spec: Spec, device: torch.device) -> torch.Tensor:
    """A batch of two zero examples of the spec's input, as tracing needs one."""
    info = validate(spec).info
    dtype = torch.long if info.tokens else torch.float32
    return torch.zeros((2, *info.input_shape), dtype=dtype, device=device)


def torchscript_bytes(model: nn.Module, spec: Spec) -> bytes:
    """The trained network traced to TorchScript (`torch.jit.load` runs it without the
    playground), on the CPU and in eval mode."""
    model = copy.deepcopy(model).to("cpu").eval()
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # TorchScript is deprecated, and still loads anywhere
            traced = torch.jit.trace(model, _example_input(spec, torch.device("cpu")))
    except (RuntimeError, TypeError) as exc:
        raise SpecError(f"This network cannot be traced to TorchScript ({_first_line(exc)}). "
                        "Export the weights or the PyTorch script instead.") from None
    buffer = io.BytesIO()
    torch.jit.save(traced, buffer)
    return buffer.getvalue()


def onnx_bytes(model: nn.Module, spec: Spec) -> bytes:
    """The trained network as ONNX (opset ONNX_OPSET, any batch size: input "x", output
    "y"), for onnxruntime and other runtimes."""
    model = copy.deepcopy(model).to("cpu").eval()
    buffer = io.BytesIO()
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript-based exporter is deprecated
            torch.onnx.export(model, (_example_input(spec, torch.device("cpu")),), buffer,
                              opset_version=ONNX_OPSET, dynamo=False, input_names=["x"],
                              output_names=["y"], dynamic_axes={"x": {0: "batch"},
                                                                "y": {0: "batch"}})
    except (RuntimeError, TypeError, ValueError, ImportError) as exc:
        raise SpecError(f"This network cannot be exported to ONNX opset {ONNX_OPSET} "
                        f"({_first_line(exc)}). Export TorchScript or the weights instead."
                        ) from None
    return buffer.getvalue()


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _where(report: ShapeReport, key: str) -> str:
    """'layer 3 (linear)' or 'the output head' for a state-dict key such as '2.weight'."""
    head, _, _ = key.partition(".")
    if head.isdigit() and int(head) < len(report.rows):
        row = report.rows[int(head)]
        return "the output head" if row.is_head else f"layer {row.index + 1} ({row.kind})"
    return "the model"


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: write them as null so every reader can parse the file."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def write_metrics(path: str | Path, metrics: dict[str, Any]) -> Path:
    """Write metrics as strict JSON (non-finite numbers become null)."""
    path = Path(path)
    path.write_text(json.dumps(_finite(metrics), indent=2, allow_nan=False) + "\n",
                    encoding="utf-8")
    return path
