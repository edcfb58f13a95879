"""Lessons are data files in assets/lessons/: a preset (or an inline spec), steps that say
which page to open, controls to hide or lock, questions and an optional challenge. The
loader checks every field so a broken lesson file is a message naming the file and field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playground.classroom.challenges import Challenge, parse_challenge
from playground.errors import SpecError
from playground.presets import PRESETS
from playground.spec import Spec

LESSON_DIR = Path(__file__).resolve().parent.parent.parent / "assets" / "lessons"
VIEWS_DIR = Path(__file__).resolve().parent.parent.parent / "views"

# Every control a lesson may hide or lock; the UI asks for these names.
CONTROLS: dict[str, str] = {
    "dataset": "dataset and its settings",
    "layers": "the layer stack",
    "optimizer": "optimizer",
    "lr": "learning rate",
    "batch_size": "batch size",
    "epochs": "epochs",
    "regularization": "L1 / L2 penalties",
}


class LessonError(ValueError):
    """A lesson file or link that cannot be used; the message says which part and why."""


@dataclass(frozen=True)
class Step:
    text: str
    page: str  # a path under views/, e.g. "views/train.py"


@dataclass(frozen=True)
class Expectation:
    """The result the lesson's preset is promised to reach within `epochs`."""

    metric: str
    at_least: float
    epochs: int


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    summary: str
    spec: Spec
    preset: str | None
    steps: tuple[Step, ...]
    hide: frozenset[str]
    lock: frozenset[str]
    questions: tuple[str, ...]
    challenge: Challenge | None
    expect: Expectation


def check_controls(names: Any, field: str) -> frozenset[str]:
    """Names of controls to hide or lock, each one the UI knows."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise LessonError(f"'{field}' must be a list of control names")
    unknown = sorted(set(names) - set(CONTROLS))
    if unknown:
        raise LessonError(f"'{field}' names unknown controls {unknown}; "
                          f"known: {', '.join(CONTROLS)}")
    return frozenset(names)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LessonError(f"'{key}' must be a non-empty text")
    return value.strip()


def _spec(data: dict[str, Any]) -> tuple[Spec, str | None]:
    if ("preset" in data) == ("spec" in data):
        raise LessonError("give exactly one of 'preset' (a preset name) or 'spec' (a spec)")
    if "preset" in data:
        name = data["preset"]
        if name not in PRESETS:
            raise LessonError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}")
        return PRESETS[name].spec(), name
    try:
        return Spec.from_dict(data["spec"]), None
    except (SpecError, TypeError, KeyError) as exc:
        raise LessonError(f"'spec' is not a valid spec: {exc}") from exc


def _steps(raw: Any) -> tuple[Step, ...]:
    if not isinstance(raw, list) or not raw:
        raise LessonError("'steps' must be a non-empty list")
    steps = []
    for i, step in enumerate(raw, 1):
        if not isinstance(step, dict):
            raise LessonError(f"step {i} must be an object with 'text' and 'page'")
        page = step.get("page", "views/train.py")
        if not isinstance(page, str) or not (VIEWS_DIR / Path(page).name).is_file() \
                or not page.startswith("views/"):
            raise LessonError(f"step {i}: page {page!r} is not a page under views/")
        try:
            steps.append(Step(_text(step, "text"), page))
        except LessonError as exc:
            raise LessonError(f"step {i}: {exc}") from exc
    return tuple(steps)


def _expect(raw: Any, spec: Spec) -> Expectation:
    if not isinstance(raw, dict):
        raise LessonError("'expect' must be an object with 'metric' and 'at_least'")
    try:
        return Expectation(str(raw["metric"]), float(raw["at_least"]),
                           int(raw.get("epochs", spec.train.epochs)))
    except (KeyError, TypeError, ValueError) as exc:
        raise LessonError(f"'expect' needs 'metric' and a number 'at_least' ({exc})") from exc


def parse_lesson(name: str, data: Any) -> Lesson:
    """A validated lesson from decoded JSON; LessonError names the field that is wrong."""
    if not isinstance(data, dict):
        raise LessonError(f"lesson {name!r}: the file must hold a JSON object")
    try:
        spec, preset = _spec(data)
        questions = data.get("questions", [])
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise LessonError("'questions' must be a list of texts")
        challenge = data.get("challenge")
        return Lesson(name=name, title=_text(data, "title"), summary=_text(data, "summary"),
                      spec=spec, preset=preset, steps=_steps(data.get("steps")),
                      hide=check_controls(data.get("hide", []), "hide"),
                      lock=check_controls(data.get("lock", []), "lock"),
                      questions=tuple(questions),
                      challenge=None if challenge is None else parse_challenge(challenge),
                      expect=_expect(data.get("expect"), spec))
    except (LessonError, ValueError) as exc:
        raise LessonError(f"lesson {name!r}: {exc}") from exc


def load_lesson(name: str, directory: Path = LESSON_DIR) -> Lesson:
    """The lesson `name` (a file stem; no paths) from `directory`."""
    if not name.replace("_", "").isalnum():
        raise LessonError(f"no lesson called {name!r}: names are letters, digits and _")
    path = directory / f"{name}.json"
    if not path.is_file():
        raise LessonError(f"no lesson called {name!r}; known: {', '.join(lesson_names(directory))}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise LessonError(f"lesson {name!r}: not valid JSON ({exc})") from exc
    return parse_lesson(name, data)


def lesson_names(directory: Path = LESSON_DIR) -> list[str]:
    """Shipped lesson names in file order (files are numbered by their place in the course)."""
    return sorted((p.stem for p in directory.glob("*.json")), key=_order(directory))


def _order(directory: Path):
    def key(stem: str) -> tuple[int, str]:
        try:
            return int(json.loads((directory / f"{stem}.json").read_text()).get("order", 99)), stem
        except (json.JSONDecodeError, ValueError, TypeError):
            return 99, stem
    return key


def lesson_query(name: str | None, hide: set[str], lock: set[str]) -> dict[str, str]:
    """Query parameters of a lesson link: ?lesson=NAME&hide=a,b&lock=c."""
    query = {}
    if name:
        query["lesson"] = name
    if hide:
        query["hide"] = ",".join(sorted(check_controls(sorted(hide), "hide")))
    if lock:
        query["lock"] = ",".join(sorted(check_controls(sorted(lock), "lock")))
    return query


def controls_from_query(value: str | None) -> frozenset[str]:
    """Control names from a comma list in a link; unknown names are dropped (old links)."""
    if not value:
        return frozenset()
    return frozenset(n.strip() for n in value.split(",") if n.strip() in CONTROLS)
