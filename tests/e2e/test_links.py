"""Shared links: a class link opened as the very first request to a server (as after a
hosted app wakes up) lands inside the app's frame with the linked network."""

import pytest
from playwright.sync_api import Page, expect

from playground.presets import PRESETS

pytestmark = pytest.mark.e2e
TIMEOUT = 60_000


def test_a_deep_link_to_a_fresh_server_opens_inside_the_app(page: Page, fresh_app_url: str):
    token = PRESETS["digits_cnn"].spec().to_url_token()
    page.goto(f"{fresh_app_url}/build?spec={token}")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar).to_contain_text("Current model", timeout=TIMEOUT)  # app.py's frame ran
    expect(sidebar).to_contain_text("digits", timeout=TIMEOUT)  # with the linked network
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Black box", exact=True)).to_be_visible()
    heading = page.get_by_test_id("stMainBlockContainer").get_by_role("heading", level=1)
    expect(heading).to_contain_text("Build")
