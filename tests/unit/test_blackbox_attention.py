"""Attention against integrated gradients on a sequence model."""

import numpy as np
import pytest

from playground.blackbox.attention_vs_ig import attention_vs_ig, deep_sequence_spec, preset_spec
from playground.blackbox.common import train_model
from playground.datasets import make_data
from playground.errors import SpecError


@pytest.fixture(scope="module")
def one_layer():
    spec = preset_spec("reverse_attention")
    data = make_data(spec.dataset)
    return train_model(spec, data, epochs=6), data


def test_single_attention_layer_agrees_with_ig_on_reverse(one_layer):
    model, data = one_layer
    r = attention_vs_ig(model, data, n_examples=4, n_steps=16)
    t = data.info.input_shape[0]
    assert r.attention.shape == (1, t, t) and r.ig.shape == (t, t)
    assert r.agreement.shape == r.top_agreement.shape == (1, t)
    assert r.top_agreement.mean() >= 0.9  # the most-attended token is the one that matters
    assert np.allclose(r.attention[0].sum(-1), 1, atol=1e-5)  # attention rows sum to 1
    assert r.accuracy > 0.9 and r.agreement.mean() > 0.5
    # IG of output t points at the mirrored input T−1−t, as the task demands.
    assert (r.ig.argmax(1) == np.arange(t)[::-1]).mean() >= 0.75
    assert len(r.tokens) == len(r.predicted) == t


def test_non_sequence_models_get_a_message():
    spec = preset_spec("circles")
    data = make_data(spec.dataset)
    with pytest.raises(SpecError, match="sequence"):
        attention_vs_ig(train_model(spec, data, epochs=1), data)


def test_deep_variant_swaps_in_two_transformer_blocks():
    spec = deep_sequence_spec()
    kinds = [layer["type"] for layer in spec.layers]
    assert kinds.count("transformer_block") == 2 and "self_attention" not in kinds
    assert spec.dataset == preset_spec("reverse_attention").dataset
