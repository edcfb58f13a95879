"""The overfitting experiment's data-augmentation arm: on for image data, refused or left
out for other data, and on a small digits training set it narrows the train/test gap."""

from __future__ import annotations

import pytest

from playground.classic.overfitting import (
    AUGMENT,
    REMEDY_NAMES,
    remedies_for,
    remedy_plans,
    run_plans,
    with_remedy,
)
from playground.errors import SpecError
from playground.spec import Spec

# A tenth of digits (144 images) and a wide layer: memorised within a few dozen epochs.
SMALL_DIGITS = Spec.from_dict({"dataset": {"name": "digits", "train_fraction": 0.1}, "layers": [
    {"type": "flatten"}, {"type": "linear", "units": 128}, {"type": "relu"}],
    "train": {"lr": 0.01}})


def no_progress(fraction: float, message: str) -> None:
    pass


def test_the_augmentation_arm_turns_augmentation_on_and_nothing_else():
    arm = with_remedy(SMALL_DIGITS, "augment")
    assert arm.train.augment == AUGMENT != "off"
    assert arm.with_train(augment="off") == SMALL_DIGITS
    plans = dict(remedy_plans(SMALL_DIGITS))
    assert plans[REMEDY_NAMES["augment"]].train.augment == AUGMENT
    assert plans[REMEDY_NAMES["none"]].train.augment == "off"


def test_augmentation_is_offered_for_images_only():
    assert "augment" in remedies_for(SMALL_DIGITS)
    spiral = Spec.from_dict({"dataset": "spiral", "layers": [{"type": "linear", "units": 8}]})
    assert "augment" not in remedies_for(spiral)
    assert REMEDY_NAMES["augment"] not in dict(remedy_plans(spiral))
    with pytest.raises(SpecError, match="dataset spiral is not images. Pick another remedy"):
        remedy_plans(spiral, ["none", "augment"])


@pytest.mark.slow  # trains 2 × 60 epochs: about 1 s alone, a few on a busy machine
def test_augmentation_narrows_the_gap_on_a_small_digits_training_set():
    plain, augmented = run_plans(no_progress, remedy_plans(SMALL_DIGITS, ["none", "augment"]),
                                 60)
    assert plain.train_score == 1.0  # memorised
    # measured: accuracy gap 0.09 → 0.04, test − train loss 0.32 → 0.14 (seed 0)
    assert augmented.gap < plain.gap
    assert augmented.loss_gap < plain.loss_gap / 1.5
