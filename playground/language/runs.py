"""A trained text run read as a language model: its bits per token against the baselines,
what the grammar makes of its samples as training goes on, and continuing a prompt from a
run folder written by `python -m playground train`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from torch import nn

from playground.datasets import Data
from playground.errors import SpecError
from playground.language.baselines import Baselines, baselines, bits
from playground.language.corpus import decode, encode
from playground.language.grammar import score_sample
from playground.language.sampling import Sampling, generate

GRAMMAR_DATASET = "grammar_text"
WATCH_PROMPT = "the "  # what the grammar watch continues after every epoch
WATCH_TOKENS = 300
WATCH_SAMPLING = Sampling(temperature=0.8)


def is_text(data: Data) -> bool:
    return data.info.kind == "text"


def pad_id(vocab: tuple[str, ...]) -> int:
    """The id that fills a short window: a space where the text has one."""
    return vocab.index(" ") if " " in vocab else 0


def data_baselines(data: Data) -> Baselines:
    return baselines(data.x_train, data.y_train, data.x_test, data.y_test, len(data.info.vocab))


def continue_text(model: nn.Module, data: Data, prompt: str, tokens: int, sampling: Sampling,
                  seed: int = 0) -> str:
    """The continuation of `prompt` (text in, text out)."""
    vocab = data.info.vocab
    out = generate(model, encode(prompt, vocab), tokens, data.info.input_shape[0], sampling,
                   seed, pad_id(vocab))
    return decode(out.tokens, vocab)


@dataclass
class GrammarWatch:
    """After each epoch, a sample from the same prompt and seed, scored by the grammar."""

    records: list[dict[str, Any]] = field(default_factory=list)

    def after_epoch(self, model: nn.Module, data: Data, epoch: int) -> None:
        if data.info.name != GRAMMAR_DATASET:
            return
        text = continue_text(model, data, WATCH_PROMPT, WATCH_TOKENS, WATCH_SAMPLING)
        self.records.append({"epoch": epoch, **score_sample(text).to_dict(), "sample": text})


def language_metrics(history_epochs: list[dict[str, float]], data: Data,
                     watch: GrammarWatch | None = None) -> dict[str, Any]:
    """The language-model figures of a finished run, for metrics.json."""
    last = history_epochs[-1] if history_epochs else {}
    out: dict[str, Any] = {**data_baselines(data).to_dict()}
    for split in ("train", "test"):
        if f"{split}_loss" in last:
            out[f"{split}_bits_per_token"] = bits(last[f"{split}_loss"])
    if watch is not None and watch.records:
        out["grammar_over_training"] = watch.records
    return out


def load_run(run_dir: str | Path) -> tuple[nn.Module, Data]:
    """The model and data of a run folder (spec.json and model.safetensors)."""
    from playground.datasets import make_data
    from playground.export import load_weights
    from playground.spec import load_spec

    folder = Path(run_dir)
    spec_path, weights = folder / "spec.json", folder / "model.safetensors"
    if not spec_path.is_file() or not weights.is_file():
        raise SpecError(f"{str(folder)!r} is not a run folder: it needs spec.json and "
                        "model.safetensors, as `python -m playground train SPEC --out DIR` "
                        "writes them.")
    spec = load_spec(spec_path)
    data = make_data(spec.dataset)
    if not is_text(data):
        raise SpecError(f"The run in {str(folder)!r} was trained on {spec.dataset.name}, not on "
                        "a text; generate needs a language model (grammar_text, guide_text "
                        "or own_text).")
    return load_weights(spec, weights).cpu().eval(), data

