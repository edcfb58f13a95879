"""Why did the model decide that? Captum's attribution methods behind one registry.

`METHODS` lists every method with its parameters and words for learners, `BASELINES` every
meaning of "absent"; `attribute` runs one on the user's model (random methods from a stream
seeded by the request); `rank_correlation` compares two maps.
"""

from playground.attribution.baselines import (
    BASELINE_HELP,
    BASELINE_NOTE,
    BASELINES,
    Baseline,
    baselines_for,
    make_baseline,
)
from playground.attribution.compute import (
    MAX_EVALUATIONS,
    MAX_INPUTS,
    MAX_WINDOWS,
    Completeness,
    attribute,
    completeness,
    estimate_evaluations,
    mean_embedding,
    predict,
    rank_correlation,
)
from playground.attribution.methods import METHODS, AttributionMethod
from playground.attribution.summaries import (
    Comparison,
    compare_methods,
    mean_abs_attribution,
    plane_attributions,
)

__all__ = ["BASELINES", "BASELINE_HELP", "BASELINE_NOTE", "MAX_EVALUATIONS", "MAX_INPUTS",
           "MAX_WINDOWS", "METHODS", "AttributionMethod", "Baseline", "Comparison", "Completeness",
           "attribute", "baselines_for", "compare_methods", "completeness",
           "estimate_evaluations", "make_baseline",
           "mean_abs_attribution", "mean_embedding", "plane_attributions", "predict",
           "rank_correlation"]
