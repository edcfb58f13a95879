"""The class board in real Chromium: a teacher opens a class in one browser context, a
student hands in from another, and the hand-in appears on the teacher's board."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e
TIMEOUT = 60_000


def _main(page: Page):
    return page.get_by_test_id("stMainBlockContainer")


def _type(page: Page, label: str, text: str) -> None:
    _main(page).get_by_label(label).fill(text)
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

    student = browser.new_context().new_page()
    student.goto(f"{app_url}/classroom", timeout=TIMEOUT)
    _type(student, "Class code", code)
    _type(student, "Your name", "Student Ada")
    _main(student).get_by_text("Hand in my run").click(timeout=TIMEOUT)
    expect(_main(student).get_by_text("Handed in.")).to_be_visible(timeout=TIMEOUT)

    _type(teacher, "Class code", code)
    expect(_main(teacher).get_by_text("Student Ada")).to_be_visible(timeout=TIMEOUT)
