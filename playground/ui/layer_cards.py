"""The network editor: an ordered list of layer cards with add, remove, move, duplicate and
one-click fixes.

Every card's widgets are keyed by a per-session layer id, not by position, so moving or
removing one layer never resets another's values. The ids live in session state parallel
to `spec.layers`; when the spec is replaced from outside (preset, upload, URL) the ids are
renewed, so no widget shows a stale value.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.datakinds import DATA_KINDS, DataKind
from playground.datasets import DATASETS
from playground.errors import SpecError
from playground.layers import CATEGORIES, LAYERS, format_shape
from playground.shapes import ShapeReport
from playground.spec import Spec
from playground.ui.lesson_panel import hidden, lesson_form, locked
from playground.ui.state import get_spec, set_spec
from playground.ui.text import md

_IDS, _SEEN, _NEXT = "build.layer_ids", "build.layers_seen", "build.next_layer_id"
_ERROR = "build.layer_error"
CONTROL = "layers"  # the lesson control (classroom.lessons.CONTROLS) over the layer editor

Pair = tuple[int, dict[str, Any]]  # (layer id, layer dict)


def _new_id() -> int:
    st.session_state[_NEXT] = st.session_state.get(_NEXT, 0) + 1
    return st.session_state[_NEXT]


def _remember(layers: tuple[dict[str, Any], ...], ids: list[int]) -> None:
    st.session_state[_SEEN] = tuple(dict(layer) for layer in layers)
    st.session_state[_IDS] = list(ids)


def layer_ids(spec: Spec) -> list[int]:
    """Stable ids for `spec.layers`, renewed when the layers changed outside this editor."""
    ids = st.session_state.get(_IDS)
    if st.session_state.get(_SEEN) != tuple(spec.layers) or ids is None \
            or len(ids) != len(spec.layers):
        ids = [_new_id() for _ in spec.layers]
        _remember(spec.layers, ids)
    return list(ids)


def _widget_key(layer_id: int, param: str) -> str:
    return f"layer.{layer_id}.{param}"


def _current_pairs() -> tuple[Spec, list[Pair]]:
    """The spec's layers with any not-yet-committed widget edits folded in, so a button
    pressed right after typing a value keeps that value."""
    spec = get_spec()
    pairs = []
    for lid, layer in zip(layer_ids(spec), spec.layers, strict=True):
        kind = LAYERS[layer["type"]]
        edited = {p.name: st.session_state.get(_widget_key(lid, p.name), layer.get(p.name))
                  for p in kind.params}
        pairs.append((lid, {**layer, **edited}))
    return spec, pairs


def _commit(spec: Spec, pairs: list[Pair]) -> bool:
    """Write the new layer list into the spec; False (network kept) if it is invalid."""
    try:
        new = spec.with_layers([layer for _, layer in pairs])
    except SpecError as exc:  # widgets keep values in range, but never lose the network
        st.session_state[_ERROR] = str(exc)
        return False
    st.session_state.pop(_ERROR, None)
    _remember(new.layers, [lid for lid, _ in pairs])
    set_spec(new, what="edit the layers")
    return True


def insert_layer(position: int, layer: dict[str, Any]) -> None:
    """Insert `layer` before index `position` (len(layers) appends before the head)."""
    spec, pairs = _current_pairs()
    position = max(0, min(position, len(pairs)))
    pairs.insert(position, (_new_id(), LAYERS[layer["type"]].defaults() | layer))
    _commit(spec, pairs)


def remove_layer(layer_id: int) -> None:
    """Drop the layer with this id; the others keep their ids and widget values."""
    spec, pairs = _current_pairs()
    _commit(spec, [p for p in pairs if p[0] != layer_id])


def move_layer(layer_id: int, delta: int) -> None:
    """Swap the layer with its neighbour `delta` places away (-1 up, +1 down)."""
    spec, pairs = _current_pairs()
    i = next(k for k, p in enumerate(pairs) if p[0] == layer_id)
    j = i + delta
    if 0 <= j < len(pairs):
        pairs[i], pairs[j] = pairs[j], pairs[i]
        _commit(spec, pairs)


def duplicate_layer(layer_id: int) -> None:
    """Insert a copy (with a new id) right after the layer."""
    spec, pairs = _current_pairs()
    i = next(k for k, p in enumerate(pairs) if p[0] == layer_id)
    pairs.insert(i + 1, (_new_id(), dict(pairs[i][1])))
    _commit(spec, pairs)


def ordered_kinds(data: DataKind) -> list[str]:
    """The layer kinds that fit the data, grouped by category in the category registry's
    order (the builder's menu order), then by name."""
    categories = list(CATEGORIES)
    return sorted((k for k in LAYERS if data.fits(k)),
                  key=lambda k: (categories.index(LAYERS[k].category), k))


def render_add_layer(spec: Spec) -> None:
    """Kind (those that fit the dataset, grouped by category, with its description) and
    position, then Add; nothing when a lesson hides the layers, greyed out when it locks
    them."""
    if hidden(CONTROL):
        return
    with st.container(border=True, key="add-layer"):
        _add_layer_form(spec, locked(CONTROL))


def _add_layer_form(spec: Spec, frozen: bool) -> None:
    n = len(spec.layers)
    left, right = st.columns(2)
    data = DATA_KINDS[DATASETS[spec.dataset.name].kind]
    kind = left.selectbox("Layer kind", ordered_kinds(data), key="add.kind",
                          format_func=lambda k: f"{LAYERS[k].category} · {k}",
                          help="Kinds are grouped by category.", disabled=frozen)

    def where(i: int) -> str:
        if i == n:
            return "at the end (before the output head)"
        return f"before {i + 1}. {spec.layers[i]['type']}"
    position = right.selectbox("Position", list(range(n + 1)), index=n, format_func=where,
                               key=f"add.position.{n}", disabled=frozen)
    text, button = st.columns([4, 1], vertical_alignment="center")
    text.caption(f"**{md(kind)}** — {LAYERS[kind].description}")
    button.button("Add", key="add.button", type="primary", icon=":material/add:",
                  on_click=insert_layer, args=(position, {"type": kind}), width="stretch",
                  disabled=frozen)


def _row_for(report: ShapeReport, index: int):
    """The layer's valid shape row; None from the failing layer on (a layer refused for the
    parameter cap has a row, but it is the error)."""
    if report.error_index is not None and index >= report.error_index:
        return None
    return next((r for r in report.rows if r.index == index and not r.is_head), None)


def _fix_button(report: ShapeReport, key: str) -> None:
    if report.fix is None:
        return
    st.button(report.fix.label, key=key, icon=":material/build:", on_click=insert_layer,
              args=(report.error_index, dict(report.fix.insert_before)),
              disabled=locked(CONTROL))


def _card(index: int, lid: int, layer: dict[str, Any], n: int,
          report: ShapeReport) -> dict[str, Any]:
    kind = LAYERS[layer["type"]]
    frozen = locked(CONTROL)
    with st.container(border=True, key=f"card-{lid}"):
        title, up, down, dup, rm = st.columns([6, 1, 1, 1, 1], vertical_alignment="center",
                                              gap="small")
        row = _row_for(report, index)
        shape = f" → `{format_shape(row.output_shape)}`" if row else ""
        title.markdown(f"**{index + 1}. {md(kind.name)}** :gray[{md(kind.category)}]{shape}",
                       help=kind.description)
        up.button("", key=f"up.{lid}", icon=":material/arrow_upward:", help="Move up",
                  disabled=frozen or index == 0, on_click=move_layer, args=(lid, -1))
        down.button("", key=f"down.{lid}", icon=":material/arrow_downward:",
                    help="Move down", disabled=frozen or index == n - 1, on_click=move_layer,
                    args=(lid, 1))
        dup.button("", key=f"dup.{lid}", icon=":material/content_copy:", help="Duplicate",
                   on_click=duplicate_layer, args=(lid,), disabled=frozen)
        rm.button("", key=f"remove.{lid}", icon=":material/delete:", help="Remove",
                  on_click=remove_layer, args=(lid,), disabled=frozen)
        values = lesson_form(CONTROL, kind.params, layer, key_prefix=f"layer.{lid}",
                             columns=min(4, max(1, len(kind.params))))
        if row is not None:
            st.caption(f"{format_shape(row.input_shape)} → {format_shape(row.output_shape)}"
                       f" · {row.parameters:,} parameters")
        elif report.error_index == index:
            st.error(f"✗ {md(report.error)}", icon=":material/error:")
            _fix_button(report, f"fix.{lid}")
        else:
            st.caption("Not reached: an earlier layer is invalid.")
    return {"type": kind.name, **values}


def _head_card(report: ShapeReport, n: int) -> None:
    info = report.info
    with st.container(border=True, key="card-head"):
        head = next((r for r in report.rows if r.is_head), None) if report.ok else None
        shape = f" → `{format_shape(head.output_shape)}`" if head else ""
        st.markdown(f"**Output head** :gray[added automatically]{shape}",
                    help="A linear layer with one output per class; the loss turns its "
                         "outputs into class probabilities." if not info.regression else
                    "A linear layer with one output: the predicted number, compared with "
                    "the target by the loss (mse or huber).")
        units = ("1 unit (the predicted number)" if info.regression
                 else f"{info.num_classes} units (one per class)")
        if head is not None:
            st.caption(f"linear, {units} · {head.parameters:,} parameters")
        elif report.error_index == n:
            st.error(f"✗ {md(report.error)}", icon=":material/error:")
            _fix_button(report, "fix.head")
        else:
            st.caption(f"linear, {units} — not reached yet.")


def render_layer_cards(spec: Spec, report: ShapeReport) -> None:
    """One card per layer plus the head; a parameter edit updates the spec and reruns. A
    lesson that hides the layers leaves a line instead (the diagram and the shape table
    still show them); one that locks them greys every card out."""
    if hidden(CONTROL):
        st.caption("The lesson sets the layers: the diagram above and the shape table show "
                   "them.")
        return
    if locked(CONTROL):
        st.caption("The lesson locks the layers: look, but they cannot be changed here.")
    ids = layer_ids(spec)
    if not spec.layers:
        st.info("No hidden layers: the output head alone is a linear "
                f"{'regression' if report.info.regression else 'classifier'}. Add a "
                "layer below.")
    edited = [_card(i, lid, layer, len(ids), report)
              for i, (lid, layer) in enumerate(zip(ids, spec.layers, strict=True))]
    _head_card(report, len(spec.layers))
    if error := st.session_state.get(_ERROR):
        st.error(md(error))
    if edited != list(spec.layers) and _commit(spec, list(zip(ids, edited, strict=True))):
        st.rerun()
