"""The attribution-method registry: one entry per Captum class, with its parameters.

Every entry wraps a Captum class as it is (never re-implemented). `make` builds the Captum
object for a forward module, `kwargs` turns checked parameters and the inputs into that
class's `attribute(...)` keyword arguments, and `evaluations` says how many model evaluations
one input costs, so oversized requests are refused before they run. What differs between
methods — a window that must fit, a mask of whole positions, baselines sampled from a
distribution, random draws — is a field of its entry, not a test of its name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from captum.attr import (
    DeepLift,
    FeatureAblation,
    GradientShap,
    InputXGradient,
    IntegratedGradients,
    LayerGradCam,
    NoiseTunnel,
    Occlusion,
    Saliency,
)
from torch import nn

from playground.datakinds import DATA_KINDS
from playground.errors import SpecError
from playground.params import Param

ALL_KINDS = tuple(DATA_KINDS)  # every data kind the app knows (2d, 1d, image, ...)

# SmoothGrad (Captum's NoiseTunnel) can wrap any of the backpropagation methods.
SMOOTHGRAD_PARAMS = (
    Param("smoothgrad", bool, False, "Average the method over noisy copies of the input "
          "(SmoothGrad, Captum's NoiseTunnel); sharper, less speckled maps."),
    Param("nt_samples", int, 10, "SmoothGrad: how many noisy copies to average.", min=2,
          max=100),
    Param("nt_stdev", float, 0.1, "SmoothGrad: noise size, as a fraction of the input's "
          "value range.", min=0.0, max=1.0),
)


@dataclass(frozen=True)
class AttributionMethod:
    """One attribution method, declared once: words for learners, parameters, the data kinds
    it works on, whether it needs a baseline or a layer, and the Captum class it wraps."""

    name: str
    title: str
    description: str
    captum_class: type
    params: tuple[Param, ...]
    make: Callable[[nn.Module, nn.Module | None], Any]
    # kwargs(params, x): `attribute(...)` keywords for a chunk x (B, *item_shape)
    kwargs: Callable[[dict[str, Any], torch.Tensor], dict[str, Any]]
    evaluations: Callable[[dict[str, Any], tuple[int, ...]], int]
    kinds: tuple[str, ...] = ALL_KINDS
    uses_baseline: bool = False
    needs_layer: bool = False  # grad_cam: the conv layer whose maps it weighs
    smoothgrad: bool = False  # whether NoiseTunnel may wrap it
    # GradientSHAP samples its baselines from a distribution: one shared baseline is passed
    # once, and per-input baselines mean one call per input.
    baseline_distribution: bool = False
    draws: bool = False  # draws random numbers even without SmoothGrad (GradientSHAP)
    # check(params, item_shape) raises SpecError for settings that cannot run at all.
    check: Callable[[dict[str, Any], tuple[int, ...]], None] | None = None
    cheaper: str = ""  # what to change when a request costs too much, e.g. "lower n_steps"

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def supports(self, kind: str) -> bool:
        return kind in self.kinds

    def random(self, params: dict[str, Any]) -> bool:
        """Whether a request with `params` draws random numbers (so needs a seeded stream)."""
        return self.draws or bool(params.get("smoothgrad"))

    def defaults_for(self, item_shape: tuple[int, ...]) -> dict[str, Any]:
        """Defaults that suit inputs of `item_shape`: a window of one feature when the input
        is a plain feature vector (two coordinates, a table row), where neighbours mean
        nothing."""
        values = self.defaults()
        if "window" in values and len(item_shape) == 1:
            values["window"] = 1
        return values


def window_shape(item_shape: tuple[int, ...], window: int,
                 stride: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Occlusion's sliding window and strides for one input of `item_shape`.

    Images (C, H, W) get a window×window square over every channel; feature vectors (F,)
    a run of `window` features; sequences (T, D) — embedded tokens — a run of `window`
    whole positions.
    """
    if len(item_shape) == 3:
        c = item_shape[0]
        return (c, window, window), (c, stride, stride)
    if len(item_shape) == 2:
        d = item_shape[1]
        return (window, d), (stride, d)
    return (window,) * len(item_shape), (stride,) * len(item_shape)


