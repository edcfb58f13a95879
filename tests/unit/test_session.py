"""The session in the core: what a spec change means for the run, model identity across
resets, and the one cache of derived results."""

import torch

from playground.presets import PRESETS
from playground.session import Change, DerivedCache, Session
from playground.spec import TRAIN_PARAMS


def _session() -> Session:
    return Session(PRESETS["xor"].spec())


def test_live_settings_are_declared_on_their_descriptors():
    assert {p.name for p in TRAIN_PARAMS if p.live} == {"lr", "epochs"}


def test_a_live_change_keeps_the_weights_and_leaves_no_stale_spec():
    session = _session()
    runner = session.runner()
    runner.step(3)
    before = runner.key
    weights = {k: v.clone() for k, v in runner.trainer.model.state_dict().items()}
    change = session.apply(session.spec.with_train(lr=0.0042, epochs=3))
    assert change is Change.LIVE
    assert session.runner() is runner and session.key == before
    trainer = runner.trainer
    # one home for the rate: the spec the trainer holds, which black-box retraining reads
    assert trainer.spec == session.spec and trainer.lr == trainer.spec.train.lr == 0.0042
    assert trainer.spec.train.epochs == 3
    assert all(g["lr"] == 0.0042 for g in trainer.optimizer.param_groups)
    assert all(torch.equal(v, trainer.model.state_dict()[k]) for k, v in weights.items())


def test_any_other_change_starts_a_new_run_with_a_new_identity():
    session = _session()
    first = session.runner()
    assert session.apply(session.spec.with_train(batch_size=4)) is Change.FRESH
    second = session.runner()
    assert second is not first and second.run_id != first.run_id
    assert session.apply(session.spec) is Change.NONE
    assert session.runner() is second


def test_model_keys_never_repeat_across_resets():
    session = _session()
    keys = {session.runner().key}
    for _ in range(3):
        keys.add(session.reset().key)  # every fresh run starts at version 0
    assert len(keys) == 4 and {k.version for k in keys} == {0}
    runner = session.runner()
    runner.step(2)
    assert session.key.version == 2 and session.key.run_id == runner.run_id


def test_a_spec_that_cannot_be_built_says_why_until_it_changes():
    session = _session()
    bad = session.spec.with_layers([{"type": "conv2d", "channels": 4}])  # 2D points in
    session.apply(bad)
    assert session.runner() is None and "conv2d" in session.error
    session.apply(PRESETS["xor"].spec())
    assert session.error is None and session.runner() is not None


def test_the_derived_cache_is_keyed_by_model_state_and_cleared_by_a_new_run():
    session = _session()
    runner = session.runner()
    calls = []

    def compute():
        calls.append(runner.key)
        return len(calls)

    assert session.derived.get("preds", runner.key, compute) == 1
    assert session.derived.get("preds", runner.key, compute) == 1  # reused
    runner.step()
    assert session.derived.get("preds", runner.key, compute) == 2  # new weights, new result
    old = runner.key
    session.reset()
    assert session.derived.peek("preds", old) is None


def test_each_kind_of_result_keeps_its_own_few_entries():
    cache = DerivedCache(keep=2)
    for i in range(5):
        cache.get("a", i, lambda i=i: i)
    cache.get("b", 0, lambda: "b0")
    assert cache.peek("a", 0) is None and cache.peek("a", 4) == 4 and cache.peek("a", 3) == 3
    assert cache.peek("b", 0) == "b0"
    assert cache.get("a", 9, lambda: 9, keep=1) == 9 and cache.peek("a", 4) is None


def test_undo_brings_back_the_spec_and_the_trained_run_and_redo_returns():
    session = _session()
    trained = session.runner()
    trained.step(5)
    weights = {k: v.clone() for k, v in trained.trainer.model.state_dict().items()}
    session.apply(PRESETS["spiral"].spec(), fresh=True, what="open the spiral preset")
    assert session.runner() is not trained
    assert session.undo_label == ("open the spiral preset (brings back the model trained to "
                                  "step 5)")
    assert session.undo()
    assert session.spec == PRESETS["xor"].spec() and session.runner() is trained
    assert all(torch.equal(v, trained.trainer.model.state_dict()[k]) for k, v in weights.items())
    assert session.redo_label == "open the spiral preset" and session.redo()
    assert session.spec == PRESETS["spiral"].spec() and session.undo_label is not None


def test_reset_of_a_trained_model_can_be_undone_and_an_untrained_one_leaves_no_entry():
    session = _session()
    session.reset()
    assert session.undo_label is None  # nothing trained, nothing to bring back
    trained = session.runner()
    trained.step(2)
    session.reset()
    assert session.runner().trainer.step_count == 0
    assert session.undo() and session.runner() is trained


def test_a_new_change_clears_redo_and_only_the_newest_runs_are_kept():
    session = _session()
    runs = []
    for batch in (4, 8, 16):
        session.runner().step(1)
        runs.append(session.runner())
        session.apply(session.spec.with_train(batch_size=batch))
    kept = [k.runner for k in session._undo]
    assert kept == [None, runs[1], runs[2]]  # the oldest gave its model up
    assert all(not r.running for r in runs)
    session.undo()
    session.apply(session.spec.with_train(batch_size=2))
    assert session.redo_label is None


def test_browser_back_and_forward_return_to_kept_states_with_their_runs():
    session = _session()
    xor = session.spec
    session.runner().step(3)
    trained = session.runner()
    spiral = PRESETS["spiral"].spec()
    session.apply(spiral, fresh=True)
    circles = PRESETS["circles"].spec()
    session.apply(circles, fresh=True)
    session.navigate(xor)  # two entries back at once
    assert session.spec == xor and session.runner() is trained
    session.navigate(circles)  # forward again
    assert session.spec == circles
    moons = session.spec.with_train(batch_size=3)
    assert session.navigate(moons) is Change.FRESH and session.spec == moons
    assert session.navigate(moons.with_train(lr=0.5)) is Change.LIVE
