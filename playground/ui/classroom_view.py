"""The Classroom page's sections: lessons with links and challenges, the lesson-link maker,
and the class board (open a class, hand in the current run, see the leaderboard)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from safetensors.torch import save

from playground.classroom.challenges import check
from playground.classroom.handin_model import handin_trainer
from playground.classroom.lessons import CONTROLS, Lesson, lesson_names, lesson_query, load_lesson
from playground.classroom.store import Board, BoardError, HandIn
from playground.shapes import validate
from playground.ui.lesson_panel import mark_opened
from playground.ui.state import get_session, get_spec, set_spec
from playground.ui.text import md
from playground.viz.class_board import board_curves

BOARD_REFRESH_SECONDS = 5.0  # hand-ins show up within this; each redraw is one small query
_KEY = "class_key"
_OPEN_ERROR = "classroom.open_error"


def _run_state() -> tuple[list[dict[str, float]], int]:
    """The current run's epochs and the spec's parameter count (0 when it cannot build)."""
    runner = get_session().peek()
    epochs = runner.snapshot().epochs if runner is not None else []
    report = validate(get_spec())
    return epochs, report.total_parameters if report.ok else 0


def render_lessons() -> None:
    """Every shipped lesson: what it teaches, its link, its steps and its challenge."""
    st.subheader("Lessons")
    epochs, parameters = _run_state()
    for name in lesson_names():
        lesson = load_lesson(name)
        with st.expander(f"{lesson.title}"):
            st.markdown(md(lesson.summary))
            st.code("?" + urlencode(lesson_query(name, set(lesson.hide), set(lesson.lock))))
            for i, step in enumerate(lesson.steps, 1):
                st.markdown(f"{i}\\. {md(step.text)}")
            if lesson.challenge is not None:
                _challenge(lesson, epochs, parameters)
            if st.button("Load this lesson's network", key=f"lesson_{name}"):
                set_spec(lesson.spec, fresh=True, what=f"lesson {lesson.title}")
                st.rerun()


def _challenge(lesson: Lesson, epochs: list[dict[str, float]], parameters: int) -> None:
    verdict = check(lesson.challenge, epochs, parameters)
    st.markdown(f"**Challenge:** {md(lesson.challenge.text)}")
    (st.success if verdict.passed else st.info)(md(verdict.message))


def render_link_maker() -> None:
    """A teacher picks a lesson and the controls to hide or lock; the link appears."""
    st.subheader("Make a lesson link")
    names = lesson_names()
    name = st.selectbox("Lesson", [""] + names, format_func=lambda n: n or "(none)")
    labels = list(CONTROLS)
    hide = st.multiselect("Hide", labels, format_func=CONTROLS.get, key="link_hide")
    lock = st.multiselect("Lock", labels, format_func=CONTROLS.get, key="link_lock")
    query = lesson_query(name or None, set(hide), set(lock))
    if query:
        st.code("?" + urlencode(query))
    else:
        st.caption("Pick a lesson or controls to hide or lock to get a link.")


def _weights() -> bytes | None:
    runner = get_session().peek()
    if runner is None:
        return None
    model, _ = runner.model_copy()
    return save({k: v.contiguous() for k, v in model.state_dict().items()})


def render_board() -> None:
    """Open a class (teacher), hand in the current run (student), and show a class's board,
    which redraws itself so hand-ins from other students appear without a click."""
    st.subheader("Class board")
    board = Board()
    try:
        left, right = st.columns(2)
        with left:
            if st.button("Open a new class (teacher)"):
                st.session_state["class_opened"] = board.open_class()
            if opened := st.session_state.get("class_opened"):
                st.markdown(f"Class code **{md(opened[0])}** · teacher key (keep private): "
                            f"`{opened[1]}`")
        with right:
            code = st.text_input("Class code", key="class_code").strip()
            name = st.text_input("Your name", key="class_name")
            if st.button("Hand in my run"):
                epochs, parameters = _run_state()
                runner = get_session().peek()
                steps = runner.trainer.step_count if runner is not None else 0
                try:
                    board.hand_in(code, name, get_spec().to_dict(),
                                  {"epochs": epochs, "parameters": parameters,
                                   "steps": steps}, _weights())
                    st.success("Handed in.")
                except BoardError as exc:
                    st.error(md(exc))
        if code:
            _teacher_actions(board, code)
    finally:
        board.close()
    if code:
        _live_board(code)


def _teacher_actions(board: Board, code: str) -> None:
    """The teacher key and what it allows on the whole class: close and clear."""
    key = st.text_input("Teacher key", type="password", key=_KEY,
                        on_change=lambda: st.session_state.pop(_OPEN_ERROR, None),
                        help="The private key shown when the class was opened. It closes "
                             "or clears the class and opens hand-ins to inspect.")
    close, clear = st.columns(2)
    try:
        if close.button("Close class"):
            board.close_class(code, key)
            st.success("Closed: no more hand-ins.")
        if clear.button("Clear class"):
            st.success(f"Cleared {board.clear_class(code, key)} hand-ins.")
    except BoardError as exc:
        st.error(md(exc))


def _last(row: HandIn) -> float:
    """A hand-in's latest test accuracy; -1 (last on the board) when it has none."""
    epochs = row.metrics.get("epochs") or [{}]
    return float(epochs[-1].get("test_accuracy", -1.0))


