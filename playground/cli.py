"""`python -m playground`: the command-line face of the core.

Subcommands: layers | datasets | validate | train | generative | generate | step | export |
bench | compare. Every listing is generated from the registries; every user mistake is one
`error: ...` line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
import time
from pathlib import Path
from typing import Any, NoReturn, TextIO

from playground.datakinds import DATA_KINDS
from playground.datasets import DATASETS
from playground.errors import SpecError
from playground.layers import LAYERS, format_shape
from playground.params import Param

EXIT_USAGE = 2  # bad spec, bad argument, diverged run: the user can fix it


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one `error:` line, like every other mistake."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"error: {message} (see `{self.prog} --help`)\n")


def _param_line(p: Param) -> str:
    if p.choices is not None:
        allowed = " | ".join(str(c) for c in p.choices)
    elif p.min is not None or p.max is not None:
        low = "" if p.min is None else f"{p.min:g}"
        high = "" if p.max is None else f"{p.max:g}"
        allowed = f"{low}..{high}"
    else:
        allowed = ""
    default = json.dumps(p.default)
    return f"      {p.name}: {p.type.__name__} = {default}  [{allowed}]  {p.help}"


def _wrap(text: str) -> str:
    return textwrap.fill(text, 88, initial_indent="    ", subsequent_indent="    ")


def cmd_layers(args: argparse.Namespace, out: TextIO) -> int:
    """List every layer kind with its parameters, straight from the registry."""
    if args.json:
        json.dump([{"name": k.name, "category": k.category, "description": k.description,
                    "params": [p.describe() for p in k.params]} for k in LAYERS.values()],
                  out, indent=2)
        out.write("\n")
        return 0
    for kind in LAYERS.values():
        out.write(f"{kind.name} ({kind.category})\n{_wrap(kind.description)}\n")
        for p in kind.params:
            out.write(_param_line(p) + "\n")
    return 0


def cmd_datasets(args: argparse.Namespace, out: TextIO) -> int:
    """List every dataset with its kind, the layer categories that fit it and its
    parameters, straight from the registries."""
    from playground.datasets import dataset_info
    from playground.spec import DatasetSpec

    infos = {name: dataset_info(DatasetSpec(name, ds.defaults()))
             for name, ds in DATASETS.items()}
    if args.json:
        json.dump([{"name": d.name, "kind": d.kind, "description": d.description,
                    "source": d.source, "input_shape": list(infos[d.name].input_shape),
                    "task": "regression" if d.regression else "classification",
                    "classes": infos[d.name].num_classes,
                    "layer_categories": list(DATA_KINDS[d.kind].layer_categories),
                    "params": [p.describe() for p in d.params]}
                   for d in DATASETS.values()], out, indent=2)
        out.write("\n")
        return 0
    for ds in DATASETS.values():
        info = infos[ds.name]
        fits = ", ".join(DATA_KINDS[ds.kind].layer_categories)
        target = info.target_phrase if ds.regression else f"{info.target_phrase} by default"
        out.write(f"{ds.name} ({ds.kind}; input {format_shape(info.input_shape)}, "
                  f"{target}; {ds.source})\n"
                  f"{_wrap(ds.description)}\n"
                  f"{_wrap('layers that fit: ' + fits)}\n")
        for p in ds.params:
            out.write(_param_line(p) + "\n")
    return 0


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    """Print the shape table with parameter counts and MACs, or raise the spec's first
    error."""
    from playground.classic.macs import layer_macs, total_macs
    from playground.shapes import validate
    from playground.spec import load_spec

    report = validate(load_spec(args.spec))
    rows = [{"layer": "head" if r.is_head else r.index + 1,
             "type": f"{r.kind} (output head)" if r.is_head else r.kind,
             "input": list(r.input_shape), "output": list(r.output_shape),
             "parameters": r.parameters, "macs": layer_macs(r)} for r in report.rows]
    if args.json:
        json.dump({"ok": True, "dataset": report.info.name, "rows": rows,
                   "total_parameters": report.total_parameters,
                   "total_macs": total_macs(report)}, out, indent=2)
        out.write("\n")
        return 0
    info = report.info
    out.write(f"dataset {info.name}: {info.kind}, input {format_shape(info.input_shape)}, "
              f"{info.target_phrase}\n")
    table = [("#", "layer", "input", "output", "parameters", "MACs")] + [
        (str(r["layer"]), r["type"], format_shape(tuple(r["input"])),
         format_shape(tuple(r["output"])), f"{r['parameters']:,}", f"{r['macs']:,}")
        for r in rows
    ] + [("", "total", "", "", f"{report.total_parameters:,}", f"{total_macs(report):,}")]
    out.write(_table(table, right={0, 4, 5}))
    return 0


def _table(rows: list[tuple[str, ...]], right: set[int] = frozenset()) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.rjust(w) if i in right else c.ljust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
             for r in rows]
    return "\n".join(lines) + "\n"


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per epoch in logs."""

    def __init__(self, total_steps: int, stream: TextIO) -> None:
        self.total = max(1, total_steps)
        self.stream = stream
        self.tty = stream.isatty()
        self._last = 0.0

    def update(self, trainer: Any, epoch_done: bool) -> None:
        now = time.monotonic()
        if self.tty and (epoch_done or now - self._last > 0.1):
            self._last = now
            frac = min(1.0, trainer.step_count / self.total)
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r[{bar:<30}] {frac:4.0%} epoch {trainer.epoch} "
                              f"loss {trainer.history.step_loss[-1]:.4f}")
            self.stream.flush()
        if epoch_done:
            rec = trainer.history.epochs[-1]
            line = (f"epoch {rec['epoch']}/{trainer.spec.train.epochs}  "
                    f"train loss {rec['train_loss']:.4f} {_scores(rec, 'train')}  "
                    f"test loss {rec['test_loss']:.4f} {_scores(rec, 'test')}")
            self.stream.write(("\r" + line.ljust(70) if self.tty else line) + "\n")
            self.stream.flush()


