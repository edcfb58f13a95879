"""The neuron graph in real Chromium: while xor trains, the drawing redraws with new
weights; paused from the page, a click on an edge's dot picks that edge, and Apply writes
the typed value into the model and redraws."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_flows import TIMEOUT, goto_page, main

from playground.presets import PRESETS

pytestmark = pytest.mark.e2e

EDGE = """(k) => {
    const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .find(g => g.data && g.data.some(t => t.name === 'edges'));
    if (!gd) return null;
    const t = gd.data.find(t => t.name === 'edges'), L = gd._fullLayout;
    const r = gd.getBoundingClientRect();
    return [r.left + L._size.l + L.xaxis.l2p(t.x[k]), r.top + L._size.t + L.yaxis.l2p(t.y[k]),
            t.hovertext[k]];
}"""
K = 5  # an edge of layer 1: unit 3 ← y


def edge(page: Page) -> list:
    page.wait_for_function(f"() => ({EDGE})({K}) !== null")
    return page.evaluate(EDGE, K)


def test_live_drawing_click_an_edge_and_set_it(page: Page, app_url: str, artifacts):
    page.set_default_timeout(TIMEOUT)
    spec = PRESETS["xor"].spec().with_train(epochs=1000, batch_size=4)  # trains for a while
    page.goto(f"{app_url}/train?spec={spec.to_url_token()}")
    main(page).get_by_role("button", name="Train").click()
    goto_page(page, "Activations")
    expect(main(page).get_by_text(re.compile("Training live"))).to_be_visible()
    first = edge(page)[2]
    page.wait_for_function(f"() => ({EDGE})({K})[2] !== {first!r}")  # redrawn live

    main(page).get_by_role("button", name="Pause training").click()
    expect(main(page).get_by_text(re.compile(r"After [\d,]+ training steps"))).to_be_visible()
    x, y, text = edge(page)
    label = text.split(":")[0]  # "layer 1, unit 3 ← y"
    page.mouse.click(x, y)
    expect(main(page).get_by_role("combobox", name="Edge or bias to set")).to_have_value(
        f"{label} (weight)")
    value = main(page).get_by_label("New value")
    value.fill("3")
    value.press("Enter")
    main(page).get_by_role("button", name="Apply").click()
    expect(main(page).get_by_text(f"Set {label} (weight) to 3.000")).to_be_visible()
    page.wait_for_function(f"() => ({EDGE})({K})[2].endsWith('weight 3.000')")
    page.screenshot(path=str(artifacts / "neuron_graph_edited.png"), full_page=True)
