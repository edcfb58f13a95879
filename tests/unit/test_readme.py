"""README stays true: every registered layer kind and dataset is listed, and the two set-up
commands are the ones CI runs."""

from pathlib import Path

from playground import DATASETS, LAYERS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_layer_kind_and_dataset_is_listed():
    missing = [f"`{name}`" for name in [*LAYERS, *DATASETS] if f"`{name}`" not in README]
    assert not missing, f"README does not list {missing}"


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if line.startswith("python3 -m pip"))
    assert command in README