def _scores(record: dict[str, Any], split: str) -> str:
    """A split's score in an epoch record: accuracy, or RMSE and R² for regression."""
    if f"{split}_r2" in record:
        return f"rmse {record[f'{split}_rmse']:.4f} r2 {record[f'{split}_r2']:.3f}"
    return f"acc {record[f'{split}_accuracy']:.3f}"


def cmd_train(args: argparse.Namespace, out: TextIO) -> int:
    """Train headless; write metrics.json, model.safetensors and spec.json to --out."""
    import torch

    from playground.export import save_weights, write_metrics
    from playground.language.runs import GrammarWatch, is_text, language_metrics
    from playground.spec import load_spec
    from playground.trainer import Trainer

    torch.set_num_threads(args.threads)
    if _generative_kind(args.spec):  # a GAN spec trains as `generative` does
        return cmd_generative(args, out)
    spec = load_spec(args.spec)
    changes = {k: v for k, v in (("epochs", args.epochs), ("device", args.device)) if v}
    spec = spec.with_train(**changes) if changes else spec
    trainer = Trainer(spec)
    out_dir = Path(args.out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpecError(f"Cannot create the output folder {str(out_dir)!r}: "
                        f"{exc.strerror}.") from None
    sys.stderr.write(f"training {spec.dataset.name}: {trainer.parameters:,} parameters on "
                     f"{trainer.device_label}, {spec.train.epochs} epochs of "
                     f"{trainer.steps_per_epoch} steps\n")
    progress = Progress(spec.train.epochs * trainer.steps_per_epoch, sys.stderr)
    text = is_text(trainer.data)
    watch = GrammarWatch() if text else None
    while not trainer.done:
        try:
            result = trainer.step()
        except SpecError:
            break  # diverged: the message is in trainer.diverged, written below
        progress.update(trainer, result.epoch_done)
        if watch is not None and result.epoch_done:
            watch.after_epoch(trainer.model, trainer.data, trainer.epoch)
    metrics = {**trainer.metrics(), "epochs": trainer.epoch, "steps": trainer.step_count,
               "device": trainer.device_label, "parameters": trainer.parameters,
               "samples_per_second": trainer.samples_per_second,
               "seconds": trainer.train_seconds, "diverged": trainer.diverged,
               "history": trainer.history.to_dict()}
    if text:
        metrics |= language_metrics(trainer.history.epochs, trainer.data, watch)
    write_metrics(out_dir / "metrics.json", metrics)
    save_weights(trainer.model, out_dir / "model.safetensors", spec)
    (out_dir / "spec.json").write_text(spec.to_json() + "\n", encoding="utf-8")
    if trainer.diverged:
        raise SpecError(trainer.diverged)
    score = (f"test rmse {metrics['test_rmse']:.4f}, test r2 {metrics['test_r2']:.3f}"
             if trainer.regression else f"test accuracy {metrics['test_accuracy']:.3f}")
    out.write(f"{score}, test loss {metrics['test_loss']:.4f} after {trainer.epoch} epochs "
              f"({trainer.samples_per_second:,.0f} samples/s on {trainer.device_label})\n"
              f"wrote {out_dir / 'metrics.json'}, {out_dir / 'model.safetensors'}, "
              f"{out_dir / 'spec.json'}\n")
    return 0


def cmd_step(args: argparse.Namespace, out: TextIO) -> int:
    """Take learning-loop steps from fresh weights; per step the batch's loss before and
    after the update and each parameter tensor's gradient and update norms."""
    import torch

    from playground.learning_loop import loop_batch, take_step
    from playground.spec import load_spec
    from playground.trainer import Trainer

    torch.set_num_threads(1)
    spec = load_spec(args.spec)
    trainer = Trainer(spec.with_train(device=args.device) if args.device else spec)
    steps = [take_step(trainer, loop_batch(trainer, args.batch_size, draw)).to_dict()
             for draw in range(args.steps)]
    if args.json:
        json.dump({"device": trainer.device_label, "optimizer": spec.train.optimizer,
                   "lr": spec.train.lr, "steps": steps}, out, indent=2)
        out.write("\n")
        return 0
    for s in steps:
        out.write(f"step {s['step']}: batch loss {s['loss_before']:.4f} -> "
                  f"{s['loss_after']:.4f} after the update\n")
        rows = [("parameter", "grad norm", "update norm")] + [
            (name, f"{v['grad_norm']:.3g}", f"{v['update_norm']:.3g}")
            for name, v in s["params"].items()]
        out.write(_table(rows, right={1, 2}) + "\n")
    return 0


EXPORT_FORMATS = ("script", "safetensors", "torchscript", "onnx")


def _export_inputs(args: argparse.Namespace) -> tuple[Path, Path | None]:
    """The spec file and weights file an export reads: a run folder (what `train --out`
    writes) gives its spec.json and model.safetensors; a spec file gives itself and
    --weights, if any (else fresh weights at the spec's seed)."""
    source = Path(args.spec)
    weights = Path(args.weights) if args.weights else None
    if not source.is_dir():
        return source, weights
    spec_path, trained = source / "spec.json", source / "model.safetensors"
    for needed in (spec_path, trained):
        if not needed.is_file() and not (needed == trained and weights):
            raise SpecError(f"{str(source)!r} is a folder without {needed.name}: pass a spec "
                            "file, or a folder that `python -m playground train SPEC --out "
                            "DIR` wrote.")
    return spec_path, weights or trained


def cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write the network as plain PyTorch source (with its checked weights copied beside
    it), or as safetensors weights, TorchScript or ONNX."""
    from playground.builder import build_model
    from playground.datasets import make_data
    from playground.export import (
        load_weights,
        onnx_bytes,
        torchscript_bytes,
        weights_bytes,
    )
    from playground.export_script import export_source
    from playground.spec import load_spec

    spec_path, weights = _export_inputs(args)
    spec = load_spec(spec_path)
    model = load_weights(spec, weights) if weights else build_model(spec)  # checked now
    if args.format != "script":
        if args.out in (None, "-"):
            raise SpecError(f"--format {args.format} writes a binary file: give --out FILE.")
        make = {"safetensors": weights_bytes, "torchscript": torchscript_bytes,
                "onnx": onnx_bytes}[args.format]
        content = make(model.eval(), spec)
        try:
            Path(args.out).write_bytes(content)
        except OSError as exc:
            raise SpecError(f"Cannot write {exc.filename!r}: {exc.strerror}.") from None
        made = "trained" if weights else f"fresh (seed {spec.train.seed})"
        out.write(f"wrote {args.out}: {args.format}, {made} weights, {len(content):,} bytes\n")
        return 0
    standardise = None
    if DATASETS[spec.dataset.name].standardize:  # a table: the file prepares raw rows
        data = make_data(spec.dataset)
        standardise = (data.mean, data.std)
    source = export_source(spec, standardise)
    if args.out in (None, "-"):
        out.write(source)
        return 0
    target = Path(args.out)
    beside = target.with_name("model.safetensors")  # where the exported file looks first
    try:
        target.write_text(source, encoding="utf-8")
        if weights and not (beside.exists() and beside.samefile(weights)):
            shutil.copyfile(weights, beside)
    except OSError as exc:
        raise SpecError(f"Cannot write {exc.filename!r}: {exc.strerror}.") from None
    if weights:
        out.write(f"wrote {target} and {beside}; run it with `python {target}`\n")
    else:
        out.write(f"wrote {target}; run it with `python {target} WEIGHTS.safetensors`\n")
    return 0


def cmd_bench(args: argparse.Namespace, out: TextIO) -> int:
    """Trainer against a plain PyTorch loop, interleaved; or another suite."""
    from playground.bench import format_results

    # Each suite is imported only when asked for: the attribution one loads Captum.
    if args.suite == "attributions":
        from playground.bench.attributions import run_attribution_bench

        results = run_attribution_bench(args.repeats)
    else:
        from playground.bench.training import run_training_bench

        results = run_training_bench(args.repeats, args.device, args.threads)
    if args.json:
        json.dump(results, out, indent=2)
        out.write("\n")
    else:
        out.write(format_results(results))
    return 0


def _generative_kind(path: str) -> bool:
    """Whether the file is a generative model's spec (it says "kind": "gan")."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False  # load_spec words the problem
    return isinstance(data, dict) and "kind" in data


MAX_GENERATED = 5000  # characters one generate call writes


def cmd_generate(args: argparse.Namespace, out: TextIO) -> int:
    """Continue a prompt with the language model of a run folder."""
    from playground.language.runs import continue_text, load_run
    from playground.language.sampling import Sampling

    if not 1 <= args.tokens <= MAX_GENERATED:
        raise SpecError(f"--tokens is {args.tokens}; generate 1 to {MAX_GENERATED:,}.")
    model, data = load_run(args.run_dir)
    sampling = Sampling(args.temperature, args.top_k, args.top_p)
    out.write(args.prompt + continue_text(model, data, args.prompt, args.tokens, sampling,
                                          args.seed) + "\n")
    return 0


def cmd_generative(args: argparse.Namespace, out: TextIO) -> int:
    """Train a GAN or diffusion spec headless; write metrics.json, samples.csv and the
    networks' weights to --out."""
    import torch

    from playground.generative.headless import load_generative_spec, train_generative

    torch.set_num_threads(args.threads)
    spec = load_generative_spec(args.spec)
    out_dir = Path(args.out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpecError(f"Cannot create the output folder {str(out_dir)!r}: "
                        f"{exc.strerror}.") from None
    m = train_generative(spec, out_dir, sys.stderr)
    modes = (f", {m['modes_covered']} of {m['n_modes']} modes covered, "
             f"{m['high_quality']:.0%} high-quality samples" if m["n_modes"] else "")
    out.write(f"mmd² {m['mmd']:.4f}{modes} after {m['steps']} steps ({m['seconds']:.1f} s)\n"
              f"wrote {out_dir / 'metrics.json'}, {out_dir / 'samples.csv'}\n")
    return 0


def make_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="python -m playground",
                            description="Deep Learning Playground, headless.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("layers", help="list the layer kinds and their parameters")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_layers)

    p = sub.add_parser("datasets", help="list the datasets and their parameters")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_datasets)

    p = sub.add_parser("validate", help="print a spec's shape table, or its first error")
    p.add_argument("spec", metavar="SPEC.json")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("train", help="train a spec headless and save metrics and weights")
    p.add_argument("spec", metavar="SPEC.json")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for metrics.json, model.safetensors and spec.json")
    p.add_argument("--epochs", type=_positive_int, metavar="N",
                   help="override the spec's epoch budget")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"),
                   help="override the spec's device")
    p.add_argument("--threads", type=_positive_int, default=1, metavar="N",
                   help="torch CPU threads (default 1: the playground's small models lose "
                   "more to thread hand-offs than they gain)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("generative", help="train a GAN or diffusion spec headless: metrics.json "
                       "with modes covered, high-quality share and MMD, and samples.csv")
    p.add_argument("spec", metavar="SPEC.json")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder for metrics.json, samples.csv and the weights")
    p.add_argument("--threads", type=_positive_int, default=1, metavar="N",
                   help="torch CPU threads (default 1)")
    p.set_defaults(func=cmd_generative)

    p = sub.add_parser("generate", help="continue a prompt with a trained text run")
    p.add_argument("run_dir", help="a folder written by train --out (spec.json, weights)")
    p.add_argument("--prompt", required=True, help="the text to continue")
    p.add_argument("--tokens", type=int, default=200, help="characters to generate")
    p.add_argument("--temperature", type=float, default=1.0, help="0 is greedy")
    p.add_argument("--top-k", type=int, default=0, help="keep the k likeliest (0: all)")
    p.add_argument("--top-p", type=float, default=1.0, help="nucleus share (1: all)")
    p.add_argument("--seed", type=int, default=0, help="the same seed, the same text")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("step", help="take learning-loop steps: loss before and after, "
                       "gradient and update norms per parameter tensor")
    p.add_argument("spec", metavar="SPEC.json")
    p.add_argument("--batch-size", type=_positive_int, default=8, metavar="B",
                   help="examples in each step's batch (default 8, at most 256)")
    p.add_argument("--steps", type=_positive_int, default=1, metavar="N",
                   help="steps to take from the spec's initial weights (default 1)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"),
                   help="override the spec's device")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_step)

    p = sub.add_parser("export", help="write the network as plain PyTorch source, "
                       "safetensors weights, TorchScript or ONNX")
    p.add_argument("spec", metavar="SPEC_OR_RUN_DIR", help="a spec file, or a folder that "
                   "`train --out` wrote (its spec.json and trained model.safetensors)")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="script",
                   help="script: plain PyTorch source (default); safetensors: the weights; "
                   "torchscript: for torch.jit.load; onnx: for onnxruntime. Without trained "
                   "weights, fresh ones at the spec's seed")
    p.add_argument("--weights", metavar="FILE", help="model.safetensors to check against the "
                   "spec (a script copies it beside the code, where it loads from by default)")
    p.add_argument("--out", metavar="FILE", help="where to write (default stdout; binary "
                   "formats need a file)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("bench", help="trainer vs a plain PyTorch loop, interleaved")
    p.add_argument("--repeats", type=_positive_int, default=5, metavar="N",
                   help="timed repeats per side (default 5); medians are reported")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    p.add_argument("--threads", type=_positive_int, default=1, metavar="N",
                   help="torch CPU threads (default 1, like the app's server)")
    p.add_argument("--suite", choices=("training", "attributions"), default="training",
                   help="training: trainer vs plain loop (default); attributions: the "
                   "attribution methods")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_bench)

    from playground.classic.compare import add_parser as add_compare

    add_compare(sub)
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    """Run one subcommand; returns the exit code (0 ok, 2 a mistake the user can fix)."""
    args = make_parser().parse_args(argv)
    try:
        return args.func(args, out or sys.stdout)
    except SpecError as exc:
        sys.stderr.write(f"error: {' '.join(str(exc).split())}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except BrokenPipeError:  # `... | head` closed the pipe: not an error worth a traceback
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
