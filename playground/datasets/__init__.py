"""The dataset registry: generators and loaders that need no network."""

from playground.datasets import images, planar, tabular  # noqa: F401  (they register kinds)

# isort: split
from playground.datasets import sequence  # noqa: F401  (listed after the others)
from playground.datasets.base import (
    DATASETS,
    Data,
    DatasetInfo,
    DatasetKind,
    Raw,
    dataset_info,
    make_data,
    register,
)

__all__ = ["DATASETS", "Data", "DatasetInfo", "DatasetKind", "Raw", "dataset_info",
           "make_data", "register"]
