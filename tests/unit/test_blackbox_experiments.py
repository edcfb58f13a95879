"""The experiment registry: every entry is complete, its own models fit it, and the user's
model is turned away with a reason only when it cannot serve."""

import pytest

from playground.blackbox import EXPERIMENTS
from playground.blackbox import runs as run_functions
from playground.presets import PRESETS


@pytest.mark.parametrize("name", list(EXPERIMENTS))
def test_every_entry_offers_models_that_fit_it_and_runs_from_the_runs_module(name):
    exp = EXPERIMENTS[name]
    assert exp.name == name and exp.title and exp.question.endswith("?") and exp.params
    assert exp.runs and all(r.run.__module__ == run_functions.__name__ for r in exp.runs)
    keys = [exp.job_key(r) for r in exp.runs]
    assert len(set(keys)) == len(keys) and exp.runs[0].summary is not None
    assert len({c.key for c in exp.choices} | {"user"}) == len(exp.choices) + 1
    for choice in exp.choices:
        source = choice.source()
        assert source.model is None and choice.label
        assert exp.unfit(source.spec, source.data.info.kind) is None, choice.key


def test_the_users_model_is_turned_away_with_the_reason():
    attention = EXPERIMENTS["attention"]
    reverse = PRESETS["reverse_attention"].spec()
    assert attention.unfit(reverse, "sequence") is None
    recurrent = reverse.with_layers([{"type": "embedding", "dim": 8},
                                     {"type": "gru", "hidden": 8, "layers": 1,
                                      "bidirectional": False}])
    assert attention.unfit(recurrent, "sequence") == "your network has no attention layer"
    assert EXPERIMENTS["robustness"].unfit(PRESETS["circles"].spec(), "2d") == (
        "this experiment needs image data; yours is 2d")