def occlusion_windows(item_shape: tuple[int, ...], window: int, stride: int) -> int:
    """How many window positions Occlusion evaluates for one input (0 if it does not fit)."""
    shape, strides = window_shape(item_shape, window, stride)
    counts = [(n - w) // s + 1 if n >= w else 0
              for n, w, s in zip(item_shape, shape, strides, strict=True)]
    return math.prod(counts)


def ablation_features(item_shape: tuple[int, ...]) -> int:
    """Features FeatureAblation removes one at a time: whole positions for sequences (T, D),
    single values otherwise."""
    return item_shape[0] if len(item_shape) == 2 else math.prod(item_shape)


def value_range(x: torch.Tensor) -> float:
    """The inputs' span (max − min), the unit noise sizes are given in; 1 for a flat input."""
    span = float(x.max() - x.min())
    return span if span > 0 else 1.0


INTERNAL_BATCH = 512  # rows per forward pass inside IG (Captum's internal_batch_size)
PERTURBATIONS_PER_EVAL = 64  # occluded copies per forward pass (Occlusion, FeatureAblation)
MAX_WINDOWS = 4_096  # occlusion window positions per input


def _ig_kwargs(p: dict[str, Any], x: torch.Tensor) -> dict[str, Any]:
    return {"n_steps": p["n_steps"], "method": p["integration"],
            "internal_batch_size": INTERNAL_BATCH}


def _shap_kwargs(p: dict[str, Any], x: torch.Tensor) -> dict[str, Any]:
    return {"n_samples": p["n_samples"], "stdevs": p["stdevs"] * value_range(x)}


def _occlusion_kwargs(p: dict[str, Any], x: torch.Tensor) -> dict[str, Any]:
    window, strides = window_shape(tuple(x.shape[1:]), p["window"], p["stride"])
    return {"sliding_window_shapes": window, "strides": strides,
            "perturbations_per_eval": PERTURBATIONS_PER_EVAL}


def _check_occlusion(p: dict[str, Any], item_shape: tuple[int, ...]) -> None:
    windows = occlusion_windows(item_shape, p["window"], p["stride"])
    if windows == 0:
        raise SpecError(f"The occlusion window ({p['window']}) is larger than the input; "
                        "lower window.")
    if windows > MAX_WINDOWS:
        raise SpecError(f"Occlusion would slide over {windows:,} window positions per input "
                        f"(at most {MAX_WINDOWS:,}); raise stride or window.")


def _ablation_kwargs(p: dict[str, Any], x: torch.Tensor) -> dict[str, Any]:
    """Sequences (T, D) lose whole positions at a time: one feature per embedded token."""
    kwargs: dict[str, Any] = {"perturbations_per_eval": PERTURBATIONS_PER_EVAL}
    item_shape = tuple(x.shape[1:])
    if len(item_shape) == 2:
        mask = torch.arange(item_shape[0], device=x.device).view(1, -1, 1)  # (1, T, 1)
        kwargs["feature_mask"] = mask.expand(1, *item_shape)
    return kwargs

