"""The trainer against a trusted reference: the plain PyTorch loop the benchmark times
(playground/bench/training.py). Same spec and seed, so the same initial weights, batch order
and dropout masks: after the same steps both hold the same weights and saw the same losses.
If they drift apart, the benchmark's ratio compares two different computations."""

import math

import pytest
import torch

from playground.bench.training import PlainLoop
from playground.presets import PRESETS
from playground.trainer import Trainer

CASES = [  # (preset, optimizer, epochs): at least 50 steps each
    ("spiral", "adam", 4),  # 15 steps an epoch
    ("spiral", "sgd", 4),
    ("spiral", "momentum", 4),
    ("spiral", "adamw", 4),
    ("digits_mlp", "adam", 2),  # 45 steps an epoch, with dropout
]


@pytest.mark.parametrize(("preset", "optimizer", "epochs"), CASES)
def test_trainer_and_plain_loop_end_with_the_same_weights(preset, optimizer, epochs):
    spec = PRESETS[preset].spec().with_train(device="cpu", optimizer=optimizer)
    trainer = Trainer(spec)
    trainer.train(epochs)
    plain = PlainLoop(spec)
    losses = [loss for _ in range(epochs) for loss in plain.train_epoch()]
    # The plain loop slices range(0, n, batch_size); the trainer batches alike unless one
    # example is left over (it joins the batch before), which these datasets never leave.
    n = len(plain.x)
    assert trainer.steps_per_epoch == math.ceil(n / spec.train.batch_size)
    assert len(losses) == trainer.step_count >= 50
    assert losses == trainer.history.step_loss
    ours = dict(trainer.model.named_parameters())
    theirs = dict(plain.model.named_parameters())
    assert ours.keys() == theirs.keys()
    for name, value in ours.items():
        assert torch.allclose(value, theirs[name]), name


def test_dropout_case_really_draws_masks():
    """Guards the dropout case above: it only proves the masks match if there are masks."""
    spec = PRESETS["digits_mlp"].spec()
    assert any(layer["type"] == "dropout" and layer["p"] > 0 for layer in spec.layers)
