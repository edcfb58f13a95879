"""`python -m playground compare`: the network and scikit-learn baselines on growing shares
of the spec's own training split, several seeds, so the data-hunger claim can be checked
headless (per model and size: test score, fit seconds, learned parameters or nodes)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from playground.classic.baselines import BASELINES, baseline_keys, check_tabular, fit_baseline
from playground.classic.learning_curve import (
    NETWORK,
    CurvePoint,
    network_epochs,
    overtakes,
    parse_sizes,
    subset,
    summarize,
)
from playground.datasets import make_data
from playground.errors import SpecError
from playground.spec import Spec
from playground.trainer import Trainer

DEFAULT_SIZES = "0.05,0.1,0.25,0.5,1"
MAX_SEEDS = 10


@dataclass(frozen=True)
class CompareRow:
    model: str
    fraction: float
    n_train: int
    seed: int
    score: float  # test accuracy, or test R²
    train_score: float
    fit_seconds: float
    learned: int  # parameters, stored numbers or tree nodes
    learned_what: str


def _network(spec: Spec, part: Any, repeat: int, fraction: float) -> CompareRow:
    run = spec.with_train(seed=spec.train.seed + repeat,
                          epochs=network_epochs(spec.train.epochs, fraction))
    trainer = Trainer(run, data=part)
    trainer.train()
    if trainer.diverged:
        raise SpecError(trainer.diverged)
    key = "r2" if trainer.regression else "accuracy"
    return CompareRow(NETWORK, fraction, len(part.x_train), repeat,
                      trainer.evaluate("test")[key], trainer.evaluate("train")[key],
                      trainer.train_seconds, trainer.parameters, "weights")


def compare(spec: Spec, baselines: Sequence[str], sizes: Sequence[float], seeds: int,
            network: bool = True,
            log: TextIO | None = None) -> tuple[list[CompareRow], bool]:
    """Fit every model on every share and seed of the spec's full training split (its
    train_fraction set aside), scored on the spec's test split; also whether the data is
    a regression (scores are R², else accuracy)."""
    if not 1 <= seeds <= MAX_SEEDS:
        raise SpecError(f"--seeds is {seeds}; use 1 to {MAX_SEEDS}.")
    spec = Spec.from_dict({**spec.to_dict(), "dataset": {**spec.to_dict()["dataset"],
                                                        "train_fraction": 1.0}})
    data = make_data(dataclasses.replace(spec.dataset, train_fraction=1.0))
    check_tabular(data)
    rows = []
    for fraction in sorted(sizes):
        for repeat in range(seeds):
            part = subset(data, fraction, spec.dataset.seed + repeat)
            for key in baselines:
                r = fit_baseline(key, part, seed=repeat)
                rows.append(CompareRow(r.name, fraction, len(part.x_train), repeat, r.score,
                                       r.train_score, r.fit_seconds, r.learned,
                                       r.learned_what))
            if network:
                rows.append(_network(spec, part, repeat, fraction))
            if log is not None:
                log.write(f"{fraction:.0%} of the training split, seed {repeat + 1} of "
                          f"{seeds}: done\n")
    return rows, data.info.regression


def summary(rows: Sequence[CompareRow]) -> list[dict[str, Any]]:
    """Per model and size: mean, lowest and highest test score over seeds, mean fit time."""
    out = []
    for model in dict.fromkeys(r.model for r in rows):
        for n in sorted({r.n_train for r in rows if r.model == model}):
            mine = [r for r in rows if r.model == model and r.n_train == n]
            scores = [r.score for r in mine]
            out.append({"model": model, "fraction": mine[0].fraction, "n_train": n,
                        "score_mean": float(np.mean(scores)), "score_min": min(scores),
                        "score_max": max(scores),
                        "fit_seconds": float(np.mean([r.fit_seconds for r in mine])),
                        "learned": int(round(np.mean([r.learned for r in mine]))),
                        "learned_what": mine[0].learned_what})
    return out


def overtake_words(rows: Sequence[CompareRow]) -> str:
    """Where the network's mean test score passes every baseline's, in words."""
    points = [CurvePoint(r.model, r.fraction, r.n_train, r.seed, r.score, r.train_score,
                         r.fit_seconds) for r in rows]
    return overtakes(summarize(points))


def add_parser(sub: Any) -> None:
    """Register the `compare` subcommand on the CLI's subparsers."""
    p = sub.add_parser("compare", help="the network against scikit-learn baselines on "
                       "growing shares of the spec's training split (learning curves)")
    p.add_argument("spec", metavar="SPEC.json")
    p.add_argument("--baselines", default=",".join(BASELINES),
                   help=f"comma-separated, from {','.join(BASELINES)} (default: all)")
    p.add_argument("--sizes", default=DEFAULT_SIZES,
                   help=f"training shares from 0.01 to 1 (default {DEFAULT_SIZES})")
    p.add_argument("--seeds", type=int, default=1, metavar="N",
                   help="repeats per size, each a different subset and seed (default 1)")
    p.add_argument("--no-network", action="store_true", help="the baselines only")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace, out: TextIO) -> int:
    """Print, per model and size, test score, fit seconds and learned count."""
    import sys

    from playground.spec import load_spec

    spec = load_spec(args.spec)
    rows, regression = compare(spec, baseline_keys(args.baselines), parse_sizes(args.sizes),
                               args.seeds, network=not args.no_network, log=sys.stderr)
    metric = "r2" if regression else "accuracy"
    table = summary(rows)
    words = overtake_words(rows)
    if args.json:
        json.dump({"dataset": spec.dataset.name, "metric": metric, "summary": table,
                   "runs": [dataclasses.asdict(r) for r in rows], "overtakes": words},
                  out, indent=2)
        out.write("\n")
        return 0
    out.write(f"{'model':<28} {'share':>6} {'n':>6} {'test ' + metric:>14} "
              f"{'fit s':>8} {'learned':>10}\n")
    for t in table:
        spread = (f"±{(t['score_max'] - t['score_min']) / 2:.3f}"
                  if t["score_max"] > t["score_min"] else "")
        out.write(f"{t['model'][:28]:<28} {t['fraction']:>6.0%} {t['n_train']:>6} "
                  f"{t['score_mean']:>8.3f}{spread:>6} {t['fit_seconds']:>8.3f} "
                  f"{t['learned']:>10,}\n")
    if words:
        out.write(words + "\n")
    return 0

