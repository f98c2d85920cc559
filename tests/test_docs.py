"""The examples in the docstrings run and print what they show."""

from __future__ import annotations

import doctest
import inspect
import importlib
import pkgutil

import pytest

import ser_rs

MODULES = ["ser_rs"] + [m.name for m in pkgutil.walk_packages(ser_rs.__path__, "ser_rs.") if not m.name.rsplit(".", 1)[-1].startswith("_")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_public_function_is_documented():
    from ser_rs import effects, feature, prosody

    public = [getattr(m, n) for m in (feature, effects, prosody) for n in m.__all__ if inspect.isfunction(getattr(m, n))]
    public += [c for c in vars(effects).values() if isinstance(c, type) and issubclass(c, effects.Transform) and c is not effects.Transform]
    for obj in public + [ser_rs.load, ser_rs.resample, ser_rs.extract, effects.Compose, effects.Compose.apply_batch, ser_rs.yin, ser_rs.pyin]:
        doc = obj.__doc__ or ""
        assert "Examples" in doc, f"{obj.__name__} has no examples"


@pytest.mark.parametrize("module_name", ["ser_rs._native", "ser_rs_train._trainer"])
def test_every_native_function_has_a_type_stub(module_name):
    import ast
    from pathlib import Path

    module = importlib.import_module(module_name)
    stub_file = Path(module.__file__).with_name(module_name.rsplit(".", 1)[1] + ".pyi")
    body = ast.parse(stub_file.read_text()).body
    stubs = {node.name for node in body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    native = {name for name in dir(module) if callable(getattr(module, name)) and not name.startswith("_")}
    assert native == stubs, f"missing stubs: {native - stubs}, stale stubs: {stubs - native}"


def test_every_registered_feature_is_a_documented_function_of_ser_rs_feature():
    # The names come from the Rust registry; the Python functions give them librosa's signatures.
    from ser_rs import feature

    for name in ser_rs.FEATURES:
        func = getattr(feature, name, None)
        assert callable(func) and name in feature.__all__, f"{name} is registered but ser_rs.feature has no such function"
        assert "Examples" in (func.__doc__ or ""), f"ser_rs.feature.{name} has no examples"
