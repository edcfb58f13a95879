"""Failing runs without a NaN are found and explained: at learning rate 10 the presets
below finish at chance with no divergence, and each gets a finding with its fixes."""

import math

import pytest

from playground.diagnosis import chance_loss, fixes_for, from_history, from_model
from playground.presets import PRESETS
from playground.trainer import Trainer


def _findings(trainer: Trainer) -> set[str]:
    spec, info = trainer.spec, trainer.report.info
    found = from_history(trainer.history.epochs, trainer.history.step_loss, info.num_classes,
                         spec.train.lr)
    kinds = [row.kind for row in trainer.report.rows]
    found += from_model(trainer.model, kinds, trainer.data.x_test, info.num_classes)
    return {f.kind for f in found}


@pytest.mark.parametrize(("preset", "optimizer"), [("digits_mlp", "sgd"),
                                                    ("digits_mlp", "adam"),
                                                    ("spiral", "sgd")])
def test_a_run_at_learning_rate_10_that_finishes_at_chance_is_found(preset, optimizer):
    trainer = Trainer(PRESETS[preset].spec().with_train(lr=10.0, optimizer=optimizer,
                                                        epochs=4))
    trainer.train()
    assert trainer.diverged is None  # the old guard said nothing
    assert "stuck" in _findings(trainer)


def test_the_fix_trains_the_same_network_past_chance():
    spec = PRESETS["digits_mlp"].spec().with_train(lr=10.0, optimizer="sgd", epochs=4)
    fix = fixes_for("sgd", 10.0)["adam"]
    fixed = Trainer(spec.with_train(**fix.settings))
    fixed.train()
    assert fixed.history.epochs[-1]["test_accuracy"] > 0.8 and not _findings(fixed)


def test_a_healthy_run_has_no_findings():
    trainer = Trainer(PRESETS["spiral"].spec().with_train(epochs=4))
    trainer.train()
    assert not _findings(trainer)


def test_a_spike_and_dead_units_and_one_class_are_each_found():
    epochs = [{"train_loss": 0.3}] * 3
    steps = [0.5, 0.3, 0.2, 0.2, 0.2, 0.2, 0.25, 0.3, 90.0, 40.0, 30.0, 10.0]
    assert {f.kind for f in from_history(epochs, steps, 2, 1.0)} == {"spike"}
    trainer = Trainer(PRESETS["xor"].spec().with_layers(
        [{"type": "linear", "units": 8}, {"type": "relu"}]))
    for module in trainer.model.modules():
        if hasattr(module, "bias") and module.bias is not None and module.weight.shape[0] == 8:
            module.weight.data.zero_()
            module.bias.data.fill_(-1.0)  # every ReLU input below zero: all dead
    kinds = [row.kind for row in trainer.report.rows]
    found = {f.kind for f in from_model(trainer.model, kinds, trainer.data.x_test, 2)}
    assert found == {"dead_relu", "one_class"}


def test_chance_level_and_fixes():
    assert chance_loss(10) == pytest.approx(math.log(10))
    assert fixes_for("sgd", 10.0)["lower_lr"].settings == {"lr": 1.0}
    assert "adam" not in fixes_for("adam", 0.001)
