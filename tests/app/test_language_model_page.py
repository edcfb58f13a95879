"""The Language model page: offers the presets, trains with live bits against the baselines
and a samples timeline, generates (temperature 0 is the direct argmax, the sampler's bars
follow the controls), takes the learner's own text with messages for bad input, and reads
the model with attention or recurrent states and attributions over the prompt."""

import json

import numpy as np
import pytest
from opening import current_spec, open_page
from test_escaping import IMAGE, LINK, assert_no_live_markup

from playground.language.corpus import OWN_TEXTS
from playground.language.runs import continue_text
from playground.language.sampling import Sampling
from playground.presets import PRESETS
from playground.spec import Spec
from playground.trainer import Trainer
from tests.language_specs import SMALL_LM

PAGE = "views/language_model.py"
OWN = ("A lighthouse keeper counts the ships that pass each night. " * 60).strip()


@pytest.fixture
def small():
    return Spec.from_dict(SMALL_LM)


def chart_ids(at) -> list[str]:
    return [c.proto.id for c in at.get("plotly_chart")]


def chart(at, key):
    """The figure JSON of the chart whose widget key is `key`."""
    found = [c for c in at.get("plotly_chart") if key in c.proto.id]
    assert found, f"no chart {key} among {chart_ids(at)}"
    return json.loads(found[0].proto.spec)


def generated(at) -> str:
    return at.code[1].value  # after the timeline's latest sample


def test_a_model_without_text_is_offered_the_two_presets():
    at = open_page(PAGE, PRESETS["spiral"].spec())
    assert "does not learn from a text" in at.info[0].value
    at.button(key="lm_load_char_lstm").click().run()
    assert not at.exception
    assert current_spec(at) == PRESETS["char_lstm"].spec()
    assert [h.value for h in at.header][:2] == ["The text", "Training"]


def test_temperature_zero_writes_the_greedy_continuation_of_the_session_model(small):
    at = open_page(PAGE, small)
    at.slider(key="lm_temperature").set_value(0.0).run()
    at.slider(key="lm_tokens").set_value(40).run()
    assert not at.exception
    trainer = Trainer(small, device="cpu")  # the same seed builds the same weights
    greedy = continue_text(trainer.model, trainer.data, "the ", 40, Sampling(0.0))
    assert generated(at) == "the " + greedy
    bars = chart(at, "lm_next_bars")
    drawn = np.array(bars["data"][1]["x"])
    assert sorted(drawn)[-1] == 1.0 and (drawn > 0).sum() == 1  # one-hot at the argmax


def test_sampling_controls_redraw_the_sampler_bars_not_the_model_ones(small):
    at = open_page(PAGE, small)
    before = chart(at, "lm_next_bars")["data"]
    at.number_input(key="lm_top_k").set_value(2).run()
    after = chart(at, "lm_next_bars")["data"]
    assert (np.array(after[1]["x"]) > 0).sum() <= 2  # top-2 keeps two characters
    assert (np.array(before[1]["x"]) > 0).sum() > 2
    model_before = dict(zip(before[0]["y"], before[0]["x"], strict=True))
    model_after = dict(zip(after[0]["y"], after[0]["x"], strict=True))
    shared = {k.lstrip("▶ ") for k in model_before} & {k.lstrip("▶ ") for k in model_after}
    assert shared  # the same candidates, with the model's own probabilities unchanged
    for name in shared:
        old = next(v for k, v in model_before.items() if k.lstrip("▶ ") == name)
        new = next(v for k, v in model_after.items() if k.lstrip("▶ ") == name)
        assert new == pytest.approx(old)
    first = generated(at)
    at.number_input(key="lm_seed").set_value(7).run()
    assert generated(at) != first  # another seed, another sample
    at.number_input(key="lm_seed").set_value(0).run()
    assert generated(at) == first  # and the same seed gives it back


def test_training_shows_bits_against_the_baselines_and_a_timeline(small):
    at = open_page(PAGE, small)
    labels = [m.label for m in at.metric]
    assert "Bigram baseline" in labels and "Unigram baseline" in labels
    at.button(key="train.epoch").click().run()
    assert not at.exception
    test_bits = next(m for m in at.metric if m.label == "Test bits/char")
    assert test_bits.value != "–" and float(test_bits.value) > 0
    bits = chart(at, "lm_bits")
    names = [t["name"] for t in bits["data"]]
    assert {"unigram baseline", "bigram baseline", "test (epoch)"} <= set(names)
    assert "Samples while it trains" in [s.value for s in at.subheader]
    assert at.code[0].value.startswith("the ")


def test_own_text_bad_input_gets_messages_and_good_text_trains(small):
    at = open_page(PAGE, small)
    at.radio(key="lm_source_grammar_text").set_value("own_text").run()
    at.button(key="FormSubmitter:lm_own_text-Train on this text").click().run()
    assert "Paste a text" in at.error[0].value
    at.text_area(key="lm_paste").input("far too short")
    at.button(key="FormSubmitter:lm_own_text-Train on this text").click().run()
    assert "at least 2,000" in at.error[0].value
    assert current_spec(at).dataset.name == "grammar_text"  # nothing lost
    at.text_area(key="lm_paste").input(OWN)
    at.button(key="FormSubmitter:lm_own_text-Train on this text").click().run()
    assert not at.exception and not at.error
    spec = current_spec(at)
    assert spec.dataset.name == "own_text"
    assert OWN_TEXTS.get(spec.dataset.params["text_id"]) == OWN
    assert spec.layers == small.layers
    assert f"{len(set(OWN))} different characters" in " ".join(c.value for c in at.caption)
    at.text_input(key=f"lm_prompt_{len(set(OWN))}").input("A light").run()
    assert generated(at).startswith("A light")
    at.text_input(key=f"lm_prompt_{len(set(OWN))}").input("zebra").run()
    assert "never has" in at.error[0].value


def test_transformer_shows_attention_and_lstm_its_state_both_attributions():
    at = open_page(PAGE, PRESETS["char_transformer"].spec())
    ids = chart_ids(at)
    assert any("lm_attention_" in i for i in ids) and any("lm_attribution" in i for i in ids)
    attribution = chart(at, "lm_attribution")
    cells = attribution["data"][0]["text"][0]
    assert "".join(cells).replace("␣", " ") == "the "  # the prompt's characters
    at = open_page(PAGE, Spec.from_dict(SMALL_LM))
    assert any("rec_hidden_" in i for i in chart_ids(at))
    at.selectbox(key="lm_attr_method").set_value("saliency").run()
    assert not at.exception and chart(at, "lm_attribution")


def test_own_text_full_of_markdown_is_shown_as_text(small):
    at = open_page(PAGE, small)
    at.radio(key="lm_source_grammar_text").set_value("own_text").run()
    at.text_area(key="lm_paste").input((LINK + IMAGE) * 60)
    at.button(key="FormSubmitter:lm_own_text-Train on this text").click().run()
    assert current_spec(at).dataset.name == "own_text"
    assert_no_live_markup(at, "language model on a hostile text")
