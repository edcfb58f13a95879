"""Widgets generated from parameter descriptors, so every registry gets its form for free."""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from playground.params import Param

TYPED_SUFFIX = ".typed"  # the key of a log slider's typed twin


def _log_options(param: Param) -> list[float]:
    """1 and 3 of every decade within the range (…, 0.001, 0.003, 0.01, 0.03, …): the
    values people try, two steps a decade."""
    lo, hi = float(param.min or 1e-6), float(param.max or 1.0)
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    grid = {float(f"{m}e{e}") for e in range(first, last + 1) for m in (1, 3)}
    return sorted(v for v in grid if lo <= v <= hi)


def _copy(source: str, target: str) -> None:
    """One of two twin widgets moved: the other shows the same value."""
    st.session_state[target] = float(st.session_state[source])


def _log_input(param: Param, value: float, key: str, label: str, help_text: str,
               disabled: bool) -> float:
    """A log slider over the usual values, and beside it the value typed exactly."""
    current = st.session_state.get(key)  # a typed value the slider was just given
    options = sorted({*_log_options(param), value, *([current] if current else [])})
    slider_col, typed_col = st.columns([3, 2], vertical_alignment="bottom")
    slid = slider_col.select_slider(label, options=options, value=value, key=key,
                                    help=help_text, disabled=disabled,
                                    format_func=lambda v: f"{v:g}",
                                    on_change=_copy, args=(key, key + TYPED_SUFFIX))
    typed = typed_col.number_input(
        f"{label}, typed", min_value=float(param.min or 0.0),
        max_value=float(param.max) if param.max is not None else None, value=float(value),
        format="%g", step=None, key=key + TYPED_SUFFIX, disabled=disabled,
        label_visibility="collapsed", on_change=_copy, args=(key + TYPED_SUFFIX, key),
        help=f"Type any {label} from {param.min:g} to {param.max:g}.")
    return float(slid) if slid != value else float(typed)


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
        return _log_input(param, float(value), key, label, help_text, disabled)
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
               columns: int = 1, disabled: bool = False) -> dict[str, Any]:
    """Inputs for several parameters laid out in `columns`; returns the chosen values."""
    if not params:
        return {}
    cols = st.columns(columns)
    chosen: dict[str, Any] = {}
    for i, p in enumerate(params):
        with cols[i % columns]:
            chosen[p.name] = param_input(p, values.get(p.name, p.default),
                                         key=f"{key_prefix}.{p.name}", disabled=disabled)
    return chosen
