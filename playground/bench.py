"""The benchmark: the Trainer against the plain PyTorch loop an engineer would write.

Both sides train the same spec-built initial weights on the same tensors, batch size,
optimizer and device. Repeats alternate (trainer, plain, trainer, plain, ...) so drift in a
shared machine's load hits both sides alike, and medians are reported. The trainer's time
includes its per-epoch test evaluation and bookkeeping: that is part of what it does.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from playground.builder import build_model
from playground.datasets import make_data
from playground.devices import describe_device, resolve_device
from playground.presets import PRESETS
from playground.spec import Spec
from playground.trainer import Trainer, make_optimizer


@dataclass(frozen=True)
class Workload:
    name: str
    preset: str
    epochs: int  # per timed repeat: enough for a stable time, short enough to repeat


WORKLOADS = (
    Workload("spiral MLP", "spiral", 20),
    Workload("digits CNN", "digits_cnn", 3),
)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_trainer(spec: Spec, epochs: int) -> dict[str, float]:
    """Wall and process-CPU seconds for `epochs` epochs of Trainer.train (per-epoch test
    evaluation included), and the wall seconds of its steps alone (`steps`)."""
    trainer = Trainer(spec)
    _sync(trainer.device)
    wall, cpu = time.perf_counter(), time.process_time()
    trainer.train(epochs)
    _sync(trainer.device)
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
            "steps": trainer.train_seconds}


def time_plain(spec: Spec, epochs: int) -> dict[str, float]:
    """Wall and process-CPU seconds for `epochs` epochs of a hand-written loop on the same
    model, data, batch size, optimizer and device. Like any training script it reads the
    loss each step and checks test accuracy once per epoch; `steps` leaves that check out."""
    device = resolve_device(spec.train.device)
    data = make_data(spec.dataset)
    model = build_model(spec).to(device)
    x = torch.as_tensor(data.x_train.copy()).to(device)
    y = torch.as_tensor(data.y_train.copy()).to(device)
    x_test = torch.as_tensor(data.x_test.copy()).to(device)
    y_test = torch.as_tensor(data.y_test.copy()).to(device)
    optimizer = make_optimizer(spec.train.optimizer, model.parameters(), spec.train.lr)
    generator = torch.Generator().manual_seed(spec.train.seed)
    n, batch_size = len(x), spec.train.batch_size
    model.train()
    _sync(device)
    wall, cpu = time.perf_counter(), time.process_time()
    evaluating = 0.0
    for _ in range(epochs):
        perm = torch.randperm(n, generator=generator).to(device)
        for lo in range(0, n, batch_size):
            idx = perm[lo:lo + batch_size]
            xb, yb = x[idx], y[idx]
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            loss.item()
        start = time.perf_counter()
        model.eval()
        with torch.no_grad():
            (model(x_test).argmax(-1) == y_test).float().mean().item()
        model.train()
        evaluating += time.perf_counter() - start
    _sync(device)
    elapsed = time.perf_counter() - wall
    return {"wall": elapsed, "cpu": time.process_time() - cpu, "steps": elapsed - evaluating}


def run_training_bench(repeats: int = 5, device: str = "auto",
                       threads: int | None = 1) -> list[dict[str, Any]]:
    """Trainer vs plain loop for each workload; samples per second (medians) and their ratio.

    Args:
        repeats: timed runs per side, alternating trainer and plain loop.
        device: auto, cpu, cuda or mps.
        threads: torch CPU threads (default 1, as the app's server uses; None keeps torch's
            default). Small models on a shared machine lose more to thread hand-offs than
            they gain.
    """
    if threads is not None:
        torch.set_num_threads(threads)
    results = []
    for work in WORKLOADS:
        spec = PRESETS[work.preset].spec().with_train(device=device)
        n_train = len(make_data(spec.dataset).x_train)
        time_trainer(spec, 1)  # warm-up: allocator, kernels, dataset cache
        time_plain(spec, 1)
        trainer_runs, plain_runs = [], []
        for _ in range(repeats):
            trainer_runs.append(time_trainer(spec, work.epochs))
            plain_runs.append(time_plain(spec, work.epochs))

        def median(runs, key):
            return statistics.median(r[key] for r in runs)

        samples = n_train * work.epochs
        trainer_sps = samples / median(trainer_runs, "wall")
        plain_sps = samples / median(plain_runs, "wall")
        on_cpu = resolve_device(device).type == "cpu"
        results.append({
            "workload": work.name,
            "device": describe_device(resolve_device(device)),
            "threads": torch.get_num_threads(),
            "batch_size": spec.train.batch_size,
            "optimizer": spec.train.optimizer,
            "epochs_per_repeat": work.epochs,
            "repeats": repeats,
            "trainer_samples_per_second": round(trainer_sps, 1),
            "plain_samples_per_second": round(plain_sps, 1),
            "ratio": round(trainer_sps / plain_sps, 3),
            # CPU seconds this process used: robust to other processes on a shared machine.
            "ratio_cpu_time": round(median(plain_runs, "cpu") / median(trainer_runs, "cpu"), 3)
            if on_cpu else None,
            # Without the trainer's per-epoch test evaluation: where any gap comes from.
            "ratio_without_evaluation": round(
                median(plain_runs, "steps") / median(trainer_runs, "steps"), 3),
        })
    return results


def run_suite_attributions(repeats: int) -> list[dict[str, Any]]:
    """The attribution methods' benchmark (playground.bench_attributions)."""
    from playground.bench_attributions import run_attribution_bench

    return run_attribution_bench(repeats)


def format_results(results: list[dict[str, Any]]) -> str:
    """A plain-text table of benchmark rows, columns in the order the rows give them."""
    if not results:
        return "no results\n"
    columns = list(dict.fromkeys(k for row in results for k in row))

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
        return "" if value is None else str(value)

    table = [columns] + [[cell(row.get(c)) for c in columns] for row in results]
    widths = [max(len(r[i]) for r in table) for i in range(len(columns))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in table]
    note = ("\nratio = trainer / plain training samples per second (medians of interleaved "
            "repeats); both sides read the loss every step and check test accuracy every "
            "epoch, the trainer also keeps running train accuracy and divergence snapshots; "
            "ratio_cpu_time compares process CPU seconds (steadier on a busy machine), "
            "ratio_without_evaluation leaves the per-epoch test check out of both.\n"
            if "ratio" in columns else "\n")
    return "\n".join(lines) + note
