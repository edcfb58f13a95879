"""Running a registry method on a model: target, baseline, token embeddings, caps, progress.

Inspection leaves no trace: the model's train/eval mode is restored, Captum removes its own
hooks, results come back detached on the CPU, and random methods are seeded so the same
request gives the same answer.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import torch
from captum.attr import IntegratedGradients, LayerAttribution, NoiseTunnel
from scipy.stats import spearmanr
from torch import nn

from playground.attribution.baselines import make_baseline
from playground.attribution.methods import (
    MAX_WINDOWS,
    METHODS,
    AttributionMethod,
    ablation_features,
    value_range,
)
from playground.errors import SpecError
from playground.inspection.forward import eval_mode, forward
from playground.params import check_params
from playground.rng import RandomStream

MAX_EVALUATIONS = 100_000  # model evaluations (input rows) per request
MAX_INPUTS = 2_000  # inputs per request (dataset-wide means, 2D fields)
_CHUNK_EVALUATIONS = 4_096  # evaluations between progress reports

Progress = Callable[[float], None]


def _check_method(method: str) -> AttributionMethod:
    if method not in METHODS:
        raise SpecError(f"Unknown attribution method {method!r}; choose one of "
                        f"{', '.join(METHODS)}.")
    return METHODS[method]


def _embedding_index(model: nn.Sequential, tokens: torch.Tensor) -> int:
    """The first child whose output is floating point: the layer that embeds token ids.
    Found by running the network, not by guessing from module names."""
    x = tokens
    with torch.no_grad():
        for i, child in enumerate(model):
            x = child(x)
            if torch.is_tensor(x) and x.is_floating_point():
                return i
    raise SpecError("The inputs are token ids but no layer turns them into vectors; add an "
                    "embedding layer.")


class Readout(nn.Module):
    """One position's class scores from a per-token model: (B, T, C) → (B, C)."""

    def __init__(self, model: nn.Module, position: int) -> None:
        super().__init__()
        self.model, self.position = model, position

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)[:, self.position]


def readout(model: nn.Module, position: int | None) -> nn.Module:
    """The model read at one position (per-token models), or the model itself."""
    return model if position is None else Readout(model, position)


@dataclass
class _Prepared:
    forward: nn.Module  # what Captum differentiates: float inputs → (B, C) scores
    inputs: torch.Tensor  # float inputs to attribute: the data, or token embeddings
    tokens: bool  # whether `inputs` are embeddings to be summed per token
    layer: nn.Module | None
    n_classes: int


def _prepare(model: nn.Module, inputs: torch.Tensor, method: AttributionMethod,
             layer: int | None, embedding_layer: int | None,
             position: int | None) -> _Prepared:
    device = next(model.parameters()).device
    x = inputs.to(device)
    tokens = not x.is_floating_point()
    forward: nn.Module = model
    if tokens:
        if method.needs_layer:
            raise SpecError(f"{method.title} needs a convolution layer over images; choose "
                            "another method for sequences.")
        if not isinstance(model, nn.Sequential):
            raise SpecError("Token attributions need the playground's layer-by-layer model.")
        k = embedding_layer if embedding_layer is not None else _embedding_index(model, x)
        with torch.no_grad():
            x = model[: k + 1](x)  # (B, T, D) embeddings: the first differentiable values
        forward = model[k + 1:]
    layer_module = None
    if method.needs_layer:
        if layer is None:
            raise SpecError(f"{method.title} needs a convolution layer: pick one.")
        children = list(model.children())
        if not 0 <= layer < len(children):
            raise SpecError(f"Layer {layer + 1} does not exist; the model has "
                            f"{len(children)} layers.")
        layer_module = children[layer]
    with torch.no_grad():
        out = forward(x[:1])
    if out.dim() == 3:  # per-token predictions: explain one position
        forward = Readout(forward, out.shape[1] - 1 if position is None else position)
    elif out.dim() != 2:
        raise SpecError(f"Attributions need class scores per example; the model gives shape "
                        f"{tuple(out.shape)}.")
    return _Prepared(forward, x.detach(), tokens, layer_module, out.shape[-1])


def _check_target(target: int | torch.Tensor, n_classes: int, n: int) -> None:
    values = [target] if isinstance(target, int) else target.reshape(-1).tolist()
    if isinstance(target, torch.Tensor) and target.numel() != n:
        raise SpecError(f"Pass one target class per input ({n}), got {target.numel()}.")
    bad = [v for v in values if not 0 <= v < n_classes]
    if bad:
        raise SpecError(f"Target class {bad[0]} does not exist; the model has {n_classes} "
                        f"classes (0 to {n_classes - 1}).")


def estimate_evaluations(method: str, params: dict | None, item_shape: tuple[int, ...],
                         n_inputs: int = 1) -> int:
    """Model evaluations a request will cost: the number the caps are checked against."""
    m = _check_method(method)
    p = check_params(m.params, params or {}, m.title)
    per = m.evaluations(p, item_shape)
    if p.get("smoothgrad"):
        per *= p["nt_samples"]
    return per * n_inputs


