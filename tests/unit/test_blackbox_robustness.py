"""Brittleness: adversarial attacks lower accuracy within their budget; shifts are honest."""

import numpy as np
import pytest
import torch

from playground.blackbox.common import accuracy
from playground.blackbox.robustness import (
    SHIFTS,
    attack_experiment,
    fgsm,
    pgd,
    shift,
    shift_experiment,
)


def test_fgsm_with_positive_eps_lowers_accuracy(trained_digits_mlp):
    model, data = trained_digits_mlp
    x = torch.as_tensor(np.array(data.x_test[:200]))
    y = torch.as_tensor(np.array(data.y_test[:200]))
    clean = accuracy(model, x, y.numpy())
    adv = fgsm(model, x, y, 0.1)
    assert accuracy(model, adv, y.numpy()) < clean - 0.2
    assert (adv - x).abs().max() <= 0.1 + 1e-6  # within the budget …
    assert adv.min() >= 0 and adv.max() <= 1  # … and still a valid image
    assert torch.equal(fgsm(model, x, y, 0.0), x)


def test_pgd_stays_in_the_ball_and_beats_fgsm(trained_digits_mlp):
    model, data = trained_digits_mlp
    x = torch.as_tensor(np.array(data.x_test[:200]))
    y = torch.as_tensor(np.array(data.y_test[:200]))
    adv = pgd(model, x, y, 0.08, steps=10)
    assert (adv - x).abs().max() <= 0.08 + 1e-6
    assert accuracy(model, adv, y.numpy()) <= accuracy(model, fgsm(model, x, y, 0.08),
                                                       y.numpy())


def test_attacks_leave_the_model_untouched(trained_digits_mlp):
    model, data = trained_digits_mlp
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    x, y = torch.as_tensor(np.array(data.x_test[:20])), torch.as_tensor(np.array(data.y_test[:20]))
    pgd(model, x, y, 0.1, steps=3)
    assert model.training  # the mode is the caller's
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.requires_grad for p in model.parameters())
    model.eval()


def test_attack_experiment_shows_a_flipped_example(trained_digits_mlp):
    model, data = trained_digits_mlp
    r = attack_experiment(model, np.asarray(data.x_test[:100]), np.asarray(data.y_test[:100]),
                          "FGSM", 0.15)
    assert r.adversarial_accuracy < r.clean_accuracy
    assert r.pred_original == r.label and r.pred_adversarial != r.label
    assert r.accuracy_curve[0] == pytest.approx(r.clean_accuracy)
    assert r.eps_grid[0] == 0 and r.eps_grid[-1] >= 0.15


def test_shifts_keep_images_valid_and_zero_is_identity(trained_digits_mlp):
    model, data = trained_digits_mlp
    x = np.asarray(data.x_test[:10])
    for kind in SHIFTS:
        assert np.array_equal(shift(x, kind, 0.0), x)
        out = shift(x, kind, 0.7)
        assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
        assert not np.allclose(out, x)
    flat = shift(x, "contrast", 1.0)
    assert np.allclose(flat.std(axis=(-1, -2)), 0, atol=1e-6)
    r = shift_experiment(model, np.asarray(data.x_test[:150]), np.asarray(data.y_test[:150]),
                         levels=3)
    assert set(r.accuracy) == set(SHIFTS) and r.examples["blur"].shape == (3, 8, 8)
    assert r.accuracy["contrast"][-1] < r.accuracy["contrast"][0]
