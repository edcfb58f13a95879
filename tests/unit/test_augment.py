"""train.augment: shifts, rotations and pixel noise on training batches only, seeded from the
run's seed, refused with a clear message on data that is not images."""

from __future__ import annotations

import pytest
import torch

from playground.augment import (
    AUGMENTS,
    NOISE_STD,
    add_noise,
    augment_batch,
    augment_preview,
    rotate,
    shift,
)
from playground.errors import SpecError
from playground.spec import Spec
from playground.trainer import Trainer

DIGITS = {"dataset": {"name": "digits", "train_fraction": 0.1},
          "layers": [{"type": "flatten"}, {"type": "linear", "units": 16}, {"type": "relu"}],
          "train": {"epochs": 1, "batch_size": 64}}


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _digits(**train) -> Spec:
    return Spec.from_dict({**DIGITS, "train": {**DIGITS["train"], **train}})


def test_shift_moves_pixels_by_whole_pixels():
    x = torch.zeros(64, 1, 8, 8)
    x[:, 0, 4, 4] = 1.0  # one lit pixel
    out = shift(x, 1, _gen())
    assert out.shape == x.shape
    assert torch.equal(out.sum((1, 2, 3)), torch.ones(64))  # moved, never lost (1 px < edge)
    where = out[:, 0].flatten(1).argmax(1)
    dy, dx = where // 8 - 4, where % 8 - 4
    assert dy.abs().max() <= 1 and dx.abs().max() <= 1
    assert (dy != 0).any() and (dx != 0).any()  # some images did move, each way
    assert set(out.unique().tolist()) == {0.0, 1.0}  # whole pixels: nothing interpolated


def test_shift_fills_with_zeros_rather_than_wrapping():
    x = torch.zeros(200, 1, 4, 4)
    x[:, 0, :, 0] = 1.0  # the left column lit
    out = shift(x, 1, _gen())
    # an image moved left loses its column; none has it wrap round to the right edge
    assert not (out[:, 0, :, 3] > 0).any()
    assert (out.sum((1, 2, 3)) == 0).any()


def test_rotation_keeps_shape_and_turns_the_image():
    x = torch.zeros(16, 3, 12, 12)
    x[:, :, 2:10, 5:7] = 1.0  # a vertical bar in every channel
    out = rotate(x, 15.0, _gen())
    assert out.shape == x.shape and out.dtype == x.dtype
    assert not torch.allclose(out, x)
    # a turn about the centre keeps the centre pixel lit
    assert (out[:, :, 5:7, 5:7] > 0.5).all()
    assert torch.allclose(rotate(x, 0.0, _gen()), x, atol=1e-5)  # 0° is the identity


def test_noise_has_the_stated_std():
    x = torch.rand(256, 1, 16, 16)
    out = add_noise(x, NOISE_STD, _gen())
    assert (out - x).std().item() == pytest.approx(NOISE_STD, rel=0.03)
    assert (out - x).mean().abs().item() < 0.01


def test_off_is_the_identity_and_draws_nothing():
    x = torch.rand(8, 1, 8, 8)
    gen = _gen()
    state = gen.get_state()
    assert augment_batch(x, "off", gen) is x
    assert torch.equal(gen.get_state(), state)


@pytest.mark.parametrize("mode", [m for m in AUGMENTS if m != "off"])
def test_each_mode_keeps_shape_and_repeats_with_its_seed(mode):
    x = torch.rand(8, 1, 8, 8)
    a, b = augment_batch(x, mode, _gen(3)), augment_batch(x, mode, _gen(3))
    assert a.shape == x.shape and torch.equal(a, b)
    assert not torch.equal(a, augment_batch(x, mode, _gen(4)))


def test_a_batch_that_is_not_images_is_refused():
    with pytest.raises(SpecError, match="image batches"):
        augment_batch(torch.rand(8, 2), "shift", _gen())


