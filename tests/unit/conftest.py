"""Fixtures shared by the core tests."""

import pytest

from playground.blackbox.common import train_model
from playground.datasets import make_data
from playground.spec import Spec

DIGITS_MLP = Spec.from_dict({
    "dataset": {"name": "digits"},
    "layers": [{"type": "flatten"}, {"type": "linear", "units": 32}, {"type": "relu"}],
    "train": {"lr": 0.01, "epochs": 3, "seed": 0, "device": "cpu"}})


@pytest.fixture(scope="session")
def trained_digits_mlp():
    """A small digits MLP trained for 3 epochs, and its data; copy it before changing it."""
    data = make_data(DIGITS_MLP.dataset)
    return train_model(DIGITS_MLP, data), data
