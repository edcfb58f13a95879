"""The one rule every registry (layers, datasets, data kinds) keeps: a name is registered
once, so a second entry under it is a programming error, not a silent replacement."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def add_entry(registry: dict[str, T], name: str, entry: T, what: str) -> T:
    """Put `entry` under `name`; `what` names the registry in the error ("layer kind")."""
    if name in registry:
        raise ValueError(f"{what} {name!r} registered twice")
    registry[name] = entry
    return entry
