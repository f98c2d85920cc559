"""The Python package follows its pipeline: no import cycle, no import against the order of
scripts/import_graph.py's LAYERS, no module taking another module's private names. The graph is
read from the source, so lazy imports inside functions count too."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT


def _load_script():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


graph = _load_script()


def test_every_module_has_a_layer():
    for module in graph.module_files():
        graph.layer(module)  # a KeyError names a module missing from LAYERS


def test_the_graph_sees_lazy_imports_and_submodules():
    edges = graph.import_graph()
    pairs = {(e.source, e.target) for e in edges}
    assert ("ser_rs.batch", "ser_rs.feature") in pairs  # `from ser_rs import feature as _feature`
    assert ("ser_rs.model", "ser_rs.batch") in pairs  # imported inside a function
    assert ("ser_rs.cli", "ser_rs.inference") in pairs


def test_no_import_cycle():
    found = graph.cycles(graph.import_graph())
    assert not found, "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_no_upward_import():
    upward = graph.upward_imports(graph.import_graph())
    assert not upward, "imports against the pipeline's order:\n" + "\n".join(map(str, upward))


def test_no_private_name_taken_across_modules():
    private = graph.private_imports(graph.import_graph())
    assert not private, "private names of other modules:\n" + "\n".join(map(str, private))


@pytest.fixture
def bad_package(tmp_path: Path) -> Path:
    """A small ser_rs with one cycle, one upward import and two private names taken."""
    root = tmp_path / "ser_rs"
    root.mkdir()
    files = {
        "__init__.py": "from ser_rs import audio, batch\n",
        "_native.pyi": "",
        "audio.py": "from ser_rs import _native\nfrom ser_rs.exceptions import ParameterError\n",
        "exceptions.py": "def f():\n    from ser_rs.audio import load\n",  # upward, and a cycle with audio
        "batch.py": "from ser_rs.audio import _decode\nfrom ser_rs import audio\nx = audio._rate\n",
    }
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text))
    return root


def test_the_checks_name_each_broken_rule(bad_package):
    found = graph.problems(bad_package)
    text = "\n".join(found)
    assert "import cycle: ser_rs.audio -> ser_rs.exceptions -> ser_rs.audio" in text
    assert "upward import (layer 1 imports layer 3): ser_rs.exceptions -> ser_rs.audio (load) at line 2" in text
    assert "private name of another module: ser_rs.batch -> ser_rs.audio (_decode) at line 1" in text
    assert "private name of another module: ser_rs.batch -> ser_rs.audio (_rate) at line 3" in text
    assert len(found) == 4, text  # the native module and __init__'s imports are fine
