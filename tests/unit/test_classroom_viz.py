"""The board's overlaid curves: one labelled line per hand-in, epochs from 1."""

from playground.viz.class_board import board_curves


def test_one_line_per_hand_in_with_labelled_axes():
    fig = board_curves(["a", "b"], [[0.5, 0.7], [0.6]])
    assert [t.name for t in fig.data] == ["a", "b"]
    assert list(fig.data[0].x) == [1, 2] and list(fig.data[1].y) == [0.6]
    assert fig.data[0].line.color != fig.data[1].line.color
    assert fig.layout.xaxis.title.text == "epoch" and fig.layout.yaxis.title.text
