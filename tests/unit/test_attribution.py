"""The attribution registry against Captum itself, on every data kind.

Models are built from specs (untrained: attribution code does not care), inputs are a few
test examples, so the file stays fast.
"""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
import torch
from captum.attr import (
    DeepLift,
    FeatureAblation,
    GradientShap,
    InputXGradient,
    IntegratedGradients,
    LayerAttribution,
    LayerGradCam,
    NoiseTunnel,
    Occlusion,
    Saliency,
)

from playground.attribution import (
    BASELINES,
    METHODS,
    attribute,
    baselines_for,
    compare_methods,
    completeness,
    estimate_evaluations,
    make_baseline,
    mean_abs_attribution,
    mean_embedding,
    plane_attributions,
    rank_correlation,
)
from playground.builder import build_model
from playground.datasets import make_data
from playground.errors import SpecError
from playground.params import Param
from playground.presets import PRESETS
from playground.rng import RandomStream
from playground.spec import Spec

TRAIN = {"optimizer": "adam", "lr": 0.01, "batch_size": 32, "epochs": 1,
         "loss": "cross_entropy", "l1": 0.0, "l2": 0.0, "seed": 0, "device": "cpu"}
SEQUENCE = {"version": 1, "dataset": {"name": "brackets", "params": {"n_samples": 200,
                                                                     "pairs": 3},
                                      "test_fraction": 0.2, "seed": 0},
            "layers": [{"type": "embedding", "dim": 8},
                       {"type": "gru", "hidden": 8, "layers": 1, "bidirectional": False},
                       {"type": "readout", "mode": "last"}], "train": TRAIN}
PER_TOKEN = {"version": 1, "dataset": {"name": "reverse", "params": {"n_samples": 200,
                                                                     "length": 6,
                                                                     "vocab_size": 5},
                                       "test_fraction": 0.2, "seed": 0},
             "layers": [{"type": "embedding", "dim": 8},
                        {"type": "positional_encoding", "mode": "learned"},
                        {"type": "self_attention", "width": 8, "heads": 1, "causal": False}],
             "train": TRAIN}
KINDS = {"2d": "spiral", "image": "digits_cnn", "tabular": "wine_mlp", "sequence": SEQUENCE}
CONV = 3  # digits_cnn: the second conv2d layer


def _spec(kind: str) -> Spec:
    src = KINDS[kind]
    return Spec.from_dict(src) if isinstance(src, dict) else PRESETS[src].spec()


def _setup(kind: str, n: int = 3):
    spec = _spec(kind)
    data = make_data(spec.dataset)
    model = build_model(spec).eval()
    x = torch.from_numpy(np.array(data.x_test[:n]))
    if data.info.tokens:
        mean = mean_embedding(model, torch.from_numpy(np.array(data.x_train[:100])))
    else:
        mean = torch.from_numpy(np.array(data.x_train.mean(0)))
    return model, x, mean


@pytest.fixture(scope="module")
def digits():
    model, x, mean = _setup("image", 2)
    return model, x, mean


CASES = [(kind, name) for kind in KINDS for name, m in METHODS.items() if m.supports(kind)]


@pytest.mark.parametrize("kind,name", CASES)
def test_every_method_gives_finite_attributions_of_the_input_shape(kind, name):
    model, x, mean = _setup(kind)
    layer = CONV if METHODS[name].needs_layer else None
    for baseline in baselines_for(tuple(x.shape[1:]) + ((1,) if kind == "sequence" else ())):
        a = attribute(model, x, 1, name, baseline=baseline, data_mean=mean, layer=layer)
        assert a.shape == x.shape and a.dtype == torch.float32
        assert torch.isfinite(a).all() and a.device.type == "cpu" and not a.requires_grad
        if not METHODS[name].uses_baseline:
            break
    if METHODS[name].smoothgrad:
        a = attribute(model, x, torch.tensor([0, 1, 1]), name,
                      {"smoothgrad": True, "nt_samples": 3})
        assert a.shape == x.shape and torch.isfinite(a).all()


