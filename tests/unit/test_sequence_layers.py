"""Sequence and attention layer kinds: shape rules against real forwards, parameter counts,
the errors a learner sees, and self-attention against torch's own multi-head attention."""

import pytest
import torch
from torch import nn

from playground.builder import build_model
from playground.datasets import make_data
from playground.errors import SpecError
from playground.layers import LAYERS
from playground.layers.attention import MultiHeadSelfAttention
from playground.layers.sequence import Readout, sinusoidal_table
from playground.shapes import analyze
from playground.spec import Spec

EMBED = {"type": "embedding", "dim": 12}
STACKS = {
    "reverse": [
        [EMBED, {"type": "positional_encoding", "mode": "learned"},
         {"type": "self_attention", "width": 8, "heads": 2, "causal": True}],
        [EMBED, {"type": "positional_encoding", "mode": "sinusoidal"},
         {"type": "transformer_block", "heads": 3, "mlp_units": 7}],
        [EMBED, {"type": "rnn", "hidden": 5, "layers": 2, "bidirectional": True}],
        [EMBED, {"type": "lstm", "hidden": 6, "layers": 1, "bidirectional": False},
         {"type": "readout", "mode": "tokens"}],
        [EMBED, {"type": "gru", "hidden": 4, "layers": 3, "bidirectional": True},
         {"type": "layernorm"}, {"type": "linear", "units": 9}],
    ],
    "brackets": [
        [EMBED, {"type": "lstm", "hidden": 6}, {"type": "readout", "mode": "last"}],
        [EMBED, {"type": "self_attention", "width": 6, "heads": 3},
         {"type": "readout", "mode": "mean"}, {"type": "relu"}],
    ],
}
CASES = [(ds, layers) for ds, stacks in STACKS.items() for layers in stacks]


def spec_for(dataset: str, layers: list[dict], **params) -> Spec:
    return Spec.from_dict({"dataset": {"name": dataset, "params": {"n_samples": 60, **params}},
                           "layers": layers})


@pytest.mark.parametrize("dataset,layers", CASES)
def test_inferred_shapes_and_counts_match_a_real_forward(dataset, layers):
    spec = spec_for(dataset, layers)
    report = analyze(spec)
    assert report.ok, report.error
    model = build_model(spec).eval()
    x = torch.as_tensor(make_data(spec.dataset).x_train[:2].copy())
    assert x.dtype == torch.int64
    for row, module in zip(report.rows, model, strict=True):
        x = module(x)
        assert tuple(x.shape[1:]) == row.output_shape, row.kind
        assert row.parameters == sum(p.numel() for p in module.parameters()), row.kind


def test_every_sequence_kind_is_exercised():
    used = {layer["type"] for _, layers in CASES for layer in layers}
    sequence_kinds = {k for k, v in LAYERS.items() if v.category in
                      ("sequence", "recurrent", "attention")}
    assert sequence_kinds <= used


def test_embedding_uses_the_dataset_vocabulary():
    report = analyze(spec_for("copy_marked", [EMBED, {"type": "readout"}], vocab_size=5))
    assert report.rows[0].parameters == 6 * 12  # five letters and the marker
    assert report.rows[0].params["vocab_size"] == 6


@pytest.mark.parametrize("layers,dataset,message", [
    ([EMBED, {"type": "self_attention", "width": 30, "heads": 4}], "reverse",
     "width 30 is not divisible by 4 heads"),
    ([{"type": "embedding", "dim": 30}, {"type": "transformer_block", "heads": 4}], "reverse",
     "width 30 is not divisible by 4 heads"),
    ([{"type": "lstm"}], "reverse", "add an embedding layer"),
    ([{"type": "embedding"}], "xor", "it reads token ids"),
    ([{"type": "linear", "units": 4}, {"type": "lstm"}], "xor", "needs a sequence"),
    ([EMBED, {"type": "lstm"}], "brackets", "add a readout layer"),
    ([EMBED, {"type": "readout", "mode": "mean"}], "sort", "one prediction per position"),
    ([EMBED, {"type": "readout"}, {"type": "readout"}], "brackets", "needs a sequence"),
])
def test_errors_name_the_layer_and_the_fix(layers, dataset, message):
    report = analyze(Spec.from_dict({"dataset": {"name": dataset}, "layers": layers}))
    assert report.error is not None
    assert message in str(report.error)
    with pytest.raises(SpecError):
        build_model(Spec.from_dict({"dataset": {"name": dataset}, "layers": layers}))


def test_heads_error_suggests_divisors():
    report = analyze(spec_for("reverse", [EMBED, {"type": "self_attention", "width": 30,
                                                  "heads": 4}]))
    assert "use 3 or 5 heads, or a width of 32" in str(report.error)
    assert str(report.error).startswith("layer 2 (self_attention)")


@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_matches_torch_multihead_attention(causal):
    torch.manual_seed(0)
    ours = MultiHeadSelfAttention(8, 8, 2, causal).eval()
    ref = nn.MultiheadAttention(8, 2, batch_first=True).eval()
    with torch.no_grad():
        ref.in_proj_weight.copy_(ours.qkv.weight)
        ref.in_proj_bias.copy_(ours.qkv.bias)
        ref.out_proj.weight.copy_(ours.out.weight)
        ref.out_proj.bias.copy_(ours.out.bias)
    x = torch.randn(3, 5, 8)
    mask = torch.ones(5, 5, dtype=torch.bool).triu(1) if causal else None
    expected, _ = ref(x, x, x, attn_mask=mask, need_weights=False)
    torch.testing.assert_close(ours(x), expected, atol=1e-5, rtol=1e-4)


def test_readout_modes():
    x = torch.arange(24.0).reshape(2, 3, 4)
    torch.testing.assert_close(Readout("mean")(x), x.mean(1))
    torch.testing.assert_close(Readout("last")(x), x[:, 2])
    assert Readout("tokens")(x) is x


def test_sinusoidal_table_is_fixed_and_bounded():
    table = sinusoidal_table(10, 7)
    assert table.shape == (10, 7)
    assert table.abs().max() <= 1
    torch.testing.assert_close(table[0, 0::2], torch.zeros(4))  # sin(0) at position 0
    spec = spec_for("reverse", [EMBED, {"type": "positional_encoding", "mode": "sinusoidal"}])
    assert analyze(spec).rows[1].parameters == 0
    assert "1.table" not in build_model(spec).state_dict()
