"""What every layer computes: one forward pass with a hook on each child of the Sequential.

Inspection leaves no trace: hooks are removed in `finally`, every module's train/eval mode
is restored, nothing is recorded for autograd, and the outputs come back detached on CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.inspection.forward import BATCH, as_tensor, eval_mode, forward, model_device
from playground.inspection.plane import PlaneGrid


@dataclass(frozen=True)
class LayerActivation:
    """One layer's output for a batch of inputs."""

    index: int  # position in the Sequential (the head is the last)
    kind: str  # registry kind ("conv2d", "relu", …) when known, else the module's class
    output: np.ndarray  # (B, *output_shape), float32 on CPU


def first_tensor(out: object) -> torch.Tensor:
    """Recurrent and attention modules return tuples; the first item is the output."""
    while isinstance(out, tuple | list):
        out = out[0]
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"a layer returned {type(out).__name__}, not a tensor")
    return out


@torch.no_grad()
def capture_activations(model: nn.Sequential, x: np.ndarray | torch.Tensor,
                        kinds: Sequence[str] | None = None) -> list[LayerActivation]:
    """Every child's output for the inputs `x` (B, *input_shape), in eval mode.

    Args:
        model: the network; each direct child is one layer.
        x: a batch of inputs; large batches are split and the outputs concatenated.
        kinds: the registry kind of each child (e.g. from the ShapeReport rows); the class
            name is used where missing, never guessed from a module's name.
    Returns:
        One LayerActivation per child, in order.
    """
    children = list(model.children())
    names = [kinds[i] if kinds is not None and i < len(kinds) else type(c).__name__.lower()
             for i, c in enumerate(children)]
    xt = as_tensor(x).to(model_device(model))
    collected: list[list[torch.Tensor]] = [[] for _ in children]
    handles = []
    try:
        for i, child in enumerate(children):
            def hook(_module, _inputs, output, i=i):
                collected[i].append(first_tensor(output).detach().float().cpu())
            handles.append(child.register_forward_hook(hook))
        with eval_mode(model):
            for lo in range(0, max(len(xt), 1), BATCH):
                model(xt[lo:lo + BATCH])
    finally:
        for handle in handles:
            handle.remove()
    return [LayerActivation(i, names[i], torch.cat(parts).numpy() if parts else
                            np.zeros((0,), np.float32))
            for i, parts in enumerate(collected)]


def capture_plane(model: nn.Sequential, grid: PlaneGrid,
                  kinds: Sequence[str] | None = None) -> list[LayerActivation]:
    """Every layer's output over a 2D plane, evaluated as one batch.

    Returns LayerActivations whose `output` is (R, R, units): row i is y = grid.ys[i],
    column j is x = grid.xs[j], like `predict_plane`.
    """
    r = grid.resolution
    acts = capture_activations(model, grid.points, kinds)
    return [LayerActivation(a.index, a.kind, a.output.reshape(r, r, -1)) for a in acts]


def predict_classes(model: nn.Module, x: np.ndarray) -> np.ndarray:
    """Predicted class ids for `x` (N, *input_shape); sequence outputs (N, T, C) give one
    prediction per position, (N, T)."""
    logits = forward(model, x)
    return logits.argmax(-1).numpy() if len(logits) else np.zeros((0,), np.int64)


def probabilities(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, numerically stable."""
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)
