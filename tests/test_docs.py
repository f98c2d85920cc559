"""The examples in the docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["ser_rs", "ser_rs.audio", "ser_rs.feature", "ser_rs.prosody", "ser_rs.batch", "ser_rs.model", "ser_rs.datasets"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_public_function_is_documented():
    import ser_rs
    from ser_rs import feature

    for obj in [getattr(feature, n) for n in feature.__all__ if callable(getattr(feature, n))] + [ser_rs.load, ser_rs.resample, ser_rs.extract, ser_rs.yin, ser_rs.pyin]:
        doc = obj.__doc__ or ""
        assert "Examples" in doc, f"{obj.__name__} has no examples"
