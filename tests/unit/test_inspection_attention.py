"""Attention capture: weights are real probability rows, causal masks hide the future,
capture leaves no trace, snapshots are kept during training — and the acceptance check: a
one-layer attention model learns `reverse` by looking at the mirrored position."""

import numpy as np
import pytest
import torch

from playground.builder import build_model
from playground.inspection.attention import (
    AttentionRecorder,
    attention_sites,
    capture_attention,
    focus,
    mirror_weight,
)
from playground.presets import PRESETS
from playground.runner import Runner
from playground.spec import Spec
from playground.trainer import Trainer


def model_for(layers, dataset="reverse"):
    spec = Spec.from_dict({"dataset": {"name": dataset, "params": {"n_samples": 60}},
                           "layers": layers, "train": {"epochs": 2, "batch_size": 16}})
    return spec, build_model(spec)


LAYERS = [{"type": "embedding", "dim": 8}, {"type": "positional_encoding"},
          {"type": "self_attention", "width": 8, "heads": 2, "causal": True},
          {"type": "transformer_block", "heads": 4, "mlp_units": 8}]


def test_captured_rows_sum_to_one_and_causal_hides_the_future():
    _, model = model_for(LAYERS)
    x = torch.randint(0, 8, (3, 8))
    logits, maps = capture_attention(model, x)
    assert logits.shape == (3, 8, 8)
    assert [m.label for m in maps] == ["layer 3 (self_attention)", "layer 4 (transformer_block)"]
    assert [m.weights.shape for m in maps] == [(3, 2, 8, 8), (3, 4, 8, 8)]
    for m in maps:
        np.testing.assert_allclose(m.weights.sum(-1), 1.0, atol=1e-5)
        assert (m.weights >= 0).all()
    causal, free = maps
    assert causal.causal and not free.causal
    future = np.triu(np.ones((8, 8), bool), 1)
    assert (causal.weights[..., future] == 0).all()
    assert (free.weights[..., future] > 0).all()


def test_capture_matches_the_uncaptured_forward_and_leaves_no_trace():
    _, model = model_for(LAYERS)
    model.train()
    x = torch.randint(0, 8, (2, 8))
    logits, _ = capture_attention(model, x.numpy())
    assert model.training
    assert not any(m._forward_hooks for m in model.modules())
    model.eval()
    with torch.no_grad():
        np.testing.assert_allclose(logits, model(x).numpy(), atol=1e-6)


def test_hooks_are_removed_even_when_the_forward_fails():
    _, model = model_for(LAYERS)
    with pytest.raises((RuntimeError, IndexError)):
        capture_attention(model, torch.full((1, 8), 99))  # token id beyond the vocabulary
    assert not any(m._forward_hooks for m in model.modules())


def test_models_without_attention_have_no_sites():
    _, model = model_for([{"type": "embedding"}, {"type": "lstm"}])
    assert attention_sites(model) == []
    _, maps = capture_attention(model, torch.zeros(1, 8, dtype=torch.long))
    assert maps == []


def test_summaries():
    t = 4
    mirror = np.eye(t)[::-1][None, None]  # (1, 1, T, T): every query on its mirror
    assert mirror_weight(mirror) == 1.0 and focus(mirror) == 1.0
    even = np.full((1, 1, t, t), 1 / t)
    assert mirror_weight(even) == pytest.approx(0.25) and focus(even) == pytest.approx(0.25)


def test_recorder_keeps_snapshots_at_intervals_and_thins_them():
    spec, _ = model_for(LAYERS)
    trainer = Trainer(spec.with_train(epochs=50), device="cpu")
    recorder = AttentionRecorder(trainer.model, trainer.x_test[0], every=2, max_snapshots=4)
    runner = Runner(trainer, on_step=recorder)
    runner.step(7)
    steps = [s.step for s in recorder.snapshots()]
    # step 0 at creation, then every second step: four snapshots, the cap
    assert steps == [0, 2, 4, 6]
    runner.step(1)  # step 8: five snapshots → thinned to 0, 4, 8 and the interval doubles
    assert [s.step for s in recorder.snapshots()] == [0, 4, 8] and recorder.every == 4
    snap = recorder.snapshots()[-1]
    assert [m.weights.shape for m in snap.maps] == [(1, 2, 8, 8), (1, 4, 8, 8)]
    assert trainer.model.training  # recording restored the trainer's mode
    assert not any(m._forward_hooks for m in trainer.model.modules())


def test_recorder_keeps_the_final_weights():
    spec, _ = model_for(LAYERS)  # 2 epochs of 3 steps
    trainer = Trainer(spec, device="cpu")
    recorder = AttentionRecorder(trainer.model, trainer.x_test[0], every=4)
    Runner(trainer, on_step=recorder).step(6)
    assert trainer.done
    assert [s.step for s in recorder.snapshots()] == [0, 4, 6]  # 6: the end of the budget


def test_for_trainer_only_for_attention_models():
    spec, _ = model_for([{"type": "embedding"}, {"type": "gru"}])
    assert AttentionRecorder.for_trainer(Trainer(spec, device="cpu")) is None
    spec, _ = model_for(LAYERS)
    recorder = AttentionRecorder.for_trainer(Trainer(spec, device="cpu"))
    assert recorder is not None and [s.step for s in recorder.snapshots()] == [0]


def test_reverse_attention_preset_learns_to_look_at_the_mirrored_position():
    spec = PRESETS["reverse_attention"].spec()
    assert [layer["type"] for layer in spec.layers].count("self_attention") == 1
    trainer = Trainer(spec.with_train(epochs=5), device="cpu")
    trainer.train()
    result = trainer.evaluate("test")
    assert result["accuracy"] >= 0.95
    _, (amap,) = capture_attention(trainer.model, trainer.x_test)
    # README states the figure (0.97 after the preset's 10 epochs; 0.965 after these 5).
    assert mirror_weight(amap.weights) >= 0.9