def _check_caps(m: AttributionMethod, p: dict, item_shape: tuple[int, ...], n: int) -> None:
    if n > MAX_INPUTS:
        raise SpecError(f"{n:,} inputs is more than one request may explain ({MAX_INPUTS:,}); "
                        "use fewer samples or a coarser grid.")
    if m.check is not None:
        m.check(p, item_shape)
    total = m.evaluations(p, item_shape) * (p["nt_samples"] if p.get("smoothgrad") else 1) * n
    if total > MAX_EVALUATIONS:
        knobs = [k for k in (m.cheaper, "or nt_samples" if p.get("smoothgrad") else "") if k]
        raise SpecError(f"{m.title} would need {total:,} model evaluations (at most "
                        f"{MAX_EVALUATIONS:,} per request). Use fewer inputs"
                        f"{''.join(', ' + k for k in knobs)}.")


def _call(m: AttributionMethod, p: dict, prep: _Prepared, x: torch.Tensor,
          target: int | torch.Tensor, base: torch.Tensor | None) -> torch.Tensor:
    """One Captum call on the chunk `x` (float inputs or embeddings)."""
    algo = m.make(prep.forward, prep.layer)
    kwargs = m.kwargs(p, x)
    if m.baseline_distribution and base is not None and len(base) > 1:
        if torch.equal(base, base[:1].expand_as(base)):
            base = base[:1]  # one shared baseline to sample from
        else:  # per-input baselines: one call each, so each input samples only its own
            return torch.cat([_attribute(m, p, algo, x[i:i + 1], _pick(target, i),
                                         base[i:i + 1], kwargs) for i in range(len(x))])
    return _attribute(m, p, algo, x, target, base, kwargs)


