"""What every generative spec (GAN, diffusion) checks the same way: a JSON object of its kind
with only its own keys, a known target, a `train` object, layer stacks from the registry that
act on vectors, and the file or text it is read from. Each check raises a SpecError that says
what to fix, worded with the spec's name ("GAN", "diffusion")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playground.errors import SpecError
from playground.generative.targets import TARGETS
from playground.layers import LAYERS
from playground.spec import MAX_LAYERS, MAX_SPEC_BYTES, _check_layer

# Layer categories that act on a vector of features: all a network on 2D points needs.
VECTOR_CATEGORIES = ("dense", "activation", "normalization", "regularization")


def _listing(keys: tuple[str, ...]) -> str:
    return f"{', '.join(keys[:-1])} and {keys[-1]}"


def check_document(data: Any, kind: str, keys: tuple[str, ...], what: str,
                   train_example: str) -> tuple[str, dict[str, Any]]:
    """The document's target and its raw `train` settings, once it is an object of `kind`
    with no key outside `keys` (what: "GAN" or "diffusion", for the messages)."""
    if not isinstance(data, dict):
        raise SpecError(f"A {what} spec is a JSON object with keys {_listing(keys)}.")
    if data.get("kind", kind) != kind:
        raise SpecError(f"kind {data.get('kind')!r} is not a {what} spec; set \"kind\": "
                        f"\"{kind}\".")
    unknown = sorted(set(data) - set(keys))
    if unknown:
        raise SpecError(f"Unknown key {', '.join(map(repr, unknown))}: a {what} spec has only "
                        f"{_listing(keys)}.")
    target = data.get("target", "ring8")
    if target not in TARGETS:
        raise SpecError(f"Unknown target {target!r}. Available: {', '.join(TARGETS)}.")
    train = data.get("train", {})
    if not isinstance(train, dict):
        raise SpecError(f"'train' must be an object of {what} settings such as "
                        f"{train_example}.")
    return target, train


def check_stack(raw: Any, who: str) -> tuple[dict[str, Any], ...]:
    """A list of registry layers that act on vectors, each checked like a network's."""
    if not isinstance(raw, list):
        raise SpecError(f"'{who}' must be a list of layers such as "
                        '[{"type": "linear", "units": 64}, {"type": "relu"}].')
    if len(raw) > MAX_LAYERS:
        raise SpecError(f"The {who} has {len(raw)} layers; at most {MAX_LAYERS} are built.")
    layers = []
    for i, layer in enumerate(raw):
        try:
            checked = _check_layer(i, layer, LAYERS)
        except SpecError as exc:
            raise SpecError(f"{who}: {exc}") from None
        if LAYERS[checked["type"]].category not in VECTOR_CATEGORIES:
            raise SpecError(f"{who}: layer {i + 1} ({checked['type']}) does not act on a "
                            "vector of features; use linear, activation, normalization or "
                            "dropout layers.")
        layers.append(checked)
    return tuple(layers)


def parse_json(text: str | bytes, what: str) -> Any:
    """The JSON value in `text`, refused when it is far too big to be a spec."""
    if len(text) > MAX_SPEC_BYTES:
        raise SpecError(f"This is {len(text):,} bytes; a {what} spec is a few kilobytes.")
    try:
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SpecError(f"This is not valid JSON ({exc}). A {what} spec is the JSON the "
                        "Generative page downloads.") from None


def read_text(path: str | Path, what: str) -> str:
    """A spec file's text, or a SpecError saying why it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"Cannot read {what} {str(path)!r}: {exc}.") from None
