"""What leaves the playground: safetensors weights, metrics JSON, plain PyTorch source, and
the traced network as TorchScript or ONNX.

Weights are only ever read with safetensors (never unpickled), and a file is checked against
the spec's model before loading, so a mismatch names the layer instead of failing deep in
`load_state_dict`.
"""

from __future__ import annotations

import copy
import inspect
import io
import json
import math
import pprint
import warnings
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save
from torch import nn

from playground.builder import build_model
from playground.errors import SpecError
from playground.layers import LAYERS, format_shape
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


def export_source(spec: Spec) -> str:
    """Plain PyTorch source for the spec's network, assembled from the layer registry.

    Each layer's kind writes its constructor expression, and the playground classes those
    expressions call are inlined once each, so the file needs only torch and safetensors.

    Args:
        spec: the network to write out (the output head included).
    Returns:
        A standalone module defining `build_model()`, `load_model(path)` and `INPUT_SHAPE`;
        run as a script it loads the model.safetensors beside it (or the path given) and
        prints the parameter count and output shape.
    """
    report = validate(spec)
    model = build_model(spec, report)
    lines, definitions = [], {}
    for row, module in zip(report.rows, model, strict=True):
        kind = LAYERS[row.kind]
        try:
            code = kind.code(row.input_shape, row.params, module)
        except ValueError:
            raise SpecError(f"layer {row.index + 1} ({row.kind}) cannot be exported as plain "
                            "PyTorch code: its layer kind declares no `source`.") from None
        definitions.update(dict.fromkeys(kind.definitions))  # ordered, each class once
        label = "output head" if row.is_head else f"layer {row.index + 1}: {row.kind}"
        lines.append(f"        # {label}, {format_shape(row.input_shape)} -> "
                     f"{format_shape(row.output_shape)}\n        {code},")
    info = report.info
    defined = "".join(inspect.getsource(obj) + "\n\n" for obj in definitions)
    return _TEMPLATE.format(
        dataset=info.name,
        target=info.target_phrase,
        parameters=report.total_parameters,
        imports="import math\n" if "math." in defined else "",  # positions, attention scale
        definitions=defined,
        layers="\n".join(lines),
        input_shape=tuple(info.input_shape),
        input_dtype="torch.long" if info.tokens else "torch.float32",
        spec=pprint.pformat(spec.to_dict(), width=92, sort_dicts=False).replace(
            "\n", "\n" + " " * len("SPEC = ")),
    )


_TEMPLATE = '''"""A network exported from the Deep Learning Playground as plain PyTorch.

Dataset {dataset}, {target}, {parameters:,} parameters. Layers are numbered like
the playground's, so its safetensors weights load with `load_state_dict`. Run it as
`python FILE.py [WEIGHTS.safetensors]` (default: the model.safetensors beside it) to load
the weights and print the parameter count and the output shape.
"""

from __future__ import annotations

{imports}import sys
from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import nn

INPUT_SHAPE = {input_shape}  # one example, without the batch dimension
INPUT_DTYPE = {input_dtype}  # token ids for sequence datasets, else features
WEIGHTS = Path(__file__).with_name("model.safetensors")  # `python -m playground train` output
# The playground spec this file was exported from.
SPEC = {spec}


{definitions}def build_model() -> nn.Sequential:
    """The network with fresh weights; `load_model` fills in the trained ones."""
    return nn.Sequential(
{layers}
    )


def load_model(path: str | Path = WEIGHTS) -> nn.Sequential:
    """The network with trained weights from a safetensors file (never a pickle), for eval."""
    model = build_model()
    model.load_state_dict(load_file(str(path)))
    return model.eval()


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else WEIGHTS
    if not path.is_file():
        sys.exit(f"No weights at {{path}}: pass the model.safetensors that "
                 "`python -m playground train` writes.")
    model = load_model(path)
    x = torch.zeros((2, *INPUT_SHAPE), dtype=INPUT_DTYPE)  # (B, *INPUT_SHAPE)
    with torch.no_grad():
        y = model(x)
    print(f"{{sum(p.numel() for p in model.parameters()):,}} parameters; "
          f"input {{tuple(x.shape)}} -> output {{tuple(y.shape)}}")
'''