def _attribute(m: AttributionMethod, p: dict, algo, x: torch.Tensor,
               target: int | torch.Tensor, base: torch.Tensor | None,
               kwargs: dict) -> torch.Tensor:
    if m.uses_baseline:
        kwargs = kwargs | {"baselines": base}
    if p.get("smoothgrad"):
        out = NoiseTunnel(algo).attribute(
            x, target=target, nt_type="smoothgrad", nt_samples=p["nt_samples"],
            stdevs=p["nt_stdev"] * value_range(x),
            nt_samples_batch_size=max(1, 512 // max(1, len(x))), **kwargs)
    else:
        out = algo.attribute(x, target=target, **kwargs)
    if m.needs_layer:  # (B, 1, h, w) layer map → the input's (B, C, H, W)
        if out.dim() != 4:
            raise SpecError(f"{m.title} needs a layer with image-like feature maps; choose a "
                            "convolution layer.")
        out = LayerAttribution.interpolate(out, tuple(x.shape[2:]), "bilinear")
        out = out.expand(-1, x.shape[1], -1, -1)
    return out


def _pick(target: int | torch.Tensor, i: int) -> int | torch.Tensor:
    return target if isinstance(target, int) else target[i:i + 1]


def attribute(model: nn.Module, inputs: torch.Tensor, target: int | torch.Tensor, method: str,
              params: dict | None = None, baseline: str | torch.Tensor = "zeros",
              data_mean: torch.Tensor | None = None, layer: int | None = None, *,
              embedding_layer: int | None = None, position: int | None = None,
              progress: Progress | None = None, seed: int = 0) -> torch.Tensor:
    """Attributions of `method` for `inputs` towards class `target`.

    Args:
        model: the network (any device); its train/eval mode is restored afterwards.
        inputs: (B, *input_shape) floats, or (B, T) token ids for sequence models.
        target: one class for every input, or a (B,) tensor of classes.
        method: a key of METHODS; params: its parameters (defaults filled, checked).
        baseline: a name from BASELINES or a tensor shaped like the (embedded) inputs.
        data_mean: the training inputs' mean (input_shape), or mean embedding (T, D) for
            token inputs; needed by the "mean" baseline.
        layer: index of the child layer Grad-CAM reads (a convolution layer).
        embedding_layer: for token inputs, the child that embeds them (found by running the
            model when None); attributions are per token, summed over the embedding.
        position: for per-token models, which position's prediction to explain (last).
        progress: called with the fraction done after each chunk of inputs.
        seed: seeds the request's own random stream (SmoothGrad and GradientSHAP noise, the
            "noise" baseline), so the same request gives the same map whatever else the
            server is doing.
    Returns:
        Attributions shaped like `inputs` (float), detached, on the CPU.
    Raises:
        SpecError: unknown method or parameter, unsupported input, or over the caps.
    """
    m = _check_method(method)
    p = check_params(m.params, params or {}, m.title)
    if inputs.dim() < 2 or len(inputs) == 0:
        raise SpecError("Pass a batch of inputs shaped (B, *input_shape) with B ≥ 1.")
    if isinstance(target, torch.Tensor) and target.dim() == 0:
        target = int(target)
    with eval_mode(model):
        prep = _prepare(model, inputs, m, layer, embedding_layer, position)
        _check_target(target, prep.n_classes, len(inputs))
        x = prep.inputs
        item_shape = tuple(x.shape[1:])
        _check_caps(m, p, item_shape, len(x))
        base = None
        if m.uses_baseline:
            base = (baseline.to(x) if isinstance(baseline, torch.Tensor)
                    else make_baseline(baseline, x, data_mean, seed))
            if base.shape != x.shape:
                base = base.expand_as(x)
        if isinstance(target, torch.Tensor):
            target = target.to(x.device).long()
        per = max(1, m.evaluations(p, item_shape) * (p["nt_samples"] if p.get("smoothgrad")
                                                      else 1))
        chunk = max(1, _CHUNK_EVALUATIONS // per)
        parts = []
        # Noise (SmoothGrad, GradientSHAP) comes from the request's own stream, lent to the
        # global generators a chunk at a time, so other sessions' runs neither shift it nor
        # are shifted by it. Methods that draw nothing skip the stream and its lock, so they
        # never hold up another session's dropout.
        stream = RandomStream(seed, x.device, numpy=True) if m.random(p) else None
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module="captum")
            for start in range(0, len(x), chunk):
                sl = slice(start, start + chunk)
                t = target if isinstance(target, int) else target[sl]
                with stream.active() if stream is not None else nullcontext():
                    parts.append(_call(m, p, prep, x[sl], t,
                                       None if base is None else base[sl]).detach())
                if progress is not None:
                    progress(min(1.0, (start + chunk) / len(x)))
        out = torch.cat(parts)
    if prep.tokens:
        out = out.sum(-1)  # (B, T, D) → (B, T): one value per token
    return out.float().cpu().contiguous()


def predict(model: nn.Module, inputs: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Predicted classes (B,) and class probabilities (B, C), for choosing a target."""
    logits = forward(model, inputs)
    if logits.dim() == 3:
        logits = logits[:, -1]
    probs = torch.softmax(logits, -1).numpy()
    return probs.argmax(-1), probs


def mean_embedding(model: nn.Sequential, tokens: torch.Tensor,
                   embedding_layer: int | None = None) -> torch.Tensor:
    """The training set's mean embedding (T, D): the "mean" baseline for token inputs."""
    device = next(model.parameters()).device
    x = tokens.to(device)
    k = embedding_layer if embedding_layer is not None else _embedding_index(model, x[:1])
    with torch.no_grad():
        return model[: k + 1](x).mean(0).cpu()


@dataclass(frozen=True)
class Completeness:
    """Integrated gradients' completeness: attributions sum to f(x) − f(baseline)."""

    attribution_sum: float
    score_difference: float  # f(x)[target] − f(baseline)[target]
    delta: float  # Captum's convergence delta: the two numbers' difference
    n_steps: int


def completeness(model: nn.Module, inputs: torch.Tensor, target: int, n_steps: int = 50,
                 baseline: str | torch.Tensor = "zeros", data_mean: torch.Tensor | None = None,
                 embedding_layer: int | None = None, position: int | None = None,
                 seed: int = 0) -> Completeness:
    """Check IG's completeness for one input, with Captum's own convergence delta (`seed`
    as in `attribute`, for the noise baseline)."""
    m = METHODS["integrated_gradients"]
    p = check_params(m.params, {"n_steps": n_steps}, m.title)
    with eval_mode(model):
        prep = _prepare(model, inputs[:1], m, None, embedding_layer, position)
        _check_target(target, prep.n_classes, 1)
        x = prep.inputs
        base = (baseline.to(x).expand_as(x) if isinstance(baseline, torch.Tensor)
                else make_baseline(baseline, x, data_mean, seed))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module="captum")
            attr, delta = IntegratedGradients(prep.forward).attribute(
                x, baselines=base, target=target, n_steps=p["n_steps"],
                method=p["integration"], internal_batch_size=512,
                return_convergence_delta=True)
        with torch.no_grad():
            diff = prep.forward(x)[0, target] - prep.forward(base)[0, target]
    return Completeness(float(attr.sum()), float(diff), float(delta.abs().sum()),
                        p["n_steps"])


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman rank correlation of two attribution maps over their flattened |values|.

    Magnitudes, not signs: methods disagree on sign conventions (Saliency and Grad-CAM are
    non-negative by default), while "which features matter most" is comparable across all.
    Returns nan when either map is constant (a ranking is then undefined).
    """
    x, y = np.abs(np.asarray(a, float).ravel()), np.abs(np.asarray(b, float).ravel())
    if x.shape != y.shape:
        raise ValueError(f"maps differ in size: {x.shape} vs {y.shape}")
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(spearmanr(x, y).statistic)


__all__ = ["MAX_EVALUATIONS", "MAX_INPUTS", "MAX_WINDOWS", "Completeness", "attribute",
           "ablation_features", "completeness", "estimate_evaluations", "mean_embedding",
           "predict", "rank_correlation"]
