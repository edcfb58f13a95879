"""The network as one plain PyTorch file: the layer registry writes each constructor, the
playground classes those call are inlined, and the file rebuilds, loads and retrains the
model with only torch and safetensors installed."""

from __future__ import annotations

import inspect
import pprint
from typing import Any

import torch

from playground.builder import build_model
from playground.errors import SpecError
from playground.layers import LAYERS, format_shape
from playground.shapes import validate
from playground.spec import Spec


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
