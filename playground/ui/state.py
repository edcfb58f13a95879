"""Where a browser session keeps its `Session`, and the one writer of the URL.

The Session lives in session state; a session-scoped resource's release (tab closed,
websocket dropped) stops its worker thread. Nothing here is shared between sessions. The
spec is mirrored into the URL's `?spec=`, so a refresh or a shared link restores it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

import streamlit as st

from playground.errors import SpecError
from playground.presets import PRESETS
from playground.runner import Runner
from playground.session import Change, Session
from playground.spec import Spec

DEFAULT_PRESET = "spiral"
URL_KEY = "spec"
T = TypeVar("T")
_NOTICE = "spec_notice"


_SESSION = "session"


@dataclass
class _Slot:
    """Stops the session's worker when Streamlit releases the browser session."""

    session: Session | None = None


def _release(slot: _Slot) -> None:
    if slot.session is not None:
        slot.session.close()


@st.cache_resource(scope="session", on_release=_release, show_spinner=False)
def _slot() -> _Slot:
    return _Slot()


def get_session() -> Session:
    """The browser session's Session, created from the URL's spec (else the default
    preset) on first use."""
    session = st.session_state.get(_SESSION)
    if session is None:
        spec = None
        token = st.query_params.get(URL_KEY)
        if token:
            try:
                spec = Spec.from_url_token(token)
            except SpecError as exc:
                st.session_state[_NOTICE] = f"The link's network could not be loaded: {exc}"
        session = Session(spec or PRESETS[DEFAULT_PRESET].spec())
        st.session_state[_SESSION] = session
        _slot().session = session
        _keep_in_url(session.spec)
    return session


def get_spec() -> Spec:
    return get_session().spec


def set_spec(spec: Spec, fresh: bool = False) -> Change:
    """Make `spec` the session's spec and mirror it into the URL. The run keeps its weights
    only when live settings alone changed and `fresh` is not asked for."""
    change = get_session().apply(spec, fresh)
    _keep_in_url(spec)
    return change


def keep_spec_in_url() -> None:
    """Put the spec back into the URL after a page switch cleared it (once per full run,
    from the frame; never from a fragment)."""
    _keep_in_url(get_session().spec)


def _keep_in_url(spec: Spec) -> None:
    token = spec.to_url_token()
    if st.query_params.get(URL_KEY) != token:
        st.query_params[URL_KEY] = token


def switch_page(page: str) -> None:
    """Go to `page` with the spec in its URL (a page switch clears query parameters unless
    they are passed along)."""
    st.switch_page(page, query_params={URL_KEY: get_spec().to_url_token()})


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
        st.error(runner_error() or "This network cannot be built yet.", icon=":material/error:")
        st.page_link("views/build.py", label="Fix the network on the Build page",
                     icon=":material/construction:")
        st.stop()
    return runner
