"""A run's random draws depend on its seed alone, whatever else uses torch's generator."""

import copy
import threading

import torch

from playground.attribution.compute import attribute
from playground.blackbox.sanity import cascading_models, randomize_layer, sanity_check
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
    mismatches = []  # a failed assert in a worker thread would only be a warning

    def disturb():
        while not stop.is_set():
            if not torch.equal(explain("saliency", {"smoothgrad": True, "nt_samples": 4}),
                               first):
                mismatches.append("smoothgrad")
            if not torch.equal(explain("gradient_shap", {}), shap):
                mismatches.append("gradient_shap")
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
    assert not mismatches


def test_a_background_run_and_noisy_explanations_on_other_threads_keep_their_results():
    """The run trains on its own thread (as the Runner drives it) while other threads keep
    explaining with SmoothGrad and GradientSHAP and running sanity checks. The run's history
    and every explanation equal what each gives alone; they are compared on this thread, so
    a mismatch fails the test instead of only a worker."""
    spec = PRESETS["digits_mlp"].spec().with_train(device="cpu")
    alone = Trainer(spec)
    alone.train(1)
    probe = Trainer(spec)
    model, x = probe.model.eval(), torch.as_tensor(probe.data.x_test[:2].copy())
    smooth = {"smoothgrad": True, "nt_samples": 4}
    jobs = {
        "smoothgrad": lambda: attribute(model, x, 0, "saliency", smooth, seed=5),
        "gradient_shap": lambda: attribute(model, x, 0, "gradient_shap", {"n_samples": 4},
                                           seed=5),
        "sanity": lambda: torch.as_tensor(sanity_check(
            model, x.numpy(), ("saliency",), cascading_models(model, seed=3)[1:],
            params={"saliency": smooth}, seed=5).maps["saliency"]),
    }
    expected = {key: job() for key, job in jobs.items()}
    seen: dict[str, list[torch.Tensor]] = {key: [] for key in jobs}
    stop = threading.Event()

    def repeat(key: str) -> None:
        while not stop.is_set():
            seen[key].append(jobs[key]())

    busy = Trainer(spec)
    run = threading.Thread(target=busy.train, args=(1,))
    others = [threading.Thread(target=repeat, args=(key,)) for key in jobs]
    for thread in (run, *others):
        thread.start()
    run.join()
    stop.set()
    for thread in others:
        thread.join()
    assert busy.history.step_loss == alone.history.step_loss
    for key, results in seen.items():
        assert results and all(torch.equal(r, expected[key]) for r in results), key
