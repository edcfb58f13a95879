"""Own points in real Chromium: clicks on the Build page's plane place points of the chosen
class (the browser returns a clicked marker's customdata as an object, so the page reads the
marker's own x and y), and the points become the dataset."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from test_flows import TIMEOUT, click_on_plane, main

pytestmark = pytest.mark.e2e


def test_clicks_place_points_of_each_class_and_train(page: Page, app_url: str, artifacts):
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app_url}/build")
    main(page).get_by_text("Your own data").click()
    main(page).get_by_text("Points", exact=True).first.click()
    clicks = [(-0.6, 0.6, "a"), (-0.5, 0.4, "a"), (0.5, -0.5, "b"), (0.6, -0.4, "b")]
    for n, (x, y, label) in enumerate(clicks, start=1):
        main(page).get_by_role("radiogroup").get_by_text(label, exact=True).click()  # its class
        click_on_plane(page, x, y)
        expect(main(page).get_by_text(f"{n} points placed.")).to_be_visible()
    page.screenshot(path=str(artifacts / "own_points.png"), full_page=True)
    main(page).get_by_role("button", name="Use these points").click()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("points")
