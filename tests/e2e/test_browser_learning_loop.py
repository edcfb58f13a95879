"""The learning loop in real Chromium: take a step on a preset, walk its six stages with
Next, run the loop until it has stepped by itself, stop it and train on from there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_flows import TIMEOUT, goto_page, main, metric, step_count

from playground.learning_loop import STAGES

pytestmark = pytest.mark.e2e

STEP_CAPTION = re.compile(r"Step (\d+) of this run")


def loop_step(page: Page) -> int:
    text = main(page).get_by_text(STEP_CAPTION).inner_text()
    return int(STEP_CAPTION.search(text).group(1))


def test_step_read_every_stage_run_the_loop_and_train_on(page: Page, app_url: str,
                                                         artifacts):
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url)
    main(page).locator(".st-key-preset-xor").get_by_role("button", name="Open").click()
    page.wait_for_url(re.compile(r"/build"))
    goto_page(page, "Learning loop")
    main(page).get_by_role("button", name="Take one step").click()
    expect(main(page).get_by_text(STEP_CAPTION)).to_have_text(re.compile("Step 1 of"))
    for number, name in enumerate(STAGES, start=1):
        heading = main(page).get_by_role("heading", name=f"{number}. {name}")
        expect(heading).to_be_visible()
        expect(main(page).locator(".js-plotly-plot").first).to_be_visible()
        if name == "Update":
            expect(main(page).get_by_text("actually made to within")).to_be_visible()
        if number < len(STAGES):
            main(page).get_by_role("button", name="Next").click()
    expect(main(page).get_by_text("Same batch after the update")).to_be_visible()
    page.screenshot(path=str(artifacts / "learning_loop.png"), full_page=True)

    main(page).get_by_role("button", name="Run the loop").click()
    expect(main(page).get_by_role("button", name="Stop the loop")).to_be_visible()
    page.wait_for_function("""() => {
        const m = document.body.innerText.match(/Step (\\d+) of this run/);
        return m && parseInt(m[1]) >= 3;
    }""")  # the fragment ticks by itself, a step a second
    main(page).get_by_role("button", name="Stop the loop").click()
    expect(main(page).get_by_role("button", name="Run the loop")).to_be_visible()
    taken = loop_step(page)
    assert taken >= 3

    main(page).get_by_role("button", name="Train on from here on the Train page").click()
    expect(main(page).get_by_role("heading", level=1)).to_contain_text("Train")
    expect(metric(page, "Step")).not_to_have_text("0")
    assert step_count(page) >= taken  # the run carried on from the loop's weights
