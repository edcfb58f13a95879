"""A DDPM-style diffusion model on 2D points.

Forward process: q(x_t | x_0) = N(√ᾱ_t · x_0, (1 − ᾱ_t) I) with ᾱ_t = Π_{s≤t} (1 − β_s),
t = 0 … T−1, β from a linear or cosine schedule. The denoiser ε_θ(x_t, t) (the spec's stack
after a sinusoidal time embedding concatenated to the point) learns to predict the noise:
loss = mean ‖ε − ε_θ(√ᾱ_t x_0 + √(1 − ᾱ_t) ε, t)‖² over points and coordinates.
Reverse sampling starts from N(0, I) and takes T steps
x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) · ε_θ) / √α_t + σ_t z, σ_t² = β̃_t (the posterior variance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from playground.generative.diffusion_spec import DiffusionSpec
from playground.generative.gan import build_stack
from playground.generative.quality import Quality, measure
from playground.generative.targets import TARGETS, Target
from playground.rng import RandomStream

QUALITY_EVERY = 250  # training steps between quality measurements (a full reverse run each)
QUALITY_SAMPLES = 2000
BANDS = 4  # the loss is tracked per quarter of the timesteps


def betas(schedule: str, timesteps: int) -> torch.Tensor:
    """β_t for t = 0 … T−1. Linear: DDPM's 1e-4 … 0.02 at T = 1000, rescaled by 1000/T so
    a shorter chain still ends in noise. Cosine: Nichol & Dhariwal's ᾱ(t) = cos²(…), s =
    0.008, β clipped at 0.999."""
    if schedule == "linear":
        scale = 1000.0 / timesteps
        return torch.linspace(1e-4 * scale, min(0.02 * scale, 0.999), timesteps,
                              dtype=torch.float64)
    s = 0.008
    t = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
    f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    return (1 - f[1:] / f[:-1]).clamp(max=0.999)


class Schedule:
    """β, α, ᾱ and the posterior σ for one schedule, as float32 tensors indexed by t."""

    def __init__(self, schedule: str, timesteps: int) -> None:
        b = betas(schedule, timesteps)
        ab = torch.cumprod(1 - b, 0)
        ab_prev = torch.cat([torch.ones(1, dtype=torch.float64), ab[:-1]])
        self.timesteps = timesteps
        self.beta = b.float()
        self.alpha = (1 - b).float()
        self.alpha_bar = ab.float()
        self.sigma = (b * (1 - ab_prev) / (1 - ab)).sqrt().float()

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """x_t drawn from q(x_t | x_0) with the given standard-normal noise."""
        ab = self.alpha_bar[t].unsqueeze(-1)
        return ab.sqrt() * x0 + (1 - ab).sqrt() * eps


def time_embedding(t: torch.Tensor, timesteps: int, dim: int) -> torch.Tensor:
    """(n, dim) sinusoidal features of t/T: sines and cosines at geometric frequencies."""
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(100.0) / half))
    angle = (t.float() / timesteps * 100.0).unsqueeze(-1) * freqs
    emb = torch.cat([angle.sin(), angle.cos()], -1)
    return emb if dim % 2 == 0 else torch.cat([emb, torch.zeros(len(t), 1)], -1)


class Denoiser(nn.Module):
    """ε_θ(x_t, t): the spec's stack on [x_t, embedding(t)], a 2-unit head predicting ε."""

    def __init__(self, spec: DiffusionSpec) -> None:
        super().__init__()
        s = spec.settings
        self.timesteps, self.time_dim = s["timesteps"], s["time_dim"]
        self.net = build_stack(spec.denoiser, 2 + self.time_dim, 2, "denoiser")

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, time_embedding(t, self.timesteps, self.time_dim)], -1))


def diffusion_loss(model: Denoiser, schedule: Schedule, x0: torch.Tensor, t: torch.Tensor,
                   eps: torch.Tensor) -> torch.Tensor:
    """Per-point squared error of the predicted noise, (n,), averaged over coordinates."""
    pred = model(schedule.q_sample(x0, t, eps), t)
    return ((pred - eps) ** 2).mean(-1)


