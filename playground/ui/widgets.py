"""Widgets generated from parameter descriptors, so every registry gets its form for free."""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.params import Param

_LOG_STEPS = 24  # options per run of the log slider; about 3 per decade for lr-like values


def _log_options(param: Param) -> list[float]:
    import numpy as np

    lo, hi = float(param.min or 1e-6), float(param.max or 1.0)
    grid = np.geomspace(lo, hi, _LOG_STEPS)
    return sorted({float(f"{v:.2g}") for v in grid})


def param_input(param: Param, value: Any, key: str, label: str | None = None,
                disabled: bool = False, options_disabled: tuple[Any, ...] = ()) -> Any:
    """One input for `param` showing `value`; returns the value the user chose.

    `key` must be unique on the page; `options_disabled` greys out choices (for example
    devices that are not available) by leaving them out with a note in the help text.
    """
    label = label or param.name.replace("_", " ")
    help_text = param.help
    if param.choices is not None:
        options = [c for c in param.choices if c not in options_disabled]
        if options_disabled:
            help_text += " Not available here: " + ", ".join(map(str, options_disabled)) + "."
        index = options.index(value) if value in options else 0
        return st.selectbox(label, options, index=index, key=key, help=help_text,
                            disabled=disabled)
    if param.type is bool:
        return st.checkbox(label, value=bool(value), key=key, help=help_text, disabled=disabled)
    if param.type is float and param.log:
        options = _log_options(param)
        nearest = min(options, key=lambda o: abs(o - value) / max(abs(value), 1e-12))
        if value not in options:
            options = sorted({*options, value})
            nearest = value
        return st.select_slider(label, options=options, value=nearest, key=key, help=help_text,
                                disabled=disabled, format_func=lambda v: f"{v:g}")
    if param.type is int:
        return int(st.number_input(label, min_value=int(param.min) if param.min is not None
                                   else None, max_value=int(param.max) if param.max is not None
                                   else None, value=int(value), step=1, key=key,
                                   help=help_text, disabled=disabled))
    if param.type is float:
        lo = float(param.min) if param.min is not None else None
        hi = float(param.max) if param.max is not None else None
        if lo is not None and hi is not None and hi - lo <= 1.0:
            return float(st.slider(label, min_value=lo, max_value=hi, value=float(value),
                                   step=(hi - lo) / 100, key=key, help=help_text,
                                   disabled=disabled))
        return float(st.number_input(label, min_value=lo, max_value=hi, value=float(value),
                                     key=key, help=help_text, disabled=disabled,
                                     format="%g"))
    return st.text_input(label, value=str(value), key=key, help=help_text, disabled=disabled)


def param_form(params: tuple[Param, ...], values: dict[str, Any], key_prefix: str,
               columns: int = 1) -> dict[str, Any]:
    """Inputs for several parameters laid out in `columns`; returns the chosen values."""
    if not params:
        return {}
    cols = st.columns(columns)
    chosen: dict[str, Any] = {}
    for i, p in enumerate(params):
        with cols[i % columns]:
            chosen[p.name] = param_input(p, values.get(p.name, p.default),
                                         key=f"{key_prefix}.{p.name}")
    return chosen
