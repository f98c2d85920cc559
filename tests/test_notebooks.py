"""The notebooks run top to bottom in a real Jupyter kernel (scripts/run_notebooks.py --quick, as
CI runs them), the committed copies hold a full run's outputs, and a run without the data fails
with a message that says what to set, leaving the notebooks as they were."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook tests need nbformat, nbclient and ipykernel (requirements-dev.txt)")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
RUNNER = ROOT / "scripts" / "run_notebooks.py"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# A quick run is a minute or two a notebook on two busy cores; the limit only stops a hang.
TIMEOUT = 1800


def run_notebooks(*args: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SER_RS_DATA": str(data)}
    env.pop("SER_RS_NOTEBOOK_QUICK", None)  # the runner alone decides
    return subprocess.run([sys.executable, str(RUNNER), *args], capture_output=True, text=True, env=env, timeout=TIMEOUT)


def code_cells(nb) -> list:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def images(nb) -> int:
    return sum("image/png" in out.get("data", {}) for cell in code_cells(nb) for out in cell.outputs)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_in_a_kernel(path, ravdess16k, tmp_path):
    committed = path.read_bytes()
    proc = run_notebooks("--quick", "--out", str(tmp_path), str(path), data=ravdess16k.parent)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    executed = nbformat.read(tmp_path / path.name, as_version=4)
    assert all(cell.execution_count is not None for cell in code_cells(executed))
    assert not [out for cell in code_cells(executed) for out in cell.outputs if out.output_type == "error"]
    assert images(executed) > 0, "the figures are not shown inline"
    assert path.read_bytes() == committed, "a quick run must not touch the committed notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_notebook_holds_the_outputs_of_a_full_run(path):
    nb = nbformat.read(path, as_version=4)
    cells = code_cells(nb)
    assert cells and all(cell.execution_count is not None for cell in cells), "run `python scripts/run_notebooks.py` and commit the result"
    assert not [out for cell in cells for out in cell.outputs if out.output_type == "error"]
    assert images(nb) > 0
    assert "SER_RS_NOTEBOOK_QUICK" in "".join(cells[0].source) and "SER_RS_DATA" in "".join(cells[0].source), \
        "the first code cell chooses the sizes from SER_RS_NOTEBOOK_QUICK and finds the data through SER_RS_DATA"


def test_a_run_without_the_data_says_what_to_set_and_leaves_the_notebooks_as_they_were(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS:
        (folder / path.name).write_bytes(path.read_bytes())
    empty = tmp_path / "empty"
    empty.mkdir()

    proc = run_notebooks(*(str(folder / p.name) for p in NOTEBOOKS), data=empty)  # a full run: it would write in place

    assert proc.returncode == 1, proc.stdout + proc.stderr
    for path in NOTEBOOKS:
        lines = [line for line in proc.stderr.splitlines() if line.strip().startswith(f"{path.name}: cell ")]
        assert len(lines) == 1, proc.stderr
        assert "failed: MissingFileError" in lines[0] and "SER_RS_DATA" in lines[0] and str(empty) in lines[0]
        assert (folder / path.name).read_bytes() == path.read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in NOTEBOOKS), "a temporary file was left behind"


def test_an_unknown_notebook_is_a_usage_error(tmp_path):
    proc = run_notebooks("--quick", "no_such_notebook", data=tmp_path)
    assert proc.returncode == 2
    assert "no notebook 'no_such_notebook'" in proc.stderr


@pytest.mark.parametrize("backend, kept", [("module://matplotlib_inline.backend_inline", True), ("", False)])
def test_ser_rs_plots_keeps_jupyters_inline_backend_and_otherwise_draws_to_files(backend, kept):
    code = "import matplotlib, ser_rs.plots; print(matplotlib.get_backend())"
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"} | ({"MPLBACKEND": backend} if backend else {})
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().lower() == (backend if kept else "agg")
