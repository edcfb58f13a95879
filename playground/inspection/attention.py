"""Attention weights, captured with forward hooks on each attention layer's softmax.

Hooks are removed in `finally`, the model's train/eval mode is restored and results are
detached numpy arrays, so capturing leaves no trace on the model. `AttentionRecorder` keeps
snapshots of the maps on one fixed probe input while a model trains.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.inspection.forward import eval_mode
from playground.layers.attention import (
    AttentionSoftmax,
    MultiHeadSelfAttention,
    TransformerBlock,
)


@dataclass(frozen=True)
class AttentionSite:
    """One attention layer: its position in the network and how the page names it."""

    index: int  # 0-based top-level layer (the spec's layer index)
    label: str  # e.g. "layer 3 (transformer_block)"
    module: MultiHeadSelfAttention


@dataclass(frozen=True)
class AttentionMap:
    index: int
    label: str
    causal: bool
    weights: np.ndarray  # (N, heads, T_query, T_key); every row sums to 1


def attention_sites(model: nn.Module) -> list[AttentionSite]:
    """Every attention layer, by type (never by name), in forward order."""
    sites = []
    for index, child in enumerate(model.children()):
        kind = "transformer_block" if isinstance(child, TransformerBlock) else "self_attention"
        for module in child.modules():
            if isinstance(module, MultiHeadSelfAttention):
                sites.append(AttentionSite(index, f"layer {index + 1} ({kind})", module))
    return sites


@torch.no_grad()
def capture_attention(model: nn.Module, x: torch.Tensor | np.ndarray
                      ) -> tuple[np.ndarray, list[AttentionMap]]:
    """Run `x` (N, T) token ids through the model in eval mode.

    Returns:
        logits as a numpy array ((N, T, C) or (N, C)) and one AttentionMap per attention layer.
    """
    device = next(model.parameters()).device
    x = x if isinstance(x, torch.Tensor) else torch.tensor(np.asarray(x))
    x = x.to(device).long()
    if x.dim() == 1:
        x = x[None]
    sites = attention_sites(model)
    captured: dict[int, torch.Tensor] = {}
    handles = []
    try:
        for i, site in enumerate(sites):
            softmax = next(m for m in site.module.modules() if isinstance(m, AttentionSoftmax))
            handles.append(softmax.register_forward_hook(
                lambda mod, inp, out, i=i: captured.__setitem__(i, out.detach())))
        with eval_mode(model):
            logits = model(x)
    finally:
        for handle in handles:
            handle.remove()
    maps = [AttentionMap(s.index, s.label, s.module.causal, captured[i].cpu().numpy())
            for i, s in enumerate(sites)]
    return logits.detach().cpu().numpy(), maps


def mirror_weight(weights: np.ndarray) -> float:
    """Mean attention from each query t to its mirrored key T−1−t: what `reverse` needs."""
    t = weights.shape[-1]
    rows = np.arange(t)
    return float(weights[..., rows, t - 1 - rows].mean())


def focus(weights: np.ndarray) -> float:
    """Mean of each query's largest weight: 1 when every query looks at one key only,
    1/T when attention is spread evenly."""
    return float(weights.max(-1).mean())


@dataclass(frozen=True)
class AttentionSnapshot:
    step: int
    maps: tuple[AttentionMap, ...]  # weights of the probe: (1, heads, T, T) each


class AttentionRecorder:
    """Records the attention maps of a fixed probe input every `every` steps while training.

    Use it as a Runner's `on_step`: it is called under the runner's lock after each step.
    Past `max_snapshots` it drops every other snapshot and doubles its interval, so a long
    run keeps an even sample of its whole history in bounded memory.
    """

    def __init__(self, model: nn.Module, probe: torch.Tensor, every: int = 10,
                 max_snapshots: int = 60) -> None:
        self.probe = probe.detach().reshape(1, -1).cpu()
        self.every = max(1, every)
        self.max_snapshots = max_snapshots
        self._lock = threading.Lock()
        self._snapshots: list[AttentionSnapshot] = []
        self.record(model, 0)

    @classmethod
    def for_trainer(cls, trainer, target_snapshots: int = 40) -> AttentionRecorder | None:
        """A recorder probing the first test example, or None when the model has no
        attention layer. The interval spreads about `target_snapshots` over the budget."""
        if not attention_sites(trainer.model):
            return None
        total = trainer.steps_per_epoch * trainer.spec.train.epochs
        return cls(trainer.model, trainer.x_test[0], every=total // target_snapshots)

    def __call__(self, trainer) -> None:
        if trainer.step_count % self.every == 0 or trainer.done:  # keep the final weights
            self.record(trainer.model, trainer.step_count)

    def record(self, model: nn.Module, step: int) -> None:
        _, maps = capture_attention(model, self.probe)
        with self._lock:
            self._snapshots.append(AttentionSnapshot(step, tuple(maps)))
            if len(self._snapshots) > self.max_snapshots:
                # Keep step 0 and every other later snapshot; record half as often from now.
                self._snapshots = self._snapshots[::2]
                self.every *= 2

    def snapshots(self) -> list[AttentionSnapshot]:
        with self._lock:
            return list(self._snapshots)
