"""Sequence models on the Build and Train pages: shapes and token data on Build, training
by epoch with per-token and per-sequence accuracy and token-string predictions on Train."""

import json

from opening import open_page
from streamlit.testing.v1 import AppTest

from playground.datasets import make_data
from playground.presets import PRESETS


def texts(at: AppTest) -> str:
    """Every visible string on the page, tables included, in one blob."""
    parts = [str(getattr(el, "value", "")) for kind in ("markdown", "caption", "text", "error",
                                                        "warning", "info", "metric")
             for el in at.get(kind)]
    parts += [el.value.to_string() for el in at.dataframe]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    return "\n".join(parts)


def spaced(s: str) -> str:
    return " ".join(s.replace(" ", ""))


def test_build_page_shows_sequence_shapes_and_token_data():
    spec = PRESETS["reverse_attention"].spec()
    at = open_page("views/build.py", spec)
    assert not at.error
    blob = texts(at)
    for kind in ("embedding", "positional_encoding", "self_attention"):
        assert kind in blob
    assert "8×32" in blob  # the embedding turns 8 token ids into 8 positions × 32 features
    first = make_data(spec.dataset).x_train[0]
    tokens = "".join("abcdefgh"[i] for i in first)
    assert tokens in blob.replace(" ", "")  # examples shown as tokens, not numbers
    assert any(spaced(tokens) in line or tokens in line for line in blob.splitlines())


def test_build_page_explains_a_heads_mismatch():
    spec = PRESETS["sort_transformer"].spec().with_layers(
        [{"type": "embedding", "dim": 30}, {"type": "transformer_block", "heads": 4}])
    at = open_page("views/build.py", spec)
    assert "width 30 is not divisible by 4 heads" in texts(at)


def step_one_epoch(preset: str) -> AppTest:
    at = open_page("views/train.py", PRESETS[preset].spec())
    at.button(key="train.epoch").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    return at


def test_train_page_trains_a_token_model_and_shows_token_predictions():
    at = step_one_epoch("reverse_attention")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Epoch"].startswith("1 /")
    assert float(metrics["Per-token test accuracy"].rstrip("%")) > 50
    assert "Per-sequence test accuracy" in metrics
    table = next(c for c in at.get("plotly_chart") if "live.sequences" in c.proto.id)
    cells = json.loads(table.proto.spec)["data"][0]["cells"]["values"]
    data = make_data(PRESETS["reverse_attention"].spec().dataset)
    shown = {s.replace(" ", "") for s in cells[0]}
    assert "".join("abcdefgh"[i] for i in data.x_test[0]) in shown


def test_train_page_trains_a_sequence_classifier():
    at = step_one_epoch("brackets_lstm")
    assert {m.label: m.value for m in at.metric}["Epoch"].startswith("1 /")
    assert "((" in texts(at) or "))" in texts(at) or "( (" in texts(at)  # inputs as brackets


def test_sequence_classifier_is_not_scored_per_token():
    at = step_one_epoch("brackets_lstm")
    assert not any("token" in m.label.lower() for m in at.metric)
