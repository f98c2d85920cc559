"""The librosa-suite harness runs librosa's own tests with ser_rs's functions really swapped in."""

from __future__ import annotations

import os
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


def run_harness(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "librosa_suite.py"), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=env,
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
