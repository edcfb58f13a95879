"""The diffusion core against closed forms and direct torch computations: the forward
marginal q(x_t | x_0), the noise-prediction loss, seeded reverse sampling, the spec's round
trip and errors, and the headless outputs."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import torch

from playground.errors import SpecError
from playground.generative.diffusion import DiffusionTrainer, Schedule, diffusion_loss
from playground.generative.diffusion_spec import DiffusionSpec
from playground.generative.gan_presets import DIFFUSION_PRESETS
from playground.generative.headless import load_generative_spec, train_generative

SMALL = {"steps": 40, "batch_size": 32, "timesteps": 20}


@pytest.mark.parametrize("schedule", ["linear", "cosine"])
def test_forward_marginal_has_the_closed_form_mean_and_variance(schedule):
    sch = Schedule(schedule, 50)
    x0 = torch.tensor([1.5, -0.7])
    for t in (0, 10, 49):
        n = 200_000
        eps = torch.randn(n, 2, generator=torch.Generator().manual_seed(t))
        xt = sch.q_sample(x0.expand(n, 2), torch.full((n,), t), eps)
        ab = float(sch.alpha_bar[t])
        assert torch.allclose(xt.mean(0), np.sqrt(ab) * x0, atol=0.01)
        assert torch.allclose(xt.var(0), torch.full((2,), 1 - ab), atol=0.01)
    assert float(sch.alpha_bar[-1]) < 0.01  # the chain ends in (nearly) pure noise


def test_loss_matches_a_direct_torch_computation():
    trainer = DiffusionTrainer(DiffusionSpec().with_settings(**SMALL))
    sch, model = trainer.schedule, trainer.model
    x0, eps = torch.randn(16, 2), torch.randn(16, 2)
    t = torch.randint(0, 20, (16,))
    ab = torch.cumprod(1 - sch.beta.double(), 0)[t].float().unsqueeze(-1)
    xt = ab.sqrt() * x0 + (1 - ab).sqrt() * eps
    direct = torch.nn.functional.mse_loss(model(xt, t), eps)
    assert torch.allclose(diffusion_loss(model, sch, x0, t, eps).mean(), direct, atol=1e-6)


def test_sampler_is_reproducible_by_seed_and_keeps_the_chain():
    trainer = DiffusionTrainer(DiffusionSpec().with_settings(**SMALL))
    a, chain = trainer.sample(100, seed=3, keep_every=5)
    b, _ = trainer.sample(100, seed=3)
    c, _ = trainer.sample(100, seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert len(chain) == 1 + 4 and np.array_equal(chain[-1], a)


def test_training_records_loss_per_timestep_band_and_quality():
    trainer = DiffusionTrainer(DiffusionSpec().with_settings(**SMALL))
    while not trainer.finished:
        trainer.step()
    h = trainer.history
    assert len(h.loss) == 40 and all(len(b) == 4 for b in h.band_loss)
    assert h.quality_steps == [40] and h.quality[0].n_modes == 8


def test_spec_round_trips_and_refuses_bad_values():
    spec = DiffusionSpec().with_settings(schedule="linear", timesteps=30)
    assert DiffusionSpec.from_dict(spec.to_dict()) == spec
    with pytest.raises(SpecError, match="schedule"):
        DiffusionSpec.from_dict({"kind": "diffusion", "train": {"schedule": "square"}})
    with pytest.raises(SpecError, match="not a diffusion spec"):
        DiffusionSpec.from_dict({"kind": "gan"})
    with pytest.raises(SpecError, match="Unknown key"):
        DiffusionSpec.from_dict({"kind": "diffusion", "generator": []})


def test_headless_training_writes_metrics_and_samples(tmp_path):
    path = tmp_path / "d.json"
    path.write_text(DiffusionSpec().with_settings(**SMALL).to_json())
    spec = load_generative_spec(path)
    assert isinstance(spec, DiffusionSpec)
    metrics = train_generative(spec, tmp_path / "out", io.StringIO())
    saved = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert saved["kind"] == "diffusion" and saved["steps"] == 40 == metrics["steps"]
    assert saved["n_modes"] == 8 and 0 <= saved["high_quality"] <= 1
    assert len(saved["band_loss"]) == 4
    rows = (tmp_path / "out" / "samples.csv").read_text().splitlines()
    assert rows[0] == "x,y" and len(rows) == 2001
    assert (tmp_path / "out" / "denoiser.safetensors").exists()


@pytest.mark.slow
def test_the_ring_preset_covers_the_modes_it_promises(tmp_path):
    """The README's figure: ≥ 7 of 8 modes and ≥ 80 % high-quality samples."""
    spec = DIFFUSION_PRESETS["diffusion_ring"].spec()
    m = train_generative(spec, tmp_path, io.StringIO())
    assert m["modes_covered"] >= 7 and m["high_quality"] >= 0.8 and m["seconds"] < 60


def test_cli_train_dispatches_a_diffusion_spec(tmp_path, capsys):
    from playground.cli import main

    path = tmp_path / "d.json"
    path.write_text(DiffusionSpec().with_settings(**SMALL).to_json())
    assert main(["train", str(path), "--out", str(tmp_path / "out")]) == 0
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["kind"] == "diffusion"
    assert len((tmp_path / "out" / "samples.csv").read_text().splitlines()) == 2001
    assert "modes covered" in capsys.readouterr().out


def test_background_run_trains_to_its_budget_and_snapshots_the_chain():
    from playground.generative.diffusion_run import DiffusionRun

    run = DiffusionRun(DiffusionTrainer(DiffusionSpec().with_settings(**SMALL)))
    seen = []
    assert run.train(lambda frac, text: seen.append(frac)) == 40
    snap = run.snapshot(n=50, frames=4)
    assert snap.steps_done == 40 and snap.generated.shape == (50, 2)
    assert len(snap.chain) == 5 and np.array_equal(snap.chain[-1], snap.generated)
    assert run.forward(19, n=50).shape == (50, 2) and seen
