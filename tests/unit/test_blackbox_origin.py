"""Which model a black-box result was computed on: origins of the user's model and of the
experiments' own models, and how a stored result stands against the model chosen now."""

import torch

from playground.blackbox.origin import (
    USER,
    Standing,
    note,
    own_origin,
    run_tag,
    standing,
    take_user_model,
    user_now,
    user_origin,
)
from playground.presets import PRESETS
from playground.runner import ModelKey
from playground.session import Session

SPEC = PRESETS["digits_mlp"].spec()
A0, A5, B0 = ModelKey("run-a", 0), ModelKey("run-a", 5), ModelKey("run-b", 0)


def _weights(key, step=0, spec=SPEC, epochs=4, trains=False):
    return user_origin(key, step, spec, weights=True, trains=trains, epochs=epochs)


def test_the_users_model_as_it_is_now_is_current():
    made = _weights(A5, 5)
    assert standing(made, _weights(A5, 5)) is Standing.CURRENT
    assert note(made, _weights(A5, 5)) is None
    assert made.choice == USER and made.label == f"your model, run {run_tag('run-a')}, step 5"


def test_a_result_from_before_more_training_is_labelled_with_its_step():
    made, now = _weights(A0, 0), _weights(A5, 5)
    assert standing(made, now) is Standing.EARLIER
    words = note(made, now)
    assert "step 0" in words and "now at step 5" in words and "run again" in words


def test_a_result_from_a_replaced_model_or_another_choice_is_not_current():
    assert standing(_weights(A5, 5), _weights(B0)) is Standing.REPLACED
    assert "replaced" in note(_weights(A5, 5), _weights(B0))
    preset = own_origin("digits_mlp", "the digits_mlp preset", 4)
    assert standing(preset, _weights(A0)) is Standing.OTHER
    assert standing(_weights(A0), preset) is Standing.OTHER
    assert "the digits_mlp preset, trained 4 epochs" in note(preset, _weights(A0))
    assert standing(None, preset) is Standing.OTHER and note(None, preset) is None


def test_an_own_model_is_named_by_its_epochs():
    made = own_origin("circles", "the circles preset", 5)
    assert standing(made, own_origin("circles", "the circles preset", 5)) is Standing.CURRENT
    later = own_origin("circles", "the circles preset", 10)
    assert standing(made, later) is Standing.EARLIER and "10 epochs since" in note(made, later)
    assert made.label == "the circles preset, trained 5 epochs"


def test_a_fresh_copy_of_the_users_network_follows_its_spec_not_its_weights():
    def fresh(key, spec):
        return user_origin(key, 3, spec, weights=False, trains=True, epochs=4)

    made = fresh(A0, SPEC)
    assert made.key is None and "trained fresh for 4 epochs" in made.label
    assert standing(made, fresh(A5, SPEC)) is Standing.CURRENT  # training it changes nothing
    live = SPEC.with_train(lr=SPEC.train.lr / 2)
    assert standing(made, fresh(A0, live)) is Standing.EARLIER
    assert "settings have changed" in note(made, fresh(A0, live))
    other = SPEC.with_train(batch_size=8)
    assert standing(made, fresh(B0, other)) is Standing.REPLACED


def test_a_retrained_copy_of_the_users_model_follows_weights_settings_and_epochs():
    made = _weights(A0, trains=True)
    assert standing(made, _weights(A0, trains=True, epochs=6)) is Standing.EARLIER
    assert standing(made, _weights(A0, spec=SPEC.with_train(lr=0.5), trains=True)) \
        is Standing.EARLIER
    assert standing(made, _weights(A5, 5, trains=True)) is Standing.EARLIER


def test_the_tag_never_shows_the_run_id():
    run_id = "SecretRunToken-abcdef"
    assert len(run_tag(run_id)) == 6 and run_tag(run_id) not in run_id
    assert run_tag(run_id) == run_tag(run_id) != run_tag(run_id + "x")


def test_the_users_model_is_taken_with_the_key_and_step_it_has():
    session = Session(PRESETS["xor"].spec())
    runner = session.runner()
    runner.step(3)
    model, key, step, spec = take_user_model(runner)
    assert key == runner.key and step == 3 and spec == session.spec
    assert user_now(runner) == (key, 3, spec)
    state = runner.trainer.model.state_dict()
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())
    runner.step(1)
    assert user_now(runner)[:2] == (ModelKey(key.run_id, key.version + 1), 4)
    session.close()
