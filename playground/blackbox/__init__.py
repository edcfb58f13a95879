"""The black-box problem as experiments: each one trains or probes a model and returns small
dataclasses of numbers and arrays that show why an explanation needs checking.

`EXPERIMENTS` (in `experiments`) declares each experiment once: its words, parameters,
models and runs; pages build their controls and dispatch from the entries.
"""

from playground.blackbox.experiments import (
    EXPERIMENTS,
    Experiment,
    ExperimentRun,
    ModelChoice,
    preset_choice,
)

__all__ = ["EXPERIMENTS", "Experiment", "ExperimentRun", "ModelChoice", "preset_choice"]
