"""`python -m playground step`: its numbers against plain torch on the same spec, seed and
batch (the batch's indices are printed, so anyone can redo the step)."""

import io
import json

import pytest
import torch

from playground.builder import build_model
from playground.cli import main
from playground.datasets import make_data
from playground.presets import PRESETS


def _run(argv):
    out = io.StringIO()
    code = main(argv, out)
    return code, out.getvalue()


def test_step_json_matches_plain_torch(tmp_path):
    spec = PRESETS["spiral"].spec().with_train(device="cpu", optimizer="sgd", lr=0.1)
    path = tmp_path / "spec.json"
    path.write_text(spec.to_json())
    code, text = _run(["step", str(path), "--batch-size", "6", "--steps", "2", "--json"])
    assert code == 0
    report = json.loads(text)
    assert [s["step"] for s in report["steps"]] == [1, 2]
    data = make_data(spec.dataset)
    model = build_model(spec)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for s in report["steps"]:
        idx = torch.as_tensor(s["batch"])
        assert len(idx) == 6
        x, y = torch.as_tensor(data.x_train.copy())[idx], torch.as_tensor(data.y_train.copy())[idx]
        before = {n: p.detach().clone() for n, p in model.named_parameters()}
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        assert s["loss_before"] == pytest.approx(loss.item(), rel=1e-5)
        with torch.no_grad():
            after = torch.nn.functional.cross_entropy(model(x), y).item()
        assert s["loss_after"] == pytest.approx(after, rel=1e-5)
        for name, p in model.named_parameters():
            got = s["params"][name]
            assert got["grad_norm"] == pytest.approx(p.grad.norm().item(), rel=1e-5)
            assert got["update_norm"] == pytest.approx((p - before[name]).norm().item(),
                                                       rel=1e-4)


def test_step_prints_a_table_and_refuses_a_huge_batch(tmp_path, capsys):
    path = tmp_path / "spec.json"
    path.write_text(PRESETS["xor"].spec().to_json())
    code, text = _run(["step", str(path)])
    assert code == 0
    assert "step 1: batch loss" in text and "grad norm" in text and "0.weight" in text
    code, _ = _run(["step", str(path), "--batch-size", "999"])
    assert code == 2
    assert "batch size must be from 1 to 256" in capsys.readouterr().err
