"""Real tabular datasets that ship with scikit-learn, standardised on the training split."""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_breast_cancer, load_wine

from playground.datasets.base import DatasetKind, Raw, register


def _from_bunch(loader):
    def load(p, seed):
        bunch = loader()
        return Raw(bunch.data.astype(np.float32), bunch.target.astype(np.int64),
                   tuple(str(c) for c in bunch.target_names),
                   feature_names=tuple(str(f) for f in bunch.feature_names))
    return load


register(DatasetKind(
    "breast_cancer", "tabular",
    "569 tumours described by 30 measurements of cell nuclei; malignant or benign.",
    (), _from_bunch(load_breast_cancer), standardize=True,
    source="scikit-learn (Wisconsin diagnostic breast cancer)",
))
register(DatasetKind(
    "wine", "tabular",
    "178 wines from three cultivars, described by 13 chemical measurements.",
    (), _from_bunch(load_wine), standardize=True, source="scikit-learn (UCI wine)",
))
