"""Runs compared: every finished run of a session kept (spec, final metrics, curves and a
copy of the trained model) until the learner removes it, so runs can be overlaid, diffed
and one restored as the current network.

A RunList belongs to one Session; nothing in it is shared between sessions.
"""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playground.runner import ModelKey, Runner
from playground.trainer import Trainer

MAX_RUNS = 12  # copies of trained models a session keeps; the oldest goes first


@dataclass(frozen=True)
class KeptRun:
    """One kept run: what it was, how it ended and the model to restore."""

    number: int  # 1, 2, ... in the order kept; names the run on the page
    key: ModelKey
    spec: dict[str, Any]
    metrics: dict[str, float]
    epochs: tuple[dict[str, float], ...]
    parameters: int
    train_seconds: float
    samples_per_second: float
    device: str
    kept_at: float
    trainer: Trainer  # an independent copy: restoring it never touches the kept one

    @property
    def steps(self) -> int:
        return self.trainer.step_count

    @property
    def label(self) -> str:
        ds, train = self.spec["dataset"]["name"], self.spec["train"]
        return (f"run {self.number}: {ds}, {len(self.spec['layers'])} layers, "
                f"{train['optimizer']} lr {train['lr']:g}, {len(self.epochs)} epochs")


def spec_diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed from spec `old` to `new`, one 'where: before → after' line per
    setting (layers compared as whole layer lists, one line per layer that differs)."""
    out = []
    for part in ("dataset", "train"):
        a, b = _flat(old[part]), _flat(new[part])
        out += [f"{part}.{k}: {a.get(k, '—')} → {b.get(k, '—')}"
                for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    la, lb = old["layers"], new["layers"]
    for i in range(max(len(la), len(lb))):
        x = _layer_text(la[i]) if i < len(la) else "—"
        y = _layer_text(lb[i]) if i < len(lb) else "—"
        if x != y:
            out.append(f"layer {i + 1}: {x} → {y}")
    return out


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out |= _flat(v, f"{prefix}{k}.")
        else:
            out[f"{prefix}{k}"] = v
    return out


def _layer_text(layer: dict[str, Any]) -> str:
    args = ", ".join(f"{k}={v}" for k, v in layer.items() if k != "type")
    return f"{layer['type']}({args})"


class RunList:
    """A session's kept runs, newest last."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: list[KeptRun] = []
        self._count = 0

    def keep(self, runner: Runner, finished_only: bool = True) -> KeptRun | None:
        """Keep a copy of `runner`'s model as it is now; None when it has not trained, has
        not finished (with `finished_only`), or this state is already kept."""
        with runner.holding() as trainer:
            if trainer.step_count == 0 or (finished_only and not trainer.done):
                return None
            key, spec = runner.key, trainer.spec.to_dict()
            with self._lock:  # a restored run not trained since is the run it came from
                if any(r.key == key or (r.spec == spec and r.steps == trainer.step_count)
                       for r in self._runs):
                    return None
            copy = _clone(trainer)
        metrics = copy.metrics()
        with self._lock:
            self._count += 1
            run = KeptRun(self._count, key, copy.spec.to_dict(), metrics,
                          tuple(dict(e) for e in copy.history.epochs), copy.parameters,
                          copy.train_seconds, copy.samples_per_second, copy.device_label,
                          time.time(), copy)
            self._runs.append(run)
            del self._runs[:-MAX_RUNS]
        return run

    def runs(self) -> tuple[KeptRun, ...]:
        with self._lock:
            return tuple(self._runs)

    def get(self, number: int) -> KeptRun | None:
        return next((r for r in self.runs() if r.number == number), None)

    def remove(self, number: int) -> None:
        with self._lock:
            self._runs = [r for r in self._runs if r.number != number]

    def restore(self, number: int) -> Trainer | None:
        """A fresh copy of the kept run's trainer to train on as the current run."""
        run = self.get(number)
        return _clone(run.trainer) if run is not None else None


def _clone(trainer: Trainer) -> Trainer:
    # imported here: session_store imports the session, which holds a RunList
    from playground.session_store import clone_trainer

    return clone_trainer(trainer)


def runs_csv(runs: Sequence[KeptRun]) -> str:
    """Every kept run's epoch records as CSV: one row per run and epoch, with the run's
    dataset, layers and settings in the first columns."""
    keys = sorted({k for r in runs for e in r.epochs for k in e})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["run", "dataset", "layers", "optimizer", "lr", "parameters", *keys])
    for r in runs:
        layers = " ".join(_layer_text(layer) for layer in r.spec["layers"])
        for e in r.epochs:
            writer.writerow([r.number, r.spec["dataset"]["name"], layers,
                             r.spec["train"]["optimizer"], r.spec["train"]["lr"],
                             r.parameters, *(e.get(k, "") for k in keys)])
    return buffer.getvalue()
