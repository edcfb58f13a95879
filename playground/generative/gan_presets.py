"""GAN and diffusion presets: JSON specs in assets/presets/generative/, usable by the CLI as
they are, with the learner-facing words here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playground.generative.diffusion_spec import DiffusionSpec, load_diffusion_spec
from playground.generative.gan_spec import GanSpec, load_gan_spec
from playground.presets import PRESET_DIR

GAN_PRESET_DIR = PRESET_DIR / "generative"


@dataclass(frozen=True)
class GanPreset:
    name: str
    title: str
    description: str

    @property
    def path(self) -> Path:
        return GAN_PRESET_DIR / f"{self.name}.json"

    def spec(self) -> GanSpec:
        return load_gan_spec(self.path)


GAN_PRESETS: dict[str, GanPreset] = {p.name: p for p in (
    GanPreset("gan_ring", "GAN on a ring of 8", "Two 64-unit ReLU networks; the generator "
              "spreads 2D noise over all eight modes (8 of 8 covered, about 89 % of samples "
              "within 3 standard deviations of a mode after 3,000 steps)."),
    GanPreset("gan_collapse", "GAN that collapses", "The same networks with one noise number "
              "and ten times the learning rates: the generator settles on about half the "
              "modes and hops between them — mode collapse, on purpose."),
)}


@dataclass(frozen=True)
class DiffusionPreset(GanPreset):
    def spec(self) -> DiffusionSpec:  # type: ignore[override]
        return load_diffusion_spec(self.path)


DIFFUSION_PRESETS: dict[str, DiffusionPreset] = {p.name: p for p in (
    DiffusionPreset("diffusion_ring", "Diffusion on a ring of 8", "A 3×128 ReLU denoiser with "
                    "a 16-number time embedding, 100 linear-schedule steps: reverse sampling "
                    "from pure noise lands on all eight modes (8 of 8 covered, about 86 % "
                    "high-quality samples after 3,000 steps, 7.6 s on one core)."),
)}
