"""Shape inference: the table, the automatic head, and property tests over random stacks.

The property: for any generated stack on any dataset, validation either accepts it — and
then the built model's real shapes on two real examples equal the inferred ones and the
parameter count equals sum(p.numel()) — or rejects it with a SpecError, never another error.
"""

import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from playground.builder import build_model
from playground.datasets import make_data
from playground.errors import SpecError
from playground.shapes import analyze, validate
from playground.spec import Spec

# Small dataset variants, so generated examples reuse the dataset cache.
DATASET_CHOICES = [
    {"name": "xor", "params": {"n_samples": 60}},
    {"name": "spiral", "params": {"n_samples": 60, "arms": 3}},
    {"name": "blobs", "params": {"n_samples": 60, "classes": 5}},
    {"name": "digits"},
    {"name": "shapes", "params": {"n_samples": 100, "size": 16}},
    {"name": "shapes", "params": {"n_samples": 100, "size": 20}},
    {"name": "wine"},
]

small = st.integers(1, 12)
LINEAR = st.fixed_dictionaries({"type": st.just("linear"), "units": small})
CONV = st.fixed_dictionaries({"type": st.just("conv2d"), "channels": small,
                              "kernel_size": st.integers(1, 7), "stride": st.integers(1, 3),
                              "padding": st.integers(0, 3)})
POOL = st.fixed_dictionaries({"type": st.sampled_from(["maxpool2d", "avgpool2d"]),
                              "kernel_size": st.integers(2, 5)})
ELEMENTWISE = st.one_of(
    st.fixed_dictionaries({"type": st.just("dropout"), "p": st.floats(0.0, 0.9)}),
    st.fixed_dictionaries({"type": st.just("leaky_relu"),
                           "negative_slope": st.floats(0.0, 1.0)}),
    st.sampled_from([{"type": k} for k in ("batchnorm", "layernorm", "relu", "tanh",
                                           "sigmoid", "gelu")]),
)
# Something invalid now and then: out of range, wrong type, unknown kind or parameter.
INVALID = st.sampled_from([{"type": "linear", "units": 0}, {"type": "conv2d", "channels": "8"},
                           {"type": "dense"}, {"type": "relu", "inplace": True}, {"units": 3}])
ANY_LAYER = st.one_of(LINEAR, CONV, POOL, ELEMENTWISE, st.just({"type": "flatten"}), INVALID)

# Plausible stacks (feature-map blocks, flatten, dense blocks) so that many generated
# examples are valid and deep, plus arbitrary lists so that rejection is exercised too.
PLAUSIBLE = st.tuples(
    st.lists(st.one_of(CONV, POOL, ELEMENTWISE), max_size=5),
    st.booleans(),
    st.lists(st.one_of(LINEAR, ELEMENTWISE), max_size=4),
).map(lambda t: [*t[0], *([{"type": "flatten"}] if t[1] else []), *t[2]])
STACKS = st.one_of(PLAUSIBLE, st.lists(ANY_LAYER, max_size=7))


def real_shapes(spec):
    """Each layer's real output shape (batch dim dropped) on two real training examples."""
    model = build_model(spec).eval()
    x = torch.as_tensor(make_data(spec.dataset).x_train[:2].copy())
    shapes = []
    with torch.no_grad():
        for module in model:
            x = module(x)
            shapes.append(tuple(x.shape[1:]))
    return model, shapes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dataset=st.sampled_from(DATASET_CHOICES), layers=STACKS)
def test_random_stacks_are_accepted_consistently_or_rejected_with_spec_error(dataset, layers):
    try:
        spec = Spec.from_dict({"dataset": dataset, "layers": layers})
        report = validate(spec)
    except SpecError:
        event("rejected")
        return
    event(f"accepted, {len(spec.layers)} layers")
    model, shapes = real_shapes(spec)
    assert shapes == [row.output_shape for row in report.rows]
    assert report.total_parameters == sum(p.numel() for p in model.parameters())
    assert [r.parameters for r in report.rows] == [
        sum(p.numel() for p in m.parameters()) for m in model]
    assert report.rows[-1].is_head
    assert report.rows[-1].output_shape == (report.info.num_classes,)


