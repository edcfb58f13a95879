"""What leaves the playground: safetensors weights, metrics JSON, plain PyTorch source, and
the traced network as TorchScript or ONNX.

Weights are only ever read with safetensors (never unpickled), and a file is checked against
the spec's model before loading, so a mismatch names the layer instead of failing deep in
`load_state_dict`.
"""

from __future__ import annotations

import copy
import csv
import inspect
import io
import json
import math
import pprint
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load, load_file, save
from torch import nn

from playground.builder import build_model
from playground.errors import SpecError
from playground.layers import LAYERS, format_shape
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


def history_csv(epochs: list[dict[str, float]], lr: float | None = None) -> str:
    """A run's per-epoch history as CSV text: one row per epoch, a column per recorded
    value (epoch, step, train and test loss, accuracy or rmse and r2, ...).

    Args:
        epochs: the trainer's `history.epochs` records (a snapshot's copy).
        lr: the learning rate now, written as an `lr` column where the records carry
            none (the trainer records no per-epoch rate).
    Returns:
        CSV text with a header row; a non-finite value is an empty field.
    """
    columns = list(dict.fromkeys(k for record in epochs for k in record))
    if lr is not None and "lr" not in columns:
        columns.append("lr")
        epochs = [{**record, "lr": lr} for record in epochs]
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


def export_source(spec: Spec, standardise: tuple[Any, Any] | None = None) -> str:
    """Plain PyTorch source for the spec's network, assembled from the layer registry.

    Each layer's kind writes its constructor expression, and the playground classes those
    expressions call are inlined once each, so the file needs only torch and safetensors.

    Args:
        spec: the network to write out (the output head included).
        standardise: the training split's (mean, std) per feature for a table, so the file
            prepares raw rows (a CSV to retrain on) the way the playground did.
    Returns:
        A standalone module defining `build_model()`, `load_model(path)`, `read_csv(path)`,
        `retrain(model, x, y, epochs)` and `INPUT_SHAPE`; run as a script it loads the
        model.safetensors beside it (or the path given) and prints the parameter count and
        output shape, and with `--retrain CSV` trains the model on the CSV's rows.
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
    mean, std = ((None, None) if standardise is None else
                 tuple([float(v) for v in torch.as_tensor(a).reshape(-1)] for a in standardise))
    return _TEMPLATE.format(
        dataset=info.name,
        target=info.target_phrase,
        parameters=report.total_parameters,
        definitions="".join(inspect.getsource(obj) + "\n\n" for obj in definitions),
        layers="\n".join(lines),
        input_shape=tuple(info.input_shape),
        input_dtype="torch.long" if info.tokens else "torch.float32",
        classes=tuple(info.class_names) if not info.regression else (),
        mean=mean,
        std=std,
        spec=pprint.pformat(spec.to_dict(), width=92, sort_dicts=False).replace(
            "\n", "\n" + " " * len("SPEC = ")),
    )


_TEMPLATE = """\"\"\"A network exported from the Deep Learning Playground as plain PyTorch.

Dataset {dataset}, {target}, {parameters:,} parameters. Layers are numbered like
the playground's, so its safetensors weights load with `load_state_dict`.

    python FILE.py [WEIGHTS]                  load the weights (default: model.safetensors
                                              beside this file), print the output shape
    python FILE.py [WEIGHTS] --retrain CSV    train on the CSV's rows, starting from the
        [--epochs N] [--save OUT]             weights (fresh ones if there are none), and
                                              save the result (default: retrained.safetensors)

A CSV row is one example: its input flattened (the first prod(INPUT_SHAPE) columns, in
C order), then its target: a class (a name in CLASSES or an id), a number for regression,
or one class id per position for a sequence. A header row is skipped. Rows of a table
are standardised with the training statistics in MEAN and STD, as the playground did, so
the Build page's processed table retrains as it is.
\"\"\"

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

