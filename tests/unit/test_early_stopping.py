"""train.patience: the trainer stops once the test loss has not fallen for `patience`
epochs and goes back to the best epoch's weights."""

import torch

from playground.spec import Spec
from playground.trainer import Trainer

# A wide network on a tenth of digits at a high learning rate: the test loss bottoms out
# after a few epochs and climbs while the training loss keeps falling.
SPEC = {"dataset": {"name": "digits", "train_fraction": 0.1},
        "layers": [{"type": "flatten"}, {"type": "linear", "units": 128}, {"type": "relu"}],
        "train": {"lr": 0.01, "epochs": 60, "patience": 3}}


def test_stops_and_restores_the_best_weights():
    trainer = Trainer(Spec.from_dict(SPEC), device="cpu")
    best_state = None
    while not trainer.done:
        trainer.run_epoch()
        if trainer.best_epoch == trainer.epoch:
            best_state = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    losses = [e["test_loss"] for e in trainer.history.epochs]
    assert trainer.stopped_early and trainer.epoch < 60
    assert trainer.best_epoch == 1 + losses.index(min(losses))
    assert trainer.epoch - trainer.best_epoch == 3
    for k, v in trainer.model.state_dict().items():
        assert torch.equal(v, best_state[k])
    assert abs(trainer.evaluate()["loss"] - min(losses)) < 1e-6
    assert trainer.train() and trainer.epoch == len(losses)  # train() does not go on


def test_zero_patience_trains_the_whole_budget():
    trainer = Trainer(Spec.from_dict({**SPEC, "train": {**SPEC["train"], "patience": 0,
                                                         "epochs": 8}}), device="cpu")
    trainer.train()
    assert trainer.epoch == 8 and trainer.stopped_early is None
