"""A learner's flow in real headless Chromium: load a preset from Home, look at Build, train
live on Train, leave and come back, pause, reload and find the paused run still there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

TIMEOUT = 30_000  # ms; the machine may be busy, the assertions are not about speed
# Where a click plane's point (x, y) is on the screen, from Plotly's own axes: the plane is
# the chart with the grid of click targets (viz/click_plane.py).
CLICK_PLANE_POSITION = """([x, y]) => {
    for (const el of document.querySelectorAll('.js-plotly-plot')) {
        if (!el.data || !el._fullLayout) continue;
        if (!el.data.some(t => t.name === 'click to add')) continue;
        const r = el.getBoundingClientRect(), fl = el._fullLayout;
        return [r.left + fl._size.l + fl.xaxis.l2p(x), r.top + fl._size.t + fl.yaxis.l2p(y)];
    }
    return null;
}"""


def click_on_plane(page: Page, x: float, y: float) -> None:
    """Click the click plane at its point (x, y), once it is drawn."""
    page.wait_for_function(f"() => ({CLICK_PLANE_POSITION})([0, 0]) !== null")
    px, py = page.evaluate(CLICK_PLANE_POSITION, [x, y])
    page.mouse.move(px, py)
    page.mouse.click(px, py)


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMainBlockContainer")


def metric(page: Page, label: str) -> Locator:
    return main(page).get_by_test_id("stMetric").filter(has_text=label).get_by_test_id(
        "stMetricValue")


def step_count(page: Page) -> int:
    return int(metric(page, "Step").inner_text().replace(",", ""))


LOSS_LAST_STEP = """() => {
    for (const el of document.querySelectorAll('.js-plotly-plot')) {
        const t = el.layout && el.layout.title && el.layout.title.text;
        // _fullData holds the decoded arrays (numpy arrays travel base64-encoded)
        if (t && t.includes('Loss') && el._fullData && el._fullData[0]._length) {
            const x = el._fullData[0].x;
            return x[x.length - 1];
        }
    }
    return -1;
}"""


def loss_last_step(page: Page, after: float = 0) -> float:
    """The last step drawn in the loss chart's per-batch trace, once it is past `after`
    (waits: the chart is redrawn, and briefly absent, on every poll)."""
    page.wait_for_function(f"() => ({LOSS_LAST_STEP})() > {after}")
    return page.evaluate(LOSS_LAST_STEP)


def goto_page(page: Page, title: str) -> None:
    # exact: the navigation link only, not a button or heading that contains the title
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(main(page).get_by_role("heading", level=1)).to_contain_text(title, timeout=TIMEOUT)


def test_preset_train_pause_and_reload(page: Page, app_url: str, artifacts):
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url)
    main(page).locator(".st-key-preset-spiral").get_by_role("button", name="Open").click()
    page.wait_for_url(re.compile(r"/build"))
    expect(page.get_by_test_id("stSidebar")).to_contain_text("spiral")
    page.wait_for_timeout(1000)  # let the charts draw before the screenshot
    page.screenshot(path=str(artifacts / "build.png"))

    goto_page(page, "Train")
    budget = main(page).get_by_role("spinbutton", name="epoch budget")
    budget.fill("1000")  # long enough to still be running when looked at
    budget.press("Enter")
    expect(metric(page, "Epoch")).to_have_text(re.compile(r"/ 1000$"))

    main(page).get_by_role("button", name="Train").click()
    pause = main(page).get_by_role("button", name="Pause")
    expect(pause).to_be_visible()
    expect(metric(page, "Step")).not_to_have_text("0")
    first_steps, first_drawn = step_count(page), loss_last_step(page)
    page.wait_for_function(f"""() => {{
        const v = [...document.querySelectorAll('[data-testid="stMetric"]')]
            .find(m => m.innerText.startsWith('Step'));
        return v && parseInt(v.querySelector('[data-testid="stMetricValue"]').innerText
            .replace(/,/g, '')) > {first_steps};
    }}""")  # the live view redraws by itself while training
    assert loss_last_step(page, after=first_drawn) > first_drawn > 0  # the curve grew

    goto_page(page, "Build")  # training goes on while the learner looks elsewhere
    goto_page(page, "Train")
    expect(main(page).get_by_role("button", name="Pause")).to_be_visible()
    assert step_count(page) > first_steps
    page.screenshot(path=str(artifacts / "train.png"))

    main(page).get_by_role("button", name="Pause").click()
    expect(main(page).get_by_role("button", name="Train")).to_be_visible()
    paused = step_count(page)
    page.wait_for_timeout(1500)
    assert step_count(page) == paused

    assert "spec=" in page.url and "run=" in page.url
    page.reload()  # a new connection: the run token in the URL reattaches the paused run
    expect(metric(page, "Step")).to_have_text(f"{paused:,}")
    expect(metric(page, "Epoch")).to_have_text(re.compile(r"/ 1000$"))
    expect(page.get_by_test_id("stSidebar")).to_contain_text("spiral")
    expect(main(page).get_by_text("Decision boundary")).to_be_visible()
