"""TorchScript, ONNX and safetensors bytes load back, without the playground's classes, to
the outputs of the network they were exported from."""

from __future__ import annotations

import io

import numpy as np
import onnxruntime
import pytest
import torch
from safetensors.torch import load

from playground.errors import SpecError
from playground.export import onnx_bytes, torchscript_bytes, weights_bytes
from playground.presets import PRESETS
from playground.spec import Spec
from playground.trainer import Trainer


def _trained(spec: Spec) -> Trainer:
    trainer = Trainer(spec.with_train(device="cpu"))
    for _ in range(3):
        trainer.step()
    return trainer


SPECS = {
    "mlp": Spec.from_dict({"dataset": "csv", "layers": [
        {"type": "linear", "units": 8}, {"type": "relu"}, {"type": "dropout", "p": 0.3}]}),
    "cnn": Spec.from_dict({"dataset": "image_folder", "layers": [
        {"type": "conv2d", "channels": 3}, {"type": "batchnorm"}, {"type": "relu"},
        {"type": "maxpool2d"}, {"type": "flatten"}]}),
    **{name: PRESETS[name].spec()
       for name in ("spiral", "reverse_attention", "brackets_lstm", "gaussian_regression")},
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_format_gives_the_same_outputs(name):
    spec = SPECS[name]
    trainer = _trained(spec)
    model = trainer.model.eval()
    x = trainer.x_test[:16].cpu()
    with torch.no_grad():
        expected = model(x).numpy()
    scripted = torch.jit.load(io.BytesIO(torchscript_bytes(model, spec)))
    with torch.no_grad():
        np.testing.assert_allclose(scripted(x).numpy(), expected, rtol=1e-5, atol=1e-5)
    session = onnxruntime.InferenceSession(onnx_bytes(model, spec))
    (got,) = session.run(["y"], {"x": x.numpy()})  # a batch size other than the traced one
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    again = _trained(spec).model.eval()
    again.load_state_dict(load(weights_bytes(model, spec)))
    with torch.no_grad():
        np.testing.assert_allclose(again(x).numpy(), expected, rtol=0, atol=0)
    assert model.training is False and next(model.parameters()).requires_grad


def test_an_untraceable_network_is_a_message():
    class Branchy(torch.nn.Module):
        def forward(self, x):
            raise RuntimeError("no tracing here\nsecond line")

    with pytest.raises(SpecError, match="cannot be traced to TorchScript \\(no tracing here\\)"):
        torchscript_bytes(Branchy(), SPECS["mlp"])
    with pytest.raises(SpecError, match="cannot be exported to ONNX opset 17"):
        onnx_bytes(Branchy(), SPECS["mlp"])
