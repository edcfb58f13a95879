"""Challenges: a goal on a run's metrics (and optionally its size), checked against the
runner's snapshot so a learner sees pass or fail and what they actually reached."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class ChallengeError(ValueError):
    """A challenge description that cannot be checked."""


@dataclass(frozen=True)
class Challenge:
    """Reach `metric` >= `at_least` (or <= `at_most`) with at most `max_parameters`."""

    text: str
    metric: str
    at_least: float | None = None
    at_most: float | None = None
    max_parameters: int | None = None


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reached: float | None
    parameters: int
    message: str


def parse_challenge(data: Any) -> Challenge:
    """A Challenge from decoded JSON; exactly one of at_least / at_most."""
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ChallengeError("a challenge is an object with 'text' and 'metric'")
    if not isinstance(data.get("metric"), str):
        raise ChallengeError("a challenge needs a 'metric' name, e.g. 'test_accuracy'")
    if ("at_least" in data) == ("at_most" in data):
        raise ChallengeError("a challenge needs exactly one of 'at_least' or 'at_most'")
    try:
        bound = {k: float(data[k]) for k in ("at_least", "at_most") if k in data}
        cap = data.get("max_parameters")
        cap = None if cap is None else int(cap)
    except (TypeError, ValueError) as exc:
        raise ChallengeError(f"challenge bounds must be numbers ({exc})") from exc
    return Challenge(text=data["text"], metric=data["metric"], max_parameters=cap, **bound)


def check(challenge: Challenge, epochs: list[dict[str, float]], parameters: int) -> Verdict:
    """Judge the run's latest epoch: the model as it is now, not its best moment."""
    reached = epochs[-1].get(challenge.metric) if epochs else None
    if reached is None:
        return Verdict(False, None, parameters,
                       f"Not yet: train at least one epoch to measure {challenge.metric}.")
    if challenge.at_least is not None:
        hit, goal = reached >= challenge.at_least, f">= {challenge.at_least:g}"
    else:
        hit, goal = reached <= challenge.at_most, f"<= {challenge.at_most:g}"
    small = challenge.max_parameters is None or parameters <= challenge.max_parameters
    size = "" if challenge.max_parameters is None else \
        f" with {parameters:,} parameters (limit {challenge.max_parameters:,})"
    verdict = "Passed" if hit and small else "Not yet"
    why = "" if small else " — too many parameters"
    return Verdict(hit and small, reached, parameters,
                   f"{verdict}: {challenge.metric} = {reached:.4g} (goal {goal}){size}{why}.")
