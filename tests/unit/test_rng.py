"""A run's random draws depend on its seed alone, whatever else uses torch's generator."""

import torch

from playground.presets import PRESETS
from playground.rng import RandomStream
from playground.trainer import Trainer


def test_a_stream_draws_like_manual_seed_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    outer = torch.get_rng_state()
    stream = RandomStream(7)
    with stream.active():
        first = torch.rand(3)
    assert torch.equal(torch.get_rng_state(), outer)
    with stream.active():
        second = torch.rand(3)
    torch.manual_seed(7)
    assert torch.equal(first, torch.rand(3)) and torch.equal(second, torch.rand(3))


def test_dropout_masks_ignore_other_sessions_draws():
    spec = PRESETS["digits_mlp"].spec().with_train(device="cpu")  # has a dropout layer
    alone = Trainer(spec)
    alone.train(1)
    interleaved, other = Trainer(spec), Trainer(spec)
    for _ in range(interleaved.steps_per_epoch):
        torch.rand(1000)  # another session drawing from the global generator
        other.step()
        interleaved.step()
    assert interleaved.history.step_loss == alone.history.step_loss
