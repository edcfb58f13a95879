"""Train a GAN spec without a page (the CLI's `generative` command): progress on a stream,
then metrics.json (quality, losses, time), samples.csv (2,000 generated points) and both
networks' weights as safetensors in the out folder."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np
from safetensors.torch import save_file

from playground.generative.gan import QUALITY_SAMPLES, GanTrainer
from playground.generative.gan_spec import GanSpec


def train_gan(spec: GanSpec, out: Path, stream: TextIO) -> dict[str, Any]:
    trainer = GanTrainer(spec)
    start = last = time.monotonic()
    while not trainer.finished:
        trainer.step()
        if time.monotonic() - last > 1.0 or trainer.finished:
            last = time.monotonic()
            q = trainer.history.quality[-1] if trainer.history.quality else None
            stream.write(f"step {trainer.steps_done}/{spec.settings['steps']}"
                         + (f"  mmd² {q.mmd:.4f}" if q else "")
                         + (f"  modes {q.modes_covered}/{q.n_modes}  high-quality "
                            f"{q.high_quality:.0%}" if q and q.n_modes else "") + "\n")
    seconds = time.monotonic() - start
    quality = trainer.quality()
    h = trainer.history
    metrics = {"kind": "gan", "target": spec.target, "steps": trainer.steps_done,
               "seconds": round(seconds, 2), **quality.as_dict(),
               "d_loss": float(np.mean(h.d_loss[-50:])), "g_loss": float(np.mean(h.g_loss[-50:])),
               "history": {"steps": h.quality_steps,
                           "quality": [q.as_dict() for q in h.quality]}}
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    pts = trainer.samples(QUALITY_SAMPLES)
    (out / "samples.csv").write_text("x,y\n" + "\n".join(f"{x:.5f},{y:.5f}" for x, y in pts)
                                     + "\n")
    save_file({k: v.contiguous() for k, v in trainer.generator.state_dict().items()},
              str(out / "generator.safetensors"))
    save_file({k: v.contiguous() for k, v in trainer.discriminator.state_dict().items()},
              str(out / "discriminator.safetensors"))
    return metrics
