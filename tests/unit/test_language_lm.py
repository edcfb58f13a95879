"""Language model: sampling rules, counting baselines against hand sums, and the CLI's
train (bits per token, baselines, grammar measures) and generate commands."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from playground.cli import main
from playground.errors import SpecError
from playground.language.baselines import baselines
from playground.language.sampling import Sampling, generate, next_token_probs

PRESETS = Path(__file__).resolve().parents[2] / "assets" / "presets"


class Fixed(nn.Module):
    """(B, T) ids to (B, T, V) scores that depend only on the token: a known distribution."""

    def __init__(self, vocab: int = 6) -> None:
        super().__init__()
        self.table = nn.Parameter(torch.randn(vocab, vocab, generator=torch.Generator()
                                              .manual_seed(1)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.table[x]


def test_temperature_zero_is_the_direct_argmax():
    model = Fixed()
    out = generate(model, np.array([2]), 10, context=8, sampling=Sampling(temperature=0.0))
    ids = [2]
    for _ in range(10):
        ids.append(int(torch.argmax(model.table[ids[-1]])))
    assert out.tokens.tolist() == ids[1:]


def test_same_seed_same_continuation_other_seed_differs():
    model, s = Fixed(), Sampling(temperature=1.5)
    a = generate(model, np.array([0, 1]), 40, 8, s, seed=5).tokens
    b = generate(model, np.array([0, 1]), 40, 8, s, seed=5).tokens
    c = generate(model, np.array([0, 1]), 40, 8, s, seed=6).tokens
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist()


def test_top_k_and_top_p_keep_the_right_tokens():
    logits = np.log(np.array([0.05, 0.4, 0.1, 0.3, 0.15]))
    k2 = next_token_probs(logits, Sampling(top_k=2))
    assert np.flatnonzero(k2).tolist() == [1, 3]
    assert k2[1] == pytest.approx(0.4 / 0.7)
    p = next_token_probs(logits, Sampling(top_p=0.75))  # 0.4 + 0.3 < 0.75, so 0.15 joins
    assert np.flatnonzero(p).tolist() == [1, 3, 4]
    assert p.sum() == pytest.approx(1.0)
    assert np.flatnonzero(next_token_probs(logits, Sampling(top_p=0.7))).tolist() == [1, 3]


def test_bad_sampling_settings_say_what_to_use():
    for kwargs in ({"temperature": -1}, {"top_k": -2}, {"top_p": 0.0}):
        with pytest.raises(SpecError):
            Sampling(**kwargs)


def test_baselines_match_a_hand_computation():
    x_train, y_train = np.array([[0, 1, 0]]), np.array([[1, 0, 1]])
    x_test, y_test = np.array([[0, 1]]), np.array([[1, 1]])
    base = baselines(x_train, y_train, x_test, y_test, vocab_size=2)
    uni = np.array([2, 3]) / 5  # counts 1 and 2 in the targets, add-one smoothed
    assert base.unigram == pytest.approx(-math.log2(uni[1]))
    # bigram rows: 0 -> 1 twice, 1 -> 0 once; each row pulled by one pseudo-count of uni
    p01 = (2 + uni[1]) / 3
    p11 = (0 + uni[1]) / 2
    assert base.bigram == pytest.approx(-(math.log2(p01) + math.log2(p11)) / 2)


def _spec(tmp_path: Path, preset: str, **dataset) -> Path:
    spec = json.loads((PRESETS / f"{preset}.json").read_text())
    spec["dataset"].update(dataset)
    spec["train"]["epochs"] = 2
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    return path


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["char_lstm", "char_transformer"])
def test_presets_beat_bigram_and_generate_is_reproducible(tmp_path, preset, capsys):
    run = tmp_path / "run"
    assert main(["train", str(_spec(tmp_path, preset)), "--out", str(run)]) == 0
    m = json.loads((run / "metrics.json").read_text())
    assert m["test_bits_per_token"] < m["bigram_bits_per_token"] < m["unigram_bits_per_token"]
    capsys.readouterr()
    args = ["generate", str(run), "--prompt", "the ", "--tokens", "30", "--seed", "4"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first and first.startswith("the ")
    assert len(first.rstrip("\n")) == 34


@pytest.mark.slow
def test_grammar_run_writes_grammar_measures(tmp_path):
    run = tmp_path / "run"
    spec = _spec(tmp_path, "char_lstm", name="grammar_text", params={"context": 32})
    assert main(["train", str(spec), "--out", str(run)]) == 0
    m = json.loads((run / "metrics.json").read_text())
    watch = m["grammar_over_training"]
    assert [r["epoch"] for r in watch] == [1, 2]
    assert {"real_word_share", "accepted_sentence_share"} <= set(watch[0])
    assert 0.0 <= watch[-1]["real_word_share"] <= 1.0


def test_generate_on_a_folder_without_a_run_says_so(tmp_path, capsys):
    assert main(["generate", str(tmp_path), "--prompt", "a"]) == 2
    assert "not a run folder" in capsys.readouterr().err
