"""The black-box experiment registry: each experiment declared once.

An entry holds what a page needs to offer it without knowing which one it is: the title,
the question it answers, the words for learners, its parameters (widgets come from these),
the models it can examine (the user's, when `unfit` finds no reason against it, and its own
choices), and its runs — the background job, the button that starts it and the one line
that says what a finished run found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playground.attribution import METHODS
from playground.blackbox import runs
from playground.blackbox.attention_vs_ig import deep_sequence_spec
from playground.blackbox.calibration import overconfident_spec
from playground.blackbox.runs import Source, preset_source, spec_source
from playground.datasets import DATASETS
from playground.layers import LAYERS
from playground.params import Param
from playground.spec import Spec


@dataclass(frozen=True)
class ModelChoice:
    """A model an experiment offers besides the user's: its key, label and Source factory
    (called on the page's thread when Run is pressed; the job trains it)."""

    key: str
    label: str
    source: Callable[[], Source]


def preset_choice(name: str) -> ModelChoice:
    return ModelChoice(name, f"Preset {name} (trained here)", lambda: preset_source(name))


@dataclass(frozen=True)
class ExperimentRun:
    """One background job of an experiment: `run(progress, source, params, *extra)` from
    `playground.blackbox.runs`, its button label, and a one-line finding of its result."""

    run: Callable[..., Any]
    summary: Callable[[Any], str] | None = None
    key: str = ""  # job-key suffix, for an experiment with more than one run
    label: str = "Run"


@dataclass(frozen=True)
class Experiment:
    name: str
    title: str
    question: str  # the question to ask before trusting a model
    text: str  # plain-language explanation shown above the controls
    kinds: tuple[str, ...]  # data kinds the user's own model may have
    params: tuple[Param, ...]
    runs: tuple[ExperimentRun, ...]
    choices: tuple[ModelChoice, ...]  # the models offered besides the user's; first = default
    trains_fresh: bool = False  # trains new copies of the network, so no model is needed
    retrains: bool = False  # trains a copy even of the user's model (so epochs always count)
    requires: Callable[[Spec], str | None] | None = None  # why a spec cannot serve, or None
    # Whether a regression model (one number out) can be examined. Every experiment so far
    # measures classes: accuracy, class probabilities, a class left out or cued.
    regression: bool = False

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}

    @property
    def measures(self) -> str:
        """What the experiment scores, for the message that refuses a regression model."""
        return _MEASURES.get(self.name, "class predictions")

    def job_key(self, run: ExperimentRun) -> str:
        return f"{self.name}.{run.key}" if run.key else self.name

    def unfit(self, spec: Spec, kind: str) -> str | None:
        """Why the user's model (`spec`, data of `kind`) cannot be examined here, or None."""
        if not self.regression and DATASETS[spec.dataset.name].regression:
            return (f"this experiment only makes sense for a classifier (it measures "
                    f"{self.measures}), and yours predicts a number (regression on "
                    f"{spec.dataset.name}). Pick one of the classification models here")
        if kind not in self.kinds:
            return f"this experiment needs {' or '.join(self.kinds)} data; yours is {kind}"
        return self.requires(spec) if self.requires is not None else None


_MEASURES = {
    "interpretable": "accuracy against readable classifiers",
    "sanity": "saliency maps of a class score",
    "shortcut": "accuracy with and without a class's cue",
    "robustness": "accuracy under attack and shift",
    "calibration": "how well class probabilities match accuracy",
    "bias": "per-class accuracy with a class under-represented",
    "attention": "attention against attributions of a predicted token",
}


def _epochs(default: int) -> Param:
    return Param("epochs", int, default, "Training epochs for each model this experiment "
                 "trains (more is slower but learns more).", min=1, max=50)


def _needs_attention(spec: Spec) -> str | None:
    if any(LAYERS[layer["type"]].category == "attention" for layer in spec.layers):
        return None
    return "your network has no attention layer"


def _interpretable_finding(r: Any) -> str:
    best = max(r.scores[:-1], key=lambda s: s.test_accuracy)
    return (f"{best.name}: {best.test_accuracy:.0%} against the network's "
            f"{r.scores[-1].test_accuracy:.0%}.")


