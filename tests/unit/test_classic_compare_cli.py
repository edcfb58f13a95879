"""`compare` subcommand: its JSON holds, per model and size, test score, fit seconds and
learned count, and the baselines' scores equal scikit-learn run directly on that share."""

import argparse
import io
import json

import pytest

from playground.classic.compare import add_parser, compare
from playground.errors import SpecError
from playground.spec import load_spec

SPEC = "assets/presets/digits_mlp.json"


def _run(argv: list[str]) -> str:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    out = io.StringIO()
    assert args.func(args, out) == 0
    return out.getvalue()


def test_compare_json_per_model_and_size() -> None:
    doc = json.loads(_run(["compare", SPEC, "--baselines", "logreg,knn", "--sizes",
                           "0.1,1", "--no-network", "--json"]))
    assert doc["metric"] == "accuracy" and doc["dataset"] == "digits"
    rows = doc["summary"]
    assert [(r["model"][:8], r["fraction"]) for r in rows] == [
        ("Logistic", 0.1), ("Logistic", 1.0), ("5 neares", 0.1), ("5 neares", 1.0)]
    for r in rows:
        assert 0 < r["score_mean"] <= 1 and r["fit_seconds"] >= 0 and r["learned"] > 0
    assert rows[1]["n_train"] > rows[0]["n_train"]


def test_compare_matches_sklearn_on_the_same_share() -> None:
    from sklearn.neighbors import KNeighborsClassifier

    from playground.classic.learning_curve import subset
    from playground.datasets import make_data

    spec = load_spec(SPEC)
    rows, regression = compare(spec, ["knn"], [0.25], 1, network=False)
    part = subset(make_data(spec.dataset), 0.25, spec.dataset.seed)
    x_tr = part.x_train.reshape(len(part.x_train), -1)
    x_te = part.x_test.reshape(len(part.x_test), -1)
    direct = KNeighborsClassifier().fit(x_tr, part.y_train).score(x_te, part.y_test)
    assert not regression and rows[0].score == pytest.approx(direct)


def test_compare_network_row_and_errors() -> None:
    spec = load_spec(SPEC).with_train(epochs=1)
    rows, _ = compare(spec, [], [0.1], 1)
    assert rows[0].model.startswith("Neural") and rows[0].learned == 4810
    with pytest.raises(SpecError, match="seeds"):
        compare(spec, ["knn"], [1.0], 0)


def test_cli_main_runs_compare_and_refuses_bad_sizes() -> None:
    from playground.cli import main

    out = io.StringIO()
    assert main(["compare", SPEC, "--baselines", "logreg", "--sizes", "1", "--no-network",
                 "--json"], out) == 0
    assert json.loads(out.getvalue())["summary"][0]["n_train"] > 1000
    assert main(["compare", SPEC, "--sizes", "2"], io.StringIO()) == 2
