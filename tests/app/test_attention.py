"""The Attention page: offers a preset when there is nothing to show, renders the maps of a
trained attention model with tokens on the axes, validates typed input, keeps training
snapshots, and shows recurrent states and gates."""

import base64
import json

import numpy as np
import pytest
from opening import current_spec, open_page

import playground.session as session
from playground.presets import PRESETS
from playground.runner import Runner

PAGE = "views/attention.py"


@pytest.fixture
def trained(monkeypatch):
    """Sessions' runners arrive already trained for `steps` steps (through their on_step
    hook, as a real run records them)."""
    steps = {"n": 0}

    class TrainedRunner(Runner):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if steps["n"]:
                self.step(steps["n"])

    monkeypatch.setattr(session, "Runner", TrainedRunner)
    return steps


def open_attention(spec):
    return open_page(PAGE, spec)


def charts(at):
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def array(value):
    """A figure JSON array: plain lists, or plotly's base64 typed arrays."""
    if isinstance(value, dict):
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return data.reshape([int(n) for n in str(value.get("shape", len(data))).split(",")])
    return np.asarray(value)


def test_non_sequence_model_offers_the_reverse_attention_preset():
    at = open_attention(PRESETS["spiral"].spec())
    assert "no attention or recurrent layer" in at.info[0].value
    at.button(key="attn_load_preset").click().run()
    assert not at.exception
    assert current_spec(at) == PRESETS["reverse_attention"].spec()
    assert charts(at)  # the page now shows the preset's maps


def test_trained_reverse_model_shows_the_mirrored_attention(trained):
    trained["n"] = 200
    at = open_attention(PRESETS["reverse_attention"].spec())
    assert not at.error
    metrics = {m.label: float(m.value) for m in at.metric}
    assert metrics["Mirror weight, test set"] >= 0.5
    figs = charts(at)
    heat = figs[0]["data"][0]
    assert heat["type"] == "heatmap"
    tokens = figs[0]["layout"]["xaxis"]["ticktext"]
    assert len(tokens) == 8 and figs[0]["layout"]["yaxis"]["ticktext"] == tokens
    z = array(heat["z"])
    assert z.shape == (8, 8)
    assert z[np.arange(8), 7 - np.arange(8)].mean() > 0.5  # each query reads its mirror
    assert any("tokens right" in c.value for c in at.caption)
    # Snapshots kept during training: a slider over the steps and the trend of the mirror
    slider = at.select_slider(key="attn_history_step")
    assert slider.options[0] == "0"
    assert slider.value == int(slider.options[-1]) > 150  # the latest snapshot first
    trend = next(f for f in figs if f["layout"]["title"]["text"].startswith("weight on"))
    mirror = array(trend["data"][0]["y"])
    assert mirror[0] < 0.5 < mirror[-1]
    slider.set_value(0).run()
    assert not at.exception
    assert "at step 0" in charts(at)[-1]["layout"]["title"]["text"]


def test_typed_sequences_are_validated(trained):
    trained["n"] = 200
    at = open_attention(PRESETS["reverse_attention"].spec())
    at.radio(key="attn_input_mode").set_value("Type a sequence").run()
    at.text_input(key="attn_text").input("abcz").run()
    assert "'z' is not in the vocabulary" in at.error[0].value
    at.text_input(key="attn_text").input("abc").run()
    assert "reads exactly 8 tokens; you typed 3" in at.error[0].value
    at.text_input(key="attn_text").input("abcdefgh").run()
    assert not at.error and not at.exception
    table = at.dataframe[0].value
    assert list(table.loc["input"]) == list("abcdefgh")
    assert list(table.loc["predicted"]) == list("hgfedcba")
    assert charts(at)[0]["layout"]["xaxis"]["ticktext"] == list("abcdefgh")


def test_untrained_model_says_so():
    at = open_attention(PRESETS["reverse_attention"].spec())
    assert "untrained" in at.warning[0].value
    assert any("Snapshots of the maps are kept" in i.value for i in at.info)


def test_lstm_model_shows_hidden_state_and_gates(trained):
    trained["n"] = 20
    spec = PRESETS["brackets_lstm"].spec().with_layers(
        [{"type": "embedding", "dim": 8},
         {"type": "lstm", "hidden": 6, "layers": 2, "bidirectional": True},
         {"type": "readout", "mode": "last"}])
    at = open_attention(spec)
    titles = [f["layout"]["title"]["text"] for f in charts(at)]
    assert titles[0].startswith("Hidden state over time — layer 2 (lstm), stacked layer 2, forward")
    assert any(t.startswith("Memory cell") for t in titles)
    gates = next(f for f in charts(at) if f["layout"]["title"]["text"].startswith("Gates"))
    assert [d["name"] for d in gates["data"]] == ["input", "forget", "cell candidate", "output"]
    at.radio(key="rec_dir_1").set_value("backward").run()
    at.number_input(key="rec_depth_1").set_value(1).run()
    assert not at.exception
    assert "stacked layer 1, backward" in charts(at)[0]["layout"]["title"]["text"]
    assert "predicted" in at.markdown[-1].value or any("predicted" in m.value
                                                       for m in at.markdown)


def test_invalid_network_shows_the_reason_not_a_traceback():
    spec = PRESETS["reverse_attention"].spec().with_layers(
        [{"type": "embedding", "dim": 30}, {"type": "self_attention", "width": 30,
                                             "heads": 4}])
    at = open_attention(spec)
    assert "width 30 is not divisible by 4 heads" in at.error[0].value
    assert at.button(key="attn_load_preset")
