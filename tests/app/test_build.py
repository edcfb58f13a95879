"""Build page: dataset picker, layer cards (add, remove, move, duplicate, edit), shape
table, one-click fixes, spec upload and download, and the URL round trip."""

import pytest
from opening import current_spec, open_page
from streamlit.testing.v1 import AppTest

from playground.errors import SpecError
from playground.presets import PRESETS
from playground.spec import Spec
from playground.ui.spec_files import MAX_SPEC_BYTES, spec_from_upload
from playground.ui.text import plain

APP = "../../app.py"


def _build(spec: Spec | None = None) -> AppTest:
    return open_page("views/build.py", spec)


def _spec(at: AppTest) -> Spec:
    return current_spec(at)


def _table(at: AppTest):
    return next(df.value for df in at.dataframe if "Status" in df.value.columns)


def _keys(at: AppTest, prefix: str) -> list[str]:
    return [b.key for b in at.button if b.key and b.key.startswith(prefix)]


def _widget(widgets, suffix: str):
    return next(w for w in widgets if w.key and w.key.endswith(suffix))


def test_build_page_renders_table_diagram_and_preview():
    at = _build(PRESETS["spiral"].spec())
    table = _table(at)
    assert list(table["#"]) == ["in", "1", "2", "3", "4", "head"]
    assert any("Total: 1,218 parameters" in m.value for m in at.markdown)
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # dataset scatter and network diagram
    assert len(_keys(at, "remove.")) == 4


def test_add_layer_at_a_position():
    at = _build(PRESETS["spiral"].spec())
    at.selectbox(key="add.kind").set_value("dropout").run()
    at.selectbox(key="add.position.4").set_value(1).run()
    at.button(key="add.button").click().run()
    kinds = [layer["type"] for layer in _spec(at).layers]
    assert kinds == ["linear", "dropout", "relu", "linear", "relu"]
    assert list(_table(at)["Layer"])[2] == "dropout"


def test_remove_move_and_duplicate():
    at = _build(PRESETS["spiral"].spec())
    first, second = _keys(at, "remove.")[:2]
    at.button(key=first).click().run()
    assert [layer["type"] for layer in _spec(at).layers] == ["relu", "linear", "relu"]
    assert len(_table(at)) == 5
    lid = second.split(".")[1]  # the relu, now first
    at.button(key=f"down.{lid}").click().run()
    assert [layer["type"] for layer in _spec(at).layers] == ["linear", "relu", "relu"]
    at.button(key=f"up.{lid}").click().run()
    assert [layer["type"] for layer in _spec(at).layers] == ["relu", "linear", "relu"]
    linear = _keys(at, "dup.")[1]
    at.button(key=linear).click().run()
    assert [layer["type"] for layer in _spec(at).layers] == ["relu", "linear", "linear", "relu"]
    assert _spec(at).layers[2]["units"] == 32


def test_editing_a_layer_keeps_the_others_through_moves():
    at = _build(PRESETS["spiral"].spec())
    units = [w for w in at.number_input if w.key.endswith(".units")]
    units[1].set_value(8).run()  # second linear
    assert [layer.get("units") for layer in _spec(at).layers] == [32, None, 8, None]
    assert "8" in list(_table(at)["Output"])
    units = [w for w in at.number_input if w.key.endswith(".units")]
    units[0].set_value(64).run()
    first_id = _keys(at, "down.")[0].split(".")[1]
    at.button(key=f"down.{first_id}").click().run()  # linear(64) moves below relu
    assert [layer.get("units") for layer in _spec(at).layers] == [None, 64, 8, None]
    values = [w.value for w in at.number_input if w.key.endswith(".units")]
    assert values == [64, 8]


def test_invalid_layer_shows_message_and_fix_repairs_it():
    spec = PRESETS["digits_cnn"].spec()
    broken = spec.with_layers([layer for layer in spec.layers if layer["type"] != "flatten"])
    at = _build(broken)
    assert any("add a flatten layer" in e.value for e in at.error)
    assert "✗ invalid" in list(_table(at)["Status"])
    fix = _keys(at, "fix.")
    assert len(fix) == 1
    at.button(key=fix[0]).click().run()
    assert _spec(at).layers == spec.layers
    assert not any("flatten" in e.value for e in at.error)
    assert "✗ invalid" not in list(_table(at)["Status"])


def test_output_head_error_fix_appends_flatten():
    spec = PRESETS["digits_cnn"].spec()
    at = _build(spec.with_layers(spec.layers[:6]))
    at.button(key="fix.head").click().run()
    assert _spec(at).layers[-1]["type"] == "flatten"
    assert list(_table(at)["Status"])[-1] == "✓"


def test_dataset_parameter_changes_the_spec():
    at = _build(PRESETS["spiral"].spec())
    _widget(at.number_input, ".n_samples").set_value(300).run()
    assert _spec(at).dataset.params["n_samples"] == 300
    _widget(at.number_input, ".arms").set_value(3).run()
    assert _spec(at).dataset.params["arms"] == 3
    assert list(_table(at)["Output"])[-1] == "3"  # the head follows the class count
    _widget(at.number_input, "split.seed").set_value(7).run()
    assert _spec(at).dataset.seed == 7


def test_changing_dataset_keeps_layers_and_reports_the_misfit():
    at = _build(PRESETS["spiral"].spec())
    layers = _spec(at).layers
    _widget(at.selectbox, ".name").set_value("digits").run()
    assert _spec(at).dataset.name == "digits"
    assert _spec(at).layers == layers  # nothing silently dropped
    assert "✗ invalid" in list(_table(at)["Status"])
    assert any("flatten" in e.value for e in at.error)


