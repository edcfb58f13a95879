"""A learner's own data: CSV tables, x,y,label points and zips of class folders, parsed into
the `Raw` arrays every dataset returns, with every bad file turned into a SpecError.

Uploads stay in memory, in `OWN_DATA`, under the sha256 of their bytes; a spec names them
as `sha256:<hex>` and never holds the data itself, and nothing is written to disk. A file
on disk (the CLI) is named by its path, and "example" is a small built-in table, so the
datasets' defaults load anywhere.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from PIL import Image, UnidentifiedImageError

from playground.datasets.base import Raw
from playground.errors import SpecError
from playground.limits import current_limits

EXAMPLE = "example"
HASH_PREFIX = "sha256:"
MIN_ROWS = 10
MISSING = "missing"  # the category a missing text value becomes
MISSING_RULE = ("Rows with no target are dropped; a missing number becomes its column's "
                "median, a missing text value the category 'missing'.")
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
_MAX_STORED = 64  # uploads held at once on this server; the oldest goes first

OWN_DATA: OrderedDict[str, bytes] = OrderedDict()


def remember(content: bytes) -> str:
    """Hold uploaded bytes in memory and return the `sha256:<hex>` a spec names them by."""
    check_size(len(content), "The file")
    ref = HASH_PREFIX + hashlib.sha256(content).hexdigest()
    OWN_DATA[ref] = content
    OWN_DATA.move_to_end(ref)
    while len(OWN_DATA) > _MAX_STORED:
        OWN_DATA.popitem(last=False)
    return ref


def check_size(n_bytes: int, what: str) -> None:
    cap = current_limits().max_upload_mb
    if n_bytes > cap * 2**20:
        raise SpecError(f"{what} is {n_bytes / 2**20:.1f} MB, more than this server takes "
                        f"({cap} MB). Upload a smaller sample of it.")


_FILES = {"allowed": True}  # the command line reads files; the app forbids it at start


def forbid_local_files() -> None:
    """Called by the app at start: a spec from a link must never read the server's own
    files, so there `source` is an upload's hash or the example only."""
    _FILES["allowed"] = False


def read_source(source: str, example: bytes) -> bytes:
    """The bytes a dataset's `source` names: held upload, built-in example or a file."""
    if source == EXAMPLE:
        return example
    if source.startswith(HASH_PREFIX):
        if source not in OWN_DATA:
            raise SpecError(
                f"This spec uses your own data ({source[:19]}…), which lives only in the "
                "session that uploaded it. Upload the same file again on the Build page "
                "(Your own data), or pick another dataset.")
        return OWN_DATA[source]
    if not _FILES["allowed"]:
        raise SpecError(f"This spec reads the file {source!r} from the server, which the app "
                        "never does. Upload the file on the Build page (Your own data), or "
                        "train this spec from the command line: python -m playground train.")
    path = Path(source)
    if path.is_dir():  # a folder of class folders (the CLI), zipped in memory
        return _zip_folder(path)
    if not path.is_file():
        raise SpecError(f"dataset source {source!r} is not a file. Give the path of a CSV "
                        "or zip file, or 'example'.")
    check_size(path.stat().st_size, f"{source!r}")
    return path.read_bytes()


def _zip_folder(folder: Path) -> bytes:
    files = [f for f in sorted(folder.rglob("*")) if f.is_file()]
    check_size(sum(f.stat().st_size for f in files), f"Folder {str(folder)!r}")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for f in files:
            archive.write(f, f.relative_to(folder).as_posix())
    return buffer.getvalue()


def read_table(content: bytes) -> pd.DataFrame:
    """A CSV's bytes as a table, or a SpecError saying why they are not one."""
    check_size(len(content), "The file")
    encoding_fix = ("Save it as 'CSV UTF-8' (in Excel: Save As → CSV UTF-8) and upload it "
                    "again.")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SpecError(f"The file is UTF-16 text, not UTF-8. {encoding_fix}")
    if b"\x00" in content:
        raise SpecError("The file is not a CSV table (it holds binary data). Upload a "
                        "comma-separated text file with a header row.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpecError(f"The file is not UTF-8 text. {encoding_fix}") from None
    try:
        frame = pd.read_csv(io.StringIO(text), sep=_separator(text))
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, TypeError) as exc:
        raise SpecError(f"The file is not a CSV table ({str(exc).splitlines()[0]}). Upload "
                        "a comma-separated text file with a header row.") from None
    if frame.shape[1] < 2:
        raise SpecError("The file has only one column; a table needs a target column and "
                        "at least one feature. Check that the values are separated by commas.")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _separator(text: str) -> str:
    """Comma, semicolon (a European spreadsheet's CSV) or tab, whichever the header uses."""
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def guess_regression(column: pd.Series) -> bool:
    """A numeric target with many distinct values is a number to predict, not a class."""
    return pd.api.types.is_numeric_dtype(column) and column.nunique() > 20


