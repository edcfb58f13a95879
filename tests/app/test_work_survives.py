"""Work survives through AppTest: a reload reattaches the run by its private token, a
restart or a plain link says what the page has, a shared link brings a copy of the trained
weights, and Undo brings back a trained model that a preset replaced."""

from __future__ import annotations

import pytest
from opening import APP, current_spec, open_page
from streamlit.runtime.caching.cache_resource_api import clear_session_cache
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.spec import Spec

TRAIN = "views/train.py"


def close_tab() -> None:
    """What Streamlit does when a tab closes or reloads: release its session resources."""
    clear_session_cache("test session id")


@pytest.fixture(autouse=True)
def fresh_session():
    close_tab()
    yield
    close_tab()


def reopen(params: dict[str, str], page: str = TRAIN) -> AppTest:
    """A new browser session arriving with `params` in its URL (a reload or a link); what
    the arrival page said in the sidebar is kept in `at.arrival`."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.arrival = sidebar_text(at)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def step_count(at: AppTest) -> int:
    return int(next(m.value for m in at.metric if m.label == "Step").replace(",", ""))


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in at.sidebar
                    if e.type in ("warning", "info", "error", "success"))


def trained_xor() -> AppTest:
    at = open_page(TRAIN, PRESETS["xor"].spec())
    click(at, "train.epoch")
    click(at, "train.epoch")
    assert step_count(at) > 0
    return at


def test_a_reload_reattaches_the_run_by_its_private_token():
    at = trained_xor()
    session, steps = at.session_state["session"], step_count(at)
    url = dict(at.query_params)
    assert url["run"] == session.token
    close_tab()
    again = reopen({"spec": url["spec"], "run": url["run"]})
    assert again.session_state["session"] is session
    assert step_count(again) == steps and not again.arrival


def test_without_the_run_token_the_run_stays_out_of_reach():
    at = trained_xor()
    session = at.session_state["session"]
    close_tab()
    other = reopen({"spec": at.query_params["spec"]})
    assert other.session_state["session"] is not session
    assert step_count(other) == 0
    assert "not trained weights" in other.arrival  # a plain link says so


def test_a_run_token_from_before_a_server_restart_says_what_was_lost():
    spec = PRESETS["xor"].spec()
    at = reopen({"spec": spec.to_url_token(), "run": "0a1b2c-from-the-old-server"})
    assert "server restarted" in at.arrival
    assert current_spec(at) == spec and step_count(at) == 0
    assert at.query_params["run"] != "0a1b2c-from-the-old-server"


def _share_link(at: AppTest) -> dict[str, str]:
    click(at, "session.share")
    link = next(c.value for c in at.sidebar.get("code") if "weights=" in c.value)
    query = link.split("?", 1)[1]
    return dict(part.split("=", 1) for part in query.split("&"))


def test_share_with_weights_gives_the_receiver_an_own_copy():
    at = trained_xor()
    sender = at.session_state["session"]
    steps = step_count(at)
    params = _share_link(at)
    assert "run" not in params  # the private token never leaves in a share
    close_tab()
    receiver = reopen(params)
    mine = receiver.session_state["session"]
    assert mine is not sender and mine.runner() is not sender.runner()
    assert step_count(receiver) == steps and "copy of a model" in receiver.arrival
    click(receiver, "train.epoch")  # the receiver trains their copy on
    assert step_count(receiver) > steps
    assert sender.runner().trainer.step_count == steps


def test_a_share_link_whose_weights_are_gone_says_so():
    spec = PRESETS["xor"].spec()
    at = reopen({"spec": spec.to_url_token(), "weights": "0a1b2c-gone"})
    assert "weights are gone" in at.arrival and step_count(at) == 0


def test_undo_brings_back_the_trained_model_a_preset_replaced():
    at = trained_xor()
    trained = at.session_state["session"].runner()
    steps = step_count(at)
    at.switch_page("views/home.py").run()
    click(at, "preset.spiral")
    assert current_spec(at).dataset.name == "spiral"
    assert "Undo" in sidebar_text(at)  # the page says the trained model was put aside
    assert "step" in at.button(key="session.undo").help
    click(at, "session.undo")
    assert current_spec(at) == PRESETS["xor"].spec()
    assert at.session_state["session"].runner() is trained
    at.switch_page(TRAIN).run()
    assert step_count(at) == steps
    click(at, "session.redo")
    assert current_spec(at).dataset.name == "spiral"


def test_a_spec_from_the_url_is_what_the_reattached_session_follows():
    at = trained_xor()
    url = dict(at.query_params)
    close_tab()
    moved = Spec.from_url_token(url["spec"]).with_train(batch_size=8)
    again = reopen({"spec": moved.to_url_token(), "run": url["run"]})
    assert current_spec(again) == moved and step_count(again) == 0
    assert again.session_state["session"].undo_label is not None
