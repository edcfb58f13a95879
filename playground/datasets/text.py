"""Text for a character-level language model: each example is a window of consecutive
characters and its targets are the same window shifted by one, so every position predicts
the next character (a per-token task; build it with a causal model and a per-token readout).

x and y are int64 (N, T); `Raw.vocab` is the text's characters. The split is by position:
the test windows are the end of the text.
"""

from __future__ import annotations

from playground.datasets.base import DatasetKind, Raw, register
from playground.language.corpus import (
    OWN_TEXTS,
    encode,
    guide_text,
    vocabulary,
    windows,
)
from playground.language.grammar import grammar_text
from playground.params import Param

_CONTEXT = Param("context", int, 32, "Characters the model sees at once (its context "
                 "window); each one predicts the character after it.", min=4, max=128)


def text_raw(text: str, context: int) -> Raw:
    """Windows of `text` as a per-token dataset whose classes are its characters."""
    vocab = vocabulary(text)
    x, y = windows(encode(text, vocab), context)
    return Raw(x, y, vocab, vocab=vocab)


def source_text(name: str, params: dict, seed: int) -> str:
    """The whole text a text dataset is cut from (what baselines and samples are read on)."""
    if name == "grammar_text":
        return grammar_text(params["sentences"], seed)
    if name == "guide_text" or not params["text_id"]:  # the guide stands in until one is set
        return guide_text()
    return OWN_TEXTS.get(params["text_id"])


def _loader(name: str):
    return lambda p, seed: text_raw(source_text(name, p, seed), p["context"])


register(DatasetKind(
    "grammar_text", "text",
    "Sentences written by a small grammar of 32 words (determiner, adjective, noun, verb, "
    "preposition). Because the grammar knows every word and rule, it measures a model's "
    "samples: the share of real words, and of sentences it accepts.",
    (Param("sentences", int, 3000, "How many sentences the grammar writes (about 31 "
           "characters each).", min=200, max=6000), _CONTEXT),
    _loader("grammar_text"), ordered=True))
register(DatasetKind(
    "guide_text", "text",
    "About 57 kB of plain English written for the playground: how networks learn, what each "
    "layer and page does. A model learns letters, then words, then phrases.",
    (_CONTEXT,), _loader("guide_text"), source="written for the project", ordered=True))
register(DatasetKind(
    "own_text", "text",
    "Your own text, pasted or uploaded on the Language model page; it is kept for your "
    "session under a private key. Until you set one, the guide text stands in.",
    (Param("text_id", str, "", "The private key of your text (set by the Language model "
           "page)."), _CONTEXT),
    _loader("own_text"), source="your text", ordered=True))
