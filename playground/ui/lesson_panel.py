"""A lesson beside the pages: `?lesson=NAME&hide=a,b&lock=c` is read once per session (so
later URL rewrites cannot drop it); controls ask `hidden()` / `locked()`; the sidebar panel
shows the step text, Back/Next and the questions, and a banner while the model is a copy
of a student's hand-in that the teacher opened from the class board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from playground.classroom.lessons import Lesson, LessonError, controls_from_query, load_lesson
from playground.params import Param
from playground.session import Session
from playground.spec import Spec
from playground.ui.state import get_session
from playground.ui.text import md
from playground.ui.widgets import param_form

_FLAGS = "lesson_flags"
_STEP = "lesson_step"
_OPENED = "classroom.opened"


@dataclass(frozen=True)
class _Opened:
    """Which model state is the hand-in as handed in (a ModelKey's parts and the spec)."""

    name: str
    run_id: str
    version: int
    spec: Spec


def read_lesson_link() -> dict:
    """Read the link's lesson flags once per session; call before the URL is rewritten."""
    if _FLAGS not in st.session_state:
        params = st.query_params
        lesson, error = None, None
        if name := params.get("lesson"):
            try:
                lesson = load_lesson(name)
            except LessonError as exc:
                error = str(exc)
        hide = controls_from_query(params.get("hide")) | (lesson.hide if lesson else set())
        lock = controls_from_query(params.get("lock")) | (lesson.lock if lesson else set())
        st.session_state[_FLAGS] = {"lesson": lesson, "error": error, "hide": hide,
                                    "lock": lock}
    return st.session_state[_FLAGS]


def hidden(control: str | None) -> bool:
    """Whether the lesson link hides this control (names from lessons.CONTROLS)."""
    return control is not None and control in read_lesson_link()["hide"]


def locked(control: str | None) -> bool:
    """Whether the lesson link locks this control: it shows, greyed out."""
    return control is not None and control in read_lesson_link()["lock"]


def lesson_form(control: str, params: tuple[Param, ...], values: dict[str, Any],
                key_prefix: str, columns: int = 1) -> dict[str, Any]:
    """`param_form`, greyed out when the lesson locks `control` (same keys, so the values
    stay); the caller skips it when the control is hidden."""
    return param_form(params, values, key_prefix, columns, disabled=locked(control))


def mark_opened(name: str, session: Session) -> None:
    """Remember that the session's current model is `name`'s hand-in, as handed in."""
    key = session.key
    if key is not None:
        st.session_state[_OPENED] = _Opened(name, key.run_id, key.version, session.spec)


def render_opened_banner() -> None:
    """While the current model is an opened hand-in, say so on every page; once it was
    trained or edited, say that it no longer shows the hand-in (which stays unchanged)."""
    opened: _Opened | None = st.session_state.get(_OPENED)
    if opened is None:
        return
    session = get_session()
    key = session.key
    if key is None or key.run_id != opened.run_id:
        return  # another model is current (a preset, Undo); Undo back shows it again
    who = md(opened.name)
    if key.version == opened.version and session.spec == opened.spec:
        st.info(f"**Read-only hand-in: {who}'s model**, as handed in. Inspect it on "
                "Activations, Attributions or Black box. This is a copy: training or "
                f"editing it never changes {who}'s hand-in on the board.",
                icon=":material/visibility:")
    else:
        st.warning(f"**No longer {who}'s hand-in as handed in:** this copy was trained or "
                   f"edited since it was opened. {who}'s hand-in on the board is unchanged; "
                   "open it again from the Classroom board to show it as handed in.",
                   icon=":material/edit:")


def render_lesson_panel() -> None:
    """The sidebar panel of the lesson opened from the link, if any, and the banner of an
    opened hand-in."""
    render_opened_banner()
    flags = read_lesson_link()
    if flags["error"]:
        st.warning(md(flags["error"]))
    lesson: Lesson | None = flags["lesson"]
    if lesson is None:
        return
    at = min(st.session_state.get(_STEP, 0), len(lesson.steps) - 1)
    step = lesson.steps[at]
    with st.expander(f"Lesson: {lesson.title}", expanded=True):
        st.caption(f"Step {at + 1} of {len(lesson.steps)}")
        st.markdown(md(step.text))
        st.page_link(step.page, label="Open this step's page")
        back, nxt = st.columns(2)
        if back.button("Back", disabled=at == 0, key="lesson_back"):
            st.session_state[_STEP] = at - 1
            st.rerun()
        if nxt.button("Next", disabled=at == len(lesson.steps) - 1, key="lesson_next"):
            st.session_state[_STEP] = at + 1
            st.rerun()
        for question in lesson.questions:
            st.markdown(f"- {md(question)}")
