"""Dataset previews: scatter, image grid and the tabular / sequence tables."""

import numpy as np

from playground.viz.data import LABEL_COLOR, image_grid, pick_examples, scatter_2d
from playground.viz.palette import CORRECT, WRONG, class_color
from playground.viz.tables import decode_tokens, sequence_frame, tabular_frame


def test_scatter_has_one_trace_per_class_in_palette_colours():
    x = np.array([[0, 0], [1, 1], [2, 2], [3, 3]], np.float32)
    y = np.array([0, 1, 1, 2])
    fig = scatter_2d(x, y, ["a", "b", "c"], feature_names=("f1", "f2"))
    assert [t.name for t in fig.data] == ["a", "b", "c"]
    assert [t.marker.color for t in fig.data] == [class_color(i) for i in range(3)]
    assert list(fig.data[1].x) == [1, 2] and list(fig.data[1].y) == [1, 2]
    assert fig.layout.xaxis.title.text == "f1" and fig.layout.yaxis.title.text == "f2"


def test_pick_examples_interleaves_classes():
    y = np.array([0, 0, 0, 1, 1, 2, 2, 2])
    idx = pick_examples(y, per_class=2, limit=5)
    assert list(y[idx]) == [0, 1, 2, 0, 1]
    assert len(set(idx)) == len(idx)


def test_image_grid_tiles_images_and_labels_them():
    images = np.zeros((5, 1, 4, 4), np.float32)
    images[2, 0] = 1.0  # the third image is all ink
    labels = np.array([0, 1, 2, 0, 1])
    fig = image_grid(images, labels, ["zero", "one", "two"], columns=3)
    z = np.array(fig.data[0].z, dtype=float)
    band = 3  # label space above each 4-pixel tile
    assert z.shape == (2 * (4 + band), 3 * 5 - 1)
    tile = z[band:band + 4, 10:14]  # third tile of the first row
    assert np.all(tile == 1.0)
    assert np.isnan(z[0, 0]) and np.isnan(z[band, 4])  # label band and column gap
    texts = [a.text for a in fig.layout.annotations]
    assert texts == ["zero", "one", "two", "zero", "one"]
    assert fig.layout.annotations[2].font.color == LABEL_COLOR
    assert fig.layout.yaxis.autorange == "reversed"  # row 0 at the top, as images read


def test_image_grid_marks_predictions_right_and_wrong():
    images = np.random.default_rng(0).random((2, 3, 3), dtype=np.float32)
    fig = image_grid(images, np.array([0, 1]), ["cat", "dog"], predictions=np.array([0, 0]))
    first, second = fig.layout.annotations
    assert first.text == "cat ✓" and first.font.color == CORRECT
    assert second.text == "cat ✗ (dog)" and second.font.color == WRONG


def test_tabular_frame_names_columns_and_classes():
    x = np.array([[1.23456, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
    frame = tabular_frame(x, np.array([1, 0, 1]), ["alcohol", "ash"], ["low", "high"], rows=2)
    assert list(frame.columns) == ["class", "alcohol", "ash"]
    assert list(frame["class"]) == ["high", "low"]
    assert frame["alcohol"].iloc[0] == 1.235


def test_sequence_frame_decodes_tokens_and_targets():
    vocab = ("<pad>", "a", "b", "c")
    x = np.array([[1, 2, 3], [3, 3, 1]])
    y = np.array([[3, 2, 1], [1, 3, 3]])
    frame = sequence_frame(x, y, vocab, vocab)
    assert list(frame["input"]) == ["a b c", "c c a"]
    assert list(frame["target"]) == ["c b a", "a c c"]
    per_sequence = sequence_frame(x, np.array([1, 0]), vocab, ("no", "yes"))
    assert list(per_sequence["target"]) == ["yes", "no"]
    assert decode_tokens([1, 9], vocab) == "a #9"