@dataclass
class DiffusionHistory:
    steps: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    band_loss: list[list[float]] = field(default_factory=list)  # per step, BANDS (nan: none)
    quality_steps: list[int] = field(default_factory=list)
    quality: list[Quality] = field(default_factory=list)


class DiffusionTrainer:
    """Owns the denoiser, its optimizer, the schedule and the history; drivers call
    `step()`."""

    def __init__(self, spec: DiffusionSpec, target: Target | None = None) -> None:
        self.spec = spec
        self.target = target or TARGETS[spec.target]
        s = spec.settings
        with RandomStream(s["seed"]).active():
            self.model = Denoiser(spec)
        self.schedule = Schedule(s["schedule"], s["timesteps"])
        self.opt = torch.optim.Adam(self.model.parameters(), lr=s["lr"])
        self.rng = np.random.default_rng(s["seed"])
        self.noise = torch.Generator().manual_seed(s["seed"])
        self.steps_done = 0
        self.history = DiffusionHistory()
        self.eval_real = self.target.sample(QUALITY_SAMPLES,
                                            np.random.default_rng([s["seed"], 1]))

    @property
    def finished(self) -> bool:
        return self.steps_done >= self.spec.settings["steps"]

    def step(self) -> float:
        """One Adam step on a real batch, each point at a uniform random timestep."""
        s = self.spec.settings
        x0 = torch.from_numpy(self.target.sample(s["batch_size"], self.rng))
        t = torch.randint(0, s["timesteps"], (len(x0),), generator=self.noise)
        eps = torch.randn(x0.shape, generator=self.noise)
        per_point = diffusion_loss(self.model, self.schedule, x0, t, eps)
        loss = per_point.mean()
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        self.steps_done += 1
        band = (t * BANDS // s["timesteps"]).numpy()
        pp = per_point.detach().numpy()
        h = self.history
        h.steps.append(self.steps_done)
        h.loss.append(loss.item())
        h.band_loss.append([float(pp[band == b].mean()) if (band == b).any() else math.nan
                            for b in range(BANDS)])
        if self.steps_done % QUALITY_EVERY == 0 or self.finished:
            h.quality_steps.append(self.steps_done)
            h.quality.append(self.quality())
        return loss.item()

    def sample(self, n: int = QUALITY_SAMPLES, seed: int = 0,
               keep_every: int = 0) -> tuple[np.ndarray, list[np.ndarray]]:
        """(n, 2) points by reverse sampling from N(0, I) with its own seeded noise (the
        same seed gives the same points), and, with keep_every > 0, the chain's points
        every that many steps from x_T down to x_0."""
        gen = torch.Generator().manual_seed(seed)
        sch = self.schedule
        x = torch.randn(n, 2, generator=gen)
        chain = [x.numpy().copy()] if keep_every else []
        with torch.no_grad():
            for t in range(sch.timesteps - 1, -1, -1):
                eps = self.model(x, torch.full((n,), t, dtype=torch.long))
                x = (x - sch.beta[t] / (1 - sch.alpha_bar[t]).sqrt() * eps) / sch.alpha[t].sqrt()
                if t > 0:
                    x = x + sch.sigma[t] * torch.randn(n, 2, generator=gen)
                if keep_every and (t % keep_every == 0):
                    chain.append(x.numpy().copy())
        return x.numpy(), chain

    def forward_points(self, t: int, n: int = 500, seed: int = 0) -> np.ndarray:
        """(n, 2) real points noised to timestep t by q(x_t | x_0)."""
        x0 = torch.from_numpy(self.eval_real[:n])
        eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(seed))
        return self.schedule.q_sample(x0, torch.full((len(x0),), t), eps).numpy()

    def quality(self) -> Quality:
        return measure(self.sample()[0], self.eval_real, self.target)