def test_registry_entries_are_complete():
    for name, m in METHODS.items():
        assert m.name == name and m.title and m.description.count(".") >= 2
        assert all(isinstance(p, Param) for p in m.params)
        assert m.captum_class.__module__.startswith("captum.")
    assert set(METHODS) == {"saliency", "input_x_gradient", "integrated_gradients",
                            "deeplift", "gradient_shap", "occlusion", "feature_ablation",
                            "grad_cam"}
    assert METHODS["grad_cam"].kinds == ("image",) and METHODS["grad_cam"].needs_layer
    assert tuple(BASELINES) == ("zeros", "mean", "blur", "noise")
    assert all(name == b.name and b.help for name, b in BASELINES.items())


def _direct(name, model, x, target):
    """The same request written as a plain Captum call (zeros baseline, defaults)."""
    zeros = torch.zeros_like(x)
    if name == "saliency":
        return Saliency(model).attribute(x, target=target, abs=True)
    if name == "input_x_gradient":
        return InputXGradient(model).attribute(x, target=target)
    if name == "integrated_gradients":
        return IntegratedGradients(model).attribute(x, zeros, target=target, n_steps=50)
    if name == "deeplift":
        return DeepLift(model).attribute(x, zeros, target=target)
    if name == "gradient_shap":
        torch.manual_seed(0)
        np.random.seed(0)
        return GradientShap(model).attribute(x, zeros[:1], target=target, n_samples=20,
                                             stdevs=0.0)
    if name == "occlusion":
        return Occlusion(model).attribute(x, (1, 2, 2), strides=(1, 1, 1), baselines=zeros,
                                          target=target)
    if name == "feature_ablation":
        return FeatureAblation(model).attribute(x, baselines=zeros, target=target)
    cam = LayerGradCam(model, model[CONV]).attribute(x, target=target,
                                                     relu_attributions=True)
    return LayerAttribution.interpolate(cam, (8, 8), "bilinear")


@pytest.mark.parametrize("name", list(METHODS))
def test_registry_equals_a_direct_captum_call(digits, name):
    model, x, _ = digits
    ours = attribute(model, x, 3, name, layer=CONV if METHODS[name].needs_layer else None)
    theirs = _direct(name, model, x.clone(), 3).detach()
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


def test_smoothgrad_equals_captum_noise_tunnel(digits):
    model, x, _ = digits
    ours = attribute(model, x[:1], 2, "saliency", {"smoothgrad": True, "nt_samples": 5,
                                                    "nt_stdev": 0.2})
    torch.manual_seed(0)
    span = float(x[:1].max() - x[:1].min())
    theirs = NoiseTunnel(Saliency(model)).attribute(x[:1].clone(), nt_type="smoothgrad",
                                                    nt_samples=5, stdevs=0.2 * span,
                                                    target=2, abs=True)
    torch.testing.assert_close(ours, theirs.detach(), rtol=1e-5, atol=1e-6)


def test_sequence_attributions_are_ig_on_the_embedding_summed_per_token():
    model, x, _ = _setup("sequence")
    ours = attribute(model, x, 1, "integrated_gradients")
    emb = model[0](x).detach()
    theirs = IntegratedGradients(model[1:]).attribute(emb, torch.zeros_like(emb), target=1)
    torch.testing.assert_close(ours, theirs.sum(-1).detach(), rtol=1e-5, atol=1e-6)


def test_per_token_models_explain_the_chosen_position():
    spec = Spec.from_dict(PER_TOKEN)
    data = make_data(spec.dataset)
    model = build_model(spec).eval()
    x = torch.from_numpy(np.array(data.x_test[:2]))
    first = attribute(model, x, 0, "input_x_gradient", position=0)
    last = attribute(model, x, 0, "input_x_gradient")
    assert first.shape == x.shape and not torch.allclose(first, last)
    with pytest.raises(SpecError, match="Target class 9"):
        attribute(model, x, 9, "saliency")


