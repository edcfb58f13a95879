"""Sequence datasets: targets follow each task's rule, generation is seeded, and tokens
convert to and from text."""

import numpy as np
import pytest

from playground.datasets import DATASETS, make_data
from playground.datasets.sequence import format_tokens, parse_tokens
from playground.errors import SpecError
from playground.spec import DatasetSpec


def raw(name, seed=0, **params):
    kind = DATASETS[name]
    return kind.load({**kind.defaults(), "n_samples": 300, **params}, seed)


def test_reverse_targets_are_the_mirrored_inputs():
    r = raw("reverse", length=6, vocab_size=5)
    assert r.x.shape == r.y.shape == (300, 6)
    assert r.x.dtype == np.int64 and r.x.max() < 5
    np.testing.assert_array_equal(r.y, r.x[:, ::-1])
    assert r.vocab == r.class_names == ("a", "b", "c", "d", "e")


def test_sort_targets_are_sorted_inputs():
    r = raw("sort", length=9)
    assert (np.diff(r.y, axis=1) >= 0).all()
    np.testing.assert_array_equal(np.sort(r.x, 1), r.y)


def _is_balanced(row):
    depth = 0
    for t in row:
        depth += 1 if t == 0 else -1
        if depth < 0:
            return False
    return depth == 0


def test_brackets_labels_are_correct_and_classes_even():
    r = raw("brackets", pairs=5)
    assert r.x.shape == (300, 10) and r.vocab == ("(", ")")
    assert (r.x.sum(1) == 5).all()  # as many ')' as '(' in every string: order decides
    assert [int(_is_balanced(row)) for row in r.x] == list(r.y)
    assert r.y.sum() == 150


def test_copy_marked_label_is_the_token_after_the_marker():
    r = raw("copy_marked", length=10, vocab_size=6)
    marker = r.vocab.index("*")
    assert marker == 6 and len(r.class_names) == 6
    assert ((r.x == marker).sum(1) == 1).all()
    at = (r.x == marker).argmax(1)
    assert (at < 9).all() and len(set(at)) > 5  # the marker moves around
    np.testing.assert_array_equal(r.y, r.x[np.arange(300), at + 1])


@pytest.mark.parametrize("name", ["reverse", "sort", "brackets", "copy_marked"])
def test_generation_is_seeded(name):
    a, b, c = raw(name, 1), raw(name, 1), raw(name, 2)
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.x, c.x)


def test_split_tasks_and_info():
    tokens = make_data(DatasetSpec("reverse", {"n_samples": 100, "length": 5, "vocab_size": 4}))
    assert tokens.info.task == "tokens" and tokens.info.tokens
    assert tokens.info.input_shape == (5,) and tokens.info.num_classes == 4
    assert tokens.y_train.shape[1:] == (5,)
    classify = make_data(DatasetSpec("brackets", {"n_samples": 100, "pairs": 3}))
    assert classify.info.task == "classify" and classify.info.num_classes == 2


def test_tokens_round_trip_as_text():
    vocab = ("a", "b", "c")
    assert format_tokens([0, 2, 1], vocab) == "acb"
    np.testing.assert_array_equal(parse_tokens("acb", vocab, 3), [0, 2, 1])
    np.testing.assert_array_equal(parse_tokens(" a c  b ", vocab, 3), [0, 2, 1])
    assert format_tokens([0, 1], ("<s>", "x")) == "<s> x"
    np.testing.assert_array_equal(parse_tokens("<s> x", ("<s>", "x")), [0, 1])


@pytest.mark.parametrize("text,message", [
    ("abz", "'z' is not in the vocabulary; use only a b c"),
    ("ab", "reads exactly 3 tokens; you typed 2"),
])
def test_parse_tokens_errors_say_what_to_type(text, message):
    with pytest.raises(SpecError, match=message):
        parse_tokens(text, ("a", "b", "c"), 3)
