"""Documentation that cannot rot: the examples in the docstrings run and print what they show, every
public name of every public module carries its numpydoc sections, the README stays short, and
the links between the README and docs/ resolve."""

from __future__ import annotations

import ast
import doctest
import inspect
import importlib
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest

import ser_rs

MODULES = ["ser_rs"] + [m.name for m in pkgutil.walk_packages(ser_rs.__path__, "ser_rs.") if not m.name.rsplit(".", 1)[-1].startswith("_")]
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


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


def _public_names(module):
    """``__all__``, or else the functions and classes the module defines without a leading underscore."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return [name for name, value in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == module.__name__]


def _public_objects():
    seen = set()
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in _public_names(module):
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and id(obj) not in seen:
                seen.add(id(obj))
                yield f"{obj.__module__}.{obj.__qualname__}", obj


PUBLIC = dict(_public_objects())


def _sections(doc):
    return set(re.findall(r"^(\w[\w ]*)\n-{3,}$", doc, flags=re.MULTILINE))


def _takes_arguments(obj):
    if inspect.isclass(obj):
        init = obj.__init__
        # An exception or a plain class without its own __init__ takes what its built-in base takes.
        if not inspect.isfunction(init) or not init.__module__.startswith("ser_rs"):
            return False
        return len(inspect.signature(init).parameters) > 1
    return len(inspect.signature(obj).parameters) > 0


def _own_body_nodes(func):
    """The AST nodes of ``func``'s body, leaving out nested functions, classes and lambdas."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(func))).body[0]
    stack = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node)
                     if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)))


def _body_sections(func):
    """Returns (or Yields) when ``func`` gives a value back, Raises when it raises itself."""
    try:
        nodes = list(_own_body_nodes(func))
    except OSError:  # generated code (a dataclass's __init__) has no source and no body to read
        return set()
    required = set()
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes):
        required.add("Yields")
    elif any(isinstance(n, ast.Return) and n.value is not None and not (isinstance(n.value, ast.Constant) and n.value.value is None) for n in nodes):
        required.add("Returns")
    if any(isinstance(n, ast.Raise) for n in nodes):
        required.add("Raises")
    return required


def _required_sections(obj):
    required = {"Examples"}
    if _takes_arguments(obj):
        required.add("Parameters")
    if inspect.isfunction(obj):
        required |= _body_sections(obj)
    elif "__init__" in vars(obj) and inspect.isfunction(obj.__init__):
        required |= _body_sections(obj.__init__) & {"Raises"}  # a class documents what its constructor raises
    return required


def _public_methods():
    for qualname, cls in PUBLIC.items():
        if not inspect.isclass(cls):
            continue
        for name, member in vars(cls).items():
            func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            if inspect.isfunction(func) and (not name.startswith("_") or name == "__call__"):
                yield f"{qualname}.{name}", func


METHODS = dict(_public_methods())


def test_the_public_names_are_found():
    # The walk must reach every public module and the names users meet first.
    assert {"ser_rs.audio.load", "ser_rs.feature.mfcc", "ser_rs.model.EmotionClassifier", "ser_rs.cli.main",
            "ser_rs.datasets.corpora.read_corpus", "ser_rs.exceptions.ParameterError"} <= set(PUBLIC)


@pytest.mark.parametrize("qualname", sorted(PUBLIC))
def test_every_public_name_has_numpydoc_sections(qualname):
    obj = PUBLIC[qualname]
    doc = inspect.getdoc(obj) or ""
    assert doc and not doc.startswith("\n"), f"{qualname} has no summary line"
    sections = _sections(doc)
    if inspect.isclass(obj) and "Attributes" in sections:
        sections.add("Parameters")  # a record's fields are its constructor's parameters
    missing = _required_sections(obj) - sections
    assert not missing, f"{qualname}'s docstring lacks the numpydoc section(s) {sorted(missing)}"
    assert ">>>" in doc.split("Examples", 1)[-1], f"{qualname}'s Examples section has no doctest"


@pytest.mark.parametrize("qualname", sorted(METHODS))
def test_every_public_method_has_numpydoc_sections(qualname):
    # Methods need no Examples of their own when their class's show them in use.
    method = METHODS[qualname]
    doc = inspect.getdoc(method) or ""
    assert doc and not doc.startswith("\n"), f"{qualname} has no summary line"
    required = _body_sections(method)
    parameters = [p for p in inspect.signature(method).parameters if p not in ("self", "cls")]
    if parameters:
        required.add("Parameters")
    missing = required - _sections(doc)
    assert not missing, f"{qualname}'s docstring lacks the numpydoc section(s) {sorted(missing)}"


def _anchors(markdown):
    """GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens."""
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)}


def test_readme_is_short():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 250, "the README teaches; records belong in docs/"


@pytest.mark.parametrize("page", ["README.md"] + sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")))
def test_links_between_the_pages_resolve(page):
    source = ROOT / page
    text = source.read_text()
    for target, anchor in re.findall(r"\]\((?!https?:)([^)#\s]*)(?:#([^)\s]+))?\)", text):
        path = source.parent / target if target else source
        assert path.exists(), f"{page} links to {target}, which does not exist"
        if anchor:
            assert anchor in _anchors(path.read_text()), f"{page} links to {target}#{anchor}, which has no such heading"
