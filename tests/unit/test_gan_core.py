"""The GAN core against direct torch computations: losses, the alternating steps, the
generator's gradient arrows, the spec's round trip and errors, and the CLI's outputs."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from playground.cli import main
from playground.errors import SpecError
from playground.generative.gan import GanTrainer, d_loss, g_loss
from playground.generative.gan_presets import GAN_PRESETS
from playground.generative.gan_spec import GanSpec

SMALL = {"steps": 60, "batch_size": 32}


def test_non_saturating_losses_match_their_formulas():
    real, fake = torch.randn(16, 1), torch.randn(16, 1)
    s = torch.sigmoid
    expected_d = -(torch.log(s(real)).mean() + torch.log(1 - s(fake)).mean())
    assert torch.allclose(d_loss("non_saturating", real, fake), expected_d, atol=1e-5)
    assert torch.allclose(g_loss("non_saturating", fake), -torch.log(s(fake)).mean(),
                          atol=1e-5)


def test_least_squares_losses_match_their_formulas():
    real, fake = torch.randn(16, 1), torch.randn(16, 1)
    expected_d = 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake ** 2).mean()
    assert torch.allclose(d_loss("least_squares", real, fake), expected_d)
    assert torch.allclose(g_loss("least_squares", fake), 0.5 * ((fake - 1) ** 2).mean())


def _weights(model):
    return [p.detach().clone() for p in model.parameters()]


def _same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


def test_a_d_step_leaves_g_alone_and_a_g_step_leaves_d_alone():
    t = GanTrainer(GanSpec().with_settings(**SMALL))
    g0, d0 = _weights(t.generator), _weights(t.discriminator)
    t.d_step()
    assert _same(_weights(t.generator), g0) and not _same(_weights(t.discriminator), d0)
    d1 = _weights(t.discriminator)
    t.g_step()
    assert _same(_weights(t.discriminator), d1) and not _same(_weights(t.generator), g0)
    assert all(p.requires_grad for p in t.discriminator.parameters())


def test_step_takes_k_discriminator_steps_per_generator_step():
    t = GanTrainer(GanSpec().with_settings(d_steps=3, **SMALL))
    t.step()
    t.step()
    assert t.d_opt.state_dict()["state"][0]["step"] == 6
    assert t.g_opt.state_dict()["state"][0]["step"] == 2
    assert t.history.steps == [1, 2] and len(t.history.d_loss) == 2


def test_arrows_are_minus_the_generator_loss_gradient_at_each_point():
    t = GanTrainer(GanSpec().with_settings(**SMALL))
    pts, arrows = t.g_gradients(50)
    x = torch.from_numpy(pts).requires_grad_(True)
    (grad,) = torch.autograd.grad(g_loss("non_saturating", t.discriminator(x)), x)
    np.testing.assert_allclose(arrows, -grad.numpy() * 50, rtol=1e-5, atol=1e-7)
    assert all(p.grad is None for p in t.discriminator.parameters())


def test_the_same_seed_trains_the_same_gan():
    a, b = (GanTrainer(GanSpec().with_settings(**SMALL)) for _ in range(2))
    for t in (a, b):
        for _ in range(5):
            t.step()
    np.testing.assert_array_equal(a.samples(), b.samples())


def test_spec_round_trips_and_fills_defaults():
    spec = GanSpec.from_dict({"kind": "gan", "target": "grid25",
                              "train": {"loss": "least_squares"}})
    assert GanSpec.from_json(spec.to_json()) == spec
    assert spec.settings["d_steps"] == 1 and spec.generator
    for preset in GAN_PRESETS.values():
        assert GanSpec.from_dict(preset.spec().to_dict()) == preset.spec()


@pytest.mark.parametrize(("data", "words"), [
    ({"target": "nowhere"}, "Unknown target"),
    ({"kind": "diffusion"}, "not a GAN spec"),
    ({"generator": [{"type": "conv2d"}]}, r"generator: layer 1 \(conv2d\) does not act"),
    ({"discriminator": [{"type": "linear", "units": 0}]}, "discriminator"),
    ({"train": {"g_lr": 50}}, "g_lr"),
    ({"train": {"loss": "wasserstein"}}, "loss"),
    ({"extra": 1}, "Unknown key"),
    ("[]", "JSON object"),
])
def test_bad_specs_are_refused_with_a_message_naming_the_fix(data, words):
    with pytest.raises(SpecError, match=words):
        GanSpec.from_dict(json.loads(data) if isinstance(data, str) else data)


def test_cli_trains_a_gan_spec_and_writes_metrics_and_samples(tmp_path, capsys):
    spec = GanSpec().with_settings(**SMALL)
    path = tmp_path / "gan.json"
    path.write_text(spec.to_json())
    assert main(["train", str(path), "--out", str(tmp_path / "out")]) == 0
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["steps"] == 60 and metrics["n_modes"] == 8
    assert 0 <= metrics["high_quality"] <= 1 and metrics["mmd"] > 0
    rows = (tmp_path / "out" / "samples.csv").read_text().splitlines()
    assert rows[0] == "x,y" and len(rows) == 2001
    assert (tmp_path / "out" / "generator.safetensors").exists()
    assert "modes covered" in capsys.readouterr().out


def test_cli_refuses_a_bad_gan_spec(tmp_path, capsys):
    path = tmp_path / "gan.json"
    path.write_text(json.dumps({"kind": "gan", "train": {"d_steps": 0}}))
    assert main(["generative", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "d_steps" in capsys.readouterr().err


@pytest.mark.slow
def test_the_ring_preset_covers_the_modes_it_promises(tmp_path):
    """The README's figure: ≥ 7 of 8 modes and ≥ 80 % high-quality samples."""
    assert main(["generative", str(GAN_PRESETS["gan_ring"].path), "--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["modes_covered"] >= 7 and metrics["high_quality"] >= 0.8
