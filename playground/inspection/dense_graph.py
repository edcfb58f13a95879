"""A small dense network read as neurons and edges, TensorFlow Playground style.

`dense_graph` recognises the networks that can be drawn that way (input features, Linear
layers with elementwise activations between them) and names every node; the other
functions read and write the weights of the drawn edges and run one example through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from playground.inspection.forward import as_tensor, eval_mode, model_device
from playground.layers.features import InputFeatures, feature_labels

MAX_NODES = 16  # per column: more would not read as separate neurons
MAX_COLUMNS = 8
# Modules that act elementwise (or not at all, on a vector), so a column's units stay units.
_PASS = (nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Sigmoid, nn.GELU, nn.Dropout, nn.Flatten,
         nn.Identity)


@dataclass(frozen=True)
class DenseGraph:
    """Columns of nodes and the Linear layer behind each gap between two columns.

    labels: per column, "input" (or "features"), "layer 1", …, "output".
    nodes: per column, the node names ("x", "x²", "unit 3", a class name).
    linears: per gap g (between columns g and g + 1), the index of its nn.Linear in the
        model's Sequential.
    taps: per column, the Sequential index whose output is the column's values (the last
        elementwise module after the column's Linear); -1 for the raw input.
    """

    labels: tuple[str, ...]
    nodes: tuple[tuple[str, ...], ...]
    linears: tuple[int, ...]
    taps: tuple[int, ...]

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(n) for n in self.nodes)

    def edge_label(self, gap: int, out: int, inp: int | None) -> str:
        """"layer 2, unit 3 ← unit 1" for a weight, "layer 2, unit 3" for a bias (inp None)."""
        target = f"{self.labels[gap + 1]}, {self.nodes[gap + 1][out]}"
        return target if inp is None else f"{target} ← {self.nodes[gap][inp]}"


def dense_graph(model: nn.Module, input_names: Sequence[str],
                output_names: Sequence[str] | None = None) -> DenseGraph | None:
    """The neuron graph of `model`, or None when it is not a small dense network.

    Args:
        model: an nn.Sequential as `build_model` makes it (head included).
        input_names: names of the raw input features ("x", "y").
        output_names: names of the head's units (class names); "output 1", … if missing.
    Returns:
        None for anything but Linear layers, elementwise activations, dropout, flatten and
        an input-features first layer, or more than 16 nodes a column or 8 columns.
    """
    if not isinstance(model, nn.Sequential) or len(model) == 0:
        return None
    children = list(model.children())
    names, label, taps, start = tuple(input_names), "input", [-1], 0
    if isinstance(children[0], InputFeatures):
        names, label, taps, start = feature_labels(children[0].names), "features", [0], 1
    nodes, labels, linears, width = [names], [label], [], len(names)
    for i, child in enumerate(children[start:], start):
        if isinstance(child, nn.Linear):
            if child.in_features != width:
                return None
            width = child.out_features
            linears.append(i)
            taps.append(i)
            nodes.append(tuple(f"unit {u + 1}" for u in range(width)))
            labels.append(f"layer {len(linears)}")
        elif isinstance(child, _PASS):
            taps[-1] = i
        else:
            return None
    if not linears or len(nodes) > MAX_COLUMNS or max(len(n) for n in nodes) > MAX_NODES:
        return None
    outputs = tuple(output_names or ())
    nodes[-1] = outputs if len(outputs) == width else tuple(
        f"output {u + 1}" for u in range(width))
    labels[-1] = "output"
    return DenseGraph(tuple(labels), tuple(nodes), tuple(linears), tuple(taps))


def graph_weights(model: nn.Module, graph: DenseGraph
                  ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per gap, the weight W (out, in) and bias b (out,) as float arrays on the CPU."""
    weights, biases = [], []
    for index in graph.linears:
        layer = model[index]
        weights.append(layer.weight.detach().float().cpu().numpy().copy())
        bias = layer.bias
        biases.append(np.zeros(layer.out_features, np.float32) if bias is None
                      else bias.detach().float().cpu().numpy().copy())
    return weights, biases


def graph_gradients(model: nn.Module, graph: DenseGraph
                    ) -> tuple[list[np.ndarray], list[np.ndarray]] | None:
    """Per gap, ∂loss/∂W and ∂loss/∂b from the last backward pass, like `graph_weights`;
    None before any step (read it between steps: the next one clears them)."""
    weights, biases = [], []
    for index in graph.linears:
        layer = model[index]
        if layer.weight.grad is None:
            return None
        weights.append(layer.weight.grad.detach().float().cpu().numpy().copy())
        grad = None if layer.bias is None else layer.bias.grad
        biases.append(np.zeros(layer.out_features, np.float32) if grad is None
                      else grad.detach().float().cpu().numpy().copy())
    return weights, biases


@torch.no_grad()
def node_values(model: nn.Module, graph: DenseGraph, x: np.ndarray) -> list[np.ndarray]:
    """Per column, the values of one example `x` (the raw input's shape): the input column
    is its features, then each column's post-activation output; eval mode, no trace."""
    xt = as_tensor(np.asarray(x, np.float32)[None]).to(model_device(model))
    outputs: dict[int, np.ndarray] = {-1: xt[0].float().cpu().numpy()}
    with eval_mode(model):
        for i, child in enumerate(model.children()):
            xt = child(xt)
            if i in graph.taps:
                outputs[i] = xt[0].float().cpu().numpy()
    return [outputs[t] for t in graph.taps]


@torch.no_grad()
def set_weight(model: nn.Module, graph: DenseGraph, gap: int, out: int, inp: int | None,
               value: float) -> None:
    """Set one drawn edge's weight (or, with `inp` None, the bias of node `out`) in place.

    Raises IndexError naming the edge when it is not in the graph.
    """
    if not 0 <= gap < len(graph.linears):
        raise IndexError(f"gap {gap} is not in this network (it has {len(graph.linears)})")
    layer = model[graph.linears[gap]]
    if not 0 <= out < layer.out_features or inp is not None and not 0 <= inp < layer.in_features:
        raise IndexError(f"no edge {out} ← {inp} in {graph.labels[gap + 1]}")
    if inp is None:
        layer.bias[out] = float(value)
    else:
        layer.weight[out, inp] = float(value)


def parameter_of(graph: DenseGraph, gap: int, out: int, inp: int | None
                 ) -> tuple[str, tuple[int, ...]]:
    """The state-dict name and index of an edge or bias, as `Runner.set_parameter` takes it."""
    index = graph.linears[gap]
    return (f"{index}.bias", (out,)) if inp is None else (f"{index}.weight", (out, inp))
