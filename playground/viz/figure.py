"""Assemble plotly figures from plain dicts without re-validating them.

Validation in `go.Figure(...)`, `update_layout` and `update_xaxes` costs a few milliseconds
per call; a live view redraws several figures every poll while training holds the GIL, so the
figure builders write dicts and wrap them once. Unit tests re-validate every figure with
`go.Figure(fig.to_dict())`, so a wrong key still fails a test.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go


def make_figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A Figure from trace dicts (each with a "type") and a layout dict, unvalidated."""
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def title(text: str) -> dict[str, Any]:
    return {"text": text, "x": 0, "font": {"size": 14}}
