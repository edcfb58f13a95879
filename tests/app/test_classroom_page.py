"""The Classroom page: lessons render with links and load their network; a hand-in appears
on the board; bad codes and keys get messages, never a traceback."""

from opening import current_spec, open_page
from streamlit.testing.v1 import AppTest


def _page(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("PLAYGROUND_CLASS_DB", str(tmp_path))
    return open_page("views/classroom.py")


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_lessons_render_and_load_their_network(tmp_path, monkeypatch):
    at = _page(tmp_path, monkeypatch)
    assert not at.exception
    assert len(at.expander) == 8
    assert any("lesson=02_why_depth" in c.value for c in at.code)
    at.button(key="lesson_02_why_depth").click().run()
    assert not at.exception
    assert current_spec(at).dataset.name == "spiral"


def test_hand_in_appears_and_bad_code_and_key_get_messages(tmp_path, monkeypatch):
    at = _page(tmp_path, monkeypatch)
    _button(at, "Open a new class (teacher)").click().run()
    code, key = at.session_state["class_opened"]
    at.text_input(key="class_code").input("NOPE99").run()
    assert any("No class" in e.value for e in at.error)
    at.text_input(key="class_code").input(code)
    at.text_input(key="class_name").input("Ada *bold*").run()
    _button(at, "Hand in my run").click().run()
    assert not at.exception and any("Handed in" in s.value for s in at.success)
    assert "untrained" in str(at.table[0].value)  # an untrained hand-in: no curve yet
    at.text_input(key="class_key").input("wrong").run()
    _button(at, "Clear class").click().run()
    assert any("Wrong teacher key" in e.value for e in at.error)
    at.text_input(key="class_key").input(key).run()
    _button(at, "Clear class").click().run()
    assert any("Cleared 1" in s.value for s in at.success)
