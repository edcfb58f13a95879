"""The language model in real Chromium: open the LSTM preset, train it on the Language model
page until its test bits per character beat the bigram baseline, read the samples timeline,
and continue a typed prompt."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_flows import TIMEOUT, goto_page, main, metric

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 240_000  # ms: eight epochs on a busy 2-core machine


def number(page: Page, label: str) -> float:
    return float(metric(page, label).inner_text().replace(",", ""))


def test_train_the_lstm_read_its_samples_and_continue_a_prompt(page: Page, app_url: str,
                                                                artifacts):
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url)
    main(page).locator(".st-key-preset-char_lstm").get_by_role("button", name="Open").click()
    page.wait_for_url(re.compile(r"/build"))
    goto_page(page, "Language model")
    expect(main(page).get_by_role("heading", name="Write with it")).to_be_visible()
    main(page).get_by_role("button", name="Train", exact=True).click()
    expect(main(page).get_by_role("button", name="Pause")).to_be_visible()
    # The run ends by itself when its epoch budget is spent.
    expect(metric(page, "epoch 8 of 8")).to_be_visible(timeout=RUN_TIMEOUT)
    expect(main(page).get_by_role("button", name="Train", exact=True)).to_be_visible()
    expect(metric(page, "Test bits/char")).not_to_have_text("–")
    assert number(page, "Test bits/char") < number(page, "Bigram baseline")
    timeline = main(page).get_by_text(re.compile(r"All (\d+) samples"))
    assert int(re.search(r"\d+", timeline.inner_text()).group()) >= 2  # written while training

    prompt = main(page).get_by_role("textbox", name="Prompt", exact=True)
    prompt.fill("the network ")
    prompt.press("Enter")
    written = main(page).get_by_test_id("stCode").nth(1)
    expect(written).to_contain_text("the network ")
    expect(main(page).locator(".js-plotly-plot").last).to_be_visible()
    page.screenshot(path=str(artifacts / "language_model.png"), full_page=True)
