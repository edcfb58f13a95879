"""Presets: every file is a valid spec, trains, and the flagship ones reach their targets."""

import pytest

from playground.presets import PRESET_DIR, PRESETS
from playground.shapes import validate
from playground.spec import Spec
from playground.trainer import Trainer


def test_every_preset_file_is_registered_and_described():
    assert {p.stem for p in PRESET_DIR.glob("*.json")} == set(PRESETS)
    for name, preset in PRESETS.items():
        assert preset.name == name and preset.title and preset.description


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_is_valid_and_its_loss_falls(name):
    spec = PRESETS[name].spec()
    assert Spec.from_json(spec.to_json()) == spec
    validate(spec)
    trainer = Trainer(spec.with_train(device="cpu"))
    before = trainer.evaluate("train")["loss"]
    for _ in range(min(30, 2 * trainer.steps_per_epoch)):
        trainer.step()
    assert trainer.evaluate("train")["loss"] < before


TARGETS = {"spiral": 0.95, "digits_mlp": 0.95, "digits_cnn": 0.97}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TARGETS))
def test_flagship_presets_reach_their_accuracy_with_default_epochs(name):
    trainer = Trainer(PRESETS[name].spec().with_train(device="cpu"))
    trainer.train()
    assert trainer.history.epochs[-1]["test_accuracy"] >= TARGETS[name]