_METHODS = (
    AttributionMethod(
        name="saliency", title="Saliency (gradient)",
        description="How much the class score changes when each input value is nudged: the "
        "plain gradient. Fast, but noisy and blind to features that are already saturated.",
        captum_class=Saliency,
        params=(Param("absolute", bool, True, "Show the gradient's size only (Captum's "
                      "default); off keeps its sign."), *SMOOTHGRAD_PARAMS),
        make=lambda fwd, layer: Saliency(fwd),
        kwargs=lambda p, x: {"abs": p["absolute"]},
        evaluations=lambda p, shape: 1, smoothgrad=True),
    AttributionMethod(
        name="input_x_gradient", title="Input × gradient",
        description="The gradient multiplied by the input value, so a feature counts only if "
        "it is present and the score is sensitive to it. Cheap, one backward pass.",
        captum_class=InputXGradient, params=SMOOTHGRAD_PARAMS,
        make=lambda fwd, layer: InputXGradient(fwd), kwargs=lambda p, x: {},
        evaluations=lambda p, shape: 1, smoothgrad=True),
    AttributionMethod(
        name="integrated_gradients", title="Integrated gradients",
        description="Averages gradients along a straight path from a baseline to the input; "
        "the attributions add up to the score difference between them (completeness). The "
        "baseline you choose defines what 'absent' means.",
        captum_class=IntegratedGradients,
        params=(Param("n_steps", int, 50, "Points on the path from baseline to input; more "
                      "steps shrink the convergence delta.", min=2, max=500),
                Param("integration", str, "gausslegendre", "How the path integral is "
                      "approximated.", choices=("gausslegendre", "riemann_trapezoid",
                                                "riemann_middle", "riemann_left",
                                                "riemann_right")),
                *SMOOTHGRAD_PARAMS),
        make=lambda fwd, layer: IntegratedGradients(fwd), kwargs=_ig_kwargs,
        evaluations=lambda p, shape: p["n_steps"], uses_baseline=True, smoothgrad=True,
        cheaper="lower n_steps"),
    AttributionMethod(
        name="deeplift", title="DeepLIFT",
        description="Compares every neuron's activation with its activation on the baseline "
        "and propagates those differences back with rules for each non-linearity. One pass, "
        "close to integrated gradients for ReLU networks.",
        captum_class=DeepLift, params=SMOOTHGRAD_PARAMS,
        make=lambda fwd, layer: DeepLift(fwd), kwargs=lambda p, x: {},
        evaluations=lambda p, shape: 2, uses_baseline=True, smoothgrad=True),
    AttributionMethod(
        name="gradient_shap", title="GradientSHAP",
        description="Integrated gradients at random points between noisy copies of the input "
        "and baselines drawn from a distribution, averaged. It approximates SHAP values.",
        captum_class=GradientShap,
        params=(Param("n_samples", int, 20, "Random samples averaged for each input.", min=1,
                      max=500),
                Param("stdevs", float, 0.0, "Noise added to each sample, as a fraction of "
                      "the input's value range.", min=0.0, max=1.0)),
        make=lambda fwd, layer: GradientShap(fwd), kwargs=_shap_kwargs,
        evaluations=lambda p, shape: p["n_samples"], uses_baseline=True,
        baseline_distribution=True, draws=True, cheaper="lower n_samples"),
    AttributionMethod(
        name="occlusion", title="Occlusion",
        description="Slides a window over the input, replaces what it covers with the "
        "baseline and records how much the class score drops. Model-agnostic but costs one "
        "forward pass per window position.",
        captum_class=Occlusion,
        params=(Param("window", int, 2, "Window size: pixels per side for images, features "
                      "or tokens in a run otherwise.", min=1, max=32),
                Param("stride", int, 1, "Step between window positions.", min=1, max=32)),
        make=lambda fwd, layer: Occlusion(fwd), kwargs=_occlusion_kwargs,
        evaluations=lambda p, shape: occlusion_windows(shape, p["window"], p["stride"]) + 1,
        uses_baseline=True, check=_check_occlusion, cheaper="raise stride or window"),
    AttributionMethod(
        name="feature_ablation", title="Feature ablation",
        description="Replaces one feature at a time with the baseline and records how the "
        "class score changes. Simple and exact about what it measures, but one forward pass "
        "per feature.",
        captum_class=FeatureAblation, params=(),
        make=lambda fwd, layer: FeatureAblation(fwd), kwargs=_ablation_kwargs,
        evaluations=lambda p, shape: ablation_features(shape) + 1, uses_baseline=True),
    AttributionMethod(
        name="grad_cam", title="Grad-CAM",
        description="Weighs a convolution layer's feature maps by their average gradient and "
        "sums them into a coarse heatmap, upsampled to the image. Shows where the network "
        "looked, at the resolution of that layer.",
        captum_class=LayerGradCam,
        params=(Param("relu_attributions", bool, True, "Keep only evidence for the class "
                      "(as in the Grad-CAM paper); off also shows evidence against it."),),
        make=lambda fwd, layer: LayerGradCam(fwd, layer),
        kwargs=lambda p, x: {"relu_attributions": p["relu_attributions"]},
        evaluations=lambda p, shape: 1, kinds=("image",), needs_layer=True),
)

METHODS: dict[str, AttributionMethod] = {m.name: m for m in _METHODS}

__all__ = ["INTERNAL_BATCH", "MAX_WINDOWS", "METHODS", "PERTURBATIONS_PER_EVAL",
           "SMOOTHGRAD_PARAMS", "AttributionMethod", "NoiseTunnel", "ablation_features",
           "occlusion_windows", "value_range", "window_shape"]