def test_spec_carries_augment_through_json_and_url():
    spec = _digits(augment="all")
    assert spec.train.augment == "all"
    assert Spec.from_json(spec.to_json()) == spec
    assert Spec.from_url_token(spec.to_url_token()) == spec


def test_old_specs_without_the_field_load_with_augmentation_off():
    spec = Spec.from_dict(DIGITS)
    assert "augment" not in DIGITS["train"] and spec.train.augment == "off"


def test_an_unknown_mode_is_refused_with_the_choices():
    with pytest.raises(SpecError, match="'augment' is 'flip'; choose one of 'off'"):
        _digits(augment="flip")


def test_non_image_data_refuses_augmentation_with_a_clear_message():
    with pytest.raises(SpecError, match="dataset spiral is 2d data, not images. Set "
                                        "train.augment to 'off'"):
        Spec.from_dict({"dataset": "spiral", "layers": [], "train": {"augment": "shift"}})
    assert Spec.from_dict({"dataset": "spiral", "train": {"augment": "off"}}).train.augment \
        == "off"


def test_switching_to_non_image_data_turns_augmentation_off():
    spec = _digits(augment="rotate")
    assert spec.with_dataset("spiral").train.augment == "off"
    assert spec.with_dataset("shapes").train.augment == "rotate"


def test_trainer_augments_training_batches_only(monkeypatch):
    seen: list[tuple[int, ...]] = []
    import playground.trainer as trainer_module

    def spy(x, mode, generator):
        seen.append(tuple(x.shape))
        return x + 0.5

    monkeypatch.setattr(trainer_module, "augment_batch", spy)
    trainer = Trainer(_digits(augment="noise"))
    trainer.run_epoch()  # ends with an evaluation of the test split
    assert len(seen) == trainer.steps_per_epoch
    before = len(seen)
    test = trainer.evaluate("test")
    train = trainer.evaluate("train")
    assert len(seen) == before  # evaluation never augments
    with torch.no_grad():
        trainer.model.eval()
        logits = trainer.model(trainer.x_test)
    assert test["accuracy"] == pytest.approx(
        (logits.argmax(1) == trainer.y_test).float().mean().item())
    assert 0.0 <= train["accuracy"] <= 1.0


def test_augmented_runs_repeat_exactly_and_off_is_unchanged():
    def weights(spec: Spec) -> list[torch.Tensor]:
        trainer = Trainer(spec)
        trainer.train()
        return [p.detach().clone() for p in trainer.model.parameters()]

    a, b = weights(_digits(augment="all")), weights(_digits(augment="all"))
    assert all(torch.equal(x, y) for x, y in zip(a, b, strict=True))
    off, plain = weights(_digits(augment="off")), weights(_digits())
    assert all(torch.equal(x, y) for x, y in zip(off, plain, strict=True))
    assert not all(torch.equal(x, y) for x, y in zip(a, off, strict=True))


def test_preview_shows_the_images_then_their_augmented_copies():
    x = torch.rand(4, 1, 8, 8).numpy()
    rows = augment_preview(x, "all", seed=1, copies=2)
    assert rows.shape == (3, 4, 1, 8, 8)
    assert (rows[0] == x).all() and not (rows[1] == x).all()
    assert (augment_preview(x, "all", seed=1, copies=2) == rows).all()


def test_a_learning_loop_step_trains_on_the_augmented_batch_as_the_run_does():
    from playground.learning_loop import loop_batch, take_step

    trainer = Trainer(_digits(augment="noise"))
    indices = loop_batch(trainer, 8, 0)
    step = take_step(trainer, indices)
    stored = trainer.x_train[torch.as_tensor(indices)].cpu().numpy()
    assert step.x.shape == stored.shape and (step.x != stored).any()  # noise was added
    assert abs(float((step.x - stored).std()) - 0.1) < 0.02
    plain = take_step(Trainer(_digits()), indices)
    assert (plain.x == stored).all()
