"""The attribution benchmark: every registry method on one digits image, CPU, one thread.

A program, not a test: `python -m playground bench --suite attributions`. The model is the
digits_cnn preset trained for one epoch (so gradients are not those of random weights);
each method runs once to warm up, then `repeats` times, and the median is reported. A direct
Captum IntegratedGradients call on the same model and input is timed alongside, so the
registry's overhead is visible.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import torch
from captum.attr import IntegratedGradients

from playground.attribution import METHODS, attribute, estimate_evaluations, predict
from playground.presets import PRESETS
from playground.trainer import Trainer

PRESET = "digits_cnn"
TRAIN_EPOCHS = 1


def _median_seconds(fn, repeats: int) -> float:
    fn()  # warm-up: first calls pay for allocation and Captum's setup
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _conv_layer(spec) -> int:
    """The last convolution layer of the preset, read from its spec (never from names)."""
    return max(i for i, layer in enumerate(spec.layers) if layer["type"] == "conv2d")


def run_attribution_bench(repeats: int = 5) -> list[dict[str, Any]]:
    """Median seconds per method for one digits image on the CPU.

    Returns rows {"method", "median_seconds", "median_ms", "evaluations", "params"}; the
    last row is a direct Captum IntegratedGradients call (50 steps) for comparison.
    """
    repeats = max(1, int(repeats))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the server process
    try:
        spec = PRESETS[PRESET].spec().with_train(device="cpu")
        trainer = Trainer(spec, device="cpu")
        trainer.train(TRAIN_EPOCHS)
        model = trainer.model.eval()
        x = trainer.x_test[:1].cpu()  # (1, 1, 8, 8)
        target = int(predict(model, x)[0][0])
        layer = _conv_layer(spec)
        rows: list[dict[str, Any]] = []
        for name, method in METHODS.items():
            params = method.defaults()
            seconds = _median_seconds(
                lambda name=name, params=params, at=layer if method.needs_layer else None:
                attribute(model, x, target, name, params, layer=at), repeats)
            rows.append({"method": name, "median_seconds": seconds,
                         "median_ms": round(seconds * 1000, 2),
                         "evaluations": estimate_evaluations(name, params, tuple(x.shape[1:])),
                         "params": _short(params)})
        ig = IntegratedGradients(model)
        seconds = _median_seconds(lambda: ig.attribute(x, baselines=torch.zeros_like(x),
                                                       target=target, n_steps=50), repeats)
        rows.append({"method": "integrated_gradients (direct Captum)",
                     "median_seconds": seconds, "median_ms": round(seconds * 1000, 2),
                     "evaluations": 50, "params": "n_steps=50"})
        return rows
    finally:
        torch.set_num_threads(threads)


def _short(params: dict[str, Any]) -> str:
    shown = {k: v for k, v in params.items() if not k.startswith("nt_")}
    return ", ".join(f"{k}={v}" for k, v in shown.items())