@dataclass(frozen=True)
class Column:
    """One column as the preview describes it."""

    name: str
    kind: str  # "number" or "text"
    distinct: int
    missing: int


def describe_columns(frame: pd.DataFrame) -> list[Column]:
    return [Column(str(c), "number" if pd.api.types.is_numeric_dtype(frame[c]) else "text",
                   int(frame[c].nunique()), int(frame[c].isna().sum())) for c in frame.columns]


def table_raw(frame: pd.DataFrame, target: str, features: tuple[str, ...] = (),
              regression: bool = False) -> Raw:
    """Features and target of a table: numbers as they are, text one-hot (capped)."""
    limits = current_limits()
    if target not in frame.columns:
        raise SpecError(f"The table has no column {target!r}. Its columns: "
                        f"{', '.join(map(str, frame.columns[:12]))}.")
    features = tuple(features) or tuple(c for c in frame.columns if c != target)
    unknown = [f for f in features if f not in frame.columns]
    if unknown:
        raise SpecError(f"The table has no column {unknown[0]!r}; pick features among "
                        f"{', '.join(map(str, frame.columns[:12]))}.")
    if target in features:
        raise SpecError(f"{target!r} is the target; leave it out of the features.")
    if not features:
        raise SpecError("Pick at least one feature column besides the target.")
    frame = frame[frame[target].notna()]
    if len(frame) < MIN_ROWS:
        raise SpecError(f"The table has {len(frame)} rows with a target; training needs at "
                        f"least {MIN_ROWS}. Add rows.")
    if len(frame) > limits.max_samples:
        raise SpecError(f"The table has {len(frame):,} rows, more than this server allows "
                        f"({limits.max_samples:,}). Upload a sample of it.")
    columns, names = [], []
    for f in features:
        col = frame[f]
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
            values = col.astype(np.float64)
            if not np.isfinite(values.dropna()).all():
                raise SpecError(f"Column {f!r} holds an infinite number. Fix or drop it.")
            columns.append(values.fillna(values.median() if values.notna().any() else 0.0)
                           .to_numpy()[:, None])
            names.append(f)
            continue
        text = col.astype("string").fillna(MISSING)
        levels = sorted(text.unique())
        if len(levels) > limits.max_categories:
            raise SpecError(
                f"Column {f!r} is text with {len(levels):,} different values, more than the "
                f"{limits.max_categories} categories one column may have. It is probably a "
                "name or an id: leave it out of the features, or make it a number.")
        columns.append((text.to_numpy()[:, None] == np.array(levels)[None, :]).astype(float))
        names += [f"{f}={v}" for v in levels]
    x = np.concatenate(columns, axis=1).astype(np.float32)
    y_col = frame[target]
    if regression:
        if not pd.api.types.is_numeric_dtype(y_col):
            raise SpecError(f"Target {target!r} is text, so it cannot be predicted as a "
                            "number. Choose classification.")
        y = y_col.to_numpy(dtype=np.float32)
        if not np.isfinite(y).all():
            raise SpecError(f"Target {target!r} holds an infinite number. Fix or drop it.")
        return Raw(x, y, (), feature_names=tuple(names))
    labels = y_col.astype("string")
    classes = sorted(labels.unique())
    if len(classes) < 2:
        raise SpecError(f"Target {target!r} has a single class ({classes[0]!r}); a "
                        "classifier needs at least two. Pick another target column.")
    if len(classes) > limits.max_classes:
        hint = (" It looks like a measurement, not a class: pick a column of categories "
                "(own tables train classifiers)." if
                pd.api.types.is_numeric_dtype(y_col) else " Pick a column of categories.")
        raise SpecError(f"Target {target!r} has {len(classes):,} different values, more than "
                        f"the {limits.max_classes} classes this server trains.{hint}")
    index = {c: i for i, c in enumerate(classes)}
    y = np.array([index[v] for v in labels], dtype=np.int64)
    return Raw(x, y, tuple(classes), feature_names=tuple(names))


