"""The benchmark: the Trainer against the plain PyTorch loop an engineer would write.

Both sides train the same spec-built initial weights on the same tensors, batch size,
optimizer and device, in the same batch order with the same dropout masks (the parity test,
tests/unit/test_trainer_parity.py, checks they end with the same weights). Repeats alternate
(trainer, plain, trainer, plain, ...) so drift in a shared machine's load hits both sides
alike, and medians are reported. The trainer's time includes its per-epoch test evaluation
and bookkeeping: that is part of what it does."""

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


class PlainLoop:
    """The loop an engineer would write by hand, on the spec's model, data, batch size,
    optimizer and device: index slicing into a seeded permutation, cross-entropy, backward,
    step. It draws what the Trainer draws in the same order (the spec-seeded initial weights,
    one `randperm` per epoch from a generator seeded by the training seed, dropout masks from
    torch's generator seeded likewise), so both end with the same weights.
    """

    def __init__(self, spec: Spec) -> None:
        self.device = resolve_device(spec.train.device)
        data = make_data(spec.dataset)
        self.model = build_model(spec).to(self.device)
        self.x, self.y, self.x_test, self.y_test = (
            torch.as_tensor(a.copy()).to(self.device)
            for a in (data.x_train, data.y_train, data.x_test, data.y_test))
        self.optimizer = make_optimizer(spec.train.optimizer, self.model.parameters(),
                                        spec.train.lr)
        self.generator = torch.Generator().manual_seed(spec.train.seed)
        self.batch_size = spec.train.batch_size
        torch.manual_seed(spec.train.seed)  # dropout masks, as a training script seeds them

    def train_epoch(self) -> list[float]:
        """One pass over the training set; the loss of every step (read each step, as a
        live curve needs)."""
        self.model.train()
        losses = []
        perm = torch.randperm(len(self.x), generator=self.generator).to(self.device)
        for lo in range(0, len(self.x), self.batch_size):
            idx = perm[lo:lo + self.batch_size]
            self.optimizer.zero_grad()
            loss = nn.functional.cross_entropy(self.model(self.x[idx]), self.y[idx])
            loss.backward()
            self.optimizer.step()
            losses.append(loss.item())
        return losses

    @torch.no_grad()
    def test_accuracy(self) -> float:
        self.model.eval()
        return (self.model(self.x_test).argmax(-1) == self.y_test).float().mean().item()


def time_plain(spec: Spec, epochs: int) -> dict[str, float]:
    """Wall and process-CPU seconds for `epochs` epochs of the plain loop. Like any training
    script it reads the loss each step and checks test accuracy once per epoch; `steps`
    leaves that check out."""
    loop = PlainLoop(spec)
    _sync(loop.device)
    wall, cpu = time.perf_counter(), time.process_time()
    evaluating = 0.0
    for _ in range(epochs):
        loop.train_epoch()
        start = time.perf_counter()
        loop.test_accuracy()
        evaluating += time.perf_counter() - start
    _sync(loop.device)
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
