"""Compute: multiply-accumulates (MACs) per example for every layer of a spec, worked
out from the shape table (playground.classic.macs says how each kind is counted), and how
cost grows with width and depth, measured by training.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from playground.classic.live import LiveRows
from playground.classic.macs import layer_macs
from playground.classic.overfitting import check_scalable, scaled_layers
from playground.datasets import make_data
from playground.depth import block_style, hidden_layers, spec_activation
from playground.errors import SpecError
from playground.jobs import Progress
from playground.shapes import validate
from playground.spec import Spec
from playground.trainer import Trainer

COST_WIDTHS = (0.5, 1.0, 2.0, 4.0)
COST_DEPTHS = (0, 1, 2, 3, 4)
TIMED_STEPS = 40  # batches trained per model to measure samples per second


def spec_macs(spec: Spec) -> list[tuple[str, int]]:
    """(layer label, MACs per example) for every layer and the head."""
    return [("output head" if r.is_head else f"{r.index + 1} {r.kind}", layer_macs(r))
            for r in validate(spec).rows]


@dataclass(frozen=True)
class CostRow:
    """One member of the width or depth family: its size and measured speed."""

    axis: str  # "width" or "depth"
    value: float  # the width factor, or the hidden-layer count
    parameters: int
    macs: int  # per example, forward pass
    samples_per_second: float
    seconds_per_epoch: float
    device: str


def cost_plans(spec: Spec, widths: Sequence[float] = COST_WIDTHS,
               depths: Sequence[int] = COST_DEPTHS) -> list[tuple[str, float, Spec]]:
    """The family to time: the spec scaled in width, and 0..4 hidden blocks of the Depth
    page's kind, as wide as the spec's first dense or conv layer (sequence data: width
    only)."""
    plans: list[tuple[str, float, Spec]] = []
    if widths:
        check_scalable(spec)
        plans += [("width", f, spec.with_layers(scaled_layers(spec.layers, f)))
                  for f in sorted(widths)]
    if depths and not validate(spec).info.tokens:  # depth blocks are dense or conv only
        style = block_style(spec)
        info = validate(spec).info
        side = min(info.input_shape[1:]) if style == "conv" else 0
        width = next((layer.get("units", layer.get("channels")) for layer in spec.layers
                      if layer["type"] in ("linear", "conv2d")), 16)
        plans += [("depth", d, spec.with_layers(hidden_layers(
            style, d, width, spec_activation(spec), side))) for d in sorted(depths)]
    if not plans:
        raise SpecError("Pick at least one width or depth to time.")
    for axis, value, member in plans:
        try:
            validate(member)
        except SpecError as exc:
            raise SpecError(f"The {axis} {value:g} model: {exc}") from None
    return plans


def time_plans(progress: Progress, plans: list[tuple[str, float, Spec]],
               steps: int = TIMED_STEPS, sink: LiveRows[CostRow] | None = None
               ) -> list[CostRow]:
    """Train each plan for `steps` batches and measure its samples per second."""
    rows = []
    for i, (axis, value, spec) in enumerate(plans):
        progress(i / len(plans), f"Timing the {axis} {value:g} model")
        trainer = Trainer(spec, data=make_data(spec.dataset))
        trainer.step()  # the first step pays for allocation, not for the model
        trainer.train_seconds, trainer.samples_seen = 0.0, 0
        start = time.perf_counter()
        for _ in range(steps):
            trainer.step()
        elapsed = time.perf_counter() - start
        rate = trainer.samples_seen / elapsed if elapsed else 0.0
        row = CostRow(axis, value, trainer.parameters,
                      sum(m for _, m in spec_macs(spec)), rate,
                      len(trainer.x_train) / rate if rate else 0.0, trainer.device_label)
        rows.append(row)
        if sink is not None:
            sink.add(row)
    return rows
