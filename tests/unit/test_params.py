"""Param descriptors: coercion, ranges, choices and the messages that name where and how."""

import math

import pytest

from playground.errors import SpecError
from playground.params import Param, check_params

UNITS = Param("units", int, 16, "Units.", min=1, max=64)
RATE = Param("lr", float, 0.1, "Rate.", min=0.0, max=1.0, log=True)
FLAG = Param("bias", bool, True, "Bias.")
NAME = Param("optimizer", str, "adam", "Optimizer.", choices=("sgd", "adam"))


def test_int_accepts_integral_floats_and_rejects_the_rest():
    assert UNITS.check(8, "here") == 8
    assert UNITS.check(8.0, "here") == 8 and isinstance(UNITS.check(8.0, "here"), int)
    for bad in (8.5, "8", True, None, [8]):
        with pytest.raises(SpecError, match=r"here: 'units' must be an integer"):
            UNITS.check(bad, "here")


def test_range_message_says_the_allowed_range():
    with pytest.raises(SpecError, match=r"layer 2 \(linear\): 'units' is 0; Use a value from 1 "
                                        r"to 64"):
        UNITS.check(0, "layer 2 (linear)")
    with pytest.raises(SpecError, match="from 1 to 64"):
        UNITS.check(65, "x")
    assert UNITS.check(64, "x") == 64 and UNITS.check(1, "x") == 1


def test_float_rejects_bools_strings_and_non_finite_values():
    assert RATE.check(1, "x") == 1.0 and isinstance(RATE.check(1, "x"), float)
    for bad in (True, "0.1", None):
        with pytest.raises(SpecError, match="must be a number"):
            RATE.check(bad, "x")
    for bad in (math.nan, math.inf):
        with pytest.raises(SpecError, match="finite"):
            RATE.check(bad, "x")


def test_bool_and_str_and_choices():
    assert FLAG.check(False, "x") is False
    with pytest.raises(SpecError, match="true or false"):
        FLAG.check(1, "x")
    assert NAME.check("sgd", "x") == "sgd"
    with pytest.raises(SpecError, match="must be a string"):
        NAME.check(3, "x")
    with pytest.raises(SpecError, match=r"choose one of 'sgd', 'adam'"):
        NAME.check("rmsprop", "x")


def test_check_params_fills_defaults_and_rejects_unknown_names():
    params = (UNITS, RATE)
    assert check_params(params, {}, "x") == {"units": 16, "lr": 0.1}
    assert check_params(params, {"units": 4}, "x") == {"units": 4, "lr": 0.1}
    with pytest.raises(SpecError, match=r"layer 1 \(linear\): unknown parameter 'width'. "
                                        "Allowed parameters: lr, units"):
        check_params(params, {"width": 3}, "layer 1 (linear)")


def test_describe_is_json_ready():
    d = NAME.describe()
    assert d == {"name": "optimizer", "type": "str", "default": "adam", "help": "Optimizer.",
                 "choices": ["sgd", "adam"]}
    assert UNITS.describe()["min"] == 1 and UNITS.describe()["max"] == 64
