"""Inspecting a generative run's networks: copies that leave the live run alone, shape rows
measured from the real model, the denoiser's input built as the Denoiser builds it, and
discriminator attributions equal to Captum called directly."""

from __future__ import annotations

import numpy as np
import torch
from captum.attr import Saliency

from playground.generative.diffusion import DiffusionTrainer
from playground.generative.diffusion_run import DiffusionRun
from playground.generative.diffusion_spec import DiffusionSpec
from playground.generative.gan import GanTrainer
from playground.generative.gan_run import GanRun
from playground.generative.gan_spec import GanSpec
from playground.generative.inspection import (
    coordinate_attributions,
    gan_points,
    generative_networks,
    mean_coordinate_reliance,
    noise_grid,
    plane_activations,
)


def _runs():
    gan = GanRun(GanTrainer(GanSpec().with_settings(steps=5, noise_dim=3)))
    dif = DiffusionRun(DiffusionTrainer(DiffusionSpec().with_settings(steps=5, timesteps=20,
                                                                      time_dim=6)))
    return gan, dif


def test_networks_are_copies_with_measured_rows():
    gan, dif = _runs()
    nets = generative_networks(gan, dif)
    assert set(nets) == {"generator", "discriminator", "denoiser"}
    g = nets["generator"]
    assert g.free == ("z1", "z2", "z3") and not g.plane
    assert [r.output_shape for r in g.rows][-1] == (2,) and g.rows[-1].is_head
    assert sum(r.parameters for r in g.rows) == sum(p.numel()
                                                    for p in gan.trainer.generator.parameters())
    assert g.model is not gan.trainer.generator
    with torch.no_grad():
        next(g.model.parameters()).add_(1.0)  # changing the copy leaves the run alone
    assert not torch.equal(next(g.model.parameters()),
                           next(gan.trainer.generator.parameters()))
    assert nets["denoiser"].rows[0].input_shape == (2 + 6,)
    assert generative_networks(None, None) == {}


def test_denoiser_input_is_what_the_denoiser_reads():
    _, dif = _runs()
    net = generative_networks(None, dif)["denoiser"]
    pts = np.array([[0.5, -1.0], [2.0, 0.1]], np.float32)
    x = torch.from_numpy(net.make_input(pts, 7))
    with torch.no_grad():
        ours = net.model(x)
        theirs = dif.trainer.model(torch.from_numpy(pts), torch.tensor([7, 7]))
    assert torch.allclose(ours, theirs, atol=1e-6)
    assert len(net.input_names) == 8 and net.input_names[2] == "sin 0"


def test_plane_activations_cover_the_grid_and_leave_no_hooks():
    gan, _ = _runs()
    net = generative_networks(gan, None)["discriminator"]
    grid = noise_grid(12)
    acts = plane_activations(net, grid)
    assert [a.output.shape[:2] for a in acts] == [(12, 12)] * len(net.rows)
    with torch.no_grad():
        head = net.model(torch.from_numpy(grid.points)).numpy().reshape(12, 12, 1)
    assert np.allclose(acts[-1].output, head, atol=1e-6)
    assert all(not m._forward_hooks for m in net.model.modules())
    assert net.model.training  # its train mode is restored after the look


def test_discriminator_attributions_equal_captum_direct():
    gan, _ = _runs()
    net = generative_networks(gan, None)["discriminator"]
    pts = np.array([[1.5, 0.0], [0.0, -1.5]], np.float32)
    ours = coordinate_attributions(net, pts, "saliency", {"absolute": True})
    direct = Saliency(net.model).attribute(torch.from_numpy(pts), target=0, abs=True)
    assert np.allclose(ours, direct.numpy(), atol=1e-6)
    real, fake = gan_points(gan, 50)
    assert real.shape == fake.shape == (50, 2)
    reliance = mean_coordinate_reliance(net, np.concatenate([real, fake]), "saliency",
                                        {"absolute": True})
    assert reliance.shape == (2,) and (reliance >= 0).all()
