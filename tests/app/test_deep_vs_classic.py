"""The Deep vs classic page through AppTest: each section renders; baselines finish with
the network in the table; a small learning curve and the remedies draw their figures;
compute lists MACs; runs are kept, overlaid and restored."""

import json
import time

from opening import current_spec, open_page
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.spec import Spec
from playground.ui.text import plain

PAGE = "views/deep_vs_classic.py"
TINY = Spec.from_dict({"dataset": {"name": "digits", "train_fraction": 0.2}, "layers": [
    {"type": "flatten"}, {"type": "linear", "units": 16}, {"type": "relu"}],
    "train": {"epochs": 2}})


def _wait(at: AppTest, word: str, tries: int = 240) -> None:
    for _ in range(tries):
        assert not at.exception, [e.value for e in at.exception]
        if any(word in m.value for m in (*at.caption, *at.info, *at.error)):
            return
        time.sleep(0.25)
        at.run()
    raise AssertionError(f"no {word!r} on the page")


def _titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_baselines_finish_with_the_network_and_hand_made_features():
    at = open_page(PAGE, TINY)
    assert at.title[0].value == "Deep vs classic" and not at.error
    at.multiselect(key="dvc.baselines").set_value(["logreg", "knn"]).run()
    at.button(key="dvc.fit").click().run()
    _wait(at, "Finished")
    table = at.dataframe[0].value
    assert list(table["model"])[:2] == ["Logistic regression", "5 nearest neighbours"]
    assert "trained here" in table["model"].iloc[2]
    assert all(0 < v <= 1 for v in table["test accuracy"])
    features = at.dataframe[1].value
    assert list(features["features per image"]) == [64, 19, 32]
    assert _titles(at)[0].startswith("Hand-made")


def test_sequence_data_is_explained_and_presets_offered():
    at = open_page(PAGE, PRESETS["reverse_attention"].spec())
    assert "labels every token" in plain(at.info[0].value)
    assert at.radio(key="dvc.data").value == "digits_mlp"


def test_a_small_learning_curve_draws_every_model():
    at = open_page(PAGE, TINY)
    at.radio(key="dvc.section").set_value("Learning curve").run()
    at.multiselect(key="dvc.curve.baselines").set_value(["logreg"]).run()
    at.multiselect(key="dvc.curve.sizes").set_value([0.25, 1.0]).run()
    at.number_input(key="dvc.curve.seeds").set_value(2).run()
    at.number_input(key="dvc.curve.epochs").set_value(1).run()
    at.button(key="dvc.curve.start").click().run()
    _wait(at, "Finished")
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert fig["layout"]["xaxis"]["type"] == "log"
    names = [t.get("name") for t in fig["data"] if t.get("name")]
    assert names == ["Logistic regression", "Neural network (yours)"]


def test_remedies_overlay_and_compute_lists_macs():
    at = open_page(PAGE, TINY)
    at.radio(key="dvc.section").set_value("Overfitting").run()
    at.multiselect(key="dvc.fit.remedies").set_value(["none", "early_stopping"]).run()
    at.number_input(key="dvc.fit.epochs").set_value(3).run()
    at.button(key="dvc.remedies.start").click().run()
    _wait(at, "Finished")
    assert any(t.startswith("Test loss") for t in _titles(at))
    assert list(at.dataframe[0].value["model"]) == ["no remedy",
                                                    "early stopping (patience 5)"]
    at.radio(key="dvc.section").set_value("Compute").run()
    macs = at.dataframe[0].value
    assert list(macs["MACs per example"]) == [0, 64 * 16, 0, 16 * 10]


def test_runs_are_kept_overlaid_and_restored():
    at = open_page(PAGE, TINY)
    at.radio(key="dvc.section").set_value("Runs compared").run()
    assert any("No runs kept yet" in c.value for c in at.caption)
    at.switch_page("views/train.py").run()
    at.button(key="train.epoch").click().run()
    at.switch_page(PAGE).run()
    at.radio(key="dvc.section").set_value("Runs compared").run()
    at.button(key="dvc.runs.keep").click().run()
    assert list(at.dataframe[0].value["run"]) == [1]
    assert len(_titles(at)) == 2
    at.button(key="dvc.runs.restore").click().run()
    assert not at.exception and current_spec(at) == TINY
