"""Prediction views: the image grid marks right and wrong, the confusion matrix holds the
counts, the sequence table shows tokens and marks the wrong ones."""

import numpy as np
import plotly.graph_objects as go

from playground.viz.palette import CORRECT, WRONG
from playground.viz.predictions import confusion_matrix_figure, prediction_grid, sequence_table


def test_prediction_grid_frames_and_labels_right_and_wrong():
    images = np.random.default_rng(0).random((5, 1, 8, 8)).astype(np.float32)
    y_true = np.array([0, 1, 2, 3, 4])
    y_pred = np.array([0, 1, 9, 3, 4])
    fig = prediction_grid(images, y_true, y_pred, [str(i) for i in range(10)], cols=3)
    go.Figure(fig.to_dict())
    frames = [s.line.color for s in fig.layout.shapes]
    assert frames == [CORRECT, CORRECT, WRONG, CORRECT, CORRECT]
    labels = [a.text for a in fig.layout.annotations]
    assert labels[0] == "✓ 0" and labels[2] == "✗ 9 (is 2)"
    z = np.asarray(fig.data[0].z, dtype=float)
    assert z.shape[0] > 2 * 8 and z.shape[1] > 3 * 8  # 2 rows x 3 columns of 8x8 tiles
    assert np.nanmin(z) == 0 and np.nanmax(z) == 1


def test_prediction_grid_shows_colour_images_as_rgb():
    images = np.random.default_rng(0).random((2, 3, 4, 4)).astype(np.float32)
    fig = prediction_grid(images, np.array([0, 1]), np.array([0, 0]), ["a", "b"])
    assert fig.data[0].type == "image"
    assert np.asarray(fig.data[0].z).shape[-1] == 3


def test_confusion_matrix_figure():
    m = np.array([[5, 1], [0, 4]])
    fig = confusion_matrix_figure(m, ["cat", "dog"])
    go.Figure(fig.to_dict())
    heat = fig.data[0]
    assert list(heat.x) == ["cat", "dog"] and list(heat.y) == ["cat", "dog"]
    np.testing.assert_allclose(np.asarray(heat.z, dtype=float), [[5 / 6, 1 / 6], [0, 1]])
    assert [list(r) for r in heat.text] == [["5", "1"], ["", "4"]]
    assert fig.layout.xaxis.title.text == "predicted class"
    assert fig.layout.yaxis.title.text == "true class"


def test_sequence_table_marks_wrong_tokens():
    vocab = ["a", "b", "c"]
    inputs = np.array([[0, 1, 2], [2, 1, 0]])
    y_true = np.array([[2, 1, 0], [0, 1, 2]])
    y_pred = np.array([[2, 1, 0], [0, 0, 2]])
    fig = sequence_table(inputs, y_true, y_pred, vocab)
    go.Figure(fig.to_dict())
    col_in, col_pred, col_true, col_ok = fig.data[0].cells.values
    assert col_in[0] == "a b c" and col_true[1] == "a b c"
    assert col_pred[0] == "c b a"
    assert "[a]" in col_pred[1] and col_pred[1].startswith("a ")
    assert list(col_ok) == ["✓ 3/3", "✗ 2/3"]


def test_sequence_table_for_one_label_per_sequence():
    fig = sequence_table(np.array([[0, 1]]), np.array([1]), np.array([0]), ["x", "y"],
                         ["neg", "pos"])
    _, col_pred, col_true, col_ok = fig.data[0].cells.values
    assert (col_pred[0], col_true[0], col_ok[0]) == ("neg", "pos", "✗")
