"""One palette for every figure, chosen to read in colour-blind vision.

Classes use the Okabe–Ito qualitative palette; magnitudes use Cividis (sequential);
signed values (attributions, weights) use a blue–white–orange diverging scale that
avoids the red/green axis.
"""

from __future__ import annotations

OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

SEQUENTIAL = "Cividis"

DIVERGING = [
    [0.0, "#0072B2"],
    [0.5, "#F7F7F7"],
    [1.0, "#D55E00"],
]

CORRECT = "#009E73"
WRONG = "#D55E00"
NEUTRAL = "#7F7F7F"


def class_color(index: int) -> str:
    return OKABE_ITO[index % len(OKABE_ITO)]


def class_colorscale(k: int) -> list[list[float | str]]:
    """A stepped scale mapping class ids 0..k-1 to their palette colours (for heatmaps of
    predicted classes)."""
    if k == 1:
        return [[0.0, class_color(0)], [1.0, class_color(0)]]
    scale: list[list[float | str]] = []
    for i in range(k):
        lo, hi = i / k, (i + 1) / k
        scale += [[lo, class_color(i)], [hi, class_color(i)]]
    return scale
