"""Shape inference through a spec's layer list, the automatic output head, and the
messages that name the failing layer and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from playground.datasets import DatasetInfo, dataset_info
from playground.errors import SpecError
from playground.layers import LAYERS, Fix, ShapeContext, ShapeError, describe_shape
from playground.layers.base import numel
from playground.limits import current_limits
from playground.spec import Spec


@dataclass(frozen=True)
class LayerRow:
    """One row of the shape table. `index` is 0-based; the head has index len(layers)."""

    index: int
    kind: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    parameters: int
    is_head: bool = False
    params: dict[str, Any] | None = None


@dataclass(frozen=True)
class ShapeReport:
    """The table up to the first problem; `error` is None when the whole stack is valid."""

    info: DatasetInfo
    rows: tuple[LayerRow, ...]
    error: SpecError | None = None
    error_index: int | None = None  # 0-based layer that failed; len(layers) means the head
    fix: Fix | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def total_parameters(self) -> int:
        return sum(r.parameters for r in self.rows)

    @property
    def conv_map_layers(self) -> list[int]:
        """Layers whose output is image maps from a convolution kind (what Grad-CAM reads)."""
        return [r.index for r in self.rows if not r.is_head and len(r.output_shape) == 3
                and LAYERS[r.kind].category == "convolution"]

    @property
    def embedding_layer(self) -> int | None:
        """The layer that embeds token ids, if any."""
        return next((r.index for r in self.rows if r.kind == "embedding"), None)


def head_params(info: DatasetInfo, shape: tuple[int, ...]) -> dict[str, Any]:
    """The output head the dataset needs: a linear layer with one unit per class, or one
    unit (the predicted number) for regression."""
    return {"type": "linear", "units": info.outputs}


def _head_error(info: DatasetInfo, shape: tuple[int, ...], tokens: bool) -> ShapeError | None:
    if tokens:
        return ShapeError("receives token ids — add an embedding layer to the network.")
    if info.task == "tokens":
        if len(shape) != 2 or shape[0] != info.input_shape[0]:
            return ShapeError(
                f"receives {describe_shape(shape)}, but this dataset needs one prediction per "
                f"position ({info.input_shape[0]} positions) — use a per-token readout, or "
                "remove the layer that reduced the sequence."
            )
        return None
    if len(shape) == 3:
        return ShapeError(f"receives {describe_shape(shape)} — add a flatten layer at the "
                          "end of the network.", Fix("Add flatten at the end",
                                                     {"type": "flatten"}))
    if len(shape) == 2:
        return ShapeError(f"receives {describe_shape(shape)}, but this dataset needs one "
                          "prediction per sequence — add a readout layer (mean or last token).")
    return None


def analyze(spec: Spec) -> ShapeReport:
    """Infer every layer's output shape and parameter count, stopping at the first error."""
    info = dataset_info(spec.dataset)
    ctx = ShapeContext(tokens=info.tokens, vocab_size=len(info.vocab) or None)
    shape = info.input_shape
    rows: list[LayerRow] = []
    limits = current_limits()
    cap = limits.max_parameters
    layers = list(spec.layers)
    kept = widest = numel(info.input_shape)  # floats per example: all kept, and the widest
    for i, layer in enumerate([*layers, None]):
        is_head = layer is None
        if is_head:
            problem = _head_error(info, shape, ctx.tokens)
            if problem is not None:
                return _fail(info, rows, i, "output head", problem)
            layer = head_params(info, shape)
        kind = LAYERS[layer["type"]]
        p = {k: v for k, v in layer.items() if k != "type"}
        p |= {name: getattr(ctx, name) for name in kind.context}
        label = "output head" if is_head else kind.name
        try:
            if ctx.tokens and not kind.accepts_tokens:
                raise ShapeError(f"receives {describe_shape(shape, tokens=True)} — add an "
                                 "embedding layer before it.",
                                 Fix("Insert embedding before this layer",
                                     {"type": "embedding"}) if "embedding" in LAYERS else None)
            out = tuple(kind.shape(shape, p, ctx))
        except ShapeError as exc:
            return _fail(info, rows, i, label, exc)
        ctx.tokens = False
        count = kind.count(shape, p)
        rows.append(LayerRow(i, kind.name, shape, out, count, is_head, p))
        total = sum(r.parameters for r in rows)
        if total > cap:
            return _fail(info, rows, i, label, ShapeError(
                f"brings the model to {total:,} parameters, more than this server allows "
                f"({cap:,}) — use fewer units or channels, or add pooling before it."))
        kept, widest = kept + numel(out), max(widest, numel(out))
        step, evaluation = activation_mb(kept, widest, spec.train.batch_size)
        if max(step, evaluation) > limits.max_activation_mb:
            what, fix = (("a training step", ", or lower the batch size") if step >= evaluation
                         else ("evaluating 1,024 examples at a time", ""))
            return _fail(info, rows, i, label, ShapeError(
                f"brings {what} to about {max(step, evaluation):,.0f} MB of activations, more "
                f"than this server allows ({limits.max_activation_mb:,} MB) — use fewer "
                f"channels or units, or add pooling or a stride before it{fix}."))
        shape = out
    return ShapeReport(info, tuple(rows))


def activation_mb(kept: int, widest: int, batch_size: int) -> tuple[float, float]:
    """Estimated memory (MB) of a training step and of an evaluation chunk, from the floats
    per example: a step keeps every layer's output for the backward pass and as much again
    for its gradients; evaluation holds the widest layer's input and output for 1,024
    examples at a time."""
    return 8 * kept * batch_size / 2**20, 8 * widest * 1024 / 2**20


def _fail(info, rows, index, label, exc: ShapeError) -> ShapeReport:
    where = "the output head" if label == "output head" else f"layer {index + 1} ({label})"
    return ShapeReport(info, tuple(rows), SpecError(f"{where} {exc}"), index,
                       getattr(exc, "fix", None))


def validate(spec: Spec) -> ShapeReport:
    """Like analyze, but an invalid stack raises its SpecError."""
    report = analyze(spec)
    if report.error is not None:
        raise report.error
    return report
