"""A learner's own tables, points and image zips: parsing, the split, and a message for
every kind of bad file."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from playground.datasets import DATASETS, make_data
from playground.errors import SpecError
from playground.own_data import (
    OWN_DATA,
    images_raw,
    images_zip,
    points_csv,
    points_raw,
    read_source,
    read_table,
    remember,
    table_raw,
)
from playground.spec import DatasetSpec


def _csv(rows: int = 40, classes: int = 2) -> bytes:
    lines = ["height,colour,kind"]
    for i in range(rows):
        colour = ("red", "blue", "")[i % 3]
        height = "" if i == 5 else str(float(i % 7))
        lines.append(f"{height},{colour},k{i % classes}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _png(size: tuple[int, int] = (12, 12), value: int = 128) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (value, 0, 255 - value)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_table_one_hot_missing_and_classes():
    raw = table_raw(read_table(_csv()), "kind")
    assert raw.feature_names == ("height", "colour=blue", "colour=missing", "colour=red")
    assert raw.class_names == ("k0", "k1")
    assert raw.x.dtype == np.float32 and raw.x.shape == (40, 4)
    assert raw.x[5, 0] == 3.0  # the missing height became the column's median
    assert (raw.x[:, 1:].sum(axis=1) == 1).all()  # one category per row
    regression = table_raw(read_table(_csv()), "height", ("colour",), regression=True)
    assert regression.class_names == () and regression.y.dtype == np.float32


def test_uploaded_csv_is_a_dataset_standardised_on_the_training_split():
    ref = remember(_csv(60, 3))
    data = make_data(DatasetSpec("csv", {"source": ref, "target": "kind", "features": ""}))
    assert data.info.num_classes == 3 and data.info.kind == "tabular"
    assert np.allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    assert data.mean is not None and not np.allclose(data.x_test.mean(axis=0), 0, atol=1e-9)


def test_a_spec_without_its_upload_says_so():
    with pytest.raises(SpecError, match="lives only in the session"):
        read_source("sha256:" + "0" * 64, b"")
    assert "sha256:" + "0" * 64 not in OWN_DATA


@pytest.mark.parametrize(("content", "target", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "kind", "not a CSV"),
    ("höhe,kind\n1,a\n".encode("utf-16"), "kind", "not UTF-8"),
    ("höhe,kind\n1,a\n".encode("latin-1"), "kind", "not UTF-8"),
    (b"value\n1\n2\n3\n", "kind", "only one column"),
    (b"a,kind\n" + b"".join(b"%d,x\n" % i for i in range(30)), "kind", "single class"),
    (b"a,kind\n1,x\n2,y\n", "kind", "at least 10"),
    (b"a,kind\n" + b"".join(b"%d,%d\n" % (i, i) for i in range(10_000)), "kind",
     "looks like a measurement"),
    (b"name,kind\n" + b"".join(b"person%d,%d\n" % (i, i % 2) for i in range(200)), "kind",
     "probably a name or an id"),
    (_csv(), "nope", "no column 'nope'"),
])
def test_bad_tables_get_a_message(content, target, message):
    with pytest.raises(SpecError, match=message):
        table_raw(read_table(content), target)


def test_text_target_cannot_be_a_regression():
    with pytest.raises(SpecError, match="cannot be predicted as a number"):
        table_raw(read_table(_csv()), "kind", regression=True)


def test_file_over_the_cap(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "1")
    with pytest.raises(SpecError, match="more than this server takes"):
        remember(b"x" * (2**20 + 1))


def test_points_from_clicks_and_bad_points():
    clicks = [(0.1 * i, -0.1 * i, "a" if i % 2 else "b") for i in range(12)]
    raw = points_raw(read_table(points_csv(clicks)))
    assert raw.x.shape == (12, 2) and raw.class_names == ("a", "b")
    assert np.isclose(raw.x[3, 0], 0.3)
    with pytest.raises(SpecError, match="lacks label"):
        points_raw(read_table(b"x,y\n1,2\n"))
    data = make_data(DatasetSpec("points", DATASETS["points"].defaults()))
    assert data.info.kind == "2d" and data.info.num_classes == 2


def test_image_zip_resized_grey_or_colour_with_mixed_sizes_and_stray_files():
    pictures = {"cat": [_png((12, 12), 20)] * 6, "dog": [_png((30, 18), 220)] * 6}
    buffer = io.BytesIO(images_zip(pictures))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("cat/notes.txt", "not a picture")
        archive.writestr("dog/broken.png", b"not a png either")
    found = images_raw(buffer.getvalue(), 16, grey=False)
    assert found.raw.x.shape == (12, 3, 16, 16) and found.raw.class_names == ("cat", "dog")
    assert set(found.skipped) == {"cat/notes.txt", "dog/broken.png"} and found.sizes == 2
    assert found.raw.x[0, 0].mean() < found.raw.x[-1, 0].mean()  # red channel: cat dark
    assert images_raw(buffer.getvalue(), 8, grey=True).raw.x.shape == (12, 1, 8, 8)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(("content", "message"), [
    (b"plain bytes", "not a zip"),
    (_zip({"a.png": _png(), "b.png": _png()}), "no class folders"),
    (_zip({"only/a.png": _png()}), "one class folder"),
    (_zip({"a/1.txt": b"x", "b/1.txt": b"y"}), "no class folders"),
    (_zip({"a/1.png": _png(), "b/1.png": _png()}), "at least 10"),
])
def test_bad_zips_get_a_message(content, message):
    with pytest.raises(SpecError, match=message):
        images_raw(content, 16, grey=True)


def test_zip_bomb_is_refused_before_extracting(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_UNPACKED_MB", "1")
    bomb = _zip({"a/big.png": b"\x00" * (3 * 2**20), "b/big.png": b"\x00"})
    assert len(bomb) < 2**16  # small on the wire
    with pytest.raises(SpecError, match="unpacks to 3 MB"):
        images_raw(bomb, 16, grey=True)


def test_cli_paths_csv_and_image_folder(tmp_path):
    (tmp_path / "t.csv").write_bytes(_csv())
    data = make_data(DatasetSpec("csv", {"source": str(tmp_path / "t.csv"), "target": "kind",
                                         "features": "height"}))
    assert data.info.input_shape == (1,)
    for name, value in (("red", 30), ("blue", 220)):
        (tmp_path / "pics" / name).mkdir(parents=True)
        for i in range(6):
            (tmp_path / "pics" / name / f"{i}.png").write_bytes(_png(value=value))
    images = make_data(DatasetSpec("image_folder", {"source": str(tmp_path / "pics"),
                                                    "size": 10, "grey": True}))
    assert images.info.input_shape == (1, 10, 10) and images.info.class_names == ("blue", "red")
    with pytest.raises(SpecError, match="is not a file"):
        read_source(str(tmp_path / "missing.csv"), b"")
