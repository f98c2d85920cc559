"""Execute the notebooks with a real Jupyter kernel, as a reader would run them.

    python scripts/run_notebooks.py                 # full run: the committed notebooks get their outputs
    python scripts/run_notebooks.py --quick         # CI: small inputs, executed copies to a temporary folder
    python scripts/run_notebooks.py 01_features     # some of them (name, stem or path)

Each notebook runs top to bottom in a fresh ``python3`` kernel of this interpreter (nbclient +
ipykernel), in the notebook's own folder. ``--quick`` sets ``SER_RS_NOTEBOOK_QUICK=1``, which the
notebooks read to pick small inputs on the same code path, and never touches the committed files.
A full run replaces a notebook only when every one of its cells succeeded, by an atomic rename, so
an error leaves the committed file as it was. The kernel sees this process's environment
(``SER_RS_DATA`` names the folder holding ``ravdess-16k``).

Exit status: 0 when every notebook ran; 1 when one failed (each failure names the notebook and
the cell); 2 for a bad command line (a notebook that does not exist).
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple, Optional, Sequence

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: The variable the notebooks read to choose small inputs.
QUICK_VARIABLE = "SER_RS_NOTEBOOK_QUICK"
#: Seconds one cell may run before the run is called failed (full runs train networks).
CELL_TIMEOUT = 1800
#: Kernel output is coloured; the report is plain text.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Failure(NamedTuple):
    """A notebook whose cell ``cell`` (1-based, counting every cell) raised ``error``."""

    notebook: Path
    cell: int
    error: str

    def __str__(self) -> str:
        return f"{self.notebook.name}: cell {self.cell} failed: {self.error}"


def _import_jupyter():
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError
    except ImportError as exc:
        raise SystemExit(f"run_notebooks.py needs nbclient, nbformat and ipykernel ({exc}): "
                         "pip install -r requirements-dev.txt (or pip install \"ser_rs[notebooks]\")") from exc
    return nbformat, NotebookClient, CellExecutionError


def resolve(names: Sequence[str]) -> list[Path]:
    """The notebooks named (a path, a file name in ``notebooks/`` or its stem); all of them when none is.

    Raises
    ------
    FileNotFoundError
        A name matches no notebook.
    """
    if not names:
        return sorted(NOTEBOOKS.glob("*.ipynb"))
    found = []
    for name in names:
        candidates = [Path(name), NOTEBOOKS / name, NOTEBOOKS / f"{name}.ipynb"]
        match = next((c for c in candidates if c.suffix == ".ipynb" and c.is_file()), None)
        if match is None:
            known = ", ".join(p.stem for p in sorted(NOTEBOOKS.glob("*.ipynb")))
            raise FileNotFoundError(f"no notebook {name!r}: pass a path to an .ipynb file or one of {known}")
        found.append(match.resolve())
    return found


def _error_text(exc: Exception) -> str:
    """The exception's type and message as the kernel reported them, without the traceback's colours."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(exc).__name__}: {exc}"
    return _ANSI.sub("", text).strip()


def execute(path: Path, *, timeout: int = CELL_TIMEOUT) -> tuple[object, Optional[Failure]]:
    """Run every cell of ``path`` in a fresh kernel in the notebook's folder; stop at the first error.

    Returns
    -------
    (notebook, failure)
        The executed notebook (nbformat node) and None, or what failed.
    """
    nbformat, NotebookClient, CellExecutionError = _import_jupyter()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as exc:
                return nb, Failure(path, index + 1, _error_text(exc))
            except Exception as exc:  # the kernel died or a cell timed out: still name the cell
                return nb, Failure(path, index + 1, _error_text(exc))
    return nb, None


def _file_mode(target: Path) -> int:
    """The permissions ``target`` has, or those a new file gets under the process's umask."""
    if target.exists():
        return stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_atomically(nb: object, target: Path) -> None:
    """Write ``nb`` to ``target`` through a temporary file in the same folder and a rename."""
    import nbformat

    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            nbformat.write(nb, f)
        os.chmod(temporary, _file_mode(target))  # mkstemp's file is private to its owner; the notebook is not
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def run(paths: Sequence[Path], *, quick: bool, out_dir: Optional[Path] = None) -> list[Failure]:
    """Execute ``paths``; write each executed copy (quick: into ``out_dir``; full: over the notebook
    when every cell succeeded) and return the failures."""
    if quick:
        os.environ[QUICK_VARIABLE] = "1"
    else:
        os.environ.pop(QUICK_VARIABLE, None)
    failures = []
    for path in paths:
        started = time.perf_counter()
        nb, failure = execute(path)
        seconds = time.perf_counter() - started
        if failure is not None:
            failures.append(failure)
            print(f"FAILED {failure} ({seconds:.0f} s){'' if quick else '; the notebook was left as it was'}", flush=True)
            continue
        target = out_dir / path.name if quick else path
        _write_atomically(nb, target)
        print(f"ok     {path.name} ({seconds:.0f} s) -> {target}", flush=True)
    return failures


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="notebooks to run (path, file name or stem); default: all in notebooks/")
    parser.add_argument("--quick", action="store_true", help=f"small inputs ({QUICK_VARIABLE}=1); executed copies to a temporary folder")
    parser.add_argument("--out", type=Path, help="with --quick: the folder for the executed copies (default: a new temporary folder)")
    args = parser.parse_args(argv)
    if args.out is not None and not args.quick:
        parser.error("--out is for --quick runs: a full run writes the notebooks in place")
    try:
        paths = resolve(args.names)
    except FileNotFoundError as exc:
        parser.error(str(exc))
    if not paths:
        parser.error(f"no notebooks in {NOTEBOOKS}")
    out_dir = None
    if args.quick:
        out_dir = args.out if args.out is not None else Path(tempfile.mkdtemp(prefix="ser_rs_notebooks_"))
        out_dir.mkdir(parents=True, exist_ok=True)
    failures = run(paths, quick=args.quick, out_dir=out_dir)
    if failures:
        print(f"{len(failures)} of {len(paths)} notebooks failed:", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
