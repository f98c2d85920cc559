"""The librosa-suite harness runs librosa's own tests with ser_rs's functions really swapped in."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("librosa")

from conftest import IN_CI  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

if not (ROOT / "tests" / "librosa_suite" / "test_features.py").is_file():
    _missing = "librosa's test files are not unpacked: run `python scripts/librosa_suite.py --fetch` (scripts/test.sh does)"
    if IN_CI:
        raise RuntimeError(_missing + "; CI must have them")
    pytest.skip(_missing, allow_module_level=True)

# A pytest plugin loaded into the harness's run: while a librosa test runs, it records whether the
# names librosa's tests call are ser_rs's functions.
PROBE_PLUGIN = '''
import os
import librosa, librosa.feature, librosa.effects
import ser_rs.feature, ser_rs.effects

def pytest_runtest_call(item):
    swapped = (
        librosa.feature.mfcc is ser_rs.feature.mfcc
        and librosa.stft is ser_rs.feature.stft
        and librosa.effects.trim is ser_rs.effects.trim
    )
    with open(os.environ["SWAP_PROBE_OUT"], "a") as out:
        out.write(f"{item.name} {swapped}\\n")
'''


def run_harness(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "librosa_suite.py"), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env,
    )


def counts(stdout: str, file: str) -> tuple[int, ...]:
    """(passed, failed, skipped, xfailed) of one file's row in the harness's table."""
    row = next(line for line in stdout.splitlines() if line.startswith(file))
    return tuple(int(n) for n in row.split()[1:])


def test_harness_counts_a_passing_librosa_test():
    result = run_harness("-k", "test_zcr_synthetic")
    assert result.returncode == 0, result.stdout + result.stderr
    passed, failed, *_ = counts(result.stdout, "test_features.py")
    assert passed > 0 and failed == 0, result.stdout


def test_harness_swaps_in_ser_rs_functions(tmp_path):
    (tmp_path / "swap_probe.py").write_text(PROBE_PLUGIN)
    out = tmp_path / "probe.txt"
    env = dict(os.environ, SWAP_PROBE_OUT=str(out))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    result = run_harness("-p", "swap_probe", "-k", "test_zcr_synthetic", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = out.read_text().splitlines()
    assert lines and all(line.endswith(" True") for line in lines), lines


def test_main_suite_does_not_collect_the_librosa_suite():
    from conftest import collect_ignore

    assert "librosa_suite" in collect_ignore


def _suite_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("librosa_suite_script", ROOT / "scripts" / "librosa_suite.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gate_passes_over_the_three_files():
    # The CI gate: every failure of librosa's test_core.py subset, test_effects.py and
    # test_features.py is one EXCLUDED lists. About 50 s of CPU (docs/exactness.md).
    result = run_harness("--gate", timeout=1800)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "gate passed" in result.stdout
    for file in ("test_core.py", "test_effects.py", "test_features.py"):
        passed, *_ = counts(result.stdout, file)
        assert passed > 100, result.stdout[-3000:]


FAILING_PLUGIN = '''
def pytest_runtest_call(item):
    raise AssertionError("made to fail by the gate's own test")
'''


def test_gate_fails_on_a_failure_excluded_does_not_list(tmp_path):
    (tmp_path / "make_fail.py").write_text(FAILING_PLUGIN)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    result = run_harness("--gate", "-p", "make_fail", "-k", "test_zcr_synthetic", env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "GATE FAILED" in result.stdout and "test_features.py::test_zcr_synthetic" in result.stdout


def test_gate_that_runs_nothing_fails():
    result = run_harness("--gate", "-k", "no_such_librosa_test")
    assert result.returncode != 0, result.stdout


def test_excluded_entries_match_as_documented(monkeypatch):
    suite = _suite_script()
    assert suite.is_excluded("test_core.py::test_load_resample[scipy]")
    assert not suite.is_excluded("test_core.py::test_load_resample[soxr_hq]")
    # The three forms of an entry: a whole test, one parametrization, a prefix ending in '*'.
    monkeypatch.setattr(suite, "EXCLUDED", {"why": ("test_core.py::test_stft_preallocate", "test_effects.py::test_trim[stereo-*",
                                                    "test_core.py::test_load_resample[scipy]")})
    assert suite.is_excluded("test_core.py::test_stft_preallocate[1024-1023-128-False]")
    assert suite.is_excluded("test_effects.py::test_trim[stereo-3.0-1-60]")
    assert not suite.is_excluded("test_effects.py::test_trim[mono-3.0-1-60]")
    assert not suite.is_excluded("test_core.py::test_stft_preallocate_undersize[2048-1023-128-False]")
    assert not suite.is_excluded("test_core.py::test_load_resample[soxr_qq]")


def test_docs_list_exactly_the_exclusions():
    text = (ROOT / "docs" / "exactness.md").read_text()
    section = text.split("<!-- EXCLUDED -->", 1)[1].split("<!-- /EXCLUDED -->", 1)[0]
    documented = {}
    for row in section.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 2 and "`" in cells[1]:
            documented[cells[0]] = tuple(re.findall(r"`([^`]+)`", cells[1]))
    assert documented == _suite_script().EXCLUDED
