"""capture_activations: right shapes for every layer kind, and inspection leaves no trace."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from playground.builder import build_model
from playground.datasets import make_data
from playground.inspection.activations import (
    capture_activations,
    capture_plane,
    predict_classes,
    probabilities,
)
from playground.inspection.plane import plane_grid, predict_plane
from playground.layers import LAYERS
from playground.presets import PRESETS
from playground.shapes import analyze
from playground.spec import Spec

BASE = PRESETS["shapes_cnn"].spec().with_train(epochs=1)
SMALL = {"shapes": {"n_samples": 100, "noise": 0.1, "size": 16},
         "reverse": {"n_samples": 60, "length": 6, "vocab_size": 6},
         "brackets": {"n_samples": 60}}


def _hosts(kind: str) -> list[Spec]:
    """Candidate specs that place one layer of `kind` (default settings) in a valid network."""
    x = LAYERS[kind].defaults()
    conv = {"type": "conv2d", "channels": 4, "kernel_size": 3, "stride": 1, "padding": 1}
    image = BASE.with_dataset("shapes", SMALL["shapes"])
    specs = [image.with_layers([x, {"type": "flatten"}]),
             image.with_layers([conv, x, {"type": "flatten"}]),
             image.with_layers([{"type": "flatten"}, {"type": "linear", "units": 8}, x])]
    for name in ("reverse", "brackets"):
        try:
            seq = BASE.with_dataset(name, SMALL.get(name, {}))
        except Exception:  # noqa: BLE001 - a dataset's params may differ; try the defaults
            seq = BASE.with_dataset(name)
        emb = {"type": "embedding", "dim": 8}
        specs += [seq.with_layers([emb, x]), seq.with_layers([emb, x, {"type": "readout",
                                                                          "mode": "mean"}]),
                  seq.with_layers([x]), seq.with_layers([x, {"type": "readout", "mode": "mean"}])]
    plane = BASE.with_dataset("xor")
    specs += [plane.with_layers([x]), plane.with_layers([x, {"type": "linear", "units": 4}])]
    return specs


def _host(kind: str) -> Spec:
    for spec in _hosts(kind):
        try:
            if analyze(spec).ok:
                return spec
        except Exception:  # noqa: BLE001 - invalid candidates are skipped
            continue
    raise AssertionError(f"no test host network fits layer kind {kind!r}; add one to _hosts")


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_captured_shapes_match_the_shape_table_for_every_layer_kind(kind):
    spec = _host(kind)
    report = analyze(spec)
    model = build_model(spec, report)
    data = make_data(spec.dataset)
    acts = capture_activations(model, data.x_test[:5], [r.kind for r in report.rows])
    assert len(acts) == len(report.rows) == len(list(model.children()))
    for act, row in zip(acts, report.rows, strict=True):
        assert act.kind == row.kind
        assert act.output.shape == (5, *row.output_shape), (row.kind, act.output.shape)
        assert isinstance(act.output, np.ndarray)
    logits = model.eval()(torch.as_tensor(data.x_test[:5].copy()))
    np.testing.assert_allclose(acts[-1].output, logits.detach().numpy(), rtol=1e-5, atol=1e-5)


class Boom(nn.Module):
    def forward(self, x):
        raise RuntimeError("boom")


def _hook_count(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) for m in model.modules())


def test_no_hook_is_left_behind_even_when_the_forward_raises():
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), Boom())
    model.train()
    with pytest.raises(RuntimeError, match="boom"):
        capture_activations(model, np.zeros((4, 2), np.float32))
    assert _hook_count(model) == 0
    assert all(m.training for m in model.modules())


def test_capture_restores_mixed_modes_and_leaves_weights_untouched():
    model = nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Dropout(0.5), nn.Linear(4, 2))
    model.train()
    model[2].eval()  # a mixed state must come back exactly
    before = {k: v.clone() for k, v in model.state_dict().items()}
    capture_activations(model, np.random.default_rng(0).normal(size=(8, 2)).astype(np.float32))
    assert [m.training for m in model] == [True, True, False, True]
    for k, v in model.state_dict().items():  # batchnorm running stats unchanged: eval mode
        assert torch.equal(v, before[k]), k
    assert _hook_count(model) == 0


def test_outputs_are_detached_cpu_arrays_in_eval_mode():
    model = nn.Sequential(nn.Linear(3, 5), nn.Dropout(0.9), nn.Linear(5, 2)).train()
    x = np.ones((6, 3), np.float32)
    a = capture_activations(model, x)
    b = capture_activations(model, x)
    np.testing.assert_array_equal(a[1].output, a[0].output)  # dropout off: eval mode
    np.testing.assert_array_equal(a[2].output, b[2].output)
    assert all(act.kind for act in a) and a[0].kind == "linear"


def test_large_inputs_are_split_into_batches_and_joined():
    model = nn.Sequential(nn.Linear(2, 3))
    x = np.random.default_rng(1).normal(size=(2500, 2)).astype(np.float32)
    out = capture_activations(model, x)[0].output
    assert out.shape == (2500, 3)
    np.testing.assert_allclose(out, model(torch.from_numpy(x)).detach().numpy(), atol=1e-6)


def test_plane_capture_is_one_grid_and_its_head_matches_predict_plane():
    spec = PRESETS["spiral"].spec()
    model = build_model(spec)
    data = make_data(spec.dataset)
    grid = plane_grid(data.x_train, 12)
    acts = capture_plane(model, grid)
    assert acts[0].output.shape == (12, 12, 32)
    np.testing.assert_allclose(probabilities(acts[-1].output), predict_plane(model, grid),
                               atol=1e-5)
    # row i is y = ys[i]: the first layer is linear, so compare with a direct evaluation
    w, b = model[0].weight.detach().numpy(), model[0].bias.detach().numpy()
    point = np.array([grid.xs[3], grid.ys[7]])
    np.testing.assert_allclose(acts[0].output[7, 3], w @ point + b, atol=1e-5)


def test_predict_classes_matches_argmax_and_keeps_the_mode():
    model = nn.Sequential(nn.Linear(2, 3)).train()
    x = np.random.default_rng(2).normal(size=(10, 2)).astype(np.float32)
    preds = predict_classes(model, x)
    assert model.training
    np.testing.assert_array_equal(preds, model(torch.from_numpy(x)).argmax(-1).numpy())


def test_inspecting_copies_during_a_run_leaves_the_live_model_alone():
    from playground.runner import Runner
    from playground.trainer import Trainer

    runner = Runner(Trainer(PRESETS["xor"].spec().with_train(epochs=200)))
    assert runner.start() is None
    try:
        versions = []
        for _ in range(5):
            model, key = runner.model_copy()
            acts = capture_activations(model, np.zeros((3, 2), np.float32))
            assert acts[-1].output.shape == (3, 2)
            versions.append(key.version)
            with runner.holding() as trainer:
                assert _hook_count(trainer.model) == 0
    finally:
        runner.pause()
    assert runner.snapshot().step > 0 and runner.trainer.diverged is None
    assert versions == sorted(versions)
