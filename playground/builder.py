"""Spec → torch module. Layers are named by position ("0", "1", …) like a hand-written
nn.Sequential, so state dicts, hooks and the code export all agree."""

from __future__ import annotations

from torch import nn

from playground.layers import LAYERS
from playground.rng import RandomStream
from playground.shapes import ShapeReport, validate
from playground.spec import Spec


def build_model(spec: Spec, report: ShapeReport | None = None) -> nn.Sequential:
    """Build the network (output head included) with weights seeded by `spec.train.seed`."""
    report = report or validate(spec)
    with RandomStream(spec.train.seed).active():  # same draws as torch.manual_seed(seed)
        modules = [LAYERS[row.kind].build(row.input_shape, row.params) for row in report.rows]
    return nn.Sequential(*modules)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
