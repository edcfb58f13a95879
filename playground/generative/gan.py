"""A GAN on 2D points: both stacks built from the layer registry, the two losses, and a
trainer whose `step()` takes k discriminator steps and then one generator step.

The discriminator outputs a logit; D(x) = sigmoid(logit) is its belief that x is real.
Losses (real x, generated G(z)):
- non_saturating: D minimises −log D(x) − log(1 − D(G(z))); G minimises −log D(G(z)),
  the original paper's fix for the minimax G loss log(1 − D(G(z))), which gives no
  gradient once D rejects every fake.
- least_squares: D minimises ½(D(x) − 1)² + ½D(G(z))² on the raw output; G minimises
  ½(D(G(z)) − 1)².
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from playground.errors import SpecError
from playground.generative.gan_spec import GanSpec
from playground.generative.quality import Quality, measure
from playground.generative.targets import TARGETS, Target
from playground.layers import LAYERS, ShapeContext
from playground.rng import RandomStream

QUALITY_EVERY = 50  # generator steps between quality measurements (2,000 samples each)
QUALITY_SAMPLES = 2000
MAX_PARAMETERS = 2_000_000


def build_stack(layers: tuple[dict, ...], inputs: int, outputs: int, who: str) -> nn.Sequential:
    """The layers then a linear head to `outputs` units, named by position like the
    playground's other networks."""
    shape: tuple[int, ...] = (inputs,)
    modules = []
    for i, layer in enumerate((*layers, {"type": "linear", "units": outputs})):
        params = {k: v for k, v in layer.items() if k != "type"}
        kind = LAYERS[layer["type"]]
        try:
            out = kind.shape(shape, params, ShapeContext())
        except SpecError as exc:
            raise SpecError(f"{who}: layer {i + 1} ({layer['type']}): {exc}") from None
        modules.append(kind.build(shape, params))
        shape = out
    model = nn.Sequential(*modules)
    if sum(p.numel() for p in model.parameters()) > MAX_PARAMETERS:
        raise SpecError(f"The {who} has more than {MAX_PARAMETERS:,} parameters; use fewer or "
                        "narrower linear layers.")
    return model


def d_loss(loss: str, real_out: torch.Tensor, fake_out: torch.Tensor) -> torch.Tensor:
    """The discriminator's loss on its outputs (logits) for real and generated points."""
    if loss == "least_squares":
        return 0.5 * ((real_out - 1) ** 2).mean() + 0.5 * (fake_out ** 2).mean()
    return (F.binary_cross_entropy_with_logits(real_out, torch.ones_like(real_out))
            + F.binary_cross_entropy_with_logits(fake_out, torch.zeros_like(fake_out)))


def g_loss(loss: str, fake_out: torch.Tensor) -> torch.Tensor:
    """The generator's loss on the discriminator's outputs for its points."""
    if loss == "least_squares":
        return 0.5 * ((fake_out - 1) ** 2).mean()
    return F.binary_cross_entropy_with_logits(fake_out, torch.ones_like(fake_out))


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))  # GAN practice: β1 = 0.5


@dataclass
class GanHistory:
    steps: list[int] = field(default_factory=list)
    d_loss: list[float] = field(default_factory=list)
    g_loss: list[float] = field(default_factory=list)
    d_real: list[float] = field(default_factory=list)  # mean D(x) on real points
    d_fake: list[float] = field(default_factory=list)  # mean D(G(z)) on generated points
    quality_steps: list[int] = field(default_factory=list)
    quality: list[Quality] = field(default_factory=list)


