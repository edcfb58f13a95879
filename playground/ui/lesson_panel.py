"""A lesson beside the pages: `?lesson=NAME&hide=a,b&lock=c` is read once per session (so
later URL rewrites cannot drop it); controls ask `hidden()` / `locked()`; the sidebar panel
shows the step text, Back/Next and the questions."""

from __future__ import annotations

import streamlit as st

from playground.classroom.lessons import Lesson, LessonError, controls_from_query, load_lesson
from playground.ui.text import md

_FLAGS = "lesson_flags"
_STEP = "lesson_step"


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


def render_lesson_panel() -> None:
    """The sidebar panel of the lesson opened from the link, if any."""
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