INPUT_SHAPE = {input_shape}  # one example, without the batch dimension
INPUT_DTYPE = {input_dtype}  # token ids for sequence datasets, else features
# Class names by id (empty: regression, or unnamed ids).
CLASSES = {classes!r}
# A table's training-split mean and standard deviation per feature (else None): the inputs
# are standardised with them, as the playground did.
MEAN = {mean!r}
STD = {std!r}
WEIGHTS = Path(__file__).with_name("model.safetensors")  # `python -m playground train` output
# The playground spec this file was exported from.
SPEC = {spec}


{definitions}def build_model() -> nn.Sequential:
    \"\"\"The network with fresh weights; `load_model` fills in the trained ones.\"\"\"
    return nn.Sequential(
{layers}
    )


def load_model(path: str | Path = WEIGHTS) -> nn.Sequential:
    \"\"\"The network with trained weights from a safetensors file (never a pickle), for eval.\"\"\"
    model = build_model()
    model.load_state_dict(load_file(str(path)))
    return model.eval()


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _target(text: str, row: int) -> int:
    if text in CLASSES:
        return CLASSES.index(text)
    if text.strip().lstrip("-").isdigit():
        return int(text)
    sys.exit(f"row {{row}}: target {{text!r}} is neither a class id nor one of {{CLASSES}}.")


def read_csv(path: str | Path) -> tuple[torch.Tensor, torch.Tensor]:
    \"\"\"The CSV's examples as (x, y): x (N, *INPUT_SHAPE) prepared like the playground's
    inputs, y (N,) class ids or numbers, or (N, T) ids per position.\"\"\"
    size = math.prod(INPUT_SHAPE)
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [row for row in csv.reader(f) if row]
    if rows and not all(_number(v) for v in rows[0][:size]):
        rows = rows[1:]  # a header
    if not rows:
        sys.exit(f"{{path}} has no rows of data.")
    for i, row in enumerate(rows, 1):
        if len(row) <= size or not all(_number(v) for v in row[:size]):
            sys.exit(f"{{path}}, row {{i}}: expected {{size}} numbers (the input) and then the "
                     f"target, got {{len(row)}} values.")
    x = torch.tensor([[float(v) for v in row[:size]] for row in rows])  # (N, size)
    if MEAN is not None:
        x = (x - torch.tensor(MEAN)) / torch.tensor(STD)
    x = x.reshape(len(rows), *INPUT_SHAPE).to(INPUT_DTYPE)
    if SPEC["train"]["loss"] != "cross_entropy":  # regression: one number per row
        bad = next((i for i, row in enumerate(rows, 1) if not _number(row[size])), None)
        if bad is not None:
            sys.exit(f"{{path}}, row {{bad}}: the target {{rows[bad - 1][size]!r}} is not a "
                     "number.")
        y = torch.tensor([float(row[size]) for row in rows])  # (N,)
    else:
        y = torch.tensor([[_target(v, i) for v in row[size:]]
                          for i, row in enumerate(rows, 1)])  # (N, targets per row)
        y = y[:, 0] if y.shape[1] == 1 else y
    return x, y


