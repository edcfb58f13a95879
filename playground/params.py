"""Parameter descriptors shared by every registry (layers, datasets, training, methods).

One descriptor drives validation messages, UI widgets, CLI listings and docs, so a
parameter's range and help text are written exactly once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from playground.errors import SpecError

_TYPE_NAMES = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}


def _shown(value: Any) -> str:
    """A value as an error message quotes it: short, however large the input was."""
    try:
        text = repr(value)
    except (RecursionError, ValueError):  # deeply nested, or an int too long to print
        text = f"a {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class Param:
    """One tunable parameter: its type, default, allowed range and a one-line help."""

    name: str
    type: type
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] | None = None
    log: bool = False  # a log-scale control suits values spanning decades (lr, penalties)
    live: bool = False  # a change applies to a running model, without new weights

    def check(self, value: Any, where: str) -> Any:
        """Return `value` coerced to this parameter's type, or raise SpecError naming `where`."""
        if self.type is bool:
            if not isinstance(value, bool):
                raise SpecError(f"{where}: '{self.name}' must be true or false, got "
                                f"{_shown(value)}.")
            return value
        if self.type is int:
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                isinstance(value, float) and not value.is_integer()
            ):
                raise SpecError(
                    f"{where}: '{self.name}' must be {_TYPE_NAMES[int]}, got {_shown(value)}."
                    f" {self._range_hint()}"
                )
            value = int(value)
        elif self.type is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise SpecError(
                    f"{where}: '{self.name}' must be {_TYPE_NAMES[float]}, got {_shown(value)}."
                    f" {self._range_hint()}"
                )
            try:
                value = float(value)
            except OverflowError:  # an integer with hundreds of digits
                value = math.inf
            if not math.isfinite(value):
                raise SpecError(f"{where}: '{self.name}' must be a finite number, got "
                                f"{_shown(value)}.")
        elif self.type is str:
            if not isinstance(value, str):
                raise SpecError(f"{where}: '{self.name}' must be a string, got {_shown(value)}.")
        if self.choices is not None and value not in self.choices:
            options = ", ".join(repr(c) for c in self.choices)
            raise SpecError(f"{where}: '{self.name}' is {_shown(value)}; choose one of {options}.")
        if self.min is not None and value < self.min or self.max is not None and value > self.max:
            raise SpecError(f"{where}: '{self.name}' is {_shown(value)}; {self._range_hint()}")
        return value

    def _range_hint(self) -> str:
        if self.min is not None and self.max is not None:
            return f"Use a value from {self.min:g} to {self.max:g}."
        if self.min is not None:
            return f"Use a value of at least {self.min:g}."
        if self.max is not None:
            return f"Use a value of at most {self.max:g}."
        return ""

    def describe(self) -> dict[str, Any]:
        """A JSON-able description for CLI listings and docs."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type.__name__,
            "default": self.default,
            "help": self.help,
        }
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        if self.choices is not None:
            out["choices"] = list(self.choices)
        return out


def check_params(
    params: tuple[Param, ...], given: dict[str, Any], where: str
) -> dict[str, Any]:
    """Fill defaults, reject unknown names and check every value against its descriptor."""
    known = {p.name for p in params}
    unknown = sorted(set(given) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise SpecError(
            f"{where}: unknown parameter {', '.join(repr(u) for u in unknown)}. "
            f"Allowed parameters: {allowed}."
        )
    return {p.name: p.check(given.get(p.name, p.default), where) for p in params}
