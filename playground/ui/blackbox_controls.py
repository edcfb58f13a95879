"""What every black-box section shows above its Run button: the experiment's words, and
widgets for its parameters (a class parameter picks among the chosen model's class names)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.blackbox import Experiment
from playground.datasets import make_data
from playground.ui.blackbox_runs import Choice
from playground.ui.widgets import param_form

CLASS_PARAMS = {"cue_class": "cue class", "cls": "class to under-represent"}


def header(exp: Experiment) -> None:
    st.subheader(exp.title)
    st.markdown(exp.text)
    st.caption(f"The question to ask: *{exp.question}*")


def controls(exp: Experiment, choice: Choice) -> dict[str, Any]:
    """Widgets for the experiment's parameters; a class parameter becomes a choice of the
    chosen model's class names; epochs only show when the run trains something."""
    skip = () if choice.trains else ("epochs",)
    plain = tuple(p for p in exp.params if p.name not in (*CLASS_PARAMS, *skip))
    prefix = f"bb.{exp.name}.{choice.key}"
    values = param_form(plain, exp.defaults(), prefix, 3)
    names = class_names(choice) if any(p.name in CLASS_PARAMS for p in exp.params) else ()
    for p in exp.params:
        if p.name in CLASS_PARAMS:
            default = min(int(p.default), len(names) - 1)
            values[p.name] = st.selectbox(CLASS_PARAMS[p.name], range(len(names)),
                                          index=default, format_func=lambda i: names[i],
                                          key=f"{prefix}.{p.name}", help=p.help)
    return exp.defaults() | values  # skipped settings keep their (unused) defaults


def class_names(choice: Choice) -> tuple[str, ...]:
    return tuple(str(c) for c in make_data(choice.spec.dataset).info.class_names)


def data_kind(choice: Choice) -> str:
    return make_data(choice.spec.dataset).info.kind
