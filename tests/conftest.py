"""Shared test settings: keep torch to one thread like the server, skip CUDA tests without
a GPU."""

import pytest
import torch

torch.set_num_threads(1)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _local_files_allowed():
    """Page tests run app.py, which forbids reading server files for the whole process;
    every other test starts where the command line does, with files allowed."""
    from playground import own_data

    own_data._FILES["allowed"] = True
    yield
    own_data._FILES["allowed"] = True
