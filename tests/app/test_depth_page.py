"""The Depth page through AppTest: it renders for 2D, image and sequence specs; a started
comparison finishes with one result per depth; Stop keeps what was trained."""

import json
import time

from opening import open_page
from streamlit.testing.v1 import AppTest

from playground.presets import PRESETS
from playground.ui.text import plain

PAGE = "views/depth.py"


def _wait(at: AppTest, word: str, tries: int = 240) -> None:
    """Rerun (each run ticks the live fragment once) until a caption or info says `word`."""
    for _ in range(tries):
        assert not at.exception, [e.value for e in at.exception]
        if any(word in m.value for m in (*at.caption, *at.info)):
            return
        time.sleep(0.25)
        at.run()
    raise AssertionError(f"no {word!r} on the page")


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_renders_for_a_2d_spec_and_offers_its_data():
    at = open_page(PAGE)
    assert at.title[0].value == "Depth" and not at.error
    assert at.radio(key="depth.data").value == "yours"
    assert at.multiselect(key="depth.depths").value == [0, 1, 2, 3, 4]
    assert "units per hidden layer" in at.select_slider(key="depth.width.dense").label
    assert any("Start comparison" in c.value for c in at.caption)


def test_renders_for_an_image_spec_with_conv_blocks():
    at = open_page(PAGE, PRESETS["digits_cnn"].spec())
    assert not at.error and at.radio(key="depth.data").value == "yours"
    assert "first conv block" in at.select_slider(key="depth.width.conv").label


def test_sequence_data_is_explained_and_other_data_offered():
    at = open_page(PAGE, PRESETS["brackets_lstm"].spec())
    assert not at.error
    assert "dense and conv networks" in plain(at.info[0].value)
    assert at.radio(key="depth.data").options == ["spiral (2D points)", "digits (images)"]


def test_a_finished_comparison_shows_one_result_per_depth():
    at = open_page(PAGE)
    at.number_input(key="depth.epochs.yours").set_value(5).run()
    at.button(key="depth.start").click().run()
    _wait(at, "Finished")
    assert not at.error
    assert [m.label for m in at.metric] == ["0 hidden layers", "1 hidden layer",
                                            "2 hidden layers", "3 hidden layers",
                                            "4 hidden layers"]
    assert all(m.value.endswith("%") for m in at.metric)  # each has a test accuracy
    assert any("**6** parameters" in c.value for c in at.caption)  # 2×2 weights + 2 biases
    figures = _figures(at)
    titles = [f["layout"]["title"]["text"] for f in figures]
    assert titles[:5] == ["0 hidden layers", "1 hidden layer", "2 hidden layers",
                          "3 hidden layers", "4 hidden layers"]
    assert figures[0]["data"][0]["type"] == "heatmap"
    by_depth, curves = figures[5], figures[6]
    assert by_depth["data"][0]["x"] == [0, 1, 2, 3, 4]
    assert [len(t["y"]) for t in curves["data"]] == [5] * 5


def test_digits_compare_conv_depths_without_boundaries():
    at = open_page(PAGE, PRESETS["digits_cnn"].spec())
    at.multiselect(key="depth.depths").set_value([0, 2]).run()
    at.number_input(key="depth.epochs.yours").set_value(1).run()
    at.button(key="depth.start").click().run()
    _wait(at, "Finished")
    assert any("conv blocks" in c.value for c in at.caption)
    assert [m.label for m in at.metric] == ["0 hidden layers", "2 hidden layers"]
    assert all(m.value.endswith("%") for m in at.metric)
    figures = _figures(at)
    assert [f["layout"]["title"]["text"] for f in figures] == [
        "Accuracy against depth", "Test accuracy while training"]


def test_no_depth_picked_gets_a_message_and_stop_keeps_the_results():
    at = open_page(PAGE)
    at.multiselect(key="depth.depths").set_value([]).run()
    at.button(key="depth.start").click().run()
    assert "at least one depth" in plain(at.error[0].value)
    at.multiselect(key="depth.depths").set_value([0, 4]).run()
    at.number_input(key="depth.epochs.yours").set_value(500).run()
    at.button(key="depth.start").click().run()
    at.button(key="depth.stop").click().run()
    _wait(at, "Stopped")
    assert [m.label for m in at.metric] == ["0 hidden layers", "4 hidden layers"]
