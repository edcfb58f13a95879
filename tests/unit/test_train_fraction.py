"""dataset.train_fraction: a seeded, stratified share of the training split, the test split
unchanged, round-tripping through JSON and the URL."""

import numpy as np
import pytest

from playground.datasets import make_data
from playground.datasets.base import train_subset
from playground.errors import SpecError
from playground.spec import Spec


def _spec(**dataset) -> Spec:
    return Spec.from_dict({"dataset": {"name": "digits", **dataset}, "layers": []})


def test_a_share_of_the_training_split_with_the_same_test_split():
    full, part = make_data(_spec().dataset), make_data(_spec(train_fraction=0.1).dataset)
    assert len(part.x_train) == round(0.1 * len(full.x_train))
    np.testing.assert_array_equal(part.x_test, full.x_test)
    # every training example of the share is one of the full split's
    rows = {r.tobytes() for r in full.x_train}
    assert all(r.tobytes() in rows for r in part.x_train)
    counts = np.bincount(part.y_train, minlength=10)
    assert counts.min() >= 13 and counts.max() <= 15  # stratified: about 14 of each digit


def test_every_class_keeps_an_example_and_shares_are_seeded():
    y = np.repeat(np.arange(10), 20)
    keep = train_subset(y, 0.02, seed=0)
    assert set(y[keep]) == set(range(10))
    np.testing.assert_array_equal(keep, train_subset(y, 0.02, seed=0))
    assert not np.array_equal(train_subset(y, 0.5, seed=0), train_subset(y, 0.5, seed=1))


def test_round_trips_and_is_checked():
    spec = _spec(train_fraction=0.25)
    assert Spec.from_json(spec.to_json()) == spec
    assert Spec.from_url_token(spec.to_url_token()).dataset.train_fraction == 0.25
    assert _spec().dataset.train_fraction == 1.0
    with pytest.raises(SpecError, match="train_fraction"):
        _spec(train_fraction=0.0)
