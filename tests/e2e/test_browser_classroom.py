"""The class board in real Chromium: a teacher opens a class in one browser context and
puts its board up; a student hands in from another, and the hand-in appears on the
teacher's board by itself (the board redraws every few seconds: no click, no reload)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from playground.classroom.store import Board, default_path
from playground.export import weights_bytes
from playground.presets import PRESETS
from playground.trainer import Trainer

pytestmark = pytest.mark.e2e
TIMEOUT = 60_000


def _main(page: Page):
    return page.get_by_test_id("stMainBlockContainer")


def _type(page: Page, label: str, text: str) -> None:
    _main(page).get_by_role("textbox", name=label).fill(text)
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)


def test_hand_in_from_one_context_appears_on_the_board_in_another(browser: Browser,
                                                                   app_url: str):
    teacher = browser.new_context().new_page()
    teacher.goto(f"{app_url}/classroom", timeout=TIMEOUT)
    _main(teacher).get_by_text("Open a new class (teacher)").click(timeout=TIMEOUT)
    shown = _main(teacher).get_by_text(re.compile(r"Class code [A-Z0-9]{6}"))
    expect(shown).to_be_visible(timeout=TIMEOUT)
    code = re.search(r"Class code ([A-Z0-9]{6})", shown.inner_text()).group(1)

    _type(teacher, "Class code", code)
    expect(_main(teacher).get_by_text("No hand-ins yet")).to_be_visible(timeout=TIMEOUT)

    student = browser.new_context().new_page()
    student.goto(f"{app_url}/classroom", timeout=TIMEOUT)
    _type(student, "Class code", code)
    _type(student, "Your name", "Student Ada")
    _main(student).get_by_text("Hand in my run").click(timeout=TIMEOUT)
    expect(_main(student).get_by_text("Handed in.")).to_be_visible(timeout=TIMEOUT)

    # The teacher does nothing: the board's timed redraw brings the hand-in.
    expect(_main(teacher).get_by_text("Student Ada")).to_be_visible(timeout=20_000)


def test_teacher_opens_a_hand_in_and_inspects_it(browser: Browser, app_url: str, artifacts):
    """A trained hand-in (stored straight into the server's board), opened with the key from
    the board: the read-only banner shows, and stays on the Activations page."""
    trainer = Trainer(PRESETS["xor"].spec().with_train(epochs=1, device="cpu"))
    trainer.train(1)
    board = Board(default_path())  # the server's board: same PLAYGROUND_CLASS_DB
    try:
        code, key = board.open_class()
        number = board.hand_in(code, "Student Bo", trainer.spec.to_dict(),
                      {"epochs": trainer.history.to_dict()["epochs"],
                       "parameters": trainer.parameters, "steps": trainer.step_count},
                      weights_bytes(trainer.model))
    finally:
        board.close()
    teacher = browser.new_context(viewport={"width": 1400, "height": 1400}).new_page()
    teacher.goto(f"{app_url}/classroom", timeout=TIMEOUT)
    _type(teacher, "Class code", code)
    _type(teacher, "Teacher key", key)
    _main(teacher).get_by_text("Open a hand-in to inspect").click(timeout=TIMEOUT)
    _main(teacher).locator(f".st-key-open_handin_{number} button").click(timeout=TIMEOUT)
    banner = teacher.get_by_test_id("stSidebar").get_by_text("Read-only hand-in: Student Bo")
    expect(banner).to_be_visible(timeout=TIMEOUT)
    teacher.get_by_test_id("stSidebar").get_by_role("link", name="Activations").click(
        timeout=TIMEOUT)
    expect(_main(teacher).get_by_text("Activations").first).to_be_visible(timeout=TIMEOUT)
    expect(banner).to_be_visible(timeout=TIMEOUT)
    expect(_main(teacher).get_by_text("untrained")).to_have_count(0)
    teacher.screenshot(path=str(artifacts / "classroom-open-handin.png"), full_page=True)
