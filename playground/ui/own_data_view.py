"""The Build page's "Your own data": a CSV table, points clicked or uploaded, a zip of class
folders, pictures per class and camera captures, each checked, previewed and made the
session's dataset.

The files stay in this session's state (and in memory under their sha256, where the
dataset loaders read them), so they survive page switches and never touch the disk.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from playground.datasets import make_data
from playground.errors import SpecError
from playground.own_data import (
    HASH_PREFIX,
    MISSING_RULE,
    OWN_DATA,
    describe_columns,
    images_raw,
    images_zip,
    points_csv,
    points_raw,
    read_table,
    remember,
    table_raw,
)
from playground.spec import Spec
from playground.ui.state import set_spec
from playground.ui.text import md
from playground.viz.click_plane import click_plane, clicked_points

_FILES = "own.files"  # sha256 ref -> the bytes this session uploaded
_POINTS = "own.points"  # [(x, y, label)] clicked so far
_PICTURES = "own.pictures"  # class name -> [image bytes] from uploads and the camera
_PLANE = "own.plane"  # the click chart's key


def _files() -> dict[str, bytes]:
    return st.session_state.setdefault(_FILES, {})


def _keep(content: bytes) -> str:
    ref = remember(content)
    _files()[ref] = content
    return ref


def _restore() -> None:
    """Put back this session's files that the server's memory let go of."""
    for ref, content in _files().items():
        if ref not in OWN_DATA:
            remember(content)


def _use(spec: Spec, name: str, params: dict[str, Any], what: str) -> None:
    try:
        new = spec.with_dataset(name, params)
        make_data(new.dataset)
    except SpecError as exc:
        st.error(md(exc))
        return
    set_spec(new, what=what)
    st.rerun()


def _upload(label: str, types: list[str], key: str) -> bytes | None:
    upload = st.file_uploader(label, type=types, key=key)
    return None if upload is None else upload.getvalue()


def render_own_data(spec: Spec) -> None:
    """Tabs for each kind of own data; the chosen one becomes the dataset, layers kept."""
    _restore()
    source = str(spec.dataset.params.get("source", ""))
    if source.startswith(HASH_PREFIX) and source not in _files():
        st.warning(f"This spec uses your own data ({source[:19]}…), which was uploaded in "
                   "another session and is not here. Upload the same file below to use it.",
                   icon=":material/folder_off:")
    # One kind at a time (not tabs, which run every body): the camera asks for permission
    # and the click plane draws only when the learner picks them.
    shown = _SHOWN_FOR.get(spec.dataset.name, "Table (CSV)")  # back on the page: its kind
    kind = st.segmented_control("Kind of data", list(_KINDS), default=shown,
                                key="own.kind", label_visibility="collapsed")
    _KINDS[kind or shown](spec)


def _render_table(spec: Spec) -> None:
    content = _upload("A CSV table with a header row", ["csv", "txt"], "own.csv")
    if content is None:
        st.caption("One row per example; one column is the class to predict, the others are "
                   "the features. " + MISSING_RULE)
        return
    try:
        frame = read_table(content)
    except SpecError as exc:
        st.error(md(exc))
        return
    columns = describe_columns(frame)
    st.dataframe(pd.DataFrame([{"column": c.name, "type": c.kind, "distinct": c.distinct,
                                "missing": c.missing} for c in columns]),
                 hide_index=True, height=min(300, 38 + 35 * len(columns)))
    names = [c.name for c in columns]
    target = st.selectbox("Target (the class to predict)", names, index=len(names) - 1,
                          key="own.target")
    features = st.multiselect("Features", [n for n in names if n != target],
                              default=[n for n in names if n != target], key="own.features")
    try:
        raw = table_raw(frame, target, tuple(features))
    except SpecError as exc:
        st.error(md(exc))
        return
    counts = np.bincount(raw.y, minlength=len(raw.class_names))
    st.caption(f"{len(raw.y):,} rows, {raw.x.shape[1]} inputs after one-hot · classes: "
               + ", ".join(f"{c} {n:,}" for c, n in
                           list(zip(raw.class_names, counts, strict=True))[:12])
               + f". {MISSING_RULE}")
    processed = pd.DataFrame(raw.x, columns=list(raw.feature_names))
    processed[target] = [raw.class_names[i] for i in raw.y]
    left, right = st.columns(2)
    left.download_button("Processed table (CSV)", processed.to_csv(index=False),
                         file_name="processed.csv", mime="text/csv", on_click="ignore",
                         icon=":material/download:", key="own.csv_download")
    if right.button("Use this table", type="primary", key="own.csv_use",
                    icon=":material/table:"):
        _use(spec, "csv", {"source": _keep(content), "target": target,
                           "features": ",".join(features)}, "use your own table")


def _add_point() -> None:
    label = str(st.session_state.get("own.point_class") or "a")
    for x, y in clicked_points(st.session_state.get(_PLANE)):
        st.session_state.setdefault(_POINTS, []).append((x, y, label))


def _render_points(spec: Spec) -> None:
    names = [n.strip() for n in st.text_input("Classes, comma-separated", "a, b",
                                              key="own.point_names").split(",") if n.strip()]
    st.radio("Clicks add a point of class", names or ["a"], horizontal=True,
             key="own.point_class")
    placed = st.session_state.setdefault(_POINTS, [])
    labels = sorted({p[2] for p in placed} | set(names))
    x = np.array([p[:2] for p in placed], dtype=np.float32).reshape(-1, 2)
    y = np.array([labels.index(p[2]) for p in placed], dtype=np.int64)
    st.plotly_chart(click_plane(x, y, labels), key=_PLANE, on_select=_add_point,
                    selection_mode="points", config={"displayModeBar": False})
    uploaded = _upload("…or a CSV with columns x, y, label", ["csv", "txt"], "own.points_csv")
    left, middle, right = st.columns(3)
    if middle.button("Clear the points", key="own.points_clear", disabled=not placed):
        st.session_state[_POINTS] = []
        st.rerun()
    left.caption(f"{len(placed)} points placed.")
    if right.button("Use these points", type="primary", key="own.points_use",
                    icon=":material/scatter_plot:"):
        content = uploaded if uploaded is not None else points_csv(placed)
        try:
            points_raw(read_table(content))
        except SpecError as exc:
            st.error(md(exc))
            return
        _use(spec, "points", {"source": _keep(content)}, "use your own points")


def _image_settings(key: str) -> tuple[int, bool]:
    left, right = st.columns(2)
    size = left.slider("Resize to (pixels a side)", 8, 64, 28, key=f"{key}.size")
    grey = right.checkbox("Grey (one channel)", True, key=f"{key}.grey")
    return size, grey


def _preview_images(spec: Spec, content: bytes, size: int, grey: bool, key: str) -> None:
    try:
        found = images_raw(content, size, grey)
    except SpecError as exc:
        st.error(md(exc))
        return
    counts = np.bincount(found.raw.y, minlength=len(found.raw.class_names))
    st.caption(f"{len(found.raw.y):,} images · class balance: "
               + ", ".join(f"{c} {n}" for c, n in zip(found.raw.class_names, counts,
                                                       strict=True))
               + (f" · {found.sizes} different sizes, all resized to {size}×{size}"
                  if found.sizes > 1 else ""))
    if found.skipped:
        st.warning(f"Skipped {len(found.skipped)} files that are not readable images: "
                   + ", ".join(found.skipped[:5]) + (" …" if len(found.skipped) > 5 else ""))
    if st.button("Use these images", type="primary", key=f"{key}.use", icon=":material/image:"):
        _use(spec, "image_folder", {"source": _keep(content), "size": size, "grey": grey},
             "use your own images")


def _render_images(spec: Spec) -> None:
    content = _upload("A zip with one folder of images per class", ["zip"], "own.zip")
    size, grey = _image_settings("own.zip")
    if content is None:
        st.caption("For example cats/1.png, cats/2.png, dogs/1.png… Or add pictures per "
                   "class in the Camera tab.")
        return
    _preview_images(spec, content, size, grey, "own.zip")


def _render_camera(spec: Spec) -> None:
    pictures: dict[str, list[bytes]] = st.session_state.setdefault(_PICTURES, {})
    name = st.text_input("Class of the next pictures", "class 1", key="own.camera_class").strip()
    shot = st.camera_input("Take a picture", key="own.camera")
    files = st.file_uploader("…or upload pictures of this class", ["png", "jpg", "jpeg"],
                             accept_multiple_files=True, key="own.class_files")
    if st.button(f"Add to {name or 'the class'}", key="own.camera_add",
                 disabled=not name or (shot is None and not files)):
        new = ([shot.getvalue()] if shot is not None else []) + [f.getvalue() for f in files]
        pictures.setdefault(name, []).extend(new)
    if not pictures:
        st.caption("Take or upload a few pictures of each class (Teachable Machine style), "
                   "then train on them. Test on a new capture on the Attributions page.")
        return
    st.caption("Pictures so far: " + ", ".join(f"{c} {len(p)}" for c, p in pictures.items()))
    if st.button("Forget the pictures", key="own.camera_clear"):
        st.session_state[_PICTURES] = {}
        st.rerun()
    size, grey = _image_settings("own.camera")
    _preview_images(spec, images_zip(pictures), size, grey, "own.camera")


_KINDS = {"Table (CSV)": _render_table, "Points": _render_points, "Image zip": _render_images,
          "Camera": _render_camera}
_SHOWN_FOR = {"csv": "Table (CSV)", "points": "Points", "image_folder": "Image zip"}