class GanTrainer:
    """Owns both networks, their optimizers and the history; drivers call `step()` (or
    `d_step()` / `g_step()` one at a time for the slow-motion view)."""

    def __init__(self, spec: GanSpec, target: Target | None = None) -> None:
        self.spec = spec
        self.target = target or TARGETS[spec.target]
        s = spec.settings
        with RandomStream(s["seed"]).active():
            self.generator = build_stack(spec.generator, s["noise_dim"], 2, "generator")
            self.discriminator = build_stack(spec.discriminator, 2, 1, "discriminator")
        self.g_opt = make_optimizer(s["g_optimizer"], self.generator.parameters(), s["g_lr"])
        self.d_opt = make_optimizer(s["d_optimizer"], self.discriminator.parameters(),
                                    s["d_lr"])
        self.rng = np.random.default_rng(s["seed"])
        self.noise = torch.Generator().manual_seed(s["seed"])
        self.steps_done = 0
        self.history = GanHistory()
        self.eval_real = self.target.sample(QUALITY_SAMPLES, np.random.default_rng([s["seed"],
                                                                                    1]))
        self.eval_z = torch.randn(QUALITY_SAMPLES, s["noise_dim"],
                                  generator=torch.Generator().manual_seed(s["seed"] + 1))

    @property
    def finished(self) -> bool:
        return self.steps_done >= self.spec.settings["steps"]

    def z(self, n: int) -> torch.Tensor:
        return torch.randn(n, self.spec.settings["noise_dim"], generator=self.noise)

    def real(self, n: int) -> torch.Tensor:
        return torch.from_numpy(self.target.sample(n, self.rng))

    def d_step(self) -> dict[str, float]:
        """One discriminator update on a real batch and a generated batch (G frozen)."""
        n, loss = self.spec.settings["batch_size"], self.spec.settings["loss"]
        real = self.real(n)
        with torch.no_grad():
            fake = self.generator(self.z(n))
        real_out, fake_out = self.discriminator(real), self.discriminator(fake)
        value = d_loss(loss, real_out, fake_out)
        self.d_opt.zero_grad()
        value.backward()
        self.d_opt.step()
        return {"d_loss": value.item(), "d_real": float(_belief(loss, real_out).mean()),
                "d_fake": float(_belief(loss, fake_out).mean())}

    def g_step(self) -> dict[str, float]:
        """One generator update through the discriminator (whose weights stay put)."""
        n, loss = self.spec.settings["batch_size"], self.spec.settings["loss"]
        for p in self.discriminator.parameters():
            p.requires_grad_(False)
        try:
            value = g_loss(loss, self.discriminator(self.generator(self.z(n))))
            self.g_opt.zero_grad()
            value.backward()
            self.g_opt.step()
        finally:
            for p in self.discriminator.parameters():
                p.requires_grad_(True)
        return {"g_loss": value.item()}

    def step(self) -> dict[str, float]:
        """k discriminator steps, then one generator step; records the history."""
        for _ in range(self.spec.settings["d_steps"]):
            d = self.d_step()
        return self.record(d, self.g_step())

    def record(self, d: dict[str, float], g: dict[str, float]) -> dict[str, float]:
        self.steps_done += 1
        h = self.history
        h.steps.append(self.steps_done)
        h.d_loss.append(d["d_loss"])
        h.g_loss.append(g["g_loss"])
        h.d_real.append(d["d_real"])
        h.d_fake.append(d["d_fake"])
        if self.steps_done % QUALITY_EVERY == 0 or self.finished:
            h.quality_steps.append(self.steps_done)
            h.quality.append(self.quality())
        return {**d, **g}

    def samples(self, n: int = QUALITY_SAMPLES) -> np.ndarray:
        """(n, 2) generated points from fixed noise, so successive views are comparable."""
        z = self.eval_z[:n] if n <= len(self.eval_z) else self.z(n)
        with torch.no_grad():
            return self.generator(z).numpy()

    def quality(self) -> Quality:
        return measure(self.samples(), self.eval_real, self.target)

    def d_map(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """(len(ys), len(xs)) D's belief that each point of the grid is real."""
        gx, gy = np.meshgrid(xs, ys)
        pts = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32))
        with torch.no_grad():
            out = _belief(self.spec.settings["loss"], self.discriminator(pts))
        return out.numpy().reshape(len(ys), len(xs))

    def g_gradients(self, n: int = 200) -> tuple[np.ndarray, np.ndarray]:
        """Generated points (n, 2) and the direction the generator's loss pushes each:
        −∂loss/∂point, what the generator's next step moves it along."""
        pts = self.samples(n).copy()
        x = torch.from_numpy(pts).requires_grad_(True)
        g_loss(self.spec.settings["loss"], self.discriminator(x)).backward()
        self.discriminator.zero_grad(set_to_none=True)
        return pts, -x.grad.numpy() * n  # × n: the mean's per-point gradient


def _belief(loss: str, out: torch.Tensor) -> torch.Tensor:
    """D's output as "how real": a sigmoid of the logit, or the least-squares raw score."""
    out = out.detach().squeeze(-1)
    return out.clamp(0.0, 1.0) if loss == "least_squares" else torch.sigmoid(out)
