"""Confident and wrong: softmax confidence on inputs unlike anything in training, the
reliability diagram with expected calibration error (ECE), and temperature scaling
(Guo et al., 2017) fitted on held-out logits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy import ndimage
from torch import nn

from playground.blackbox.common import (
    Progress,
    no_progress,
    predict_logits,
    preset_spec,
    softmax,
)
from playground.datasets import Data, make_data
from playground.spec import DatasetSpec, Spec

BINS = 15  # equal-width confidence bins, as ECE is usually reported (Guo et al., 2017)


def overconfident_spec() -> Spec:
    """The digits_mlp network on noisy shapes: a dense network memorises the noisy training
    images and ends up far surer than it is right (temperature about 4, ECE about 0.35)."""
    base = preset_spec("digits_mlp")
    return base.with_dataset("shapes", {"n_samples": 1200, "noise": 0.35, "size": 16}
                             ).with_train(lr=0.003)


@dataclass(frozen=True)
class Reliability:
    edges: np.ndarray  # (B + 1,) confidence bin edges
    confidence: np.ndarray  # (B,) mean confidence per bin (nan where empty)
    accuracy: np.ndarray  # (B,) accuracy per bin (nan where empty)
    count: np.ndarray  # (B,) examples per bin
    ece: float

    @property
    def bins(self) -> int:
        """How many confidence bins the ECE was measured over (it depends on this)."""
        return len(self.count)


def reliability(probs: np.ndarray, y: np.ndarray, bins: int = BINS) -> Reliability:
    """Bin predictions by confidence into `bins` equal-width bins (lo, hi]; ECE is the
    count-weighted gap |accuracy − confidence|."""
    conf, pred = probs.max(-1), probs.argmax(-1)
    right = (pred == np.asarray(y)).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_conf = np.bincount(which, conf, bins) / count
        acc = np.bincount(which, right, bins) / count
    gaps = np.where(count > 0, np.abs(np.nan_to_num(acc) - np.nan_to_num(mean_conf)), 0.0)
    ece = float((gaps * count).sum() / max(1, len(conf)))
    return Reliability(edges, mean_conf, acc, count, ece)


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = BINS) -> float:
    return reliability(probs, y, bins).ece


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The one temperature T > 0 that minimises the negative log-likelihood of softmax(z / T)
    on held-out logits: a one-parameter fit (LBFGS over log T), not network training."""
    z = torch.as_tensor(np.array(logits, np.float64))
    target = torch.as_tensor(np.array(y))
    log_t = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(z / log_t.exp(), target)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp().clamp(0.05, 20.0))


@dataclass(frozen=True)
class CalibrationResult:
    temperature: float
    before: Reliability  # on the evaluation half of the test set
    after: Reliability  # the same half, logits divided by the temperature
    test_confidence: np.ndarray  # (N,) max softmax on real test inputs
    far_confidence: dict[str, np.ndarray]  # far-input kind -> (M,) max softmax
    far_predictions: dict[str, np.ndarray]  # far-input kind -> (M,) predicted class
    far_examples: dict[str, np.ndarray]  # far-input kind -> (k, ...) a few inputs shown


def _resize(images: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Grey images (N, 1, h, w) resized to (N, C, H, W), values kept in [0, 1]."""
    c, h, w = shape
    zoom = (1, 1, h / images.shape[-2], w / images.shape[-1])
    out = np.clip(ndimage.zoom(images, zoom, order=1), 0, 1)[:, :, :h, :w]
    return np.repeat(out, c, axis=1).astype(np.float32)


def far_inputs(data: Data, n: int = 200, seed: int = 0) -> dict[str, np.ndarray]:
    """Inputs far from the training data, by kind of data.

    Images: uniform noise and images from the other image dataset (digits ↔ shapes).
    2D points and tables: points in random directions, 3–6× as far from the centre as
    any training example.
    """
    rng = np.random.default_rng(seed)
    shape = data.info.input_shape
    x = np.asarray(data.x_train, np.float32)
    if data.info.kind == "image":
        other = "shapes" if data.info.name != "shapes" else "digits"
        params = {"n_samples": 300, "noise": 0.1, "size": 16} if other == "shapes" else {}
        foreign = make_data(DatasetSpec(other, params)).x_test[:n]
        return {"uniform noise": rng.uniform(0, 1, (n, *shape)).astype(np.float32),
                f"{other} images": _resize(np.asarray(foreign), shape)}
    flat = x.reshape(len(x), -1)
    centre = flat.mean(0)
    extent = float(np.abs(flat - centre).max()) + 1e-6  # the data's reach from its centre
    direction = rng.normal(size=(n, flat.shape[1]))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    far = centre + direction * rng.uniform(3, 6, (n, 1)) * extent
    return {"points far from the data": far.reshape(n, *shape).astype(np.float32)}


def calibration_experiment(model: nn.Module, data: Data, seed: int = 0,
                           progress: Progress = no_progress) -> CalibrationResult:
    """Fit a temperature on one half of the test set, measure ECE on the other half, and
    record the confidence the model gives to far inputs."""
    progress(0.1, "Scoring the test set")
    x, y = np.asarray(data.x_test), np.asarray(data.y_test)
    order = np.random.default_rng(seed).permutation(len(y))
    fit_idx, eval_idx = order[: len(y) // 2], order[len(y) // 2:]
    logits = predict_logits(model, x)
    progress(0.4, "Fitting the temperature")
    t = fit_temperature(logits[fit_idx], y[fit_idx])
    before = reliability(softmax(logits[eval_idx]), y[eval_idx])
    after = reliability(softmax(logits[eval_idx] / t), y[eval_idx])
    progress(0.7, "Scoring far-away inputs")
    conf, preds, shown = {}, {}, {}
    for kind, xf in far_inputs(data, seed=seed).items():
        p = softmax(predict_logits(model, xf))
        conf[kind], preds[kind], shown[kind] = p.max(-1), p.argmax(-1), xf[:4]
    return CalibrationResult(t, before, after, softmax(logits).max(-1), conf, preds, shown)
