"""Preset specs for one-click lessons. The specs are plain JSON files in assets/presets/,
usable by the command line as they are; this registry adds the learner-facing words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playground.spec import Spec, load_spec

PRESET_DIR = Path(__file__).resolve().parent.parent / "assets" / "presets"


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str

    @property
    def path(self) -> Path:
        return PRESET_DIR / f"{self.name}.json"

    def spec(self) -> Spec:
        return load_spec(self.path)


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("xor", "XOR", "Two tanh layers bend one straight line into the four-quadrant "
           "XOR boundary."),
    Preset("circles", "Circles", "A small ReLU network wraps a boundary around the inner "
           "class."),
    Preset("circles_features", "Circles with features", "No hidden layer at all: fed x² and "
           "y², the output head alone draws a circle. Hand-made features do what layers "
           "otherwise learn."),
    Preset("spiral", "Spiral", "Two interleaved spiral arms: depth and width earn their keep."),
    Preset("gaussian_regression", "Gaussian (regression)", "Predict a number, not a class: "
           "three ReLU layers build six bumps up and down over the plane."),
    Preset("sine_curve", "Sine curve (regression)", "One input, one output: two tanh layers "
           "bend a line into a sine wave through noisy points."),
    Preset("digits_mlp", "Digits MLP", "Real handwritten digits, flattened into a dense "
           "network."),
    Preset("digits_cnn", "Digits CNN", "Two convolution blocks learn strokes, then digits."),
    Preset("shapes_cnn", "Shapes CNN", "Filters that find edges, then corners and curves, "
           "then whole shapes."),
    Preset("wine_mlp", "Wine (tabular)", "13 chemical measurements to three cultivars."),
    Preset("breast_cancer_mlp", "Breast cancer (tabular)", "30 cell measurements to "
           "malignant or benign."),
    Preset("reverse_attention", "Reverse (attention)", "One self-attention layer learns to "
           "write a sequence backwards by looking at the mirrored position."),
    Preset("sort_transformer", "Sort (transformer)", "Two transformer blocks learn to put "
           "letters in order; each output position counts the smaller letters."),
    Preset("brackets_lstm", "Brackets (LSTM)", "An LSTM reads brackets one at a time and "
           "keeps a running depth to tell balanced strings from unbalanced ones."),
    Preset("char_transformer", "Language model (transformer)", "Two causal transformer "
           "blocks predict the next character of the playground's guide; samples go from "
           "noise to words. Open the Language model page to generate."),
    Preset("char_lstm", "Language model (LSTM)", "An LSTM reads the guide one character at "
           "a time and predicts the next; it passes the bigram baseline in a few epochs."),
)}
