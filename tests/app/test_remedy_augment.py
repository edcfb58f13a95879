"""Deep vs classic, Overfitting: the data-augmentation arm is offered for images (with a
preview of augmented training images), runs and appears in the remedies table; for points
it is not offered."""

import json
import time

from opening import open_page
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.spec import Spec

PAGE = "views/deep_vs_classic.py"
TINY = Spec.from_dict({"dataset": {"name": "digits", "train_fraction": 0.2}, "layers": [
    {"type": "flatten"}, {"type": "linear", "units": 16}, {"type": "relu"}],
    "train": {"epochs": 2}})


def _finished(at: AppTest, tries: int = 240) -> None:
    for _ in range(tries):
        assert not at.exception, [e.value for e in at.exception]
        if any("Finished" in m.value for m in (*at.caption, *at.info, *at.error)):
            return
        time.sleep(0.25)
        at.run()
    raise AssertionError("the remedies never finished")


def test_the_augmentation_arm_runs_on_digits():
    at = open_page(PAGE, TINY)
    at.radio(key="dvc.section").set_value("Overfitting").run()
    preview = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    texts = [a["text"] for fig in preview for a in fig["layout"].get("annotations", [])]
    assert texts.count("original") == 8 and texts.count("augmented") == 3 * 8
    box = at.multiselect(key="dvc.fit.remedies")
    assert box.options[-1] == "data augmentation (shift, rotate, noise)"
    box.set_value(["none", "augment"]).run()
    at.number_input(key="dvc.fit.epochs").set_value(2).run()
    at.button(key="dvc.remedies.start").click().run()
    _finished(at)
    assert list(at.dataframe[0].value["model"]) == ["no remedy",
                                                    "data augmentation (shift, rotate, noise)"]


def test_points_are_not_offered_augmentation():
    at = open_page(PAGE, PRESETS["spiral"].spec())
    at.radio(key="dvc.section").set_value("Overfitting").run()
    options = at.multiselect(key="dvc.fit.remedies").options
    assert options == ["no remedy", "dropout 0.3", "L2 0.001", "early stopping (patience 5)"]
