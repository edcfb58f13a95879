"""Train page: data augmentation is a setting of the run for image data, and setting it on
other data gives a message that says how to fix it, not a traceback."""

from opening import current_spec, open_page

from playground.presets import PRESETS

PAGE = "views/train.py"


def test_augmentation_is_a_setting_that_reaches_the_spec():
    at = open_page(PAGE, PRESETS["digits_mlp"].spec())
    box = at.selectbox(key="train.augment")
    assert box.label == "data augmentation" and box.value == "off"
    assert "training batches only" in box.help
    box.set_value("shift").run()
    assert not at.exception
    assert current_spec(at).train.augment == "shift"


def test_augmentation_on_points_is_refused_with_a_clear_message():
    at = open_page(PAGE, PRESETS["spiral"].spec())
    at.selectbox(key="train.augment").set_value("rotate").run()
    assert not at.exception
    assert any("not images" in e.value and "'off'" in e.value for e in at.error)
    assert current_spec(at).train.augment == "off"
