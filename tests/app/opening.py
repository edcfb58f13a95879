"""Opening a page of the app in AppTest, as a learner's browser session would."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.spec import Spec

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_page(page: str, spec: Spec | None = None) -> AppTest:
    """A new session on `page` (e.g. "views/train.py") with `spec` loaded through the URL's
    ?spec=, as a shared link or a refresh does. Fails on any exception."""
    at = AppTest.from_file(APP, default_timeout=60)
    if spec is not None:
        at.query_params["spec"] = spec.to_url_token()
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def current_spec(at: AppTest) -> Spec:
    """The session's spec, read where the app mirrors it: the URL."""
    return Spec.from_url_token(at.query_params["spec"])
