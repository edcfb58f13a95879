"""Work survives in real Chromium: a reload brings the trained run back, a Share-with-weights
link opens a copy of the trained model in another browser, Undo and the browser's Back bring
back a trained model that opening a preset replaced."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from test_flows import TIMEOUT, goto_page, main, metric, step_count

pytestmark = pytest.mark.e2e


def sidebar(page: Page):
    return page.get_by_test_id("stSidebar")


def open_preset(page: Page, name: str) -> None:
    main(page).locator(f".st-key-preset-{name}").get_by_role("button", name="Open").click()
    page.wait_for_url(re.compile(r"/build"))
    expect(sidebar(page)).to_contain_text(f"Dataset: {name}")


def trained_xor(page: Page, app_url: str) -> int:
    """xor opened from Home and trained two epochs by hand; its step count."""
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url)
    open_preset(page, "xor")
    goto_page(page, "Train")
    for epoch in (1, 2):
        main(page).get_by_role("button", name="Step one epoch").click()
        expect(metric(page, "Epoch")).to_have_text(re.compile(rf"^{epoch} /"))
    return step_count(page)


def test_a_reload_brings_the_trained_run_back(page: Page, app_url: str):
    steps = trained_xor(page, app_url)
    assert "run=" in page.url
    page.reload()
    expect(metric(page, "Step")).to_have_text(f"{steps:,}")
    expect(sidebar(page)).to_contain_text("Training: paused, epoch 2")
    main(page).get_by_role("button", name="Step one epoch").click()  # and it trains on
    expect(metric(page, "Epoch")).to_have_text(re.compile(r"^3 /"))


def test_share_with_weights_opens_a_copy_in_another_browser(page: Page, app_url: str,
                                                            browser: Browser, artifacts):
    steps = trained_xor(page, app_url)
    sidebar(page).get_by_role("button", name="Share").click()
    page.get_by_role("button", name="Share with weights").click()
    code = page.get_by_test_id("stCode").filter(has_text="weights=")
    expect(code).to_be_visible()
    link = code.inner_text().strip()
    assert "run=" not in link and link.startswith(app_url)
    page.screenshot(path=str(artifacts / "share.png"))

    other = browser.new_context(viewport={"width": 1400, "height": 1800}).new_page()
    other.set_default_timeout(TIMEOUT)
    other.goto(link)
    expect(sidebar(other)).to_contain_text("copy of a model trained to step")
    expect(sidebar(other)).to_contain_text("Training: paused, epoch 2")
    goto_page(other, "Train")
    expect(metric(other, "Step")).to_have_text(f"{steps:,}")
    main(other).get_by_role("button", name="Step one epoch").click()
    expect(metric(other, "Epoch")).to_have_text(re.compile(r"^3 /"))
    other.context.close()
    page.reload()  # the sender's run did not move
    expect(metric(page, "Step")).to_have_text(f"{steps:,}")


def test_undo_and_back_bring_back_a_trained_model_a_preset_replaced(page: Page, app_url: str,
                                                                   artifacts):
    steps = trained_xor(page, app_url)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Home", exact=True).click()
    open_preset(page, "circles")
    expect(sidebar(page)).to_contain_text("the trained model was put aside")
    expect(sidebar(page)).to_contain_text(f"brings back the model trained to step {steps}")
    page.screenshot(path=str(artifacts / "undo.png"))
    sidebar(page).get_by_role("button", name="Undo").click()
    expect(sidebar(page)).to_contain_text("Dataset: xor")
    goto_page(page, "Train")
    expect(metric(page, "Step")).to_have_text(f"{steps:,}")

    sidebar(page).get_by_role("button", name="Redo").click()
    expect(sidebar(page)).to_contain_text("Dataset: circles")
    for _ in range(6):  # page switches are history entries too
        page.go_back()
        page.wait_for_timeout(1000)
        if "Dataset: xor" in sidebar(page).inner_text():
            break
    expect(sidebar(page)).to_contain_text("Dataset: xor")
    goto_page(page, "Train")
    expect(metric(page, "Step")).to_have_text(f"{steps:,}")
