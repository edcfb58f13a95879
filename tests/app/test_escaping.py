"""Markdown injection: names and values from a link or an uploaded spec, uploaded file names
and typed text that carry markdown are shown as text on every page — never as a live link
or a remote image."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator

import pytest
from google.protobuf.json_format import MessageToDict
from opening import APP, open_page
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS

LINK = "[click](http://evil.example/phish)"
IMAGE = "![x](http://evil.example/img.png)"
PAGES = ["views/home.py", "views/build.py", "views/train.py", "views/activations.py",
         "views/attention.py", "views/attributions.py", "views/black_box.py",
         "views/language_model.py"]
# Element types that show their text literally (no markdown): their strings may hold anything.
LITERAL = {"text", "code", "json", "dataframe", "table", "plotly_chart", "text_input",
           "text_area", "selectbox", "multiselect"}
# Proto fields rendered as markdown: bodies, labels, help texts, radio/segment options.
MARKDOWN_FIELDS = {"body", "label", "help", "options", "content"}


def _bad_specs() -> dict[str, dict]:
    """Specs whose every kind of name or value a user controls carries a link and an image."""
    good = PRESETS["xor"].spec().to_dict()
    return {
        "dataset name": {**good, "dataset": {"name": f"{LINK} {IMAGE}"}},
        "dataset parameter name": {**good, "dataset": {**good["dataset"],
                                                       "params": {LINK: 1, IMAGE: 2}}},
        "layer type": {**good, "layers": [{"type": f"{LINK}{IMAGE}"}]},
        "layer parameter value": {**good, "layers": [{"type": "linear",
                                                      "units": f"{LINK} {IMAGE}"}]},
        "training setting": {**good, "train": {**good["train"], "optimizer": LINK + IMAGE}},
        "top-level key": {**good, LINK + IMAGE: 1},
    }


def _token(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def _strings(value, field: str | None = None) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, field)
    elif isinstance(value, str) and field in MARKDOWN_FIELDS:
        yield value


def markdown_strings(at: AppTest) -> list[str]:
    """Every string the app hands to a markdown renderer, main area and sidebar."""
    found: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if getattr(node, "type", None) not in LITERAL and hasattr(proto, "DESCRIPTOR"):
            found.extend(_strings(MessageToDict(proto)))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    return found


def assert_no_live_markup(at: AppTest, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    for text in markdown_strings(at):
        assert "](http" not in text and "![" not in text, (where, text)
        assert "http://evil" not in text and "<http" not in text, (where, text)


def _evil_shown(at: AppTest) -> bool:
    """Whether the hostile text reached the page at all (so the test means something)."""
    return any("evil" in text for text in markdown_strings(at))


@pytest.mark.parametrize("what", list(_bad_specs()))
def test_a_link_whose_spec_quotes_markdown_shows_it_as_text(what):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["spec"] = _token(_bad_specs()[what])
    at.run()
    assert _evil_shown(at), what  # the message that the link could not be loaded quotes it
    assert_no_live_markup(at, what)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opened_from_a_hostile_link_shows_no_live_markup(page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["spec"] = _token(_bad_specs()["dataset name"])
    at.switch_page(page).run()
    assert _evil_shown(at), page  # the sidebar says the link's network was not loaded
    assert_no_live_markup(at, page)


def test_uploads_with_hostile_names_and_contents_then_every_page():
    at = open_page("views/build.py", PRESETS["xor"].spec())
    bad = json.dumps(_bad_specs()["layer parameter value"]).encode()
    at.file_uploader(key="build.upload").set_value(
        (f"{LINK}{IMAGE}.json", bad, "application/json")).run()
    assert any("evil" in e.value and "unchanged" in e.value for e in at.error)
    assert_no_live_markup(at, "refused upload")
    good = PRESETS["digits_mlp"].spec().to_json().encode()
    at.file_uploader(key="build.upload").set_value(
        (f"{IMAGE}{LINK}.json", good, "application/json")).run()
    assert any("evil" in s.value for s in at.success)  # "Loaded the network from …"
    assert_no_live_markup(at, "loaded upload")
    for page in PAGES:
        at.switch_page(page).run()
        assert_no_live_markup(at, page)


def test_a_typed_sequence_with_markdown_is_quoted_as_text():
    at = open_page("views/attention.py", PRESETS["reverse_attention"].spec())
    at.radio(key="attn_input_mode").set_value("Type a sequence").run()
    at.text_input(key="attn_text").input(f"{LINK} {IMAGE}").run()
    # one-character tokens: the message quotes the first one it does not know, escaped
    assert any(r"'\['" in e.value and "vocabulary" in e.value for e in at.error)
    assert_no_live_markup(at, "typed sequence")


def test_the_checker_catches_unescaped_markup():
    """The assertion above is not vacuous: a raw link in a caption fails it."""
    at = AppTest.from_string(f"import streamlit as st\nst.caption('see {LINK}')")
    at.run()
    with pytest.raises(AssertionError):
        assert_no_live_markup(at, "raw")
