"""Train a GAN or diffusion spec without a page (the CLI's `generative` command, and `train`
on such a spec): progress on a stream, then metrics.json (quality, losses, time),
samples.csv (2,000 generated points) and the networks' weights as safetensors in the out
folder."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from safetensors.torch import save_file
from torch import nn

from playground.generative.diffusion import BANDS, DiffusionTrainer
from playground.generative.diffusion_spec import DiffusionSpec
from playground.generative.gan import QUALITY_SAMPLES, GanTrainer
from playground.generative.gan_spec import GanSpec
from playground.generative.quality import measure
from playground.generative.spec_document import read_text


def load_generative_spec(path: str | Path) -> GanSpec | DiffusionSpec:
    """The GAN or diffusion spec in a file, chosen by its "kind"."""
    text = read_text(path, "spec")
    try:
        kind = json.loads(text).get("kind")
    except (json.JSONDecodeError, RecursionError, AttributeError):
        kind = None  # from_json words the problem
    return DiffusionSpec.from_json(text) if kind == "diffusion" else GanSpec.from_json(text)


def train_generative(spec: GanSpec | DiffusionSpec, out: Path,
                     stream: TextIO) -> dict[str, Any]:
    """Train either kind headless and write its outputs; returns the metrics."""
    if isinstance(spec, DiffusionSpec):
        return train_diffusion(spec, out, stream)
    return train_gan(spec, out, stream)


def _train(trainer: GanTrainer | DiffusionTrainer, stream: TextIO) -> float:
    """Step to the budget, a progress line (with the latest quality) about every second;
    returns the seconds it took."""
    steps = trainer.spec.settings["steps"]
    start = last = time.monotonic()
    while not trainer.finished:
        trainer.step()
        if time.monotonic() - last > 1.0 or trainer.finished:
            last = time.monotonic()
            q = trainer.history.quality[-1] if trainer.history.quality else None
            stream.write(f"step {trainer.steps_done}/{steps}"
                         + (f"  mmd² {q.mmd:.4f}" if q else "")
                         + (f"  modes {q.modes_covered}/{q.n_modes}  high-quality "
                            f"{q.high_quality:.0%}" if q and q.n_modes else "") + "\n")
    return time.monotonic() - start


def _write(out: Path, metrics: dict[str, Any], pts: np.ndarray,
           networks: dict[str, nn.Module]) -> None:
    """metrics.json, samples.csv (columns x,y) and NAME.safetensors for each network."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    (out / "samples.csv").write_text("x,y\n" + "\n".join(f"{x:.5f},{y:.5f}" for x, y in pts)
                                     + "\n")
    for name, net in networks.items():
        save_file({k: v.contiguous() for k, v in net.state_dict().items()},
                  str(out / f"{name}.safetensors"))


def train_diffusion(spec: DiffusionSpec, out: Path, stream: TextIO) -> dict[str, Any]:
    """Train the denoiser, then sample 2,000 points by the full reverse chain."""
    trainer = DiffusionTrainer(spec)
    seconds = _train(trainer, stream)
    pts, _ = trainer.sample(QUALITY_SAMPLES)
    quality = measure(pts, trainer.eval_real, trainer.target)
    h = trainer.history
    bands = np.array(h.band_loss[-200:])
    metrics = {"kind": "diffusion", "target": spec.target, "steps": trainer.steps_done,
               "seconds": round(seconds, 2), **quality.as_dict(),
               "loss": float(np.mean(h.loss[-50:])),
               "band_loss": {f"t {b * spec.settings['timesteps'] // BANDS}–"
                             f"{(b + 1) * spec.settings['timesteps'] // BANDS - 1}":
                             float(np.nanmean(bands[:, b])) for b in range(BANDS)},
               "history": {"steps": h.quality_steps,
                           "quality": [q.as_dict() for q in h.quality]}}
    _write(out, metrics, pts, {"denoiser": trainer.model})
    return metrics


def train_gan(spec: GanSpec, out: Path, stream: TextIO) -> dict[str, Any]:
    """Train both players, then write 2,000 samples from the generator's fixed noise."""
    trainer = GanTrainer(spec)
    seconds = _train(trainer, stream)
    quality = trainer.quality()
    h = trainer.history
    metrics = {"kind": "gan", "target": spec.target, "steps": trainer.steps_done,
               "seconds": round(seconds, 2), **quality.as_dict(),
               "d_loss": float(np.mean(h.d_loss[-50:])), "g_loss": float(np.mean(h.g_loss[-50:])),
               "history": {"steps": h.quality_steps,
                           "quality": [q.as_dict() for q in h.quality]}}
    _write(out, metrics, trainer.samples(QUALITY_SAMPLES),
           {"generator": trainer.generator, "discriminator": trainer.discriminator})
    return metrics