@st.fragment(run_every=BOARD_REFRESH_SECONDS)
def _live_board(code: str) -> None:
    """The board, redrawn every few seconds from the database (its own connection: the
    page's is closed by the time the fragment reruns on its own)."""
    board = Board()
    try:
        _show_board(board, code)
    finally:
        board.close()


def _show_board(board: Board, code: str) -> None:
    try:
        rows = board.handins(code, with_weights=False)
    except BoardError as exc:
        st.error(md(exc))
        return
    if not rows:
        st.info("No hand-ins yet. The board refreshes itself every "
                f"{BOARD_REFRESH_SECONDS:g} s.")
        return
    ranked = sorted(rows, key=lambda r: -_last(r))
    st.table({"name": [md(r.name) for r in ranked],
              "test accuracy": [f"{_last(r):.3f}" if _last(r) >= 0 else "untrained"
                                for r in ranked],
              "parameters": [r.metrics.get("parameters", 0) for r in ranked]})
    trained = [r for r in rows if r.metrics.get("epochs")]
    if trained:
        st.plotly_chart(board_curves(
            [r.name for r in trained],
            [[e.get("test_accuracy", 0.0) for e in r.metrics["epochs"]] for r in trained]),
            key="class_board_curves")
    _open_list(board, code, [r for r in ranked if r.weight_bytes])


def _open_list(board: Board, code: str, rows: list[HandIn]) -> None:
    """An Open button per hand-in with weights: the teacher (key required) loads it as the
    current model, to show on Activations, Attributions or Black box."""
    if not rows:
        return
    with st.expander("Open a hand-in to inspect with the class (teacher key)"):
        notice = st.empty()
        for row in rows:
            label, button = st.columns([4, 1], vertical_alignment="center")
            label.markdown(f"**{md(row.name)}** · {row.metrics.get('parameters', 0):,} "
                           "parameters")
            if button.button("Open", key=f"open_handin_{row.id}"):
                _open(board, code, row.id)
        if error := st.session_state.get(_OPEN_ERROR):  # kept: the next redraw would drop it
            notice.error(md(error))


def _open(board: Board, code: str, number: int) -> None:
    """Load the hand-in into this session as its current model (a copy: nothing written
    back to the board) and rerun the whole app so the sidebar shows the banner."""
    try:
        row = board.handin(code, st.session_state.get(_KEY, ""), number)
        trainer = handin_trainer(row)
    except BoardError as exc:
        st.session_state[_OPEN_ERROR] = str(exc)  # shown until the key changes or one opens
        return
    st.session_state.pop(_OPEN_ERROR, None)
    session = get_session()
    session.take(trainer, f"open {row.name}'s hand-in")
    mark_opened(row.name, session)
    st.rerun()
