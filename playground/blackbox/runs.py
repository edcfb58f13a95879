"""One entry point per experiment, shaped for a background job: `run(progress, source,
params)` trains what it needs through the Trainer and returns the experiment's dataclass.

A `Source` is the model to examine: the user's (a copy of their trained weights) or a preset
that the job trains first. Pages build the Source on the script thread and hand it over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from torch import nn

from playground.blackbox.attention_vs_ig import AttentionVsIG, attention_vs_ig
from playground.blackbox.bias import BiasResult, bias_experiment
from playground.blackbox.calibration import CalibrationResult, calibration_experiment
from playground.blackbox.common import (
    Progress,
    accuracy,
    preset_spec,
    require_classify,
    require_image,
    train_model,
)
from playground.blackbox.interpretable import InterpretableResult, compare_interpretable
from playground.blackbox.robustness import (
    AttackResult,
    ShiftResult,
    attack_experiment,
    shift_experiment,
)
from playground.blackbox.sanity import (
    SanityResult,
    cascading_models,
    permuted_labels,
    sanity_check,
)
from playground.blackbox.shortcut import ShortcutResult, shortcut_experiment
from playground.builder import count_parameters
from playground.datasets import Data, make_data
from playground.spec import Spec

ADVERSARIAL_EXAMPLES = 300  # test inputs attacked; enough for a stable accuracy


@dataclass(frozen=True)
class Source:
    """The model an experiment examines and the spec and split it belongs to."""

    spec: Spec
    data: Data
    model: nn.Module | None  # None: train `spec` first (a preset)
    label: str  # how the page names it, e.g. "your model" or "preset shapes_cnn"


def spec_source(spec: Spec, label: str) -> Source:
    """A network the job trains first (a preset, or a variant built for one experiment)."""
    return Source(spec, make_data(spec.dataset), None, label)


def preset_source(name: str) -> Source:
    return spec_source(preset_spec(name), f"the {name} preset")


def train_source(progress: Progress, source: Source, epochs: int) -> Source:
    """The source with a model: the preset trained for `epochs` (or the user's as it is)."""
    if source.model is not None:
        return source
    model = train_model(source.spec, source.data, epochs, progress, (0.0, 1.0),
                        f"Training {source.label}")
    return Source(source.spec, source.data, model, source.label)


def _model(progress: Progress, source: Source, epochs: int,
           span: tuple[float, float] = (0.0, 0.5)) -> nn.Module:
    if source.model is not None:
        return source.model
    return train_model(source.spec, source.data, epochs, progress, span,
                       f"Training {source.label}")


def _bounds(data: Data) -> tuple[float, float] | None:
    """Pixel range for images (attacks stay valid images); unbounded otherwise."""
    return (0.0, 1.0) if data.info.kind == "image" else None


def run_interpretable(progress: Progress, source: Source,
                      params: dict[str, Any]) -> InterpretableResult:
    require_classify(source.data, "Accuracy against transparency")
    model = _model(progress, source, params["epochs"], (0.0, 0.8))
    d = source.data
    progress(0.85, "Fitting logistic regression and a decision tree")
    return compare_interpretable(d, accuracy(model, d.x_train, d.y_train),
                                 accuracy(model, d.x_test, d.y_test), count_parameters(model),
                                 params["crosses"])


def run_sanity(progress: Progress, source: Source, params: dict[str, Any],
               methods: tuple[str, ...]) -> SanityResult:
    require_classify(source.data, "The sanity check")
    model = _model(progress, source, params["epochs"], (0.0, 0.3))
    names = [layer["type"] for layer in source.spec.layers] + ["head"]
    seed = source.spec.train.seed
    stages = cascading_models(model, names, seed)[1:]
    permuted = train_model(source.spec, permuted_labels(source.data), params["epochs"],
                           progress, (0.3, 0.6), "Retraining on shuffled labels")
    stages.append(("labels permuted (retrained)", permuted))
    x = np.asarray(source.data.x_test[:params["examples"]])
    return sanity_check(model, x, methods, stages, params["threshold"],
                        progress=lambda f, t: progress(0.6 + 0.4 * f, t), seed=seed)


def run_shortcut(progress: Progress, source: Source, params: dict[str, Any],
                 method: str) -> ShortcutResult:
    return shortcut_experiment(source.spec, source.data, params["cue_class"],
                               params["strength"], params["epochs"], method, progress=progress)


def run_attack(progress: Progress, source: Source, params: dict[str, Any]) -> AttackResult:
    require_classify(source.data, "The adversarial attack")
    model = _model(progress, source, params["epochs"])
    d = source.data
    n = ADVERSARIAL_EXAMPLES
    return attack_experiment(model, np.asarray(d.x_test[:n]), np.asarray(d.y_test[:n]),
                             params["attack"], params["eps"], _bounds(d),
                             progress=lambda f, t: progress(0.5 + 0.5 * f, t))


def run_shift(progress: Progress, source: Source, params: dict[str, Any]) -> ShiftResult:
    require_image(source.data, "Distribution shift")
    model = _model(progress, source, params["epochs"])
    d = source.data
    return shift_experiment(model, np.asarray(d.x_test), np.asarray(d.y_test),
                            progress=lambda f, t: progress(0.5 + 0.5 * f, t))


def run_calibration(progress: Progress, source: Source,
                    params: dict[str, Any]) -> CalibrationResult:
    require_classify(source.data, "Calibration")
    model = _model(progress, source, params["epochs"], (0.0, 0.7))
    return calibration_experiment(model, source.data,
                                  progress=lambda f, t: progress(0.7 + 0.3 * f, t))


def run_bias(progress: Progress, source: Source, params: dict[str, Any]) -> BiasResult:
    return bias_experiment(source.spec, source.data, params["cls"], params["keep"],
                           params["epochs"], progress=progress)


def run_attention(progress: Progress, source: Source, params: dict[str, Any]) -> AttentionVsIG:
    model = _model(progress, source, params["epochs"], (0.0, 0.6))
    return attention_vs_ig(model, source.data, params["examples"],
                           progress=lambda f, t: progress(0.6 + 0.4 * f, t))


def user_source(spec: Spec, model: nn.Module) -> Source:
    """The user's model (already a private copy, e.g. `Runner.model_copy()`)."""
    return Source(spec, make_data(spec.dataset), model.cpu().eval(), "your model")
