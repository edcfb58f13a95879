"""Build page: the shape table has a MACs column and the total under it."""

from opening import open_page

from playground.spec import Spec


def test_shape_table_shows_macs_per_layer_and_the_total():
    spec = Spec.from_dict({"dataset": "xor", "layers": [
        {"type": "linear", "units": 16}, {"type": "relu"}, {"type": "linear", "units": 8}]})
    at = open_page("views/build.py", spec)
    assert not at.exception
    table = next(df.value for df in at.dataframe if "Status" in df.value.columns)
    assert list(table["MACs"]) == ["0", "32", "0", "128", "16"]
    assert any("176 MACs per example" in m.value for m in at.markdown)