def _sanity_finding(r: Any) -> str:
    bad = [METHODS[m].title for m, f in r.flagged.items() if f]
    return f"Flagged: {', '.join(bad)}." if bad else "No method was flagged."


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (
    Experiment(
        "interpretable", "Accuracy against transparency",
        "Would a model I can read do almost as well?",
        "A logistic regression is a weighted sum: its weights can be read one by one. A "
        "decision tree of depth 3 is eight if-then rules. Your network may score higher, but "
        "nothing in its thousands of weights says *why*. On circles a straight line fails — "
        "until you hand the linear model the crosses x², y² and xy: then a circle is a line "
        "in the new features, and the readable model wins.",
        ("2d", "tabular", "image"),
        (Param("crosses", bool, True, "Also fit logistic regression on x, y, x², y², xy "
               "(2D data only)."), _epochs(20)),
        (ExperimentRun(runs.run_interpretable, _interpretable_finding),),
        (preset_choice("circles"), preset_choice("digits_mlp")),
    ),
    Experiment(
        "sanity", "Sanity checks for saliency maps",
        "Does the explanation change when the model does?",
        "An explanation of a model must depend on the model. Here the trained weights are "
        "replaced by random ones, one layer at a time from the output down, and a copy is "
        "retrained on shuffled labels. A method whose maps barely change (rank correlation "
        "with the original above the threshold) is explaining the *image*, not the model "
        "(Adebayo et al., 2018).",
        ("tabular", "image"),  # a ranking of two 2D coordinates says nothing
        (Param("threshold", float, 0.5, "Rank correlation at or above which the maps of a "
               "destroyed model count as unchanged.", min=0.0, max=1.0),
         Param("examples", int, 4, "How many test images to explain.", min=1, max=8),
         _epochs(4)),
        (ExperimentRun(runs.run_sanity, _sanity_finding),),
        (preset_choice("shapes_cnn"), preset_choice("digits_mlp")),
        retrains=True,  # the shuffled-label copy is always trained here
    ),
    Experiment(
        "shortcut", "Shortcut learning",
        "Could the model be right for the wrong reason?",
        "Paint a bright patch in the corner of every training image of one class. The patch "
        "is easier to spot than the shape, so the network learns the patch. It looks great "
        "on test images that carry the cue, worse on clean ones, and puts any image with a "
        "patch into that class. The attributions show where it looks.",
        ("image",),
        (Param("cue_class", int, 0, "The class whose training images carry the patch.",
               min=0, max=9),
         Param("strength", float, 1.0, "How bright the patch is (0 = invisible, 1 = white).",
               min=0.0, max=1.0),
         _epochs(4)),
        (ExperimentRun(runs.run_shortcut, lambda r: f"Clean {r.clean_accuracy:.0%} against "
                                                    f"cued {r.cued_accuracy:.0%}."),),
        (preset_choice("shapes_cnn"), preset_choice("digits_cnn")),
        trains_fresh=True,
    ),
    Experiment(
        "robustness", "Brittleness",
        "What happens to a small, deliberate or natural change in the input?",
        "An adversarial example adds a perturbation too faint to matter to a person, chosen "
        "along the loss gradient, and flips the prediction: FGSM takes one step of size ε, "
        "PGD several smaller ones. Ordinary shifts — noise, rotation, blur, lower contrast — "
        "that a person shrugs off also pull accuracy down.",
        ("image",),
        (Param("attack", str, "FGSM", "One gradient-sign step (FGSM) or ten projected steps "
               "(PGD).", choices=("FGSM", "PGD")),
         Param("eps", float, 0.1, "ε: the largest change to any pixel (pixels run 0–1).",
               min=0.0, max=0.5),
         _epochs(10)),
        (ExperimentRun(runs.run_attack, lambda r: f"{r.attack} at ε = {r.eps:g}: "
                       f"{r.clean_accuracy:.0%} → {r.adversarial_accuracy:.0%}.",
                       key="attack", label="Run the attack"),
         ExperimentRun(runs.run_shift, key="shift", label="Measure the shift")),
        (preset_choice("digits_mlp"), preset_choice("digits_cnn")),
    ),
    Experiment(
        "calibration", "Confident and wrong",
        "Does the model know when it does not know?",
        "Softmax always returns a confident-looking probability, even for noise or for a "
        "kind of image the model never saw. On real test data, a calibrated model that says "
        "90 % is right 90 % of the time; the reliability diagram shows the gap and its "
        "expected calibration error (ECE). Temperature scaling divides the logits by one "
        "number fitted on held-out data, which shrinks the gap without changing a single "
        "prediction.",
        ("2d", "tabular", "image"),
        (_epochs(30),),
        (ExperimentRun(runs.run_calibration, lambda r: f"ECE {r.before.ece:.3f} → "
                       f"{r.after.ece:.3f} after temperature scaling."),),
        (ModelChoice("noisy_shapes_mlp", "Dense network on noisy shapes — it overfits "
                     "(trained here)", lambda: spec_source(overconfident_spec(),
                                                           "the dense network on shapes")),
         preset_choice("digits_mlp"), preset_choice("circles")),
    ),
    Experiment(
        "bias", "Bias from data",
        "Who was missing from the training data, and who pays for it?",
        "Train twice: once on all the data and once with most examples of one class left "
        "out. Overall accuracy barely moves — but the accuracy of the missing class falls, "
        "and the confusion matrix shows what it is mistaken for.",
        ("2d", "tabular", "image"),
        (Param("cls", int, 3, "The class to under-represent.", min=0, max=9),
         Param("keep", float, 0.05, "Share of that class's training examples kept.",
               min=0.01, max=1.0),
         _epochs(10)),
        (ExperimentRun(runs.run_bias, lambda r: f"Accuracy on the cut class "
                       f"{r.class_accuracy_full[r.cls]:.0%} → "
                       f"{r.class_accuracy_biased[r.cls]:.0%}."),),
        (preset_choice("digits_mlp"), preset_choice("shapes_cnn")),
        trains_fresh=True,
    ),
    Experiment(
        "attention", "Attention is not explanation",
        "Does where the model looks match what its answer depends on?",
        "An attention map shows where each position looked. Integrated gradients measures "
        "how much the prediction depends on each input token. With one attention layer on "
        "the reverse task they agree. With two transformer blocks, which also pass "
        "information along residual paths, the model is just as accurate, but the first "
        "block's attention says little about which tokens mattered — and nothing in the "
        "attention map itself tells you which layer to believe.",
        ("sequence",),
        (Param("examples", int, 8, "How many test sequences to compare over.", min=1,
               max=32), _epochs(10)),
        (ExperimentRun(runs.run_attention, lambda r: "Rank correlation of attention with IG "
                       "per layer: " + ", ".join(f"{m:.2f}" for m in r.agreement.mean(1))
                       + "."),),
        (preset_choice("reverse_attention"),
         ModelChoice("reverse_two_blocks", "Two transformer blocks on reverse (trained here)",
                     lambda: spec_source(deep_sequence_spec(), "two transformer blocks"))),
        requires=_needs_attention,
    ),
)}

__all__ = ["EXPERIMENTS", "Experiment", "ExperimentRun", "ModelChoice", "preset_choice"]
