"""The import graph of the ser_rs Python package, read from the source (no import is run), and
the rules it must follow: no cycle, no import against the pipeline's order, no module reaching
for another module's private names.

Every ``import`` and ``from ... import`` counts, at module level or inside a function (a lazy
import still ties the modules together). Run it to print the graph and any broken rule:

    python scripts/import_graph.py            # edges, then problems; exit code 1 if any

``tests/test_layering_python.py`` checks the same rules.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import NamedTuple, Optional

PACKAGE = "ser_rs"
SOURCE = Path(__file__).resolve().parents[1] / "python" / PACKAGE

#: The pipeline, bottom first: a module may import modules of its own or an earlier layer only.
#: Layers are keyed by module name; a subpackage's modules take the subpackage's layer. Modules
#: whose own name starts with an underscore (``_native``, ``_validate``) are the package's shared
#: internals: any module may import them and use their names.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_native",),
    ("exceptions",),
    ("_validate", "_backend", "_channels", "_progress", "_jsonable"),  # _channels: librosa's (..., n) channels, in parallel; _progress: tqdm on a terminal, one line per stage in a log
    ("audio",),
    ("feature", "prosody", "metrics"),
    ("effects",),
    ("batch",),
    ("distributed",),  # batch.extract over a dask cluster, into Parquet files
    ("datasets",),
    ("model",),
    ("inference",),
    ("streaming",),  # live recognition over inference
    ("sklearn",),  # scikit-learn estimators on the features; the SVM baseline of experiment
    ("plots",),  # draws what it is given; imports nothing of ser_rs, so experiment may use it
    ("tuning",),  # the hyperparameter search (Optuna) over model's classifier, on datasets' speaker folds
    ("experiment",),
    ("server",),  # the HTTP server and page over inference (FastAPI, imported lazily)
    (PACKAGE,),  # the package's __init__: the public facade over everything above
    ("cli",),  # the command, an application of the facade
)


class Edge(NamedTuple):
    """``source`` imports ``target`` (dotted module names) at ``line``; ``names`` are the names
    taken from it by ``from target import ...`` (empty for ``import target``)."""

    source: str
    target: str
    line: int
    names: tuple[str, ...]

    def __str__(self) -> str:
        taken = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.source} -> {self.target}{taken} at line {self.line}"


def module_files(root: Path = SOURCE) -> dict[str, Path]:
    """Each module of the package by dotted name (a package by its ``__init__.py``)."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = (PACKAGE,) + path.relative_to(root).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _is_module(name: str, modules: set[str], root: Path) -> bool:
    if name in modules:
        return True
    # Compiled or stub-only modules (the native extension) have no .py file.
    relative = Path(*name.split(".")[1:])
    return any((root / relative.parent).glob(f"{relative.name}.*")) if relative.parts else False


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> Optional[str]:
    """The absolute name a ``from`` import reads from (relative imports resolved)."""
    if not node.level:
        return node.module
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(module: str, path: Path, modules: set[str], root: Path = SOURCE) -> list[Edge]:
    """Every import of a package module made by ``module`` (file ``path``), anywhere in it."""
    edges = []
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            edges += [Edge(module, a.name, node.lineno, ()) for a in node.names if a.name.split(".")[0] == PACKAGE]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(node, module, is_package)
            if source is None or source.split(".")[0] != PACKAGE:
                continue
            plain = []
            for alias in node.names:
                # ``from ser_rs import feature`` imports the submodule, not a name of __init__.
                if _is_module(f"{source}.{alias.name}", modules, root):
                    edges.append(Edge(module, f"{source}.{alias.name}", node.lineno, ()))
                else:
                    plain.append(alias.name)
            if plain:
                edges.append(Edge(module, source, node.lineno, tuple(plain)))
    return edges


def import_graph(root: Path = SOURCE) -> list[Edge]:
    """All import edges between the package's modules, self-imports left out."""
    files = module_files(root)
    edges = []
    for module, path in files.items():
        edges += [e for e in imports(module, path, set(files), root) if e.target != module]
    return edges


def layer(module: str) -> int:
    """The layer of a dotted module name (its first component below the package)."""
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else PACKAGE
    for rank, names in enumerate(LAYERS):
        if key in names:
            return rank
    raise KeyError(f"{module} has no layer: add it to LAYERS in scripts/import_graph.py")


def cycles(edges: list[Edge]) -> list[list[str]]:
    """The import cycles, each as the modules around it (the first repeated at the end)."""
    graph: dict[str, list[str]] = {}
    for e in edges:
        graph.setdefault(e.source, []).append(e.target)
    found, state = [], {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(set(graph.get(node, ()))):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _internal(module: str) -> bool:
    """A package-internal helper module such as ``ser_rs._native``: shared by every module."""
    return any(_private(part) for part in module.split(".")[1:])


def upward_imports(edges: list[Edge]) -> list[Edge]:
    """Edges from a module to one of a later layer than its own."""
    return [e for e in edges if layer(e.target) > layer(e.source)]


def _subpackage(module: str) -> str:
    return ".".join(module.split(".")[:2])


def private_imports(edges: list[Edge], root: Path = SOURCE) -> list[Edge]:
    """Edges that take another module's private names: ``from ser_rs.x import _name`` or
    ``x._name`` on an imported ser_rs module. Within one subpackage, and from the shared
    internal modules, private names are allowed."""
    bad = [e for e in edges if not _internal(e.target) and _subpackage(e.source) != _subpackage(e.target)
           and any(_private(n) for n in e.names)]
    return bad + _private_attributes(root)


def _private_attributes(root: Path) -> list[Edge]:
    """``alias._name`` where ``alias`` is bound to another ser_rs module by an import."""
    files = module_files(root)
    out = []
    for module, path in files.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == PACKAGE:
                        aliases[a.asname or a.name] = a.name
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(node, module, path.name == "__init__.py")
                for a in node.names:
                    if source and _is_module(f"{source}.{a.name}", set(files), root):
                        aliases[a.asname or a.name] = f"{source}.{a.name}"
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                target = _dotted(node.value, aliases)
                if target and _is_module(f"{target}.{node.attr}", set(files), root):
                    continue  # a submodule such as ser_rs._native, not a name
                if target and target != module and not _internal(target) and _subpackage(target) != _subpackage(module):
                    out.append(Edge(module, target, node.lineno, (node.attr,)))
    return out


def _dotted(node: ast.AST, aliases: dict[str, str]) -> Optional[str]:
    """The ser_rs module an expression such as ``ser_rs.model`` or ``feature`` names, if any."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def problems(root: Path = SOURCE) -> list[str]:
    """Every broken rule, one line each, naming the edge."""
    edges = import_graph(root)
    out = [f"import cycle: {' -> '.join(c)}" for c in cycles(edges)]
    out += [f"upward import (layer {layer(e.source)} imports layer {layer(e.target)}): {e}" for e in upward_imports(edges)]
    out += [f"private name of another module: {e}" for e in private_imports(edges, root)]
    return out


def main() -> int:
    for edge in sorted(import_graph(), key=lambda e: (e.source, e.target, e.line)):
        print(edge)
    found = problems()
    print()
    print("\n".join(found) if found else "no cycle, no upward import, no private name taken across modules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
