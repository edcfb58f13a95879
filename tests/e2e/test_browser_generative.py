"""The Generative page in real Chromium: train the GAN ring preset in the background and
see the generated samples move by themselves (the live fragment redraws the plane and the
step readout), then pause; draw a target by clicking on the plane (AppTest cannot click a
chart)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_flows import TIMEOUT, click_on_plane, goto_page, main, metric

pytestmark = pytest.mark.e2e

# The first generated points drawn in the plane chart (decoded arrays in _fullData), or null.
GENERATED = """() => {
    for (const el of document.querySelectorAll('.js-plotly-plot')) {
        const t = el.layout && el.layout.title && el.layout.title.text;
        if (!t || !t.includes("D's view") || !el._fullData) continue;
        const g = el._fullData.find(d => d.name === 'generated');
        if (g && g._length) return Array.from(g.x).slice(0, 20).join(',');
    }
    return null;
}"""




def generator_steps(page: Page) -> int:
    text = metric(page, "Generator steps").inner_text()
    return int(text.split("/")[0].replace(",", ""))


def test_gan_ring_trains_live_and_its_samples_move(page: Page, app_url: str, artifacts):
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url)
    goto_page(page, "Generative")
    expect(main(page).get_by_text("Press Train to start")).to_be_visible()
    main(page).get_by_role("button", name="Train", exact=True).click()
    expect(main(page).get_by_role("button", name="Pause")).to_be_visible()
    page.wait_for_function(f"() => ({GENERATED})() !== null")
    first, steps = page.evaluate(GENERATED), generator_steps(page)
    page.wait_for_function(  # a later poll drew the generated points somewhere else
        f"() => {{ const g = ({GENERATED})(); return g !== null && g !== {first!r}; }}")
    # The readout redraws in the same poll as the chart, maybe a moment after it.
    expect(metric(page, "Generator steps")).not_to_have_text(re.compile(rf"^{steps:,} /"))
    assert generator_steps(page) > steps
    expect(metric(page, "MMD² to the data")).not_to_have_text("–")  # quality measured
    expect(metric(page, "Modes covered")).to_have_text(re.compile(r"\d+ of 8"))
    page.screenshot(path=str(artifacts / "generative_gan.png"), full_page=True)
    main(page).get_by_role("button", name="Pause").click()
    expect(main(page).get_by_role("button", name="Train", exact=True)).to_be_visible()
    paused = generator_steps(page)
    page.wait_for_timeout(1500)
    assert generator_steps(page) == paused  # paused means paused


def test_clicks_on_the_plane_draw_a_target_the_gan_can_pick(page: Page, app_url: str,
                                                            artifacts):
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url)
    goto_page(page, "Generative")
    main(page).get_by_text("Draw your own target").click()
    for n, (x, y) in enumerate([(0.5, 0.5), (-0.5, 0.5), (0.0, -0.5)], start=1):
        click_on_plane(page, x, y)
        expect(main(page).get_by_text(f"{n} points drawn")).to_be_visible()
    expect(main(page).get_by_text("Pick your drawing as the target")).to_be_visible()
    main(page).get_by_role("combobox", name=re.compile("Target distribution")).click()
    page.get_by_role("option", name="your drawing").click()
    expect(main(page).get_by_text("Your drawing: 3 places clicked")).to_be_visible()
    page.screenshot(path=str(artifacts / "generative_drawn.png"), full_page=True)
