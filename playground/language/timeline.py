"""Samples while a language model trains: the same prompt continued with the same seed every
few seconds, so the learner reads gibberish turn into spelling, then words, then grammar.

A `SampleTimeline` is a Runner's step watcher: it is called under the runner's lock after each
step and reads the live model, so it keeps the whole run's story even while nobody looks.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from playground.datasets import Data
from playground.language.corpus import decode
from playground.language.grammar import score_sample
from playground.language.runs import (
    GRAMMAR_DATASET,
    WATCH_PROMPT,
    WATCH_SAMPLING,
    continue_text,
    is_text,
)

EVERY_SECONDS = 3.0  # training time between two samples
SAMPLE_TOKENS = 160
MAX_SAMPLES = 40  # past this, every other sample is dropped and the interval doubles
_WORD = re.compile(r"[a-z]+")


def known_words(data: Data) -> frozenset[str]:
    """The lower-case words of the training text: what counts as a real word."""
    text = decode(data.x_train.ravel(), data.info.vocab).lower()
    return frozenset(_WORD.findall(text))


def real_word_share(text: str, words: frozenset[str]) -> float:
    """Share of the sample's words (runs of letters, the unfinished last one excluded) that
    occur in the training text."""
    found = _WORD.findall(text.lower())
    if text[-1:].isalpha():
        found = found[:-1]
    return sum(w in words for w in found) / len(found) if found else 0.0


def watch_prompt(data: Data) -> str:
    """The prompt every sample continues: "the " when the text has those characters, else
    the opening of the training text."""
    vocab = set(data.info.vocab)
    if set(WATCH_PROMPT) <= vocab:
        return WATCH_PROMPT
    return decode(data.x_train[0][:4], data.info.vocab)


@dataclass(frozen=True)
class Sample:
    step: int
    epoch: int
    seconds: float  # training time when it was written
    text: str  # the continuation, prompt excluded
    real_words: float  # share of its words that are words of the training text
    accepted: float | None  # grammar text only: share of its sentences the grammar accepts


class SampleTimeline:
    """Continue `prompt` after step 0, then every `every` seconds of training and at the end."""

    def __init__(self, model: nn.Module, data: Data, every: float = EVERY_SECONDS,
                 tokens: int = SAMPLE_TOKENS, max_samples: int = MAX_SAMPLES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.data = data
        self.prompt = watch_prompt(data)
        self.every = every
        self.tokens = tokens
        self.max_samples = max_samples
        self._clock = clock
        self._words = known_words(data)
        self._lock = threading.Lock()
        self._samples: list[Sample] = []
        self._last = clock()
        self.record(model, 0, 0, 0.0)

    @classmethod
    def for_trainer(cls, trainer) -> SampleTimeline | None:
        """A timeline for a text run, None for any other."""
        if not is_text(trainer.data):
            return None
        return cls(trainer.model, trainer.data)

    def __call__(self, trainer) -> None:
        now = self._clock()
        if now - self._last >= self.every or trainer.done:
            self._last = now
            self.record(trainer.model, trainer.step_count, trainer.epoch,
                        trainer.train_seconds)

    def record(self, model: nn.Module, step: int, epoch: int, seconds: float) -> None:
        with self._lock:
            if self._samples and self._samples[-1].step == step:
                return  # the end of a run already sampled at this step
        text = continue_text(model, self.data, self.prompt, self.tokens, WATCH_SAMPLING)
        accepted = (score_sample(self.prompt + text).accepted_share
                    if self.data.info.name == GRAMMAR_DATASET else None)
        sample = Sample(step, epoch, seconds, text, real_word_share(text, self._words),
                        accepted)
        with self._lock:
            self._samples.append(sample)
            if len(self._samples) > self.max_samples:
                # Keep the first and every other later sample; write half as often from now.
                self._samples = self._samples[::2]
                self.every *= 2

    def samples(self) -> list[Sample]:
        with self._lock:
            return list(self._samples)
