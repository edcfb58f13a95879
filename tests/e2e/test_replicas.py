"""Two app replicas behind nginx (deploy/nginx.conf, as shipped) on loopback: browsers are
spread over both and each stays on its own; the websocket is upgraded through the balancer;
training, page reruns and a reload that reattaches the run by its token all work there."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from test_flows import TIMEOUT, goto_page, main, metric, step_count

pytestmark = pytest.mark.e2e


def replica_of(opener: urllib.request.OpenerDirector, url: str) -> str:
    with opener.open(url, timeout=10) as r:
        return r.headers["X-Replica"]


def test_two_replicas_behind_nginx_spread_stick_and_train(
        balanced: tuple[str, Path, set[str]], browser: Browser, artifacts):
    url, access_log, replicas = balanced
    # Plain HTTP: each cookie jar is one browser; its first answer pins it to a replica.
    seen: dict[str, int] = {}
    for _ in range(40):
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        first = replica_of(opener, url)
        assert {replica_of(opener, url) for _ in range(5)} == {first}  # sticky
        seen[first] = seen.get(first, 0) + 1
        if set(seen) == replicas:
            break
    assert set(seen) == replicas, seen  # browsers are spread over both

    # Real browsers: one pinned to each replica trains, reruns and reloads through nginx.
    contexts = {}
    for _ in range(40):
        if set(contexts) == replicas:
            break
        context = browser.new_context(viewport={"width": 1400, "height": 1800})
        answer = context.request.get(url)  # sets the routing cookie in this browser
        replica = answer.headers["x-replica"]
        if replica in contexts:
            context.close()
        else:
            contexts[replica] = context
    assert set(contexts) == replicas
    for replica, context in contexts.items():
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(url)
        main(page).locator(".st-key-preset-xor").get_by_role("button",
                                                              name="Open").click()
        page.wait_for_url(re.compile(r"/build"))
        goto_page(page, "Train")
        budget = main(page).get_by_role("spinbutton", name="epoch budget")
        budget.fill("1000")  # still training when Pause is pressed
        budget.press("Enter")
        expect(metric(page, "Epoch")).to_have_text(re.compile(r"/ 1000$"))
        main(page).get_by_role("button", name="Train").click()
        expect(metric(page, "Step")).not_to_have_text("0")
        main(page).get_by_role("button", name="Pause").click()
        expect(main(page).get_by_role("button", name="Train")).to_be_visible()
        paused = step_count(page)
        assert "run=" in page.url
        page.reload()  # the run lives in one replica: only stickiness brings it back
        expect(metric(page, "Step")).to_have_text(f"{paused:,}")
        page.screenshot(path=str(artifacts / f"replica-{replica.split(':')[1]}.png"))
        context.close()
    time.sleep(0.5)  # nginx writes a websocket's log line when it closes
    upgraded = {line.split()[0] for line in access_log.read_text().splitlines()
                if " 101 " in line and "/_stcore/stream" in line}
    assert upgraded == replicas  # each browser's websocket went through to its replica
