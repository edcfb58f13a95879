"""Spec → torch module. Layers are named by position ("0", "1", …) like a hand-written
nn.Sequential, so state dicts, hooks and the code export all agree."""

from __future__ import annotations

import threading

import torch
from torch import nn

from playground.layers import LAYERS
from playground.shapes import ShapeReport, validate
from playground.spec import Spec

# Weight initialisation draws from torch's global generator; sessions building at the same
# time would interleave their draws and lose reproducibility without this lock.
_INIT_LOCK = threading.Lock()


def build_model(spec: Spec, report: ShapeReport | None = None) -> nn.Sequential:
    """Build the network (output head included) with weights seeded by `spec.train.seed`."""
    report = report or validate(spec)
    with _INIT_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec.train.seed)
        modules = [LAYERS[row.kind].build(row.input_shape, row.params) for row in report.rows]
    return nn.Sequential(*modules)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
