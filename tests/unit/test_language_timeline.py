"""The samples timeline a text run keeps while it trains: when it samples, that a sample is
the same continuation a direct call writes, thinning, the real-word measure, and that the
session's runners carry it beside the attention recorder."""

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.language.runs import WATCH_SAMPLING, continue_text
from playground.language.timeline import (
    SampleTimeline,
    real_word_share,
    watch_prompt,
)
from playground.presets import PRESETS
from playground.run_watchers import RunWatchers, watchers
from playground.runner import Runner
from playground.session import Session
from playground.spec import Spec
from playground.trainer import Trainer
from playground.viz.language import (
    bits_curve,
    next_token_bars,
    sureness_figure,
    timeline_figure,
)
from tests.language_specs import SMALL_LM


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def trainer():
    return Trainer(Spec.from_dict(SMALL_LM), device="cpu")


def test_only_text_runs_get_a_timeline(trainer):
    assert SampleTimeline.for_trainer(Trainer(PRESETS["spiral"].spec(), device="cpu")) is None
    timeline = SampleTimeline.for_trainer(trainer)
    assert [s.step for s in timeline.samples()] == [0]  # the untrained model's gibberish


def test_a_sample_is_the_continuation_a_direct_call_writes(trainer):
    timeline = SampleTimeline(trainer.model, trainer.data, tokens=80)
    direct = continue_text(trainer.model, trainer.data, timeline.prompt, 80, WATCH_SAMPLING)
    first = timeline.samples()[0]
    assert first.text == direct and len(direct) == 80
    assert first.accepted is not None  # the grammar text is judged by the grammar


def test_samples_every_few_seconds_of_training_and_at_the_end(trainer):
    clock = Clock()
    timeline = SampleTimeline(trainer.model, trainer.data, every=3.0, tokens=20, clock=clock)
    runner = Runner(trainer, on_step=timeline)
    runner.step(2)
    assert len(timeline.samples()) == 1  # no time has passed
    clock.now = 3.5
    runner.step(1)
    assert [s.step for s in timeline.samples()] == [0, 3]
    clock.now = 4.0
    runner.step_epoch()
    runner.step_epoch()  # the budget of 2 epochs is spent: the final weights are sampled
    assert trainer.done
    steps = [s.step for s in timeline.samples()]
    assert steps[-1] == trainer.step_count and len(steps) == 3


def test_a_long_run_thins_its_samples_and_samples_less_often(trainer):
    clock = Clock()
    timeline = SampleTimeline(trainer.model, trainer.data, every=1.0, tokens=5,
                              max_samples=4, clock=clock)
    runner = Runner(trainer, on_step=timeline)
    for i in range(4):
        clock.now += 1.0
        runner.step(1)
        assert len(timeline.samples()) <= 4, i
    assert [s.step for s in timeline.samples()] == [0, 2, 4]
    assert timeline.every == 2.0


def test_real_word_share_counts_finished_words_of_the_training_text():
    words = frozenset({"the", "cat", "sleeps"})
    assert real_word_share("the cat zzq sleeps.", words) == pytest.approx(3 / 4)
    assert real_word_share("the cat sle", words) == 1.0  # "sle" is still being written
    assert real_word_share("...", words) == 0.0


def test_the_watch_prompt_falls_back_to_the_opening_of_the_text(trainer):
    assert watch_prompt(trainer.data) == "the "
    data = trainer.data
    vocab = data.info.vocab
    odd = type(data.info)(**{**data.info.__dict__, "vocab": tuple(c for c in vocab
                                                                  if c != "h")})
    opening = "".join(odd.vocab[int(i)] for i in data.x_train[0][:4])
    assert watch_prompt(type(data)(**{**data.__dict__, "info": odd})) == opening


def test_session_runners_carry_both_watchers():
    session = Session(PRESETS["char_transformer"].spec())
    found = watchers(session.runner())
    assert found.attention is not None and found.samples is not None
    lstm = watchers(Session(PRESETS["char_lstm"].spec()).runner())
    assert lstm.attention is None and lstm.samples is not None
    plain = watchers(Session(PRESETS["spiral"].spec()).runner())
    assert plain == RunWatchers()
    assert watchers(Runner(Trainer(PRESETS["spiral"].spec(), device="cpu"))) == RunWatchers()


def test_language_figures_validate_and_show_what_they_say():
    epochs = [{"epoch": 1, "step": 5, "train_loss": 2.0, "test_loss": 2.2}]
    fig = go.Figure(bits_curve([3.0] * 5, epochs, unigram=4.4, bigram=3.5).to_dict())
    lines = {t.name: t.y for t in fig.data}
    assert lines["unigram baseline"] == (4.4, 4.4) and lines["bigram baseline"] == (3.5, 3.5)
    assert lines["test (epoch)"][0] == pytest.approx(2.2 / np.log(2))  # nats shown as bits
    p = np.full(20, 0.01)
    p[3] = 0.81
    drawn = np.zeros(20)
    drawn[3] = 1.0
    bars = go.Figure(next_token_bars([chr(97 + i) for i in range(20)], p, drawn,
                                     written=19, context="abc").to_dict())
    assert len(bars.data[0].y) == 15 and any(y.startswith("▶") for y in bars.data[0].y)
    assert bars.data[1].x[0] == 1.0  # the sampler's distribution after temperature 0
    go.Figure(sureness_figure(list("ab "), np.array([0.5, 0.2, 0.9]),
                              np.array([0.5, 0.6, 0.9])).to_dict())
    go.Figure(timeline_figure([0, 10], [0.1, 0.8], [0.0, 0.5]).to_dict())