def _offered(at: AppTest) -> list[str]:
    return [option.split(" · ")[-1] for option in at.selectbox(key="add.kind").options]


def test_layer_picker_offers_only_kinds_that_fit_the_data():
    at = _build(PRESETS["brackets_lstm"].spec())
    assert "lstm" in _offered(at) and "embedding" in _offered(at)
    assert "conv2d" not in _offered(at)
    at.selectbox(key="add.kind").set_value("lstm").run()
    _widget(at.selectbox, ".name").set_value("digits").run()  # the chosen lstm stops fitting
    assert not at.exception
    offered = _offered(at)
    assert "lstm" not in offered and "self_attention" not in offered
    assert "conv2d" in offered and at.selectbox(key="add.kind").value in offered
    assert any(layer["type"] == "lstm" for layer in _spec(at).layers)  # nothing dropped


@pytest.mark.parametrize("preset, kind", [("digits_cnn", "figure"), ("wine_mlp", "table"),
                                          ("reverse_attention", "table")])
def test_dataset_previews(preset, kind):
    if preset not in PRESETS:
        pytest.skip(f"preset {preset} not registered")
    at = _build(PRESETS[preset].spec())
    previews = [df.value for df in at.dataframe if "Status" not in df.value.columns]
    if kind == "figure":
        assert not previews and len(at.get("plotly_chart")) == 2
    else:
        assert len(previews) == 1
        frame = previews[0]
        if preset == "reverse_attention":
            assert list(frame.columns) == ["input", "target"]
            assert all(isinstance(v, str) and " " in v for v in frame["input"])
        else:
            assert "class" in frame.columns and "alcohol" in frame.columns


def test_good_upload_replaces_the_spec():
    at = _build(PRESETS["spiral"].spec())
    wanted = PRESETS["xor"].spec()
    at.file_uploader(key="build.upload").set_value(
        ("xor.json", wanted.to_json().encode(), "application/json")).run()
    assert not at.exception
    assert _spec(at) == wanted
    assert list(_table(at)["Output"])[0] == "2"
    assert len(_keys(at, "remove.")) == len(wanted.layers)


def test_bad_upload_shows_the_error_and_keeps_the_network():
    spec = PRESETS["spiral"].spec()
    at = _build(spec)
    at.file_uploader(key="build.upload").set_value(
        ("bad.json", b'{"layers": [{"type": "warp"}]}', "application/json")).run()
    assert _spec(at) == spec
    message = " ".join(e.value for e in at.error)
    assert "unknown layer type 'warp'" in message and "unchanged" in message


def test_spec_from_upload_validates_bytes():
    spec = PRESETS["digits_cnn"].spec()
    assert spec_from_upload(spec.to_json().encode()) == spec
    with pytest.raises(SpecError, match="not valid JSON"):
        spec_from_upload(b"\x80not json")
    with pytest.raises(SpecError, match="small JSON"):
        spec_from_upload(b" " * (MAX_SPEC_BYTES + 1))


def test_query_parameters_restore_the_spec():
    spec = PRESETS["digits_cnn"].spec().with_layers([{"type": "flatten"},
                                                      {"type": "linear", "units": 7}])
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["spec"] = spec.to_url_token()
    at.run()
    at.switch_page("views/build.py").run()
    assert _spec(at) == spec
    assert "7" in list(_table(at)["Output"])
    assert Spec.from_url_token(at.query_params["spec"]) == spec  # still in the URL


def test_preset_loader_and_download_on_the_build_page():
    at = _build(PRESETS["spiral"].spec())
    at.selectbox(key="build.preset").set_value("digits_cnn").run()
    at.button(key="build.load_preset").click().run()
    assert _spec(at) == PRESETS["digits_cnn"].spec()
    assert len(_keys(at, "remove.")) == len(PRESETS["digits_cnn"].spec().layers)
    assert len(at.get("download_button")) == 1


def test_idle_rerun_regenerates_no_data_and_no_figures(monkeypatch):
    from playground.datasets.base import _make_data
    from playground.ui import dataset_picker, network_view

    at = _build(PRESETS["shapes_cnn"].spec())
    built = []
    monkeypatch.setattr(network_view, "network_figure", lambda b: built.append(b))
    monkeypatch.setattr(dataset_picker, "image_grid", lambda *a, **k: built.append(a))
    misses = _make_data.cache_info().misses
    at.run()
    assert _widget(at.number_input, ".n_samples").value == 1200  # dataset widgets untouched
    at.run()
    assert not at.exception
    assert _make_data.cache_info().misses == misses
    assert built == []


def test_parameter_cap_is_shown_on_the_card(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", "500")
    at = _build(PRESETS["spiral"].spec())
    errors = [plain(e.value) for e in at.error]  # messages are shown escaped
    assert any("layer 3 (linear)" in e and "500" in e for e in errors)
    assert list(_table(at)["Status"]) == ["", "✓", "✓", "✗ invalid", "not reached",
                                          "not reached"]
    assert not _keys(at, "fix.")  # no obvious one-click repair for an oversized layer


def test_replaced_spec_renews_widgets_instead_of_keeping_stale_values():
    spec = PRESETS["spiral"].spec()
    at = _build(spec)
    _widget(at.number_input, ".n_samples").set_value(300).run()
    same_shape = spec.with_layers([{**layer, "units": 8} if "units" in layer else layer
                                   for layer in spec.layers])
    at.file_uploader(key="build.upload").set_value(
        ("s.json", same_shape.to_json().encode(), "application/json")).run()
    assert _spec(at) == same_shape  # n_samples back to 600, units 8
    assert [w.value for w in at.number_input if w.key.endswith(".units")] == [8, 8]
    assert _widget(at.number_input, ".n_samples").value == 600
