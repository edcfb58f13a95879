"""The one way inspection runs a model forward: eval mode set and restored, no autograd,
inputs moved to the model's device in batches, results detached on the CPU.

Every predict function goes through here, so none can leave a model in eval mode during
training, record a graph by accident, or trip over the read-only arrays of the shared
dataset cache.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

BATCH = 1024


def model_device(model: nn.Module) -> torch.device:
    """Where the model's weights are (the CPU for a model without any)."""
    try:
        return next(model.parameters()).device
    except StopIteration:
        return torch.device("cpu")


@contextmanager
def eval_mode(model: nn.Module) -> Iterator[nn.Module]:
    """Eval mode (dropout off, batchnorm on running statistics) for the block; every
    submodule's own mode is restored after, even when the block raises."""
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        yield model
    finally:
        for module, training in modes:
            module.training = training


def as_tensor(x: np.ndarray | torch.Tensor) -> torch.Tensor:
    """A tensor view of `x`; read-only arrays (the shared dataset cache) are copied."""
    if isinstance(x, np.ndarray) and not x.flags.writeable:
        x = x.copy()
    return torch.as_tensor(x)


@torch.no_grad()
def forward(model: nn.Module, x: np.ndarray | torch.Tensor,
            batch_size: int = BATCH) -> torch.Tensor:
    """The model's outputs for every example of `x`, in eval mode, as a CPU float tensor
    (N, ...); an empty input gives an empty (0,) tensor."""
    device = model_device(model)
    xt = as_tensor(x)
    with eval_mode(model):
        out = [model(xt[lo:lo + batch_size].to(device)).float().cpu()
               for lo in range(0, len(xt), batch_size)]
    return torch.cat(out) if out else torch.zeros(0)
