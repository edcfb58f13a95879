"""Datasets from a learner's own files: a CSV table, x,y,label points
and a zip of class folders. `source` is "example" (a small built-in file), a path (the
CLI) or the `sha256:` of an upload held in memory (the app); see playground.own_data."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image
from sklearn.datasets import load_digits, load_iris

from playground.datasets.base import DATASETS, DatasetKind, Raw, register
from playground.own_data import (
    EXAMPLE,
    images_raw,
    images_zip,
    points_raw,
    read_source,
    read_table,
    table_raw,
)
from playground.params import Param

_SOURCE_HELP = ("'example', a file path, or the sha256: of a file uploaded on the Build "
                "page (kept only in that session).")
_FEATURES = Param("features", str, "", "Feature columns, comma-separated; empty: every "
                  "column but the target.")


@lru_cache(maxsize=1)
def _example_table() -> bytes:
    bunch = load_iris(as_frame=True)
    frame = bunch.frame.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    frame["species"] = [str(bunch.target_names[t]) for t in frame.pop("target")]
    return frame.to_csv(index=False).encode("utf-8")


@lru_cache(maxsize=1)
def _example_points() -> bytes:
    rng = np.random.default_rng(0)
    xy = rng.uniform(-1, 1, size=(120, 2)).round(3)
    labels = np.where(xy[:, 0] * xy[:, 1] > 0, "same sign", "opposite sign")
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "label": labels}).to_csv(
        index=False).encode("utf-8")


@lru_cache(maxsize=1)
def _example_images() -> bytes:
    digits = load_digits(n_class=3)
    pictures: dict[str, list[bytes]] = {}
    for image, label in zip(digits.images[:90], digits.target[:90], strict=True):
        buffer = io.BytesIO()
        Image.fromarray((image * 255 / 16).astype(np.uint8)).save(buffer, format="PNG")
        pictures.setdefault(f"digit {label}", []).append(buffer.getvalue())
    return images_zip(pictures)


def _loader(name: str, load: Callable[[dict[str, Any]], Raw]) -> Callable[..., Raw]:
    """A loader that fills in the dataset's defaults for the parameters left out."""
    def load_with_defaults(p: dict[str, Any], seed: int) -> Raw:
        return load({**DATASETS[name].defaults(), **p})
    return load_with_defaults


def _features(p: dict[str, Any]) -> tuple[str, ...]:
    return tuple(f.strip() for f in p["features"].split(",") if f.strip())


def _load_table(p: dict[str, Any]) -> Raw:
    frame = read_table(read_source(p["source"], _example_table()))
    return table_raw(frame, p["target"], _features(p))


register(DatasetKind(
    "csv", "tabular",
    "Your own table: one row per example, a column of classes to predict (the target) and "
    "feature columns (numbers standardised on the training split, text one-hot).",
    (Param("source", str, EXAMPLE, "The CSV: " + _SOURCE_HELP),
     Param("target", str, "species", "The column to predict (its values are the classes)."),
     _FEATURES),
    _loader("csv", _load_table), standardize=True, source="your CSV file (example: iris)",
))
register(DatasetKind(
    "points", "2d",
    "Your own points on the plane, clicked on the Build page or uploaded as a CSV with "
    "columns x, y and label.",
    (Param("source", str, EXAMPLE, "The x,y,label CSV: " + _SOURCE_HELP),),
    _loader("points", lambda p: points_raw(read_table(read_source(p["source"],
                                                                  _example_points())))),
    source="your points (example: 120 random points, labelled by quadrant)",
))
register(DatasetKind(
    "image_folder", "image",
    "Your own pictures: a zip (or folder) with one folder of images per class, resized to "
    "a square and kept in grey or colour; camera captures per class land here too.",
    (Param("source", str, EXAMPLE, "The zip of class folders: " + _SOURCE_HELP),
     Param("size", int, 28, "Side of the square every image is resized to, in pixels.",
           min=8, max=64),
     Param("grey", bool, True, "Keep one grey channel instead of three colours.")),
    _loader("image_folder", lambda p: images_raw(read_source(p["source"], _example_images()),
                                                 p["size"], p["grey"]).raw),
    source="your images (example: 90 scikit-learn digits 0–2)",
))
