"""A small English-like grammar: it writes the shipped grammar text and judges what a model
writes, so "spelling, then words, then grammar" can be measured, not only read.

    sentence    → noun_phrase verb_phrase [prep noun_phrase] "."
    noun_phrase → det [adj] noun
    verb_phrase → transitive noun_phrase | intransitive

Every word belongs to exactly one category, so a sentence is accepted when its sequence of
categories matches that pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

CATEGORIES: dict[str, tuple[str, ...]] = {
    "det": ("the", "a", "every", "one"),
    "adj": ("small", "red", "quiet", "clever", "old", "happy"),
    "noun": ("cat", "dog", "bird", "child", "teacher", "robot", "farmer", "river"),
    "transitive": ("sees", "likes", "follows", "paints", "finds", "helps"),
    "intransitive": ("sleeps", "sings", "waits", "runs", "laughs"),
    "prep": ("near", "behind", "with"),
}
WORDS: frozenset[str] = frozenset(w for words in CATEGORIES.values() for w in words)
_CATEGORY_OF = {w: c for c, words in CATEGORIES.items() for w in words}
_LETTER = {"det": "D", "adj": "A", "noun": "N", "transitive": "T", "intransitive": "I",
           "prep": "P"}
_SENTENCE = re.compile(r"DA?N(TDA?N|I)(PDA?N)?")
_WORD = re.compile(r"[a-z]+")


def _noun_phrase(rng: np.random.Generator) -> list[str]:
    words = [str(rng.choice(CATEGORIES["det"]))]
    if rng.random() < 0.4:
        words.append(str(rng.choice(CATEGORIES["adj"])))
    return [*words, str(rng.choice(CATEGORIES["noun"]))]


def sentence(rng: np.random.Generator) -> str:
    """One random sentence of the grammar, ending in a full stop."""
    words = _noun_phrase(rng)
    if rng.random() < 0.6:
        words += [str(rng.choice(CATEGORIES["transitive"])), *_noun_phrase(rng)]
    else:
        words.append(str(rng.choice(CATEGORIES["intransitive"])))
    if rng.random() < 0.3:
        words += [str(rng.choice(CATEGORIES["prep"])), *_noun_phrase(rng)]
    return " ".join(words) + "."


def grammar_text(sentences: int, seed: int) -> str:
    """`sentences` random sentences joined by spaces, the same for the same seed."""
    rng = np.random.default_rng(seed)
    return " ".join(sentence(rng) for _ in range(sentences))


def accepts(text: str) -> bool:
    """Whether one sentence (with or without its full stop) is a sentence of the grammar."""
    words = text.strip().rstrip(".").split()
    if not words or any(w not in _CATEGORY_OF for w in words):
        return False
    return _SENTENCE.fullmatch("".join(_LETTER[_CATEGORY_OF[w]] for w in words)) is not None


@dataclass(frozen=True)
class GrammarScore:
    """How much of a sample the grammar recognises."""

    words: int  # words written (runs of letters)
    real_word_share: float  # of those, the share that are words of the grammar
    sentences: int  # complete sentences (ended by a full stop), the first one excluded
    accepted_share: float  # of those, the share the grammar accepts

    def to_dict(self) -> dict[str, float]:
        return {"words": self.words, "real_word_share": self.real_word_share,
                "sentences": self.sentences, "accepted_sentence_share": self.accepted_share}


def score_sample(text: str) -> GrammarScore:
    """Measure a generated continuation. The piece before the first full stop is skipped (it
    finishes the prompt's sentence) and so is the unfinished piece after the last one."""
    words = _WORD.findall(text)
    real = sum(w in WORDS for w in words) / len(words) if words else 0.0
    pieces = text.split(".")[1:-1]
    done = [p for p in pieces if p.strip()]
    accepted = sum(accepts(p) for p in done) / len(done) if done else 0.0
    return GrammarScore(len(words), real, len(done), accepted)
