"""Deep Learning Playground: the headless core (no streamlit outside playground/ui/)."""

from playground.builder import build_model, count_parameters
from playground.datasets import DATASETS, Data, DatasetInfo, make_data
from playground.devices import available_devices, describe_device, resolve_device
from playground.errors import SpecError
from playground.layers import LAYERS
from playground.presets import PRESETS
from playground.runner import Runner
from playground.shapes import ShapeReport, analyze, validate
from playground.spec import Spec, load_spec
from playground.trainer import Trainer

__all__ = [
    "DATASETS", "LAYERS", "PRESETS", "Data", "DatasetInfo", "Runner", "ShapeReport", "Spec",
    "SpecError", "Trainer", "analyze", "available_devices", "build_model", "count_parameters",
    "describe_device", "load_spec", "make_data", "resolve_device", "validate",
]
