"""Bad input never crashes: thousands of generated documents — nested, huge, of the wrong
type — reach the spec loader, the URL codec and the command line, and each either loads or
is refused with a SpecError (exit 2 and one `error:` line for the CLI)."""

import base64
import json
import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.cli import main
from playground.errors import SpecError
from playground.spec import Spec

_scalars = (st.none() | st.booleans() | st.integers() | st.integers(-10**400, 10**400)
            | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20))
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=30)
_layer = st.fixed_dictionaries({"type": st.sampled_from(["linear", "relu", "conv2d", "lstm",
                                                        "embedding", "flatten", "nope"])},
                               optional={"units": _scalars, "channels": _scalars,
                                         "p": _scalars, "hidden": _scalars})
_specs = st.fixed_dictionaries(
    {}, optional={"version": st.sampled_from([1, 2, "1"]) | _scalars,
                  "dataset": st.sampled_from(["spiral", "digits", "reverse", "nope"])
                  | st.fixed_dictionaries({"name": st.sampled_from(["xor", "wine"])},
                                          optional={"params": _json,
                                                    "test_fraction": _scalars,
                                                    "seed": _scalars}) | _json,
                  "layers": st.lists(_layer, max_size=6) | _json,
                  "train": st.dictionaries(st.sampled_from(["lr", "epochs", "optimizer",
                                                            "batch_size", "seed", "bogus"]),
                                           _scalars, max_size=4) | _json})
_documents = _specs | _json


def _loads_or_refuses(load, value) -> None:
    try:
        load(value)
    except SpecError as exc:
        assert str(exc)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents)
def test_generated_documents_load_or_are_refused(doc):
    _loads_or_refuses(Spec.from_dict, doc)
    text = json.dumps(doc)
    _loads_or_refuses(Spec.from_json, text)
    token = base64.urlsafe_b64encode(zlib.compress(text.encode())).decode().rstrip("=")
    _loads_or_refuses(Spec.from_url_token, token)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_garbage_tokens_and_texts_are_refused(text):
    _loads_or_refuses(Spec.from_url_token, text)
    _loads_or_refuses(Spec.from_json, text)


def test_bombs_are_refused_with_messages():
    deep = _nested(100_000)
    for load, value in [
        (Spec.from_json, deep),  # RecursionError before
        (Spec.from_url_token, base64.urlsafe_b64encode(zlib.compress(_nested(5_000).encode(),
                                                                     9)).decode()),
        (Spec.from_url_token, base64.urlsafe_b64encode(zlib.compress(b" " * 60_000_000, 9)
                                                       ).decode()),  # 60 MB inflated
        (Spec.from_dict, {"dataset": "spiral", "train": {"lr": 10**400}}),  # OverflowError
        (Spec.from_dict, {"dataset": "spiral", "layers": [{"type": "relu"}] * 10_000}),
        (Spec.from_dict, {"dataset": {"name": "spiral", "params": {"noise": [[[[0]]]]}}}),
    ]:
        try:
            load(value)
        except SpecError as exc:
            assert "Traceback" not in str(exc) and len(str(exc)) < 400
        else:
            raise AssertionError(f"{load.__name__} accepted a bomb")


@settings(max_examples=150, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_specs)
def test_the_cli_validates_generated_specs_without_a_traceback(tmp_path, capsys, doc):
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc))
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("error: ")


def test_the_cli_refuses_a_nested_bomb(tmp_path, capsys):
    path = tmp_path / "deep.json"
    path.write_text(_nested(100_000))
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")
