"""The black-box problem as experiments: each one trains or probes a model and returns small
dataclasses of numbers and arrays that show why an explanation needs checking.

`EXPERIMENTS` declares each experiment once: its title, the question it answers, the words
for learners, the preset it falls back on and its parameters (widgets come from these).
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.params import Param


@dataclass(frozen=True)
class Experiment:
    name: str
    title: str
    question: str  # the question to ask before trusting a model
    text: str  # plain-language explanation shown above the controls
    preset: str  # the preset used when the user's model does not fit
    kinds: tuple[str, ...]  # data kinds the user's own model may have
    params: tuple[Param, ...]

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}


def _epochs(default: int) -> Param:
    return Param("epochs", int, default, "Training epochs for each model this experiment "
                 "trains (more is slower but learns more).", min=1, max=50)


EXPERIMENTS: dict[str, Experiment] = {e.name: e for e in (
    Experiment(
        "interpretable", "Accuracy against transparency",
        "Would a model I can read do almost as well?",
        "A logistic regression is a weighted sum: its weights can be read one by one. A "
        "decision tree of depth 3 is eight if-then rules. Your network may score higher, but "
        "nothing in its thousands of weights says *why*. On circles a straight line fails — "
        "until you hand the linear model the crosses x², y² and xy: then a circle is a line "
        "in the new features, and the readable model wins.",
        "circles", ("2d", "tabular", "image"),
        (Param("crosses", bool, True, "Also fit logistic regression on x, y, x², y², xy "
               "(2D data only)."), _epochs(20)),
    ),
    Experiment(
        "sanity", "Sanity checks for saliency maps",
        "Does the explanation change when the model does?",
        "An explanation of a model must depend on the model. Here the trained weights are "
        "replaced by random ones, one layer at a time from the output down, and a copy is "
        "retrained on shuffled labels. A method whose maps barely change (rank correlation "
        "with the original above the threshold) is explaining the *image*, not the model "
        "(Adebayo et al., 2018).",
        "shapes_cnn", ("tabular", "image"),  # a ranking of two 2D coordinates says nothing
        (Param("threshold", float, 0.5, "Rank correlation at or above which the maps of a "
               "destroyed model count as unchanged.", min=0.0, max=1.0),
         Param("examples", int, 4, "How many test images to explain.", min=1, max=8),
         _epochs(4)),
    ),
    Experiment(
        "shortcut", "Shortcut learning",
        "Could the model be right for the wrong reason?",
        "Paint a bright patch in the corner of every training image of one class. The patch "
        "is easier to spot than the shape, so the network learns the patch. It looks great "
        "on test images that carry the cue, worse on clean ones, and puts any image with a "
        "patch into that class. The attributions show where it looks.",
        "shapes_cnn", ("image",),
        (Param("cue_class", int, 0, "The class whose training images carry the patch.",
               min=0, max=9),
         Param("strength", float, 1.0, "How bright the patch is (0 = invisible, 1 = white).",
               min=0.0, max=1.0),
         _epochs(4)),
    ),
    Experiment(
        "robustness", "Brittleness",
        "What happens to a small, deliberate or natural change in the input?",
        "An adversarial example adds a perturbation too faint to matter to a person, chosen "
        "along the loss gradient, and flips the prediction: FGSM takes one step of size ε, "
        "PGD several smaller ones. Ordinary shifts — noise, rotation, blur, lower contrast — "
        "that a person shrugs off also pull accuracy down.",
        "digits_mlp", ("image",),
        (Param("attack", str, "FGSM", "One gradient-sign step (FGSM) or ten projected steps "
               "(PGD).", choices=("FGSM", "PGD")),
         Param("eps", float, 0.1, "ε: the largest change to any pixel (pixels run 0–1).",
               min=0.0, max=0.5),
         _epochs(10)),
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
        "digits_mlp", ("2d", "tabular", "image"),
        (_epochs(30),),
    ),
    Experiment(
        "bias", "Bias from data",
        "Who was missing from the training data, and who pays for it?",
        "Train twice: once on all the data and once with most examples of one class left "
        "out. Overall accuracy barely moves — but the accuracy of the missing class falls, "
        "and the confusion matrix shows what it is mistaken for.",
        "digits_mlp", ("2d", "tabular", "image"),
        (Param("cls", int, 3, "The class to under-represent.", min=0, max=9),
         Param("keep", float, 0.05, "Share of that class's training examples kept.",
               min=0.01, max=1.0),
         _epochs(10)),
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
        "reverse_attention", ("sequence",),
        (Param("examples", int, 8, "How many test sequences to compare over.", min=1,
               max=32), _epochs(10)),
    ),
)}

__all__ = ["EXPERIMENTS", "Experiment"]
