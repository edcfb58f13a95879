"""A run's random draws depend on its seed alone, whatever else uses torch's generator."""

import copy
import threading

import torch

from playground.attribution.compute import attribute
from playground.blackbox.sanity import randomize_layer
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


def test_attribution_noise_and_sanity_reinit_leave_a_seeded_run_unchanged():
    """SmoothGrad, GradientSHAP and the sanity check's re-initialisation run in other
    threads while a seeded dropout run trains; its history is what it is alone, and the
    noisy attributions are the same for the same seed."""
    spec = PRESETS["digits_mlp"].spec().with_train(device="cpu")
    alone = Trainer(spec)
    alone.train(1)
    probe = Trainer(spec)
    model, x = probe.model.eval(), torch.as_tensor(probe.data.x_test[:4].copy())

    def explain(method, params):
        return attribute(model, x, 0, method, params, seed=5)

    first = explain("saliency", {"smoothgrad": True, "nt_samples": 4})
    shap = explain("gradient_shap", {})
    stop = threading.Event()

    def disturb():
        while not stop.is_set():
            assert torch.equal(explain("saliency", {"smoothgrad": True, "nt_samples": 4}),
                               first)
            assert torch.equal(explain("gradient_shap", {}), shap)
            randomize_layer(copy.deepcopy(model), 0, seed=3)

    workers = [threading.Thread(target=disturb) for _ in range(2)]
    for w in workers:
        w.start()
    try:
        busy = Trainer(spec)
        busy.train(1)
    finally:
        stop.set()
        for w in workers:
            w.join()
    assert busy.history.step_loss == alone.history.step_loss