def points_raw(frame: pd.DataFrame) -> Raw:
    """Points on the plane from a table with columns x, y and label."""
    lower = {c.lower(): c for c in frame.columns}
    missing = [c for c in ("x", "y", "label") if c not in lower]
    if missing:
        raise SpecError(f"A points table needs columns x, y and label; it lacks "
                        f"{', '.join(missing)}.")
    frame = frame.rename(columns={lower[c]: c for c in ("x", "y", "label")})
    for axis in ("x", "y"):
        if not pd.api.types.is_numeric_dtype(frame[axis]) or frame[axis].isna().any():
            raise SpecError(f"Column {axis} must hold a number on every row.")
    return table_raw(frame, "label", ("x", "y"))


@dataclass(frozen=True)
class ImageSet:
    """A zip of class folders as arrays, with what the preview reports."""

    raw: Raw
    skipped: tuple[str, ...]  # files that are not images
    sizes: int  # how many different image sizes there were before resizing


def images_raw(content: bytes, size: int, grey: bool) -> ImageSet:
    """A zip with one folder per class, every image resized to size × size."""
    limits = current_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = [e for e in archive.infolist() if not e.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpecError("The file is not a zip archive. Zip a folder that holds one folder "
                        "of images per class, and upload the .zip.") from None
    unpacked = sum(e.file_size for e in entries)  # checked before anything is extracted
    if unpacked > limits.max_unpacked_mb * 2**20:
        raise SpecError(f"The zip unpacks to {unpacked / 2**20:,.0f} MB, more than this server "
                        f"takes ({limits.max_unpacked_mb} MB). Zip fewer or smaller images.")
    by_class: dict[str, list[zipfile.ZipInfo]] = {}
    skipped = []
    for e in entries:
        parts = PurePosixPath(e.filename).parts
        if "__MACOSX" in parts or parts[-1].startswith("."):
            continue
        if len(parts) < 2 or PurePosixPath(e.filename).suffix.lower() not in _IMAGE_SUFFIXES:
            skipped.append(e.filename)
            continue
        by_class.setdefault(parts[-2], []).append(e)
    if not by_class:
        raise SpecError("The zip has no class folders with images in them. Put each class's "
                        "images in a folder named after the class (cats/1.png, dogs/1.png).")
    if len(by_class) < 2:
        raise SpecError(f"The zip has one class folder ({next(iter(by_class))!r}); a "
                        "classifier needs at least two.")
    if len(by_class) > limits.max_classes:
        raise SpecError(f"The zip has {len(by_class)} class folders, more than the "
                        f"{limits.max_classes} classes this server trains.")
    classes = tuple(sorted(by_class))
    xs, ys, shapes = [], [], set()
    for label, name in enumerate(classes):
        for e in by_class[name]:
            try:
                with archive.open(e) as handle, Image.open(handle) as picture:
                    shapes.add(picture.size)
                    picture = picture.convert("L" if grey else "RGB")
                    picture = picture.resize((size, size), Image.Resampling.BILINEAR)
                    pixels = np.asarray(picture, dtype=np.float32) / 255.0
            except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
                skipped.append(e.filename)
                continue
            xs.append(pixels[None] if grey else pixels.transpose(2, 0, 1))
            ys.append(label)
    counts = np.bincount(np.array(ys, dtype=np.int64), minlength=len(classes))
    if len(ys) < MIN_ROWS or (counts == 0).any():
        raise SpecError(f"The zip has {len(ys)} readable images ({_counts(classes, counts)}); "
                        f"training needs at least {MIN_ROWS} and one in every class.")
    if len(ys) > limits.max_samples:
        raise SpecError(f"The zip has {len(ys):,} images, more than this server allows "
                        f"({limits.max_samples:,}).")
    raw = Raw(np.stack(xs).astype(np.float32), np.array(ys, dtype=np.int64), classes)
    return ImageSet(raw, tuple(skipped), len(shapes))


def _counts(classes: tuple[str, ...], counts: np.ndarray) -> str:
    return ", ".join(f"{c}: {int(n)}" for c, n in zip(classes, counts, strict=True))


def images_zip(images: dict[str, list[bytes]]) -> bytes:
    """Pictures per class (camera captures, uploaded files) as the zip `images_raw` reads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, pictures in images.items():
            for i, picture in enumerate(pictures):
                archive.writestr(f"{name}/{i:04d}.png", picture)
    return buffer.getvalue()


def points_csv(points: list[tuple[float, float, str]]) -> bytes:
    """Clicked points as the x,y,label table `points_raw` reads."""
    frame = pd.DataFrame(points, columns=["x", "y", "label"])
    return frame.to_csv(index=False).encode("utf-8")
