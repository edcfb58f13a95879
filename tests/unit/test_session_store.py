"""Sessions parked across reloads and models shared by link: who can reach what, for how
long, and what the page is told when a run is gone."""

import gc
import threading
import time

import torch

from playground import session_store
from playground.presets import PRESETS
from playground.session import Session
from playground.session_store import SessionStore, clone_trainer


def _trained_session(store: SessionStore, steps: int = 4) -> Session:
    session = Session(PRESETS["xor"].spec())
    store.admit(session, "tab-1")
    session.runner().step(steps)
    return session


def _weights(trainer) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in trainer.model.state_dict().items()}


def test_a_released_session_is_reattached_by_its_token_once():
    store = SessionStore()
    session = _trained_session(store)
    assert session.token.startswith(session_store.BOOT + "-") and len(session.token) > 24
    store.release(session, "tab-1")
    assert store.parked() == 1
    assert store.claim(session.token, "tab-2") is session
    assert store.parked() == 0
    second = store.claim(session.token, "tab-2", wait=0.05)  # the first claimer owns it now
    assert isinstance(second, str) and "another tab" in second


def test_a_connected_owner_keeps_its_run_and_a_reload_waits_for_the_old_close():
    store = SessionStore()
    session = _trained_session(store)
    assert isinstance(store.claim(session.token, "tab-2", wait=0.05), str)  # copied address bar
    # the old tab's close lands late
    threading.Timer(0.2, store.release, (session, "tab-1")).start()
    assert store.claim(session.token, "tab-2", wait=2.0) is session


def test_a_guessed_or_foreign_token_reaches_nothing_and_says_why():
    store = SessionStore()
    _trained_session(store)
    assert "unknown" in store.claim(f"{session_store.BOOT}-guess", "tab-2", wait=0)
    assert "server restarted" in store.claim("abcdef-token-from-before", "tab-2", wait=0)


def test_after_the_grace_period_the_run_is_closed_and_the_page_is_told():
    store = SessionStore(grace_seconds=0.05)
    session = _trained_session(store)
    runner = session.runner()
    runner.start()
    store.release(session, "tab-1")
    time.sleep(0.4)
    assert not runner.running  # the worker stopped with its session
    assert "away longer than" in store.claim(session.token, "tab-2", wait=0)
    assert "away longer than" in store.hold(session, "tab-1")  # a late reconnect is told


def test_a_reconnect_of_the_same_tab_unparks_it_before_the_grace_ends():
    store = SessionStore(grace_seconds=0.1)
    session = _trained_session(store)
    store.release(session, "tab-1")
    assert store.hold(session, "tab-1") is None
    time.sleep(0.3)
    assert isinstance(store.claim(session.token, "tab-2", wait=0.05), str)  # owner connected
    assert session.runner() is not None and store.hold(session, "tab-1") is None


def test_a_tab_whose_run_was_taken_over_by_a_reload_elsewhere_is_told_so():
    store = SessionStore()
    session = _trained_session(store)
    store.release(session, "tab-1")  # the connection dropped
    assert store.claim(session.token, "tab-2") is session  # another tab reloaded the link
    assert "another tab" in store.hold(session, "tab-1")  # the first tab comes back
    store.release(session, "tab-1")  # its close does not park tab 2's run
    assert store.parked() == 0


def test_a_share_gives_each_receiver_an_own_copy_and_never_the_senders_run():
    store = SessionStore()
    sender = _trained_session(store, steps=6)
    before = _weights(sender.runner().trainer)
    token = store.share(sender)
    first, second = store.shared(token), store.shared(token)
    assert first.step == 6 and first.trainer is not second.trainer
    mine = Session.adopt(first.trainer)
    assert mine.runner().trainer.step_count == 6
    assert all(torch.equal(v, mine.runner().trainer.model.state_dict()[k])
               for k, v in before.items())
    mine.runner().step(5)  # the receiver trains on; nobody else's weights move
    assert all(torch.equal(v, sender.runner().trainer.model.state_dict()[k])
               for k, v in before.items())
    assert all(torch.equal(v, second.trainer.model.state_dict()[k]) for k, v in before.items())
    assert store.claim(token, "tab-2", wait=0) != sender  # a share token is no run token


def test_an_untrained_model_is_not_shared_and_old_shares_expire():
    store = SessionStore(share_seconds=0.05, max_shares=1)
    assert store.share(Session(PRESETS["xor"].spec())) is None
    sender = _trained_session(store)
    token = store.share(sender)
    time.sleep(0.1)
    assert "gone" in store.shared(token)
    newer, newest = store.share(sender), store.share(sender)
    assert isinstance(store.shared(newer), str) and not isinstance(store.shared(newest), str)
    assert "server restarted" in store.shared("abcdef-old")


def test_a_cloned_trainer_continues_exactly_as_the_original_would():
    session = Session(PRESETS["digits_cnn"].spec().with_train(batch_size=64))
    trainer = session.runner().trainer
    for _ in range(3):
        trainer.step()
    twin = clone_trainer(trainer)
    assert twin.x_train is trainer.x_train  # the dataset is shared, read-only
    losses = [(trainer.step().loss, twin.step().loss) for _ in range(3)]
    assert all(a == b for a, b in losses)
    assert twin.history.step_loss == trainer.history.step_loss


def test_a_connection_that_vanishes_unreleased_does_not_keep_its_model_alive():
    store = SessionStore()
    session = _trained_session(store)
    token = session.token
    del session
    gc.collect()
    assert store.known() == 0
    assert "unknown" in store.claim(token, "tab-2", wait=0)


def test_a_parked_run_pauses_and_trains_on_when_reattached():
    store = SessionStore()
    session = Session(PRESETS["spiral"].spec().with_train(epochs=1000))
    store.admit(session, "tab-1")
    runner = session.runner()
    runner.start()
    store.release(session, "tab-1")
    end = time.monotonic() + 5
    while runner.running and time.monotonic() < end:
        time.sleep(0.01)  # the slice under way ends first
    assert not runner.running  # nobody watches: no cores spent
    steps = runner.trainer.step_count
    assert store.claim(session.token, "tab-2") is session
    assert runner.running
    time.sleep(0.3)
    runner.pause()
    assert runner.trainer.step_count > steps
