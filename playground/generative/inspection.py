"""Looking inside a generative run's networks with the playground's own inspection: the
generator (noise z → point), the discriminator (point → "real?" logit) and the denoiser
([x_t, time embedding of t] → predicted noise ε).

`generative_networks` copies each network out of its live run under the run's lock, so a
look never disturbs training; every layer gets a LayerRow (measured by one forward pass, so
the shape table matches the real model) for the Activations page's captions and blocks.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.attribution.summaries import mean_abs_attribution, plane_attributions
from playground.generative.diffusion import time_embedding
from playground.generative.diffusion_run import DiffusionRun
from playground.generative.gan_run import GanRun
from playground.inspection.activations import LayerActivation, capture_activations
from playground.inspection.plane import PlaneGrid
from playground.shapes import LayerRow

NOISE_EXTENT = 3.0  # the generator's noise plane spans ±3 standard deviations


@dataclass(frozen=True)
class GenerativeNetwork:
    """One network of a generative run, copied out of it, with what its inputs mean.

    `free` are the inputs a learner chooses (z, or a point); the denoiser's Sequential also
    reads the time embedding of `t`, which `make_input` appends.
    """

    name: str  # "generator" | "discriminator" | "denoiser"
    title: str
    what: str  # what it maps, for captions
    model: nn.Sequential  # a copy: looking never touches the live run
    rows: tuple[LayerRow, ...]
    free: tuple[str, ...]  # names of the chosen inputs ("z1", …) or ("x", "y")
    outputs: tuple[str, ...]  # names of the head's units
    steps_done: int
    timesteps: int = 0  # the denoiser's T (0 for the GAN's networks)
    time_dim: int = 0

    def make_input(self, free: np.ndarray, t: int = 0) -> np.ndarray:
        """(B, len(free)) chosen values → (B, inputs) the Sequential reads."""
        x = np.asarray(free, dtype=np.float32).reshape(-1, len(self.free))
        if not self.time_dim:
            return x
        emb = time_embedding(torch.full((len(x),), int(t)), self.timesteps, self.time_dim)
        return np.concatenate([x, emb.numpy()], axis=1)

    @property
    def input_names(self) -> list[str]:
        """Every input of the Sequential: the chosen ones, then the time features."""
        half = self.time_dim // 2
        emb = ([f"sin {i}" for i in range(half)] + [f"cos {i}" for i in range(half)]
               + (["pad"] if self.time_dim % 2 else []))
        return [*self.free, *emb]

    @property
    def plane(self) -> bool:
        """Whether its chosen inputs form a plane (each neuron can be drawn over it)."""
        return len(self.free) == 2


def layer_rows(model: nn.Sequential, kinds: list[str], layers: tuple[dict, ...],
               inputs: int) -> tuple[LayerRow, ...]:
    """A shape-table row per child, measured by one forward pass; the last is the head."""
    acts = capture_activations(model, np.zeros((1, inputs), np.float32), kinds)
    rows, shape = [], (inputs,)
    for act, child in zip(acts, model.children(), strict=True):
        out = tuple(act.output.shape[1:])
        head = act.index == len(acts) - 1
        rows.append(LayerRow(act.index, act.kind, shape, out,
                             sum(p.numel() for p in child.parameters()), head,
                             None if head else dict(layers[act.index])))
        shape = out
    return tuple(rows)


def _network(name: str, title: str, what: str, model: nn.Sequential,
             layers: tuple[dict, ...], inputs: int, free: tuple[str, ...],
             outputs: tuple[str, ...], steps: int, **time: int) -> GenerativeNetwork:
    model = copy.deepcopy(model)
    kinds = [la["type"] for la in layers] + ["linear"]
    return GenerativeNetwork(name, title, what, model, layer_rows(model, kinds, layers, inputs),
                             free, outputs, steps, **time)


def generative_networks(gan: GanRun | None, diffusion: DiffusionRun | None
                        ) -> dict[str, GenerativeNetwork]:
    """The session's generative networks by name, each copied under its run's lock."""
    found: dict[str, GenerativeNetwork] = {}
    if gan is not None:
        with gan.lock:
            t = gan.trainer
            dim = t.spec.settings["noise_dim"]
            found["generator"] = _network(
                "generator", "GAN generator", "noise z → point (x, y)", t.generator,
                t.spec.generator, dim, tuple(f"z{i + 1}" for i in range(dim)), ("x", "y"),
                t.steps_done)
            found["discriminator"] = _network(
                "discriminator", "GAN discriminator", "point (x, y) → logit of “real”",
                t.discriminator, t.spec.discriminator, 2, ("x", "y"), ("real? (logit)",),
                t.steps_done)
    if diffusion is not None:
        with diffusion.lock:
            t = diffusion.trainer
            s = t.spec.settings
            found["denoiser"] = _network(
                "denoiser", "Diffusion denoiser", "[x_t, embedding of t] → predicted noise ε",
                t.model.net, t.spec.denoiser, 2 + s["time_dim"], ("x", "y"), ("ε_x", "ε_y"),
                t.steps_done, timesteps=s["timesteps"], time_dim=s["time_dim"])
    return found


def noise_grid(resolution: int = 40) -> PlaneGrid:
    """The generator's noise plane (z1, z2) over ±NOISE_EXTENT."""
    axis = np.linspace(-NOISE_EXTENT, NOISE_EXTENT, resolution, dtype=np.float32)
    gx, gy = np.meshgrid(axis, axis)
    return PlaneGrid(axis, axis, np.stack([gx.ravel(), gy.ravel()], 1))


def plane_activations(net: GenerativeNetwork, grid: PlaneGrid, t: int = 0
                      ) -> list[LayerActivation]:
    """Every layer's output over the plane of the chosen inputs (R, R, units), the
    denoiser's at timestep t."""
    r = grid.resolution
    kinds = [row.kind for row in net.rows]
    acts = capture_activations(net.model, net.make_input(grid.points, t), kinds)
    return [LayerActivation(a.index, a.kind, a.output.reshape(r, r, -1)) for a in acts]


def coordinate_attributions(net: GenerativeNetwork, points: np.ndarray, method: str,
                            params: dict | None = None, baseline: str = "zeros",
                            data_mean: torch.Tensor | None = None, seed: int = 0
                            ) -> np.ndarray:
    """How much each coordinate of each point (n, 2) moves the discriminator's "real"
    logit (its one output, target 0), by a registry method through Captum → (n, 2)."""
    return plane_attributions(net.model, points, 0, method, params, baseline, data_mean,
                              seed=seed)


def mean_coordinate_reliance(net: GenerativeNetwork, points: np.ndarray, method: str,
                             params: dict | None = None, baseline: str = "zeros",
                             data_mean: torch.Tensor | None = None, seed: int = 0
                             ) -> np.ndarray:
    """Mean |attribution| of x and of y over many points (n, 2) → (2,): which coordinate
    the discriminator leans on, whatever the sign."""
    x = torch.from_numpy(np.ascontiguousarray(points, dtype=np.float32))
    return mean_abs_attribution(net.model, x, torch.zeros(len(x), dtype=torch.long), method,
                                params, baseline, data_mean, seed=seed)


def gan_points(gan: GanRun, n: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Real (n, 2) and generated (n, 2) points of a GAN run, taken under its lock: what the
    discriminator is asked about."""
    with gan.lock:
        return gan.trainer.eval_real[:n].copy(), gan.trainer.samples(n)
