"""The learning loop's recorded step against a direct torch computation on the same spec,
seed and batch: the gradients are autograd's and the update is the optimizer's change."""

import numpy as np
import pytest
import torch

from playground.builder import build_model
from playground.errors import SpecError
from playground.learning_loop import (
    STAGES,
    expected_update,
    loop_batch,
    take_step,
)
from playground.presets import PRESETS
from playground.trainer import Trainer


def _direct(spec, indices, optimizer):
    """Build the same network by hand and take one step with plain torch."""
    trainer = Trainer(spec)  # only for the data tensors
    model = build_model(spec)
    model.train()
    x = trainer.x_train[torch.as_tensor(indices)]
    y = trainer.y_train[torch.as_tensor(indices)]
    opt = optimizer(model.parameters())
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters()}
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    opt.step()
    with torch.no_grad():
        after_loss = torch.nn.functional.cross_entropy(model(x), y).item()
    return loss.item(), after_loss, grads, before, dict(model.named_parameters())


OPTIMIZERS = {
    "sgd": lambda lr: lambda p: torch.optim.SGD(p, lr=lr),
    "momentum": lambda lr: lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9),
    "adam": lambda lr: lambda p: torch.optim.Adam(p, lr=lr),
    "adamw": lambda lr: lambda p: torch.optim.AdamW(p, lr=lr),
}


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_a_step_matches_a_direct_torch_computation(optimizer):
    spec = PRESETS["spiral"].spec().with_train(device="cpu", optimizer=optimizer, lr=0.05)
    trainer = Trainer(spec)
    indices = loop_batch(trainer, 8, draw=0)
    step = take_step(trainer, indices)
    loss, after, grads, before, params = _direct(spec, indices, OPTIMIZERS[optimizer](0.05))
    assert step.loss_before == pytest.approx(loss, rel=1e-6)
    assert step.loss_after == pytest.approx(after, rel=1e-5)
    assert [p.name for p in step.params] == list(grads)
    for p in step.params:
        np.testing.assert_allclose(p.grad, grads[p.name].numpy(), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(p.before, before[p.name].numpy())
        np.testing.assert_allclose(p.after, params[p.name].detach().numpy(), rtol=1e-6,
                                   atol=1e-7)
        # The textbook rule, from the recorded buffers, gives the change actually made.
        np.testing.assert_allclose(expected_update(step, p), p.update, rtol=1e-4, atol=1e-6)
    # The model the trainer holds is the updated one.
    for name, value in trainer.model.named_parameters():
        np.testing.assert_allclose(value.detach().numpy(), params[name].detach().numpy(),
                                   rtol=1e-6, atol=1e-7)


def test_sgd_moves_each_weight_by_minus_lr_times_its_gradient():
    spec = PRESETS["xor"].spec().with_train(device="cpu", optimizer="sgd", lr=0.1)
    trainer = Trainer(spec)
    step = take_step(trainer, loop_batch(trainer, 16, draw=3))
    for p in step.params:
        np.testing.assert_allclose(p.update, -0.1 * p.grad, rtol=1e-5, atol=1e-7)
        assert p.buffers == {}


def test_adam_keeps_its_two_buffers_and_its_step_count():
    spec = PRESETS["xor"].spec().with_train(device="cpu", optimizer="adam", lr=0.01)
    trainer = Trainer(spec)
    first = take_step(trainer, loop_batch(trainer, 8, draw=0))
    second = take_step(trainer, loop_batch(trainer, 8, draw=1))
    assert first.hyper["t"] == 1 and second.hyper["t"] == 2
    p = first.params[0]
    assert set(p.buffers) == {"exp_avg", "exp_avg_sq"}
    np.testing.assert_allclose(p.buffers["exp_avg"], 0.1 * p.grad, rtol=1e-5, atol=1e-8)
    # Adam's first step moves every weight with a nonzero gradient by about lr.
    moved = np.abs(p.update)[np.abs(p.grad) > 1e-6]
    np.testing.assert_allclose(moved, 0.01, rtol=1e-2)


def test_the_step_counts_on_the_trainer_and_each_layer_output_is_kept():
    spec = PRESETS["spiral"].spec().with_train(device="cpu")
    trainer = Trainer(spec)
    step = take_step(trainer, loop_batch(trainer, 5, draw=0))
    assert trainer.step_count == 1 == step.step
    assert trainer.history.step_loss == [step.loss_before]
    assert len(step.layers) == len(list(trainer.model.children()))
    assert all(a.shape[0] == 5 for a in step.layers)
    np.testing.assert_allclose(step.layers[-1], step.output)
    assert step.probabilities.shape == (5, 2)
    np.testing.assert_allclose(step.probabilities.sum(1), 1, rtol=1e-5)
    picked = step.probabilities[np.arange(5), step.y]
    np.testing.assert_allclose(step.losses, -np.log(picked), rtol=1e-4)
    assert step.loss_before == pytest.approx(step.losses.mean(), rel=1e-5)
    norms = step.layer_grad_norms(len(step.layers))
    assert norms[0] is not None and norms[1] is None  # dense, then its activation
    assert len(STAGES) == 6


def test_dropout_draws_the_same_masks_before_and_after_so_the_losses_compare():
    spec = PRESETS["digits_mlp"].spec().with_train(device="cpu", optimizer="sgd", lr=1e-6)
    trainer = Trainer(spec)
    step = take_step(trainer, loop_batch(trainer, 16, draw=0))
    # A tiny step barely changes the loss: equal masks, not fresh ones, on both sides.
    assert step.loss_after == pytest.approx(step.loss_before, rel=1e-3)


def test_the_batch_is_reproducible_and_its_size_is_checked():
    trainer = Trainer(PRESETS["xor"].spec().with_train(device="cpu"))
    a, b = loop_batch(trainer, 8, draw=2), loop_batch(trainer, 8, draw=2)
    np.testing.assert_array_equal(a, b)
    assert len(set(a.tolist())) == 8
    assert not np.array_equal(a, loop_batch(trainer, 8, draw=3))
    with pytest.raises(SpecError, match="batch size"):
        loop_batch(trainer, 0, draw=0)


def test_an_absurd_learning_rate_is_refused_and_the_weights_stay():
    spec = PRESETS["xor"].spec().with_train(device="cpu", optimizer="sgd", lr=10.0)
    trainer = Trainer(spec)
    for draw in range(200):
        try:
            take_step(trainer, loop_batch(trainer, 32, draw))
        except SpecError as exc:
            assert "learning rate" in str(exc) or "Reset" in str(exc)
            break
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())


def test_a_sequence_model_steps_too():
    trainer = Trainer(PRESETS["reverse_attention"].spec().with_train(device="cpu"))
    step = take_step(trainer, loop_batch(trainer, 4, draw=0))
    assert step.losses.shape == (4,)
    assert step.output.ndim == 3
    assert step.loss_before == pytest.approx(step.losses.mean(), rel=1e-5)