@pytest.mark.parametrize("kind", ["image", "tabular", "sequence"])
@pytest.mark.parametrize("baseline", ["zeros", "mean", "noise"])
def test_integrated_gradients_completeness(kind, baseline):
    model, x, mean = _setup(kind, 1)
    c = completeness(model, x, 1, n_steps=100, baseline=baseline, data_mean=mean)
    assert c.delta < 0.01 + 0.01 * abs(c.score_difference)
    assert math.isclose(c.attribution_sum, c.score_difference, rel_tol=0.05, abs_tol=0.01)
    a = attribute(model, x, 1, "integrated_gradients", {"n_steps": 100}, baseline, mean)
    assert math.isclose(float(a.sum()), c.attribution_sum, rel_tol=1e-4, abs_tol=1e-5)


def test_the_baseline_changes_the_answer(digits):
    model, x, mean = digits
    answers = [attribute(model, x[:1], 0, "integrated_gradients", baseline=b, data_mean=mean)
               for b in BASELINES]
    for i in range(len(answers)):
        for j in range(i + 1, len(answers)):
            assert not torch.allclose(answers[i], answers[j])


def test_baselines():
    img = torch.rand(2, 1, 8, 8)
    for name in BASELINES:
        b = make_baseline(name, img, img.mean(0))
        assert b.shape == img.shape and torch.isfinite(b).all()
    flat = torch.full((1, 1, 8, 8), 0.5)
    torch.testing.assert_close(make_baseline("blur", flat), flat)  # blur keeps brightness
    assert make_baseline("blur", img).std() < img.std()
    torch.testing.assert_close(make_baseline("noise", img), make_baseline("noise", img))
    assert baselines_for((2,)) == ("zeros", "mean", "noise")
    with pytest.raises(SpecError, match="blur"):
        make_baseline("blur", torch.rand(3, 2))
    with pytest.raises(SpecError, match="mean"):
        make_baseline("mean", img)
    with pytest.raises(SpecError, match="Unknown baseline"):
        make_baseline("ones", img)


def test_caps_refuse_with_a_message_saying_what_to_lower(digits):
    model, x, _ = digits
    with pytest.raises(SpecError, match="n_steps"):
        attribute(model, x.repeat(150, 1, 1, 1), 0, "integrated_gradients", {"n_steps": 500})
    with pytest.raises(SpecError, match="lower window"):
        attribute(model, x, 0, "occlusion", {"window": 9})
    with pytest.raises(SpecError, match="fewer"):
        attribute(model, x.repeat(1001, 1, 1, 1), 0, "saliency")
    with pytest.raises(SpecError, match="n_steps"):
        attribute(model, x, 0, "integrated_gradients", {"n_steps": 1})
    with pytest.raises(SpecError, match="unknown parameter"):
        attribute(model, x, 0, "saliency", {"steps": 3})
    with pytest.raises(SpecError, match="Unknown attribution method"):
        attribute(model, x, 0, "lime")
    with pytest.raises(SpecError, match="convolution layer"):
        attribute(model, x, 0, "grad_cam")
    assert estimate_evaluations("occlusion", {"window": 2, "stride": 2}, (1, 8, 8), 3) == 51


def test_inspection_leaves_no_trace(digits):
    model, x, _ = digits
    model.train()
    for name in METHODS:
        attribute(model, x, 0, name, layer=CONV if METHODS[name].needs_layer else None)
    assert model.training
    for module in model.modules():
        assert not module._forward_hooks and not module._forward_pre_hooks
        assert not module._backward_hooks
    model.eval()


def test_progress_reaches_the_end(digits):
    model, x, _ = digits
    seen: list[float] = []
    attribute(model, x.repeat(100, 1, 1, 1), 0, "integrated_gradients", progress=seen.append)
    assert len(seen) > 1 and seen[-1] == 1.0 and seen == sorted(seen)


