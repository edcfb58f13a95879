"""The sidebar's hold on the learner's work: Undo and Redo of spec changes (a trained model
comes back with its network), and links to share the network, with or without its
trained weights."""

from __future__ import annotations

import streamlit as st

from playground.ui.state import get_session, keep_spec_in_url, session_store, share_link
from playground.ui.text import md

_SHARED = "share_weights_link"  # this session's latest share: (model key, query string)


def _undo() -> None:
    get_session().undo()
    keep_spec_in_url()


def _redo() -> None:
    get_session().redo()
    keep_spec_in_url()


def _share() -> None:
    session = get_session()
    token = session_store().share(session)
    if token is not None:
        st.session_state[_SHARED] = (session.key, share_link(token))


def _base_url() -> str:
    """The app's address as the browser sees it, without its query string."""
    url = st.context.url or ""
    return url.split("?", 1)[0]


def render_undo() -> None:
    """Undo / Redo buttons naming what they take back; nothing when there is nothing."""
    session = get_session()
    undo, redo = session.undo_label, session.redo_label
    if not (undo or redo):
        return
    c1, c2 = st.columns(2)
    c1.button("Undo", icon=":material/undo:", key="session.undo", on_click=_undo,
              disabled=undo is None, width="stretch",
              help=f"Take back: {md(undo)}." if undo else None)
    c2.button("Redo", icon=":material/redo:", key="session.redo", on_click=_redo,
              disabled=redo is None, width="stretch",
              help=f"Do again: {md(redo)}." if redo else None)
    if undo:
        st.caption(f"Undo: {md(undo)}")


def render_share() -> None:
    """Two links: the network alone, and a read-only copy of the trained model."""
    session = get_session()
    with st.popover("Share", icon=":material/share:", width="stretch"):
        st.caption("The network only (the receiver trains it):")
        st.code(_base_url() + share_link(), language=None, wrap_lines=True)
        runner = session.peek()
        trained = runner is not None and runner.trainer.step_count > 0
        st.button("Share with weights", icon=":material/link:", key="session.share",
                  on_click=_share, disabled=not trained, width="stretch",
                  help="A link to a copy of this model as trained now. Whoever opens it "
                       "gets their own copy; your run stays yours." if trained else
                       "Train the model first: there are no trained weights to share yet.")
        shared = st.session_state.get(_SHARED)
        if shared is not None:
            key, link = shared
            st.caption("With the trained weights (kept in this server's memory for a day):"
                       if key == session.key else
                       "With the weights as they were when you pressed it (the model has "
                       "changed since; press again for a link to the current one):")
            st.code(_base_url() + link, language=None, wrap_lines=True)
        st.caption("Your own address bar also holds a private run token, so a refresh brings "
                   "your run back; share these links instead.")
