"""Dataset picker (widgets from the dataset registry's Param descriptors) and its preview.

Changing the dataset keeps the layers: if they no longer fit, the shape table and the
failing card say so, and nothing is silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from playground.datakinds import DATA_KINDS
from playground.datasets import DATASETS, Data, make_data
from playground.errors import SpecError
from playground.layers import format_shape
from playground.spec import DATASET_FIELDS, DatasetSpec, Spec
from playground.ui.lesson_panel import hidden, lesson_form, locked
from playground.ui.state import set_spec
from playground.ui.text import md
from playground.viz.data import curve_points, image_grid, pick_examples, scatter_2d, scatter_targets
from playground.viz.tables import sequence_frame, tabular_frame

_SEEN, _GEN = "build.dataset_seen", "build.dataset_gen"
CONTROL = "dataset"  # the lesson control (classroom.lessons.CONTROLS) over this picker


def _generation(dataset: DatasetSpec) -> int:
    """A number in every picker key that changes when the dataset was replaced from outside
    (preset, upload, link), so the widgets show the new values instead of stale ones."""
    if st.session_state.get(_SEEN) != dataset:
        st.session_state[_GEN] = st.session_state.get(_GEN, 0) + 1
        st.session_state[_SEEN] = dataset
    return st.session_state[_GEN]


def ordered_datasets() -> list[str]:
    """Dataset names grouped by kind in the data-kind registry's order, then by name."""
    kinds = list(DATA_KINDS)
    return sorted(DATASETS, key=lambda name: (kinds.index(DATASETS[name].kind), name))


def _kind_label(name: str) -> str:
    return f"{name} ({DATA_KINDS[DATASETS[name].kind].label})"


def dataset_editable() -> bool:
    """Whether the learner may change the data here (a lesson can hide or lock the dataset;
    own data would change it too)."""
    return not (hidden(CONTROL) or locked(CONTROL))


def render_dataset_picker(spec: Spec) -> None:
    """Dataset choice and its parameters; a change updates the spec (layers kept) and
    reruns. A lesson that hides the dataset leaves one line naming it; one that locks it
    shows the picker greyed out."""
    if hidden(CONTROL):
        st.caption(f"Dataset: **{md(spec.dataset.name)}**, chosen by the lesson.")
        return
    gen = _generation(spec.dataset)
    name = st.selectbox("Dataset", ordered_datasets(),
                        index=ordered_datasets().index(spec.dataset.name), key=f"ds.{gen}.name",
                        format_func=_kind_label, disabled=locked(CONTROL),
                        help="Locked by the lesson." if locked(CONTROL) else None)
    kind = DATASETS[name]
    st.caption(kind.description + (f" Source: {kind.source}." if kind.source != "generated"
                                   else ""))
    ds = spec.dataset
    if name != ds.name:  # a new dataset starts from its own defaults; the split is kept
        _apply(spec, name, {}, _split(ds))
        return
    params = lesson_form(CONTROL, kind.params, ds.params, key_prefix=f"ds.{gen}.{name}",
                         columns=2)
    fields = lesson_form(CONTROL, DATASET_FIELDS, _split(ds),
                         key_prefix=f"ds.{gen}.{name}.split", columns=2)
    if params != dict(ds.params) or fields != _split(ds):
        _apply(spec, name, params, fields)


def _split(ds: DatasetSpec) -> dict[str, Any]:
    """The split's settings (test share, seed, training share) by DATASET_FIELDS name."""
    return {p.name: getattr(ds, p.name) for p in DATASET_FIELDS}


def _apply(spec: Spec, name: str, params: dict[str, Any], fields: dict[str, Any]) -> None:
    try:
        new = spec.with_dataset(name, params, **fields)
        make_data(new.dataset)  # refuse a dataset the server cannot make, keep the old one
    except SpecError as exc:
        st.error(md(exc))
        return
    st.session_state[_SEEN] = new.dataset
    set_spec(new, what="change the dataset")
    st.rerun()


def _scatter(data: Data) -> go.Figure:
    info = data.info
    names = DATA_KINDS[info.kind].feature_names(info.input_shape[0], info.feature_names)
    if info.regression:
        return scatter_targets(data.x_train, data.y_train, names)
    return scatter_2d(data.x_train, data.y_train, info.class_names, names)


def _curve(data: Data) -> go.Figure:
    info = data.info
    names = DATA_KINDS[info.kind].feature_names(info.input_shape[0], info.feature_names)
    return curve_points(data.x_train, data.y_train, names[0])


def _images(data: Data) -> go.Figure:
    k = data.info.num_classes
    columns = k if k >= 5 else k * max(1, 8 // k)  # one class per column where it fits
    idx = pick_examples(data.y_train, per_class=-(-3 * columns // k), limit=3 * columns)
    return image_grid(data.x_train[idx], data.y_train[idx], data.info.class_names,
                      columns=columns)


def _tokens(data: Data) -> pd.DataFrame:
    return sequence_frame(data.x_train, data.y_train, data.info.vocab, data.info.class_names)


def _table(data: Data) -> pd.DataFrame:
    x = data.x_train
    if data.mean is not None and data.std is not None:  # show measurements, not z-scores
        x = x * data.std + data.mean
    return tabular_frame(x, data.y_train, data.info.feature_names, data.info.class_names)


# DataKind.preview -> what draws it; a table preview also says what its cells hold.
PREVIEWS: dict[str, Callable[[Data], go.Figure | pd.DataFrame]] = {
    "scatter": _scatter, "curve": _curve, "images": _images, "tokens": _tokens,
    "table": _table}
_TABLE_CAPTIONS = {"tokens": "inputs and targets as tokens",
                   "table": "measurements before standardisation"}


@st.cache_data(max_entries=16, show_spinner=False)
def _preview(name: str, params_json: str, test_fraction: float, seed: int,
             train_fraction: float = 1.0) -> go.Figure | pd.DataFrame:
    """The figure or table the dataset's kind previews with; cached on plain values so a
    rerun that did not touch the dataset builds nothing."""
    data = make_data(DatasetSpec(name, json.loads(params_json), test_fraction, seed,
                                 train_fraction))
    return PREVIEWS[DATA_KINDS[data.info.kind].preview](data)


def render_dataset_preview(spec: Spec) -> None:
    """A scatter, image grid or table of training examples, with the split's sizes."""
    ds = spec.dataset
    try:
        data = make_data(ds)
        preview = _preview(ds.name, json.dumps(ds.params, sort_keys=True),
                           float(ds.test_fraction), int(ds.seed), float(ds.train_fraction))
    except SpecError as exc:
        st.error(md(exc))
        return
    info = data.info
    if info.regression:
        target = (f"target: a number from {float(data.y_train.min()):.2f} to "
                  f"{float(data.y_train.max()):.2f} (regression; loss {spec.train.loss})")
    else:
        names = ", ".join(info.class_names[:10]) + (" …" if info.num_classes > 10 else "")
        target = f"{info.num_classes} classes: {names}"
    share = (f" ({ds.train_fraction:.0%} of the training split)" if ds.train_fraction < 1
             else "")
    st.caption(f"{len(data.x_train):,} training{share} and {len(data.x_test):,} test examples · "
               f"input {format_shape(info.input_shape)} · {target}")
    if isinstance(preview, go.Figure):
        st.plotly_chart(preview, key="dataset_preview", config={"displayModeBar": False})
    else:
        st.dataframe(preview, hide_index=True, height=min(420, 38 + 35 * len(preview)))
        label = _TABLE_CAPTIONS[DATA_KINDS[info.kind].preview]
        st.caption(f"First {len(preview)} training examples ({label}).")