def test_rank_correlation():
    a = np.array([0.1, -0.5, 0.9, 0.3])
    assert rank_correlation(a, a) == pytest.approx(1.0)
    assert rank_correlation(a, -a) == pytest.approx(1.0)  # magnitudes, not signs
    assert rank_correlation(a, 1 / np.abs(a)) == pytest.approx(-1.0)
    assert math.isnan(rank_correlation(a, np.zeros(4)))


def test_summaries(digits):
    model, x, mean = digits
    comp = compare_methods(model, x, 1, list(METHODS), layer=CONV)
    assert set(comp.maps) == set(METHODS) and not comp.errors
    assert np.allclose(comp.correlation, comp.correlation.T, equal_nan=True)
    assert np.allclose(np.diag(comp.correlation), 1.0)
    comp = compare_methods(model, x, 1, ["saliency", "occlusion"], {"occlusion":
                                                                  {"window": 20}})
    assert "occlusion" in comp.errors and set(comp.maps) == {"saliency"}
    model2, x2, _ = _setup("tabular", 20)
    imp = mean_abs_attribution(model2, x2, torch.zeros(20, dtype=torch.long), "saliency")
    assert imp.shape == (13,) and (imp >= 0).all()
    model3, _, _ = _setup("2d")
    pts = np.random.default_rng(0).normal(size=(25, 2)).astype(np.float32)
    field = plane_attributions(model3, pts, 1, "input_x_gradient")
    assert field.shape == (25, 2) and np.isfinite(field).all()


def test_bench_rows_cover_every_method():
    from playground.bench.attributions import run_attribution_bench

    rows = run_attribution_bench(repeats=1)
    assert [r["method"] for r in rows[:len(METHODS)]] == list(METHODS)
    assert all(r["median_seconds"] > 0 for r in rows)


@pytest.mark.cuda
def test_every_method_runs_on_a_cuda_model_and_returns_cpu_tensors():
    model, x, mean = _setup("image", 2)
    model = model.cuda()
    for name, m in METHODS.items():
        a = attribute(model, x, torch.tensor([1, 2]), name, baseline="mean", data_mean=mean,
                      layer=CONV if m.needs_layer else None)
        assert a.device.type == "cpu" and a.shape == x.shape and torch.isfinite(a).all()
    model, x, _ = _setup("sequence")
    a = attribute(model.cuda(), x, 1, "integrated_gradients")
    assert a.device.type == "cpu" and a.shape == x.shape


@pytest.mark.parametrize("method,params", [("saliency", {"smoothgrad": True, "nt_samples": 4}),
                                           ("gradient_shap", {"n_samples": 4})])
def test_noisy_attributions_are_reproducible_for_the_same_seed(digits, method, params):
    model, x, _ = digits
    first, again, other = (attribute(model, x, 1, method, params, seed=s) for s in (3, 3, 4))
    assert torch.equal(first, again) and not torch.allclose(first, other)
    noise = [make_baseline("noise", x, seed=s) for s in (3, 3, 4)]
    assert torch.equal(noise[0], noise[1]) and not torch.allclose(noise[0], noise[2])


def test_methods_that_draw_nothing_never_wait_for_the_random_lock(digits):
    """A session's dropout holds the lock while it trains; a plain IG request must not
    queue behind it, while a SmoothGrad request has to."""
    model, x, _ = digits
    done = {}

    def explain(name, params):
        done[name] = attribute(model, x, 1, name, params)

    with RandomStream(0).active():  # holds the lock, as a training step with dropout does
        plain = threading.Thread(target=explain, args=("integrated_gradients", None))
        noisy = threading.Thread(target=explain, args=("saliency", {"smoothgrad": True}))
        plain.start()
        noisy.start()
        plain.join(timeout=60)
        noisy.join(timeout=0.5)
        assert "integrated_gradients" in done and "saliency" not in done
    noisy.join()
    assert "saliency" in done
