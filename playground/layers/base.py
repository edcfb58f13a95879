"""The layer registry's entry type and the shape vocabulary shared by its entries."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from torch import nn

from playground.errors import SpecError
from playground.layers.categories import CATEGORIES
from playground.params import Param

Shape = tuple[int, ...]  # one example's shape, without the batch dimension


@dataclass
class ShapeContext:
    """What a shape rule may need beyond the shape: whether it is still token ids."""

    tokens: bool = False
    vocab_size: int | None = None


@dataclass(frozen=True)
class Fix:
    """A one-click repair a UI can offer: insert `layer` before the failing layer."""

    label: str
    insert_before: dict[str, Any]


class ShapeError(SpecError):
    """A shape mismatch; `fix` is the suggested repair when there is an obvious one."""

    def __init__(self, message: str, fix: Fix | None = None) -> None:
        super().__init__(message)
        self.fix = fix


@dataclass(frozen=True)
class LayerKind:
    """Everything about one kind of layer, declared once.

    `shape` maps an input shape to an output shape (raising ShapeError with a message that
    starts after "layer N (kind)"), `build` makes the torch module and `count` returns the
    parameter count without allocating, so an oversized layer is refused before it exists.
    `source` writes the same layer as a plain-PyTorch constructor expression for the code
    export; `definitions` are the playground classes and functions that expression needs,
    dependencies first, whose source the exported file inlines (they may use only math and
    torch). A kind whose `build` makes a stock torch.nn module needs neither: its repr is
    its constructor.
    """

    name: str
    category: str
    description: str
    params: tuple[Param, ...]
    shape: Callable[[Shape, dict[str, Any], ShapeContext], Shape]
    build: Callable[[Shape, dict[str, Any]], nn.Module]
    count: Callable[[Shape, dict[str, Any]], int] = field(default=lambda shape, p: 0)
    accepts_tokens: bool = False
    # ShapeContext fields that build and count need too (embedding: vocab_size); shape
    # inference copies them into the row's params, so build and count keep (shape, p).
    context: tuple[str, ...] = ()
    # Layer health (inspection/health.py): "dead" for ReLU-like kinds, whose units can stop
    # at zero for every input; "saturating" for squashing kinds, whose outputs outside
    # `linear_range` (low, high) sit on a flat end where the gradient nearly vanishes.
    health: str | None = None
    linear_range: tuple[float, float] | None = None
    # Gated recurrent kinds: gate names in the order of torch's weight blocks.
    gates: tuple[str, ...] = ()
    source: Callable[[Shape, dict[str, Any]], str] | None = None
    definitions: tuple[Callable[..., Any], ...] = ()

    def defaults(self) -> dict[str, Any]:
        return {"type": self.name, **{p.name: p.default for p in self.params}}

    def code(self, shape: Shape, p: dict[str, Any], module: nn.Module) -> str:
        """The plain-PyTorch expression that rebuilds `module`, which `build(shape, p)` made."""
        return self.source(shape, p) if self.source else torch_call(module)


def torch_call(module: nn.Module) -> str:
    """The constructor call that rebuilds a stock torch.nn module, checked by running it.

    torch.nn modules print their constructor arguments; the round trip is verified, so a
    module that prints something else (a custom layer without `source`) is refused rather
    than mis-exported.
    """
    cls = type(module)
    code = f"nn.{cls.__name__}({module.extra_repr()})"
    if getattr(nn, cls.__name__, None) is cls:
        try:
            rebuilt = eval(code, {"nn": nn})  # noqa: S307 - our own repr
        except Exception:  # noqa: BLE001 - any failure means "not exportable"
            rebuilt = None
        if type(rebuilt) is cls and repr(rebuilt) == repr(module) and {
            k: v.shape for k, v in rebuilt.state_dict().items()
        } == {k: v.shape for k, v in module.state_dict().items()}:
            return code
    raise ValueError(f"{cls.__name__} has no plain-PyTorch constructor call")


LAYERS: dict[str, LayerKind] = {}


def register(kind: LayerKind) -> LayerKind:
    if kind.name in LAYERS:
        raise ValueError(f"layer kind {kind.name!r} registered twice")
    if kind.category not in CATEGORIES:
        raise ValueError(f"layer kind {kind.name!r}: unknown category {kind.category!r}")
    LAYERS[kind.name] = kind
    return kind


def describe_shape(shape: Shape, tokens: bool = False) -> str:
    """How a learner would say what a layer receives."""
    if tokens:
        return f"a sequence of {shape[0]} token ids"
    dims = "×".join(str(d) for d in shape)
    if len(shape) == 1:
        return f"a vector of {shape[0]} features"
    if len(shape) == 2:
        return f"a sequence of {shape[0]} positions × {shape[1]} features"
    if len(shape) == 3:
        return f"{dims} feature maps"
    return f"a tensor of shape {dims}"


def format_shape(shape: Shape) -> str:
    return "×".join(str(d) for d in shape)


def numel(shape: Shape) -> int:
    return math.prod(shape)


FLATTEN_FIX = Fix("Insert flatten before this layer", {"type": "flatten"})
