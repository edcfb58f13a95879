"""The Build page's own-data panel: points placed in the session become the dataset, and a
spec whose upload is not in this session says so instead of failing."""

from __future__ import annotations

from playground.own_data import OWN_DATA, points_csv, remember
from playground.presets import PRESETS
from playground.spec import Spec
from tests.app.opening import current_spec, open_page


def _spec(dataset: dict) -> Spec:
    return Spec.from_dict({"dataset": dataset, "layers": [{"type": "linear", "units": 4},
                                                          {"type": "relu"}]})


def test_placed_points_become_the_dataset_and_survive_a_page_switch():
    at = open_page("views/build.py")
    layers = current_spec(at).layers
    clicks = [(0.1 * i - 0.6, 0.05 * i, "left" if i < 6 else "right") for i in range(12)]
    at.session_state["own.points"] = clicks
    at.session_state["own.kind"] = "Points"
    at.run()
    at.button(key="own.points_use").click().run()
    assert not at.exception, [e.value for e in at.exception]
    spec = current_spec(at)
    assert spec.dataset.name == "points"
    ref = spec.dataset.params["source"]
    assert ref.startswith("sha256:") and OWN_DATA[ref] == points_csv(clicks)
    assert spec.layers == layers  # the layers were kept
    at.switch_page("views/train.py").run()
    at.switch_page("views/build.py").run()
    assert not at.exception and current_spec(at).dataset.params["source"] == ref
    assert "12 points placed." in [c.value for c in at.caption]


def test_too_few_points_is_a_message_and_keeps_the_dataset():
    at = open_page("views/build.py")
    before = current_spec(at).dataset
    at.session_state["own.points"] = [(0.0, 0.0, "a"), (0.5, 0.5, "b")]
    at.session_state["own.kind"] = "Points"
    at.run()
    at.button(key="own.points_use").click().run()
    assert not at.exception
    assert any("at least 10" in e.value for e in at.error)
    assert current_spec(at).dataset == before


def test_a_spec_without_its_upload_says_so():
    missing = "sha256:" + "1" * 64
    at = open_page("views/build.py", _spec({"name": "csv", "params": {"source": missing}}))
    assert not at.exception
    assert any("another session" in w.value for w in at.warning)
    assert any("lives only in the session that uploaded it" in e.value for e in at.error)


def test_an_uploaded_table_opens_from_its_spec():
    table = b"a,b,kind\n" + b"".join(b"%d,%d,k%d\n" % (i, i % 3, i % 2) for i in range(30))
    ref = remember(table)
    at = open_page("views/build.py", _spec({"name": "csv", "params": {
        "source": ref, "target": "kind", "features": "a,b"}}))
    assert not at.exception and not at.error
    assert any("2 classes: k0, k1" in c.value for c in at.caption)


def test_a_link_naming_a_server_file_is_refused_without_reading_it(tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b,kind\n1,2,x\n3,4,y\n")
    spec = PRESETS["wine_mlp"].spec().with_dataset(
        "csv", {"source": str(secret), "target": "kind", "features": ""})
    at = open_page("views/train.py", spec)
    shown = " ".join(e.value for e in at.error)
    assert "never does" in shown and "Upload the file" in shown
    assert "1,2,x" not in str(at)
