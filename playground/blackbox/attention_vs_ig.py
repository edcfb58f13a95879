"""Attention is not explanation (Jain & Wallace, 2019): an attention row says where a
position *looked*, not which inputs the prediction *depends on*. Integrated gradients
measures the dependence; this compares the two for the same predictions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.blackbox.common import Progress, no_progress, preset_spec
from playground.datasets import Data
from playground.errors import SpecError
from playground.spec import Spec

__all__ = ["AttentionVsIG", "attention_vs_ig", "deep_sequence_spec", "preset_spec"]

SEQUENCE_PRESET = "reverse_attention"


def deep_sequence_spec() -> Spec:
    """The reverse preset with its attention layer swapped for two transformer blocks (with
    residual paths): just as accurate, but attention and dependence part ways."""
    base = preset_spec(SEQUENCE_PRESET)
    block = {"type": "transformer_block", "heads": 1}
    return base.with_layers([*base.layers[:2], {"type": "linear", "units": 32}, block, block])


@dataclass(frozen=True)
class AttentionVsIG:
    layer_labels: tuple[str, ...]  # one per attention layer
    tokens: tuple[str, ...]  # the shown example's input tokens
    predicted: tuple[str, ...]  # the model's output at every position of that example
    attention: np.ndarray  # (L, T, T) head-averaged attention of the example, per layer
    ig: np.ndarray  # (T, T) |IG| of the example: row = explained position, col = input token
    agreement: np.ndarray  # (L, T) mean rank correlation per layer and explained position
    top_agreement: np.ndarray  # (L, T) share of examples whose most-attended token is the
    # most-attributed one
    accuracy: float  # the model's per-token accuracy on the examples used


def attention_vs_ig(model: nn.Module, data: Data, n_examples: int = 8, n_steps: int = 32,
                    progress: Progress = no_progress) -> AttentionVsIG:
    """Explain every position of `n_examples` test sequences with integrated gradients and
    rank-correlate each with that position's attention row in every attention layer."""
    from playground.attribution import attribute, rank_correlation
    from playground.inspection.attention import capture_attention

    if data.info.kind != "sequence":
        raise SpecError("Attention versus IG needs a sequence model with an attention layer; "
                        f"{data.info.name} is {data.info.kind} data. Use the preset instead.")
    x = torch.as_tensor(np.array(data.x_test[:n_examples]))
    logits, maps = capture_attention(model, x)
    if not maps:
        raise SpecError("This model has no attention layer, so there are no attention weights "
                        "to compare. Add a self_attention or transformer_block layer, or use "
                        "the preset.")
    y = np.asarray(data.y_test[:n_examples])
    pred = logits.argmax(-1)  # (N, T) per token, or (N,) per sequence
    per_token = pred.ndim == 2
    t = x.shape[1]
    positions = range(t) if per_token else [None]
    attn = np.stack([m.weights.mean(1) for m in maps])  # (L, N, T, T)
    ig_rows, agree = [], np.zeros((len(maps), len(positions)))
    top = np.zeros_like(agree)
    for j, pos in enumerate(positions):
        progress(j / len(positions), f"Integrated gradients for position {j + 1}")
        target = torch.as_tensor(pred[:, pos] if per_token else pred)
        a = np.abs(attribute(model, x, target, "integrated_gradients", {"n_steps": n_steps},
                             position=pos).numpy())  # (N, T)
        ig_rows.append(a[0])
        for layer in range(len(maps)):
            rows = attn[layer, :, pos] if per_token else attn[layer].mean(1)  # (N, T)
            agree[layer, j] = np.nanmean([rank_correlation(a[i], rows[i])
                                          for i in range(len(x))])
            top[layer, j] = float((a.argmax(1) == rows.argmax(1)).mean())
    vocab = data.info.vocab or tuple(str(i) for i in range(int(x.max()) + 1))
    names = data.info.class_names
    shown = pred[0] if per_token else pred[:1]
    progress(1.0, "Compared")
    return AttentionVsIG(
        tuple(m.label for m in maps), tuple(vocab[int(i)] for i in x[0]),
        tuple(names[int(i)] for i in np.atleast_1d(shown)),
        attn[:, 0] if per_token else attn[:, 0].mean(1, keepdims=True),
        np.stack(ig_rows), np.nan_to_num(agree), top, float((pred == y).mean()))
