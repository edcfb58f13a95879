"""The attribution-method registry: one entry per Captum class, with its parameters.

Every entry wraps a Captum class as it is (never re-implemented). `make` builds the Captum
object for a forward module, `kwargs` turns checked parameters into that class's
`attribute(...)` keyword arguments, and `evaluations` says how many model evaluations one
input costs, so oversized requests are refused before they run.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

from playground.params import Param

ALL_KINDS = ("2d", "image", "tabular", "sequence")

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
    kwargs: Callable[[dict[str, Any], tuple[int, ...]], dict[str, Any]]
    evaluations: Callable[[dict[str, Any], tuple[int, ...]], int]
    kinds: tuple[str, ...] = ALL_KINDS
    uses_baseline: bool = False
    needs_layer: bool = False  # grad_cam: the conv layer whose maps it weighs
    smoothgrad: bool = False  # whether NoiseTunnel may wrap it

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def supports(self, kind: str) -> bool:
        return kind in self.kinds

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


def _ig_kwargs(p, shape):
    return {"n_steps": p["n_steps"], "method": p["integration"],
            "internal_batch_size": INTERNAL_BATCH}


def _occlusion_kwargs(p, shape):
    window, strides = window_shape(shape, p["window"], p["stride"])
    return {"sliding_window_shapes": window, "strides": strides,
            "perturbations_per_eval": PERTURBATIONS_PER_EVAL}


INTERNAL_BATCH = 512  # rows per forward pass inside IG (Captum's internal_batch_size)
PERTURBATIONS_PER_EVAL = 64  # occluded copies per forward pass (Occlusion, FeatureAblation)

_METHODS = (
    AttributionMethod(
        name="saliency", title="Saliency (gradient)",
        description="How much the class score changes when each input value is nudged: the "
        "plain gradient. Fast, but noisy and blind to features that are already saturated.",
        captum_class=Saliency,
        params=(Param("absolute", bool, True, "Show the gradient's size only (Captum's "
                      "default); off keeps its sign."), *SMOOTHGRAD_PARAMS),
        make=lambda fwd, layer: Saliency(fwd),
        kwargs=lambda p, shape: {"abs": p["absolute"]},
        evaluations=lambda p, shape: 1, smoothgrad=True),
    AttributionMethod(
        name="input_x_gradient", title="Input × gradient",
        description="The gradient multiplied by the input value, so a feature counts only if "
        "it is present and the score is sensitive to it. Cheap, one backward pass.",
        captum_class=InputXGradient, params=SMOOTHGRAD_PARAMS,
        make=lambda fwd, layer: InputXGradient(fwd), kwargs=lambda p, shape: {},
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
        evaluations=lambda p, shape: p["n_steps"], uses_baseline=True, smoothgrad=True),
    AttributionMethod(
        name="deeplift", title="DeepLIFT",
        description="Compares every neuron's activation with its activation on the baseline "
        "and propagates those differences back with rules for each non-linearity. One pass, "
        "close to integrated gradients for ReLU networks.",
        captum_class=DeepLift, params=SMOOTHGRAD_PARAMS,
        make=lambda fwd, layer: DeepLift(fwd), kwargs=lambda p, shape: {},
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
        make=lambda fwd, layer: GradientShap(fwd), kwargs=lambda p, shape: {},
        evaluations=lambda p, shape: p["n_samples"], uses_baseline=True),
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
        uses_baseline=True),
    AttributionMethod(
        name="feature_ablation", title="Feature ablation",
        description="Replaces one feature at a time with the baseline and records how the "
        "class score changes. Simple and exact about what it measures, but one forward pass "
        "per feature.",
        captum_class=FeatureAblation, params=(),
        make=lambda fwd, layer: FeatureAblation(fwd),
        kwargs=lambda p, shape: {"perturbations_per_eval": PERTURBATIONS_PER_EVAL},
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
        kwargs=lambda p, shape: {"relu_attributions": p["relu_attributions"]},
        evaluations=lambda p, shape: 1, kinds=("image",), needs_layer=True),
)

METHODS: dict[str, AttributionMethod] = {m.name: m for m in _METHODS}

__all__ = ["METHODS", "AttributionMethod", "NoiseTunnel", "SMOOTHGRAD_PARAMS",
           "INTERNAL_BATCH", "PERTURBATIONS_PER_EVAL", "ablation_features", "occlusion_windows",
           "window_shape"]
