"""Lesson links on the Build page: ?lock=dataset greys out the dataset picker (and drops
the own-data uploads), ?hide=layers takes the layer editor away, ?lock=layers greys it out;
the link maker offers both controls."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.classroom.lessons import CONTROLS

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _build(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page("views/build.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _dataset_box(at: AppTest):
    return next((s for s in at.selectbox if s.label == "Dataset"), None)


def _layer_buttons(at: AppTest) -> list:
    return [b for b in at.button if str(b.key or "").startswith(("remove.", "up.", "dup."))]


def test_plain_build_page_can_change_dataset_and_layers():
    at = _build()
    assert not _dataset_box(at).disabled
    assert _layer_buttons(at) and not any(b.disabled for b in _layer_buttons(at)
                                          if b.key.startswith("remove."))
    assert any("Your own data" in e.label for e in at.expander)


def test_lesson_link_locking_the_dataset_disables_the_picker():
    at = _build(lesson="02_why_depth", lock="dataset")
    box = _dataset_box(at)
    assert box is not None and box.disabled
    assert all(n.disabled for n in at.number_input if n.key.startswith("ds."))
    assert not any("Your own data" in e.label for e in at.expander)
    assert not any(b.disabled for b in _layer_buttons(at) if b.key.startswith("remove."))


def test_hide_dataset_leaves_a_line_naming_it():
    at = _build(hide="dataset")
    assert _dataset_box(at) is None
    assert any("chosen by the lesson" in c.value for c in at.caption)


def test_hide_layers_hides_the_layer_editing():
    at = _build(hide="layers")
    assert not _layer_buttons(at)
    assert not any(s.label == "Layer kind" for s in at.selectbox)
    assert not any(b.key == "add.button" for b in at.button)
    assert any("The lesson sets the layers" in c.value for c in at.caption)
    assert _dataset_box(at) is not None  # the rest of the page stays


def test_lock_layers_greys_out_every_card():
    at = _build(lock="layers")
    assert _layer_buttons(at) and all(b.disabled for b in _layer_buttons(at))
    assert all(w.disabled for w in [*at.number_input, *at.selectbox]
               if str(w.key or "").startswith(("layer.", "add.")))
    assert next(b for b in at.button if b.key == "add.button").disabled


def test_link_maker_offers_dataset_and_layers(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CLASS_DB", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/classroom.py").run()
    lock = at.multiselect(key="link_lock")
    assert {CONTROLS["dataset"], CONTROLS["layers"]} <= set(lock.options)
    lock.select("dataset")
    at.multiselect(key="link_hide").select("layers")
    at.run()
    assert any("hide=layers" in c.value and "lock=dataset" in c.value for c in at.code)
