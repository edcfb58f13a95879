"""Where a browser session keeps its `Session`, and the one writer of the URL.

The Session lives in session state and in the server's SessionStore under a private run
token. A session-scoped resource's release (tab closed, reload, websocket dropped) parks it
there; the reload's new connection brings the token back in `?run=` and reattaches it (a run
that was training pauses meanwhile and trains on). The spec is mirrored into `?spec=`, so a
link restores the network; Streamlit makes each URL change a browser-history entry, and Back
or Forward brings the spec (and a kept trained run) back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from playground.errors import SpecError
from playground.limits import current_limits
from playground.presets import PRESETS
from playground.runner import Runner
from playground.session import A_CHANGE, Change, Session
from playground.session_store import SessionStore, Share
from playground.spec import Spec
from playground.ui.text import md

DEFAULT_PRESET = "spiral"
URL_KEY = "spec"
RUN_KEY = "run"  # the session's private token: only its owner's URL carries it
WEIGHTS_KEY = "weights"  # a share token: a copy of someone's trained model
T = TypeVar("T")
_NOTICE = "spec_notice"
_SESSION = "session"
_OWNER = "session_owner"  # this connection's id in the store


@st.cache_resource(show_spinner=False)
def session_store() -> SessionStore:
    """The server's one registry of sessions by private token. Each entry is one browser's
    own Session; nothing in it is handed to anyone without that session's token."""
    limits = current_limits()
    return SessionStore(grace_seconds=limits.reattach_seconds, max_shares=limits.max_shares)


@dataclass
class _Slot:
    """Parks the session in the store when Streamlit releases the browser session."""

    session: Session | None = None
    owner: str = ""


def _release(slot: _Slot) -> None:
    if slot.session is not None:
        session_store().release(slot.session, slot.owner)


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _slot() -> _Slot:
    return _Slot()


def get_session() -> Session:
    """The browser session's Session: reattached from the URL's run token, a copy of a
    shared model, or new from the URL's spec (else the default preset)."""
    owner = st.session_state.setdefault(_OWNER, secrets.token_hex(8))
    store = session_store()
    session = st.session_state.get(_SESSION)
    if session is not None and (lost := store.hold(session, owner)) is not None:
        _notify(lost)
        session = _new_session(store, owner, session.spec)
    if session is None:
        session = _open_session(store, owner)
    slot = _slot()
    slot.session, slot.owner = session, owner
    return session


def _open_session(store: SessionStore, owner: str) -> Session:
    """The first Session of a connection, from what its URL carries."""
    spec = None
    if token := st.query_params.get(URL_KEY):
        try:
            spec = Spec.from_url_token(token)
        except SpecError as exc:
            _notify(f"The link's network could not be loaded: {md(exc)}")
    run, weights = st.query_params.get(RUN_KEY), st.query_params.get(WEIGHTS_KEY)
    if run:
        found = store.claim(run, owner)
        if isinstance(found, Session):
            st.session_state[_SESSION] = found
            if spec is not None and spec != found.spec:
                found.navigate(spec)  # the URL moved on while the tab was away
            _keep_in_url(found)
            return found
        _notify(found)
    elif weights:
        shared = store.shared(weights)
        if isinstance(shared, Share):
            _notify(f"You opened a copy of a model trained to step {shared.step} (epoch "
                    f"{shared.epoch}). The copy is yours: train it on, inspect it or change "
                    "it — the sender's run is not affected.")
            session = Session.adopt(shared.trainer)
            return _register(store, owner, session)
        _notify(shared)
    elif spec is not None:
        _notify("This link carries the network but not trained weights, so the model starts "
                "untrained: press Train on the Train page. (A link from **Share with "
                "weights** brings the trained model.)")
    return _new_session(store, owner, spec or PRESETS[DEFAULT_PRESET].spec())


def _new_session(store: SessionStore, owner: str, spec: Spec) -> Session:
    return _register(store, owner, Session(spec))


def _register(store: SessionStore, owner: str, session: Session) -> Session:
    store.admit(session, owner)
    st.session_state[_SESSION] = session
    _keep_in_url(session)
    return session


def _notify(message: str) -> None:
    st.session_state[_NOTICE] = message


def get_spec() -> Spec:
    return get_session().spec


def set_spec(spec: Spec, fresh: bool = False, what: str = A_CHANGE) -> Change:
    """Make `spec` the session's spec and mirror it into the URL. The run keeps its weights
    only when live settings alone changed and `fresh` is not asked for; a trained run that
    gives way is kept for Undo, and the page says so."""
    session = get_session()
    change = session.apply(spec, fresh, what)
    if change is Change.FRESH and session.undo_restores_model:
        _notify(f"{md(what[:1].upper() + what[1:])}: the trained model was put aside. "
                "**Undo** in the sidebar (or the browser's Back) brings it back.")
    _keep_in_url(session)
    return change


def follow_history() -> None:
    """After the browser's Back or Forward, take on the spec its URL holds (once per full
    run, from the frame, before the URL is written)."""
    ctx = get_script_run_ctx()
    token = st.query_params.get(URL_KEY)
    if ctx is None or not ctx.is_history_navigation or not token:
        return
    session = get_session()
    if token == session.spec.to_url_token():
        return
    try:
        spec = Spec.from_url_token(token)
    except SpecError as exc:
        _notify(f"That page of the browser history holds a network that cannot be loaded: "
                f"{md(exc)}")
        return
    session.navigate(spec)


def keep_spec_in_url() -> None:
    """Put the spec and run token back into the URL after a page switch cleared them (once
    per full run, from the frame; never from a fragment)."""
    _keep_in_url(get_session())


def _url_params(session: Session) -> dict[str, str]:
    return {URL_KEY: session.spec.to_url_token(), RUN_KEY: session.token or ""}


def _keep_in_url(session: Session) -> None:
    params = _url_params(session)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)  # one write: one browser-history entry


def share_link(weights: str | None = None) -> str:
    """The query string of a link to the session's network (and with `weights`, a copy of
    its trained model); never the private run token."""
    params = {URL_KEY: get_spec().to_url_token()}
    if weights:
        params[WEIGHTS_KEY] = weights
    return "?" + urlencode(params)


def switch_page(page: str) -> None:
    """Go to `page` with the spec and run token in its URL (a page switch clears query
    parameters unless they are passed along)."""
    st.switch_page(page, query_params=_url_params(get_session()))


def pop_notice() -> str | None:
    """A one-time message about the spec (for example a link that could not be read)."""
    return st.session_state.pop(_NOTICE, None)


def derived(what: str, key: Hashable, compute: Callable[[], T], keep: int | None = None) -> T:
    """A result derived from the session's model, cached under `key` (which names the
    model state, e.g. a ModelKey, and the request) in the session's one cache."""
    return get_session().derived.get(what, key, compute, keep)


def get_runner() -> Runner | None:
    """The session's run for the current spec; None when it cannot be built."""
    return get_session().runner()


def peek_runner() -> Runner | None:
    """The session's run if one exists; never builds one (for the sidebar summary)."""
    return get_session().peek()


def reset_runner() -> Runner | None:
    """Fresh weights for the current spec; any running worker is stopped first."""
    return get_session().reset()


def runner_error() -> str | None:
    return get_session().error


def require_runner() -> Runner:
    """The session's runner; when the network cannot be built, say why, link to the Build
    page and stop the page there."""
    runner = get_runner()
    if runner is None:
        st.error(md(runner_error() or "This network cannot be built yet."),
                 icon=":material/error:")
        st.page_link("views/build.py", label="Fix the network on the Build page",
                     icon=":material/construction:")
        st.stop()
    return runner
