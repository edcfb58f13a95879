"""The one-click fix after divergence in real Chromium: the button sits in the live view
(a fragment) and the learning-rate slider outside it; the next run must train at the new
rate, not at the slider's stale value."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from test_flows import TIMEOUT, main, metric

from playground.spec import Spec

pytestmark = pytest.mark.e2e

DIVERGING = Spec.from_dict({  # plain SGD: NaN at learning rate 10 and 1, trains at 0.1
    "dataset": {"name": "blobs", "params": {"n_samples": 200, "noise": 1.0, "classes": 3}},
    "layers": [{"type": "linear", "units": 64}] * 3,
    "train": {"optimizer": "sgd", "lr": 10.0, "batch_size": 32, "epochs": 5}})


def lr_in_url(page: Page) -> float:
    token = re.search(r"spec=([^&]+)", page.url).group(1)
    return Spec.from_url_token(token).train.lr


def test_lower_the_learning_rate_and_the_next_run_trains_at_it(page: Page, app_url: str,
                                                                artifacts):
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{app_url}/train?spec={DIVERGING.to_url_token()}")
    body = main(page)
    body.get_by_role("button", name="Train").click()
    expect(body).to_contain_text("the learning rate 10 is probably too high")
    page.screenshot(path=str(artifacts / "diverged.png"))

    body.get_by_role("button", name="Lower the learning rate to 1 and reset").click()
    expect(metric(page, "Step")).to_have_text("0")
    expect(body).to_contain_text("learning rate 1")
    assert lr_in_url(page) == 1.0
    body.get_by_role("button", name="Train").click()  # a full rerun: no stale 10 comes back
    expect(body).to_contain_text("the learning rate 1 is probably too high")
    assert lr_in_url(page) == 1.0

    body.get_by_role("button", name="Lower the learning rate to 0.1 and reset").click()
    expect(metric(page, "Step")).to_have_text("0")
    body.get_by_role("button", name="Train").click()
    # the sidebar line, not the metric: the page redraws itself as the run ends
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Training: finished, epoch 5/5")
    expect(body).to_contain_text("Finished")
    expect(body).not_to_contain_text("probably too high")
    assert lr_in_url(page) == 0.1
    page.screenshot(path=str(artifacts / "recovered.png"))