def loss_of(output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    \"\"\"The spec's loss: cross entropy over classes (every position of a sequence), or
    mse / huber between the first output and the number.\"\"\"
    loss = SPEC["train"]["loss"]
    if loss == "cross_entropy":
        return nn.functional.cross_entropy(output.reshape(-1, output.shape[-1]),
                                           y.reshape(-1))
    pred = output.reshape(len(output), -1)[:, 0]
    return (nn.functional.mse_loss if loss == "mse" else nn.functional.huber_loss)(pred, y)


def score(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> str:
    \"\"\"Loss and accuracy (regression: rmse) of the model on (x, y), in eval mode.\"\"\"
    model.eval()
    with torch.no_grad():
        out = model(x)
    loss = loss_of(out, y).item()
    if SPEC["train"]["loss"] != "cross_entropy":
        rmse = (out.reshape(len(out), -1)[:, 0] - y).pow(2).mean().sqrt().item()
        return f"loss {{loss:.4f}} rmse {{rmse:.4f}}"
    return f"loss {{loss:.4f}} accuracy {{(out.argmax(-1) == y).float().mean().item():.3f}}"


def retrain(model: nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int) -> nn.Module:
    \"\"\"Train `model` on (x, y) with the spec's optimizer, learning rate, batch size and
    seed, printing the loss and score after each epoch.\"\"\"
    train = SPEC["train"]
    optimizers = {{"sgd": lambda p: torch.optim.SGD(p, lr=train["lr"]),
                  "momentum": lambda p: torch.optim.SGD(p, lr=train["lr"], momentum=0.9),
                  "adam": lambda p: torch.optim.Adam(p, lr=train["lr"]),
                  "adamw": lambda p: torch.optim.AdamW(p, lr=train["lr"])}}
    if train["loss"] == "cross_entropy":
        with torch.no_grad():
            classes = model.eval()(x[:1]).shape[-1]
        if int(y.min()) < 0 or int(y.max()) >= classes:
            sys.exit(f"class ids run from 0 to {{classes - 1}}; the CSV has {{int(y.min())}} "
                     f"to {{int(y.max())}}.")
    optimizer = optimizers[train["optimizer"]](model.parameters())
    generator = torch.Generator().manual_seed(train["seed"])
    batch = train["batch_size"]
    starts = list(range(0, len(x), batch))
    if len(starts) > 1 and len(x) - starts[-1] == 1:
        starts.pop()  # a lone last example joins the batch before it (batch norm needs two)
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        for lo, hi in zip(starts, starts[1:] + [len(x)]):
            idx = order[lo:hi]
            optimizer.zero_grad()
            loss_of(model(x[idx]), y[idx]).backward()
            optimizer.step()
        print(f"epoch {{epoch}}/{{epochs}}  {{score(model, x, y)}}")
    return model.eval()


def _load_or_exit(path: Path) -> nn.Sequential:
    try:
        return load_model(path)
    except (RuntimeError, OSError, SafetensorError) as exc:  # not these weights, or not any
        sys.exit(f"{{path}} does not load into this network: {{' '.join(str(exc).split())[:400]}}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", nargs="?", type=Path, default=WEIGHTS,
                        help="a safetensors file (default: model.safetensors beside this file)")
    parser.add_argument("--retrain", metavar="CSV", help="train on this CSV's rows")
    parser.add_argument("--epochs", type=int, default=SPEC["train"]["epochs"], metavar="N",
                        help="passes over the CSV (default: the spec's)")
    parser.add_argument("--save", type=Path, default=Path("retrained.safetensors"), metavar="OUT",
                        help="where --retrain writes the weights")
    args = parser.parse_args(argv)
    if args.retrain:
        x, y = read_csv(args.retrain)
        if args.weights.is_file():
            model = _load_or_exit(args.weights)
            print(f"from {{args.weights}}: {{score(model, x, y)}}")
        else:
            model = build_model()
            print(f"no weights at {{args.weights}}: training fresh ones")
        retrain(model, x, y, args.epochs)
        save_file({{k: v.contiguous() for k, v in model.state_dict().items()}}, str(args.save))
        print(f"wrote {{args.save}}")
        return
    if not args.weights.is_file():
        sys.exit(f"No weights at {{args.weights}}: pass the model.safetensors that "
                 "`python -m playground train` writes.")
    model = _load_or_exit(args.weights)
    x = torch.zeros((2, *INPUT_SHAPE), dtype=INPUT_DTYPE)  # (B, *INPUT_SHAPE)
    with torch.no_grad():
        y = model(x)
    print(f"{{sum(p.numel() for p in model.parameters()):,}} parameters; "
          f"input {{tuple(x.shape)}} -> output {{tuple(y.shape)}}")


if __name__ == "__main__":
    main()
"""
