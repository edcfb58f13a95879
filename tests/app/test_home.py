"""Home page: renders, names the device, and every preset card loads in one click."""

from opening import current_spec
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.spec import Spec
from playground.ui.text import plain

APP = "../../app.py"


def _home() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def test_home_renders_with_device_and_a_card_per_preset():
    at = _home()
    assert not at.exception
    assert at.title[0].value == "Deep Learning Playground"
    assert "Training runs on" in at.info[0].value
    assert any(word in at.info[0].value for word in ("CPU", "CUDA", "MPS"))
    keys = {b.key for b in at.button}
    assert {f"preset.{name}" for name in PRESETS} <= keys


def test_every_preset_card_loads_its_spec_and_opens_the_build_page():
    at = _home()
    for name, preset in PRESETS.items():
        at.button(key=f"preset.{name}").click().run()
        assert not at.exception, name
        assert current_spec(at) == preset.spec(), name
        assert at.title[0].value == "Build a network", name
        assert Spec.from_url_token(at.query_params["spec"]) == preset.spec(), name
        assert any(preset.title in s.value for s in at.success), name
        at.switch_page("views/home.py").run()


def test_sidebar_summarises_the_model_on_home():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["spec"] = PRESETS["digits_cnn"].spec().to_url_token()
    at.run()
    captions = plain(" ".join(c.value for c in at.sidebar.caption))  # as the page reads
    assert "digits" in captions
    assert "conv2d(16)" in captions and "head(10)" in captions
    assert "13,706" in captions
    assert "untrained" in captions


def test_training_summary_reads_the_snapshot():
    from types import SimpleNamespace

    from playground.ui.sidebar import layer_label, training_summary

    snap = SimpleNamespace(diverged=None, running=True, done=False, step=40, epoch=3,
                           epochs_budget=20, epochs=[{"test_accuracy": 0.912}],
                           untrained=False)
    assert training_summary(snap) == "training, epoch 3/20, test accuracy 91%"
    assert training_summary(SimpleNamespace(**{**vars(snap), "running": False})).startswith(
        "paused")
    assert training_summary(SimpleNamespace(**{**vars(snap), "running": False, "step": 0,
                                               "epochs": [], "untrained": True})) == "untrained"
    assert training_summary(SimpleNamespace(**{**vars(snap), "diverged": "loss is NaN"})
                            ).startswith("diverged")
    assert layer_label({"type": "dropout", "p": 0.25}) == "dropout(0.25)"
    assert layer_label({"type": "relu"}) == "relu"
