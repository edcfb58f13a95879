"""Own data in real Chromium: upload a small CSV on the Build page, pick the target, use the
table, train on the Train page and see the test accuracy appear."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_flows import TIMEOUT, goto_page, main, metric

pytestmark = pytest.mark.e2e


def _table() -> bytes:
    """60 rows: two numeric features and a text one; the class follows the first feature."""
    rows = ["size,weight,colour,kind"]
    for i in range(60):
        kind = "big" if i % 2 else "small"
        size = (10 + i % 7) if kind == "big" else (1 + i % 5)
        rows.append(f"{size},{(i * 7) % 13},{'red' if i % 3 else 'blue'},{kind}")
    return ("\n".join(rows) + "\n").encode()


def test_upload_a_csv_pick_the_target_and_train(page: Page, app_url: str, artifacts) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url)
    page.wait_for_url(re.compile(r"[?&]spec="))  # the first run wrote the URL: settled
    goto_page(page, "Build")
    body = main(page)
    own = body.get_by_test_id("stExpander").filter(has_text="Your own data")
    own.get_by_text("Your own data: a table, points, pictures").click()
    own.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "animals.csv", "mimeType": "text/csv", "buffer": _table()}])
    expect(body.get_by_text(re.compile(r"60 rows, \d+ inputs after one-hot"))).to_be_visible(
        timeout=TIMEOUT)
    target = body.get_by_role("combobox", name="Target (the class to predict)")
    expect(target).to_have_value("kind", timeout=TIMEOUT)  # the last column is offered first
    target.click()
    page.get_by_role("option", name="kind", exact=True).click()
    expect(body.get_by_text(re.compile(r"classes: big 30, small 30"))).to_be_visible(
        timeout=TIMEOUT)
    body.get_by_role("button", name="Use this table").click()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("csv", timeout=TIMEOUT)
    page.screenshot(path=str(artifacts / "own_csv_build.png"), full_page=True)

    goto_page(page, "Train")
    expect(metric(page, "Epoch")).to_have_text("0 / 60", timeout=TIMEOUT)  # 2 steps each
    main(page).get_by_role("button", name="Train").click()
    expect(metric(page, "Test accuracy")).to_have_text(re.compile(r"^\d+(\.\d)?%$"),
                                                        timeout=4 * TIMEOUT)
    expect(metric(page, "Epoch")).to_have_text("60 / 60", timeout=4 * TIMEOUT)
    page.screenshot(path=str(artifacts / "own_csv_train.png"), full_page=True)
