"""Deep vs classic in real Chromium: fit the baselines beside the network on the spiral
and see the table with every model's test score."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_flows import TIMEOUT, goto_page, main

pytestmark = pytest.mark.e2e


def test_fit_baselines_shows_the_table(page: Page, app_url: str, artifacts) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url)
    goto_page(page, "Deep vs classic")
    main(page).get_by_role("button", name="Fit baselines").click()
    table = main(page).get_by_test_id("stDataFrame").first
    expect(table).to_be_visible(timeout=4 * TIMEOUT)
    expect(main(page).get_by_text("Press Fit baselines.")).to_have_count(0)
    page.screenshot(path=str(artifacts / "deep_vs_classic_baselines.png"), full_page=True)
