"""Tables as pandas DataFrames: the shape table and previews of tabular and sequence data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from playground.classic.macs import layer_macs
from playground.layers import format_shape
from playground.shapes import ShapeReport

SHAPE_COLUMNS = ("#", "Layer", "Input", "Output", "Parameters", "MACs", "Status")


def shape_table(report: ShapeReport, layers: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """One row for the input, each layer and the output head.

    Layers up to the first problem show their shapes, parameter counts and MACs
    (multiply-accumulates per example, playground.classic.macs); the failing layer shows
    "✗ invalid" and the layers after it "not reached", so nothing is silently dropped.
    """
    info = report.info
    rows: list[dict[str, Any]] = [{
        "#": "in", "Layer": "input", "Input": "",
        "Output": format_shape(info.input_shape), "Parameters": 0, "MACs": 0, "Status": "",
    }]
    # A layer refused for the parameter cap still has its row; it is listed as the error.
    for r in (r for r in report.rows if report.error_index is None
              or r.index < report.error_index):
        rows.append({
            "#": "head" if r.is_head else str(r.index + 1),
            "Layer": "output head" if r.is_head else r.kind,
            "Input": format_shape(r.input_shape), "Output": format_shape(r.output_shape),
            "Parameters": r.parameters, "MACs": layer_macs(r), "Status": "✓",
        })
    if report.error_index is not None:
        for i in range(report.error_index, len(layers) + 1):
            is_head = i == len(layers)
            rows.append({
                "#": "head" if is_head else str(i + 1),
                "Layer": "output head" if is_head else layers[i]["type"],
                "Input": "", "Output": "", "Parameters": None, "MACs": None,
                "Status": "✗ invalid" if i == report.error_index else "not reached",
            })
    frame = pd.DataFrame(rows, columns=list(SHAPE_COLUMNS))
    for column in ("Parameters", "MACs"):  # blank, not 0, when unknown
        frame[column] = frame[column].astype("Int64")
    return frame


def tabular_frame(x: np.ndarray, y: np.ndarray, feature_names: Sequence[str],
                  class_names: Sequence[str], rows: int = 10) -> pd.DataFrame:
    """The first `rows` examples: one column per feature, then the class name."""
    n = min(rows, len(x))
    names = list(feature_names) or [f"feature {i}" for i in range(x.shape[1])]
    frame = pd.DataFrame(np.asarray(x[:n], dtype=np.float64).round(3), columns=names)
    frame.insert(0, "class", [str(class_names[int(c)]) for c in y[:n]])
    return frame


def decode_tokens(ids: Sequence[int], names: Sequence[str]) -> str:
    """Token ids as their names, space separated (an id with no name shows as #id)."""
    return " ".join(str(names[i]) if 0 <= i < len(names) else f"#{i}"
                    for i in map(int, ids))


def sequence_frame(x: np.ndarray, y: np.ndarray, vocab: Sequence[str],
                   class_names: Sequence[str], rows: int = 8) -> pd.DataFrame:
    """Example inputs and targets decoded as token strings.

    Args:
        x: (N, T) token ids, decoded with `vocab`.
        y: (N, T) per-position class ids or (N,) one class per sequence, decoded with
            `class_names`.
    """
    n = min(rows, len(x))
    targets = [decode_tokens(y[i], class_names) if np.ndim(y[i]) else
               str(class_names[int(y[i])]) for i in range(n)]
    return pd.DataFrame({"input": [decode_tokens(x[i], vocab) for i in range(n)],
                         "target": targets})
