"""Lesson links: ?hide= and ?lock= hide and grey out the Train page's settings, and
?lesson= shows the lesson's steps in the sidebar with Next and Back."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _open(page: str, **query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _labels(at: AppTest) -> dict[str, bool]:
    widgets = [*at.number_input, *at.selectbox, *at.slider, *at.select_slider, *at.text_input]
    return {w.label: w.disabled for w in widgets}


def test_hide_and_lock_flags_reach_the_train_settings():
    plain = _labels(_open("views/train.py"))
    assert "learning rate" in plain and not plain["learning rate"]
    flagged = _labels(_open("views/train.py", hide="lr", lock="optimizer"))
    assert "learning rate" not in flagged and flagged["optimizer"] is True


def test_lesson_panel_steps_forward_and_back():
    at = _open("views/train.py", lesson="02_why_depth")
    assert any("Lesson: Why depth matters" in e.label for e in at.sidebar.expander)
    assert any("Step 1 of 3" in c.value for c in at.sidebar.caption)
    at.sidebar.button(key="lesson_next").click().run()
    assert any("Step 2 of 3" in c.value for c in at.sidebar.caption)
    at.sidebar.button(key="lesson_back").click().run()
    assert any("Step 1 of 3" in c.value for c in at.sidebar.caption)


def test_unknown_lesson_gets_a_message():
    at = _open("views/train.py", lesson="nope")
    assert any("no lesson called" in w.value for w in at.sidebar.warning)
