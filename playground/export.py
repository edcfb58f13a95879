"""What leaves the playground: safetensors weights, metrics JSON and plain PyTorch source.

Weights are only ever read with safetensors (never unpickled), and a file is checked against
the spec's model before loading, so a mismatch names the layer instead of failing deep in
`load_state_dict`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from playground.builder import build_model
from playground.errors import SpecError
from playground.layers import format_shape
from playground.shapes import ShapeReport, validate
from playground.spec import Spec


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
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in model.state_dict().items()}
    metadata = {"format": "deep-learning-playground"}
    if spec is not None:
        metadata["spec"] = spec.to_json(indent=None)
    save_file(tensors, str(path), metadata=metadata)
    return path


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


def load_weights(spec: Spec, path: str | Path, model: nn.Module | None = None) -> nn.Module:
    """Build the spec's model (or use `model`) and load checked safetensors weights into it."""
    report = validate(spec)
    tensors = read_weights(path)
    check_weights(spec, tensors, report)
    model = model if model is not None else build_model(spec, report)
    model.load_state_dict(tensors)
    return model


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


def module_code(module: nn.Module) -> str:
    """The constructor call that rebuilds a torch.nn module, checked by running it.

    torch.nn modules print their constructor arguments; the round trip is verified, so a
    module that prints something else (a custom layer) is refused rather than mis-exported.
    """
    cls = type(module)
    code = f"nn.{cls.__name__}({module.extra_repr()})"
    if getattr(nn, cls.__name__, None) is cls:
        try:
            rebuilt = eval(code, {"nn": nn, "torch": torch})  # noqa: S307 - our own repr
        except Exception:  # noqa: BLE001 - any failure means "not exportable"
            rebuilt = None
        if type(rebuilt) is cls and repr(rebuilt) == repr(module) and {
            k: v.shape for k, v in rebuilt.state_dict().items()
        } == {k: v.shape for k, v in module.state_dict().items()}:
            return code
    raise ValueError(f"{cls.__name__} has no plain-PyTorch constructor call")


def export_source(spec: Spec, weights: str | None = None) -> str:
    """Plain PyTorch source for the spec's network: one nn.Sequential in the same order.

    Args:
        spec: the network to write out (the output head included).
        weights: a safetensors path the script loads by default when run.
    Returns:
        A standalone Python module defining `build_model()` and `INPUT_SHAPE`.
    """
    report = validate(spec)
    model = build_model(spec, report)
    lines = []
    for row, module in zip(report.rows, model, strict=True):
        label = "output head" if row.is_head else f"layer {row.index + 1}: {row.kind}"
        try:
            code = module_code(module)
        except ValueError:
            raise SpecError(f"layer {row.index + 1} ({row.kind}) cannot be exported as plain "
                            "PyTorch code yet; remove it to export the rest.") from None
        lines.append(f"        {code},  # {label}, {format_shape(row.input_shape)} -> "
                     f"{format_shape(row.output_shape)}")
    info = report.info
    return _TEMPLATE.format(
        dataset=info.name,
        classes=info.num_classes,
        parameters=report.total_parameters,
        layers="\n".join(lines),
        input_shape=tuple(info.input_shape),
        input_dtype="torch.long" if info.tokens else "torch.float32",
        weights=repr(weights),
        spec=spec.to_json(indent=None),
    )


_TEMPLATE = '''"""A network exported from the Deep Learning Playground as plain PyTorch.

Dataset {dataset} ({classes} classes), {parameters:,} parameters. Layers are numbered like
the playground's, so its safetensors weights load with `load_state_dict`.
"""

import sys

import torch
from torch import nn

INPUT_SHAPE = {input_shape}  # one example, without the batch dimension
WEIGHTS = {weights}  # a model.safetensors from `python -m playground train`, or None
SPEC = {spec!r}


def build_model() -> nn.Sequential:
    return nn.Sequential(
{layers}
    )


if __name__ == "__main__":
    model = build_model()
    path = sys.argv[1] if len(sys.argv) > 1 else WEIGHTS
    if path:
        from safetensors.torch import load_file

        model.load_state_dict(load_file(path))
    model.eval()
    x = torch.zeros((2, *INPUT_SHAPE), dtype={input_dtype})  # (B, *INPUT_SHAPE)
    print(tuple(model(x).shape))
'''
