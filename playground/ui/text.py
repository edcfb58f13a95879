"""Showing a string that came from outside the app (a spec from an upload or a link, a file
name, typed text, an error that quotes them) through Streamlit's markdown as plain text.

Streamlit renders GitHub-flavoured markdown, plus its own directives, in st.markdown,
st.caption, st.info/warning/error/success, st.toast, widget labels, help texts, radio and
segmented-control options, expander and tab labels, metric and page-link labels. A name such
as `[click](http://evil)` or `![x](http://evil/img.png)` would become a live link or a remote
image there. `md()` backslash-escapes every character markdown, its extensions (tables,
strikethrough, maths) or Streamlit's directives (`:red[…]`) give a meaning to, and HTML's
`<`, `>` and `&`. Streamlit also turns bare addresses (`http://…`, `www.…`, `a@b.c`) and
`:shortcodes:` found in the *text* into links and icons, after the escapes are read; an
invisible word joiner (U+2060) after each `:` and `@` and after `www` breaks those
patterns. The rendered text reads exactly as the input.

Plain-text places (st.text, st.code, selectbox and multiselect options, dataframes) must get
the raw string instead: they would show the backslashes.
"""

from __future__ import annotations

import re

JOINER = "\u2060"  # WORD JOINER: zero width, no line break, no glyph
# CommonMark lets any ASCII punctuation be backslash-escaped and then shows it literally;
# these are the ones that start or end markup somewhere (emphasis, links and images, code,
# headings, lists, quotes, tables, HTML and entities, maths, Streamlit's :directives:).
_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&@=])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
# Patterns Streamlit's renderer finds in text: scheme "x://", "www.", e-mail "@",
# ":shortcode:" — each broken right after its ':' or '@' (already escaped) or its "www".
_LINKISH = re.compile(r"(\\[:@])|(www)(?=\\\.)", re.IGNORECASE)


def md(text: object) -> str:
    """`text` (any object; str() of it) escaped for markdown, on one line."""
    escaped = _SPECIALS.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
    return _LINKISH.sub(lambda m: (m.group(1) or m.group(2)) + JOINER, escaped)


def plain(shown: str) -> str:
    """What `md()` output reads as once rendered (backslash escapes and word joiners gone);
    for tests that look for words in an escaped message."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", shown).replace(JOINER, "")
