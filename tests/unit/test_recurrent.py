"""Unrolled recurrent layers against torch's own modules (the trusted reference)."""

import numpy as np
import pytest
import torch

from playground.builder import build_model
from playground.inspection.recurrent import trace_recurrent, unroll
from playground.layers import LAYERS
from playground.layers.sequence import Recurrent
from playground.spec import Spec


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, True)])
def test_unroll_matches_module_outputs(kind, layers, bidirectional):
    torch.manual_seed(0)
    layer = Recurrent(kind, 5, 7, layers, bidirectional).eval()
    x = torch.randn(6, 5)
    trace = unroll(layer, x, index=3)
    dirs = 2 if bidirectional else 1
    assert trace.hidden.shape == (layers, dirs, 6, 7)
    expected = layer(x[None])[0].detach().numpy()  # (T, H·dirs) of the last layer
    got = np.concatenate(list(trace.hidden[-1]), -1)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert set(trace.gates) == set(LAYERS[kind].gates)
    for name, g in trace.gates.items():
        assert g.shape == (layers, dirs, 6, 7)
        lo = -1 if name in ("cell candidate", "candidate") else 0
        assert g.min() >= lo and g.max() <= 1
    assert (trace.cell is not None) == (kind == "lstm")
    assert trace.label == f"layer 4 ({kind})"


def test_lstm_cell_state_matches_module_final_state():
    torch.manual_seed(1)
    layer = Recurrent("lstm", 3, 4, 1, False).eval()
    x = torch.randn(5, 3)
    trace = unroll(layer, x)
    _, (h, c) = layer.rnn(x[None])
    np.testing.assert_allclose(trace.cell[0, 0, -1], c[0, 0].detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(trace.hidden[0, 0, -1], h[0, 0].detach().numpy(), atol=1e-5)


def test_trace_recurrent_through_a_built_model_leaves_no_trace():
    spec = Spec.from_dict({"dataset": {"name": "brackets", "params": {"n_samples": 100}},
                           "layers": [{"type": "embedding", "dim": 8},
                                      {"type": "gru", "hidden": 6},
                                      {"type": "readout", "mode": "last"}]})
    model = build_model(spec).train()
    x = torch.tensor([0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1])
    traces = trace_recurrent(model, x)
    assert [t.index for t in traces] == [1]
    assert traces[0].hidden.shape == (1, 1, 12, 6)
    assert model.training
    assert not any(m._forward_hooks for m in model.modules())
    with torch.no_grad():
        model.eval()
        expected = model[1](model[0](x[None]))[0].numpy()
    np.testing.assert_allclose(traces[0].hidden[0, 0], expected, atol=1e-5)
