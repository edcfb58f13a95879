"""Sanity checks for saliency maps (Adebayo et al., 2018, "Sanity Checks for Saliency Maps").

If an explanation method explains the *model*, its maps must change when the model is
destroyed. Two destructions: cascading randomisation of the weights from the output layer
down, and retraining on permuted labels. A method whose maps stay rank-correlated with the
originals is flagged: it shows the input (edges, bright pixels), not what the model learned.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.blackbox.common import Progress, no_progress, predict_logits, with_arrays
from playground.datasets import Data
from playground.rng import RandomStream

THRESHOLD = 0.5  # rank correlation above which the maps "barely changed"


@dataclass(frozen=True)
class SanityResult:
    stages: tuple[str, ...]  # "original", then one name per cumulative destruction
    methods: tuple[str, ...]
    maps: dict[str, np.ndarray]  # method -> (S, N, *display) absolute maps per stage
    # method -> (S,) mean rank correlation with the original over the examples where it is
    # defined; nan at a stage where it is defined for none
    correlations: dict[str, np.ndarray]
    # method -> (S,) examples left out of that mean: a constant map (either one) has no
    # ranking, so its correlation is undefined rather than zero
    left_out: dict[str, np.ndarray]
    flagged: dict[str, bool]  # method -> its maps survived the destruction
    judged: dict[str, float]  # method -> the correlation the flag was decided on (nan: none)
    threshold: float
    inputs: np.ndarray  # (N, *display) the inputs explained
    targets: np.ndarray  # (N,) the original model's predicted classes


def parameter_layers(model: nn.Sequential) -> list[int]:
    """Positions of the children that hold weights, top (output head) first."""
    return [i for i, child in reversed(list(enumerate(model.children())))
            if any(True for _ in child.parameters())]


def randomize_layer(model: nn.Sequential, index: int, seed: int) -> None:
    """Re-draw one child's weights in place, as a fresh layer would start; the draws come
    from a stream of their own, so no other session's run is shifted by them."""
    with RandomStream(seed).active():
        for module in model[index].modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()


def cascading_models(model: nn.Sequential, layer_names: list[str] | None = None,
                     seed: int = 0) -> list[tuple[str, nn.Module]]:
    """The original and one copy per step of top-down cumulative randomisation."""
    names = layer_names or [type(c).__name__.lower() for c in model.children()]
    current = copy.deepcopy(model).eval()
    stages: list[tuple[str, nn.Module]] = [("original", model)]
    for step, index in enumerate(parameter_layers(model)):
        randomize_layer(current, index, seed + step)
        label = "head" if index == len(model) - 1 else f"layer {index + 1} ({names[index]})"
        stages.append((f"↓ {label}", copy.deepcopy(current).eval()))
    return stages


def permuted_labels(data: Data, seed: int = 0) -> Data:
    """The same training images with the labels shuffled: nothing left to learn but noise."""
    y = np.random.default_rng(seed).permutation(np.asarray(data.y_train))
    return with_arrays(data, y_train=y)


def last_conv_index(model: nn.Module) -> int | None:
    """The last top-level convolution child: where Grad-CAM reads its maps."""
    found = None
    for i, child in enumerate(model.children()):
        if any(isinstance(m, nn.Conv2d) for m in child.modules()):
            found = i
    return found


def _display(maps: np.ndarray) -> np.ndarray:
    """Absolute maps summed over channels for images: (N, C, H, W) -> (N, H, W)."""
    a = np.abs(maps)
    return a.sum(1) if a.ndim == 4 else a


def stage_correlations(stack: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean rank correlation of every stage's maps with the original ones, (S, N, ...) ->
    (S,), over the examples where it is defined, and how many were left out per stage.

    A constant map has no ranking: counting it as 0 would pull a whole stage down (and one
    constant original would zero every stage), so it is left out and reported instead.
    """
    from playground.attribution import rank_correlation

    rho = np.array([[rank_correlation(stack[0, n], stack[s, n]) for n in range(stack.shape[1])]
                    for s in range(len(stack))])  # (S, N)
    defined = ~np.isnan(rho)
    counts = defined.sum(1)
    mean = np.where(counts > 0, np.nansum(rho, 1) / np.maximum(counts, 1), np.nan)
    return mean, stack.shape[1] - counts


def sanity_check(model: nn.Module, x: np.ndarray, methods: tuple[str, ...],
                 destroyed: list[tuple[str, nn.Module]], threshold: float = THRESHOLD,
                 params: dict[str, dict] | None = None,
                 progress: Progress = no_progress, seed: int = 0) -> SanityResult:
    """Explain `x` with each method under the original model and each destroyed model.

    Args:
        model: the trained model (its predicted classes are the targets at every stage).
        x: the inputs to explain, (N, *input_shape).
        methods: attribution registry names.
        destroyed: (stage name, model) pairs, e.g. `cascading_models(model)[1:]` and a
            permuted-label retrain.
        threshold: rank correlation at or above which a fully destroyed model's maps count
            as unchanged.
        params: per-method parameters for the attribution registry.
        seed: the attributions' random stream (SmoothGrad, GradientSHAP), the same at every
            stage so only the model differs.
    """
    from playground.attribution import METHODS, attribute

    xt = torch.as_tensor(np.array(x, dtype=np.float32))
    targets = predict_logits(model, xt).argmax(-1)
    target_t = torch.as_tensor(targets)
    stages = [("original", model), *destroyed]
    conv = last_conv_index(model)
    maps, correlations, left_out, flagged, judged = {}, {}, {}, {}, {}
    total = len(stages) * len(methods)
    done = 0
    for method in methods:
        per_stage = []
        for name, stage_model in stages:
            progress(done / total, f"{method}: {name}")
            a = attribute(stage_model, xt, target_t, method, (params or {}).get(method),
                          layer=conv if METHODS[method].needs_layer else None, seed=seed)
            per_stage.append(_display(np.asarray(a, dtype=np.float32)))
            done += 1
        stack = np.stack(per_stage)  # (S, N, ...)
        corr, missing = stage_correlations(stack)
        maps[method], correlations[method], left_out[method] = stack, corr, missing
        # Judged on the fully destroyed models: the last cascade stage and any retrain.
        final = [i for i, (name, _) in enumerate(stages) if i == len(stages) - 1 or
                 name.startswith("labels")]
        last_cascade = max((i for i, (n, _) in enumerate(stages) if n.startswith("↓")),
                           default=None)
        if last_cascade is not None:
            final.append(last_cascade)
        decided = [corr[i] for i in set(final) if not np.isnan(corr[i])]
        judged[method] = float(max(decided)) if decided else float("nan")
        flagged[method] = bool(decided) and judged[method] >= threshold
    progress(1.0, "Maps compared")
    return SanityResult(tuple(n for n, _ in stages), tuple(methods), maps, correlations,
                        left_out, flagged, judged, threshold,
                        _display(x) if np.ndim(x) == 4 else np.asarray(x), targets)
