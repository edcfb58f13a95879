"""Every dataset: shapes, classes, seeded determinism, read-only arrays; tabular data is
standardised with training-split statistics only; classification splits are stratified."""

import numpy as np
import pytest

from playground.datasets import DATASETS, make_data
from playground.errors import SpecError
from playground.spec import Spec


def dataset_spec(name, seed=0, **params):
    return Spec.from_dict({"dataset": {"name": name, "params": params, "seed": seed},
                           "layers": []}).dataset


CLASSIFY = [n for n in DATASETS if make_data(dataset_spec(n)).info.task == "classify"]


@pytest.mark.parametrize("name", list(DATASETS))
def test_shapes_classes_and_split(name):
    data = make_data(dataset_spec(name))
    info = data.info
    n_train, n_test = len(data.x_train), len(data.x_test)
    assert data.x_train.shape == (n_train, *info.input_shape)
    assert data.x_test.shape == (n_test, *info.input_shape)
    assert len(data.y_train) == n_train and len(data.y_test) == n_test
    assert n_test == round((n_train + n_test) * 0.2)
    if info.regression:  # one float32 number per example (tests/unit/test_regression_core.py)
        assert data.y_train.dtype == np.float32 and data.y_train.shape == (n_train,)
        assert info.num_classes == 0 and info.outputs == 1
        assert len(info.feature_names) == info.input_shape[0]
        return
    assert info.num_classes == len(info.class_names) >= 2
    labels = np.concatenate([data.y_train.ravel(), data.y_test.ravel()])
    assert data.y_train.dtype == np.int64 and labels.min() >= 0
    assert labels.max() < info.num_classes
    assert len(np.unique(labels)) == info.num_classes  # every class appears
    if not info.tokens:
        assert data.x_train.dtype == np.float32 and np.isfinite(data.x_train).all()
    if info.kind in ("2d", "tabular"):
        assert len(info.feature_names) == info.input_shape[0]
    assert DATASETS[name].description


@pytest.mark.parametrize("name", CLASSIFY)
def test_classification_split_is_stratified(name):
    data = make_data(dataset_spec(name))
    classes = data.info.num_classes
    test = np.bincount(data.y_test, minlength=classes)
    whole = test + np.bincount(data.y_train, minlength=classes)
    assert np.all(np.abs(test - 0.2 * whole) <= 1), (test, whole)


def test_stratified_split_is_seeded_and_sequence_split_is_unchanged():
    a, b = make_data(dataset_spec("wine", seed=1)), make_data(dataset_spec("wine", seed=1))
    assert np.array_equal(a.x_test, b.x_test)
    assert not np.array_equal(a.x_test, make_data(dataset_spec("wine", seed=2)).x_test)
    # Per-position labels are not stratified: the test set is the first fifth of the shuffle.
    spec = dataset_spec("reverse")
    raw = DATASETS["reverse"].load(dict(spec.params), spec.seed)
    order = np.random.default_rng(spec.seed + 1).permutation(len(raw.x))
    np.testing.assert_array_equal(make_data(spec).x_test, raw.x[order[:len(raw.x) // 5]])


@pytest.mark.parametrize("name", list(DATASETS))
def test_arrays_are_read_only_and_cached(name):
    spec = dataset_spec(name)
    data = make_data(spec)
    assert make_data(spec) is data
    for array in (data.x_train, data.y_train, data.x_test, data.y_test):
        assert not array.flags.writeable
        with pytest.raises(ValueError):
            array.flat[0] = 0


# A fixed text split by position is the same for every seed; its own tests are in
# tests/unit/test_text_datasets.py.
SEEDED = [n for n, d in DATASETS.items() if not (d.ordered and d.source != "generated")]


@pytest.mark.parametrize("name", SEEDED)
def test_seeded_determinism(name):
    a = make_data(dataset_spec(name, seed=3))
    b = DATASETS[name].load(dict(dataset_spec(name, seed=3).params), 3)
    c = DATASETS[name].load(dict(dataset_spec(name, seed=3).params), 3)
    assert np.array_equal(b.x, c.x) and np.array_equal(b.y, c.y)
    other = make_data(dataset_spec(name, seed=4))
    # A different seed gives a different split (and different points where generated).
    assert not np.array_equal(a.y_test, other.y_test) or not np.array_equal(a.x_test,
                                                                           other.x_test)


@pytest.mark.parametrize("name", [n for n, d in DATASETS.items() if d.standardize])
def test_tabular_is_standardised_with_training_statistics_only(name):
    data = make_data(dataset_spec(name))
    np.testing.assert_allclose(data.x_train.mean(0), 0, atol=1e-4)
    np.testing.assert_allclose(data.x_train.std(0), 1, atol=1e-3)
    raw_train = data.x_train * data.std + data.mean
    raw_test = data.x_test * data.std + data.mean
    np.testing.assert_allclose(data.mean, raw_train.mean(0), rtol=1e-4, atol=1e-4)
    all_mean = np.concatenate([raw_train, raw_test]).mean(0)
    assert not np.allclose(data.mean, all_mean, rtol=1e-6, atol=0)  # test rows left out
    raw = DATASETS[name].load({}, 0).x  # the split holds exactly the loader's rows
    combined = np.concatenate([raw_train, raw_test])
    np.testing.assert_allclose(np.sort(combined, 0), np.sort(raw, 0), rtol=1e-4, atol=1e-3)


def test_generated_datasets_follow_their_parameters():
    data = make_data(dataset_spec("blobs", n_samples=200, classes=6))
    assert data.info.num_classes == 6 and len(data.x_train) + len(data.x_test) == 200
    shapes = make_data(dataset_spec("shapes", n_samples=100, size=24))
    assert shapes.info.input_shape == (1, 24, 24)
    assert 0.0 <= shapes.x_train.min() and shapes.x_train.max() <= 1.0


def test_sample_cap_is_a_spec_error(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_SAMPLES", "300")
    with pytest.raises(SpecError, match="more than this server allows"):
        make_data(dataset_spec("moons", n_samples=777))
