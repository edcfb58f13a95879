"""Lessons load and validate; bad files get messages naming the field; challenges pass and
fail correctly; every shipped lesson's preset reaches its stated result (slow)."""

import json

import pytest

from playground.classroom.challenges import ChallengeError, check, parse_challenge
from playground.classroom.lessons import (
    LessonError,
    controls_from_query,
    lesson_names,
    lesson_query,
    load_lesson,
    parse_lesson,
)
from playground.trainer import Trainer

GOOD = {"title": "T", "summary": "S", "preset": "xor",
        "steps": [{"text": "go", "page": "views/train.py"}],
        "expect": {"metric": "test_accuracy", "at_least": 0.9}}


def test_eight_lessons_ship_and_load():
    names = lesson_names()
    assert len(names) == 8 and names[0] == "01_learning_loop"
    for name in names:
        lesson = load_lesson(name)
        assert lesson.steps and lesson.title and lesson.expect.at_least > 0


@pytest.mark.parametrize("change, words", [
    ({"preset": "nope"}, "unknown preset"),
    ({"steps": []}, "'steps'"),
    ({"steps": [{"text": "x", "page": "views/none.py"}]}, "not a page"),
    ({"hide": ["warp"]}, "unknown controls"),
    ({"title": ""}, "'title'"),
    ({"expect": {"metric": "test_accuracy"}}, "'expect'"),
    ({"challenge": {"text": "x", "metric": "m"}}, "exactly one"),
])
def test_bad_lesson_names_the_field(change, words):
    with pytest.raises(LessonError, match=words):
        parse_lesson("bad", {**GOOD, **change})


def test_bad_names_and_json_get_messages(tmp_path):
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(LessonError, match="not valid JSON"):
        load_lesson("broken", tmp_path)
    with pytest.raises(LessonError, match="no lesson"):
        load_lesson("../etc", tmp_path)
    (tmp_path / "ok.json").write_text(json.dumps(GOOD))
    assert load_lesson("ok", tmp_path).preset == "xor"


def test_link_round_trip():
    query = lesson_query("02_why_depth", {"lr", "optimizer"}, {"layers"})
    assert query == {"lesson": "02_why_depth", "hide": "lr,optimizer", "lock": "layers"}
    assert controls_from_query(query["hide"]) == {"lr", "optimizer"}
    assert controls_from_query("lr,bogus") == {"lr"}


SPIRAL = parse_challenge({"text": "spiral", "metric": "test_accuracy", "at_least": 0.95,
                          "max_parameters": 200})


def test_challenge_passes_only_when_goal_and_size_are_met():
    assert check(SPIRAL, [{"test_accuracy": 0.96}], 180).passed
    small_but_weak = check(SPIRAL, [{"test_accuracy": 0.97}, {"test_accuracy": 0.90}], 180)
    assert not small_but_weak.passed and small_but_weak.reached == 0.90
    big = check(SPIRAL, [{"test_accuracy": 0.99}], 1000)
    assert not big.passed and "too many parameters" in big.message
    assert not check(SPIRAL, [], 10).passed
    low = parse_challenge({"text": "fail", "metric": "test_accuracy", "at_most": 0.6})
    assert check(low, [{"test_accuracy": 0.5}], 5).passed
    with pytest.raises(ChallengeError):
        parse_challenge({"text": "x", "metric": "m", "at_least": "high"})


@pytest.mark.slow
@pytest.mark.parametrize("name", lesson_names())
def test_every_lesson_preset_reaches_its_stated_result(name):
    lesson = load_lesson(name)
    trainer = Trainer(lesson.spec.with_train(device="cpu", epochs=lesson.expect.epochs))
    trainer.train()
    assert trainer.history.epochs[-1][lesson.expect.metric] >= lesson.expect.at_least
