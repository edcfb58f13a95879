"""The dataset registry: generators and loaders that need no network."""

# Importing a module registers its datasets; the order here is the order users see them in.
# isort: off
from playground.datasets import planar, regression, images, tabular, sequence  # noqa: F401
from playground.datasets import own  # noqa: F401
from playground.datasets import text  # noqa: F401
# isort: on
from playground.datasets.base import (
    CLASSIFY,
    DATASETS,
    REGRESS,
    TOKENS,
    Data,
    DatasetInfo,
    DatasetKind,
    Raw,
    dataset_info,
    make_data,
    register,
)

__all__ = ["CLASSIFY", "DATASETS", "REGRESS", "TOKENS", "Data", "DatasetInfo", "DatasetKind",
           "Raw", "dataset_info", "make_data", "register"]
