"""Generated from the layer registry: every kind, including ones added later, must infer the
shape its module really produces and count exactly the parameters its module holds."""

import pytest
import torch

from playground.datasets import DATASETS, make_data
from playground.layers import LAYERS, Fix, ShapeContext, ShapeError, describe_shape
from playground.shapes import analyze
from playground.spec import Spec


def _contexts(kind_name):
    """Every (dataset, prefix) where this kind receives an input it accepts.

    One dataset per dataset kind, with prefixes that turn its input into the others' forms
    (flatten maps into vectors; an embedding, when registered, turns tokens into vectors).
    """
    datasets = {}
    for ds in DATASETS.values():
        datasets.setdefault(ds.kind, ds.name)
    prefixes = [[], [{"type": "flatten"}]]
    if "embedding" in LAYERS:
        prefixes.append([{"type": "embedding"}])
    found = []
    for dataset in datasets.values():
        for prefix in prefixes:
            layers = [*prefix, LAYERS[kind_name].defaults()]
            try:
                spec = Spec.from_dict({"dataset": {"name": dataset}, "layers": layers})
            except Exception:  # noqa: BLE001 - a prefix that does not fit this dataset
                continue
            report = analyze(spec)
            if len(report.rows) > len(prefix):  # the kind's own row was inferred
                found.append((spec, report, len(prefix)))
    return found


def _example_input(spec, report, index):
    """Two real training examples, passed through the layers before `index`."""
    data = make_data(spec.dataset)
    x = torch.as_tensor(data.x_train[:2].copy())
    for row in report.rows[:index]:
        x = LAYERS[row.kind].build(row.input_shape, row.params).eval()(x)
    return x


@pytest.mark.parametrize("name", list(LAYERS))
def test_inferred_shape_and_count_match_the_real_module(name):
    contexts = _contexts(name)
    assert contexts, f"no dataset and prefix accept layer kind {name!r}; teach this test one"
    for spec, report, index in contexts:
        row = report.rows[index]
        module = LAYERS[name].build(row.input_shape, row.params)
        module.eval()
        with torch.no_grad():
            out = module(_example_input(spec, report, index))
        assert tuple(out.shape[1:]) == row.output_shape, (spec.dataset.name, row)
        assert row.parameters == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("name", list(LAYERS))
def test_registry_entry_is_complete(name):
    kind = LAYERS[name]
    assert kind.name == name and kind.category and len(kind.description) > 20
    defaults = kind.defaults()
    assert defaults["type"] == name
    for p in kind.params:
        assert p.help, f"{name}.{p.name} has no help text"
        assert p.check(p.default, "default") == p.default


def test_shape_errors_carry_a_fix_when_there_is_an_obvious_one():
    with pytest.raises(ShapeError) as err:
        LAYERS["linear"].shape((8, 4, 4), {"units": 3}, ShapeContext())
    assert isinstance(err.value.fix, Fix)
    assert err.value.fix.insert_before == {"type": "flatten"}


def test_conv_and_pool_refuse_maps_smaller_than_their_window():
    conv = {"channels": 4, "kernel_size": 5, "stride": 1, "padding": 0}
    with pytest.raises(ShapeError, match="smaller than its 5×5 kernel"):
        LAYERS["conv2d"].shape((1, 4, 4), conv, ShapeContext())
    with pytest.raises(ShapeError, match="smaller than its 4×4 window"):
        LAYERS["maxpool2d"].shape((1, 3, 3), {"kernel_size": 4}, ShapeContext())
    with pytest.raises(ShapeError, match="needs images"):
        LAYERS["avgpool2d"].shape((10,), {"kernel_size": 2}, ShapeContext())


def test_describe_shape_speaks_plainly():
    assert describe_shape((5,)) == "a vector of 5 features"
    assert describe_shape((3, 8, 8)) == "3×8×8 feature maps"
    assert describe_shape((7,), tokens=True) == "a sequence of 7 token ids"