@settings(max_examples=60, deadline=None)
@given(dataset=st.sampled_from(DATASET_CHOICES), layers=STACKS)
def test_analyze_never_raises_and_stops_at_the_first_error(dataset, layers):
    try:
        spec = Spec.from_dict({"dataset": dataset, "layers": layers})
    except SpecError:
        return
    report = analyze(spec)
    if report.ok:
        assert len(report.rows) == len(spec.layers) + 1
    else:
        assert len(report.rows) == report.error_index
        assert str(report.error).startswith(
            "the output head" if report.error_index == len(spec.layers)
            else f"layer {report.error_index + 1} (")


def digits_spec(layers):
    return Spec.from_dict({"dataset": {"name": "digits"}, "layers": layers})


def test_table_rows_have_the_head_last_and_a_total():
    report = validate(digits_spec([{"type": "conv2d", "channels": 4}, {"type": "relu"},
                                   {"type": "maxpool2d"}, {"type": "flatten"}]))
    kinds = [r.kind for r in report.rows]
    assert kinds == ["conv2d", "relu", "maxpool2d", "flatten", "linear"]
    shapes = [r.output_shape for r in report.rows]
    assert shapes == [(4, 8, 8), (4, 8, 8), (4, 4, 4), (64,), (10,)]
    head = report.rows[-1]
    assert head.is_head and head.index == 4 and head.parameters == 64 * 10 + 10
    assert report.total_parameters == (9 * 4 + 4) + 650


def test_feature_maps_into_the_head_ask_for_flatten_at_the_end():
    report = analyze(digits_spec([{"type": "conv2d"}]))
    assert not report.ok and report.error_index == 1
    assert "the output head receives 8×8×8 feature maps" in str(report.error)
    assert report.fix is not None and report.fix.insert_before == {"type": "flatten"}


def test_failing_layer_keeps_the_rows_before_it_and_its_fix():
    report = analyze(digits_spec([{"type": "conv2d"}, {"type": "relu"},
                                  {"type": "linear", "units": 4}]))
    assert report.error_index == 2 and len(report.rows) == 2
    assert str(report.error).startswith("layer 3 (linear) receives 8×8×8 feature maps")
    assert report.fix.insert_before == {"type": "flatten"}
    with pytest.raises(SpecError, match="add a flatten layer"):
        validate(digits_spec([{"type": "conv2d"}, {"type": "linear"}]))


def test_parameter_cap_counts_the_head(monkeypatch):
    spec = Spec.from_dict({"dataset": "spiral", "layers": [{"type": "linear", "units": 10}]})
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", str(30 + 22))
    assert validate(spec).total_parameters == 52
    monkeypatch.setenv("PLAYGROUND_MAX_PARAMETERS", "51")
    report = analyze(spec)
    assert report.error_index == 1 and "the output head brings the model to 52" in str(
        report.error)


def test_activation_memory_is_capped_before_anything_is_built(monkeypatch):
    """A conv stack with few parameters can still need gigabytes per step: refused with a
    message naming the layer, from the shape table alone."""
    from playground.presets import PRESETS
    from playground.shapes import activation_mb, analyze

    wide = [{"type": "conv2d", "channels": 64, "kernel_size": 3, "padding": 1},
            {"type": "relu"}] * 8 + [{"type": "flatten"}]
    spec = (PRESETS["shapes_cnn"].spec().with_dataset("shapes", {"size": 32})
            .with_layers(wide).with_train(batch_size=512))
    report = analyze(spec)
    assert sum(r.parameters for r in report.rows) < 300_000  # far under the parameter cap
    assert report.error is not None and "MB of activations" in str(report.error)
    assert str(report.error).startswith("layer ") and "batch size" in str(report.error)
    step, _ = activation_mb(1000, 100, 32)
    assert step == 8 * 1000 * 32 / 2**20
    monkeypatch.setenv("PLAYGROUND_MAX_ACTIVATION_MB", "100000")
    assert analyze(spec).ok
