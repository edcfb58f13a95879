"""The one escape for strings from outside the app shown through markdown: links, images,
HTML, bare addresses, Streamlit's directives and block markup become plain text, and nothing
else changes. (Checked once in Chromium against Streamlit's renderer: every sample below
rendered as its literal text, with no <a>, <img>, heading, list, code, table or maths.)"""

import re

from hypothesis import given
from hypothesis import strategies as st

from playground.ui.text import JOINER, md, plain

SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:&@=")
J = JOINER


def _unescape(text: str) -> str:
    """What CommonMark shows for backslash escapes of ASCII punctuation."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


def _unescaped_specials(text: str) -> list[str]:
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2  # an escape and the character it covers
            continue
        if text[i] in SPECIALS:
            found.append(text[i])
        i += 1
    return found


def test_links_images_and_html_lose_their_markup():
    link, image = "[click](http://evil.example)", "![x](http://evil.example/img.png)"
    assert md(link) == rf"\[click\]\(http\:{J}//evil\.example\)"
    assert md(image) == rf"\!\[x\]\(http\:{J}//evil\.example/img\.png\)"
    assert "](" not in md(link) and "![" not in md(image)
    assert md("<img src=x onerror=alert(1)>").startswith(r"\<img")
    assert md("&lt;b&gt;") == r"\&lt;b\&gt;"  # an entity stays the text it is


def test_streamlit_directives_maths_and_bare_addresses_are_plain_text():
    assert md(":red[alarm] :material/home:") == rf"\:{J}red\[alarm\] \:{J}material/home\:{J}"
    assert md("$x^2$") == r"\$x^2\$"
    # the renderer links these in plain text, escapes or not: a word joiner breaks them
    assert md("www.evil.example a@evil.example https://x") == (
        rf"www{J}\.evil\.example a\@{J}evil\.example https\:{J}//x")
    assert md("WWW.evil.example").startswith(f"WWW{J}")


def test_block_markup_cannot_start_and_lines_are_joined():
    assert md("# heading\n- item\r\n> quote") == r"\# heading \- item \> quote"
    assert md("1. first") == r"1\. first"


def test_plain_words_and_non_strings_pass_through():
    assert md("circles") == "circles" and md(12) == "12"
    assert md(ValueError("layer 1: unknown layer type 'warp'")) == (
        rf"layer 1\:{J} unknown layer type 'warp'")


@given(st.text())
def test_any_text_reads_the_same_once_rendered_and_carries_no_live_markup(text):
    shown = md(text)
    one_line = re.sub(r"[\r\n\u2028\u2029]+", " ", text)
    assert _unescape(shown).replace(J, "") == one_line.replace(J, "")
    assert plain(shown) == one_line.replace(J, "")
    assert not _unescaped_specials(shown)
    assert not re.search(r"(?i)[a-z]:/|www\\?\.|@[-\w]", shown)
    assert "\n" not in shown
