"""Measures how much of librosa 0.11's own test suite passes with ser_rs's functions swapped in.

Runs librosa's test files in tests/librosa_suite (the swap lives in its conftest.py, written here)
and prints the pass / fail / skip counts per file and the failures grouped by cause (exception type
and first line). Plainly run, it measures: the exit status is 0 whenever the suite ran.

librosa's files are not copied into this repository: `--fetch` unpacks them (tests/test_core.py,
test_effects.py, test_features.py and their ISC licence) from the source distribution of the
librosa version installed (pinned in requirements-dev.txt), fetched from the package index once;
scripts/test.sh does that before the tests, so nothing is fetched while they run.

With `--gate` it also judges: the exit status is 1 when a test fails that EXCLUDED does not list
(each such test is printed), so CI can hold the line; excluded tests that now pass are printed too,
as a hint that their entry can go.

Usage: python scripts/librosa_suite.py [--fetch | --gate] [extra pytest arguments, e.g. -k test_rms]
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parents[1] / "tests" / "librosa_suite"
#: What is taken from librosa's source distribution, by its path there.
UPSTREAM = ("tests/test_core.py", "tests/test_effects.py", "tests/test_features.py", "LICENSE.md")


#: The librosa tests allowed to fail, by reason (docs/exactness.md lists the same; a test checks it).
#: An entry is 'file::test' (every parametrization), 'file::test[params]' (one), or ends in '*'
#: (every test whose 'file::test[params]' starts with the rest). Tests that need librosa's data
#: submodule or example audio need no entry: tests/librosa_suite/conftest.py skips them.
EXCLUDED: dict[str, tuple[str, ...]] = {
    "resampling filters ser_rs does not offer (it computes soxr's 'HQ' only, librosa's default)": (
        "test_core.py::test_load_resample[soxr_qq]",
        "test_core.py::test_load_resample[scipy]",
    ),
}


def is_excluded(test: str) -> bool:
    """Whether ``test`` ('file::test[params]') is listed in EXCLUDED."""
    return any(
        test == entry or test.split("[", 1)[0] == entry or (entry.endswith("*") and test.startswith(entry[:-1]))
        for entries in EXCLUDED.values()
        for entry in entries
    )


def upstream_present() -> bool:
    return all((SUITE / Path(name).name).is_file() for name in UPSTREAM)


def fetch_upstream() -> None:
    """Unpacks librosa's test files for the installed version into SUITE (once)."""
    if upstream_present():
        return
    import librosa

    version = librosa.__version__
    with tempfile.TemporaryDirectory(prefix="librosa_sdist_") as scratch:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        f"librosa=={version}", "-d", scratch], check=True, timeout=600)
        (archive,) = Path(scratch).glob("librosa-*.tar.gz")
        with tarfile.open(archive) as tar:
            for name in UPSTREAM:
                member = tar.getmember(f"librosa-{version}/{name}")
                (SUITE / Path(name).name).write_bytes(tar.extractfile(member).read())


class Tally:
    """Pytest plugin: one outcome per test, and the cause of each failure."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.causes: Counter = Counter()
        #: 'file::test[params]' of each test, by outcome ('failed', 'passed').
        self.tests: dict[str, list[str]] = defaultdict(list)

    def pytest_runtest_logreport(self, report) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        if report.when == "teardown" and report.skipped:
            return
        outcome = "failed" if report.failed else "xfailed" if hasattr(report, "wasxfail") else report.outcome
        file, _, test = report.nodeid.partition("::")
        self.counts[Path(file).name][outcome] += 1
        self.tests[outcome].append(f"{Path(file).name}::{test}")
        if report.failed:
            self.causes[failure_cause(report)] += 1


def failure_cause(report) -> str:
    """'ExceptionType: first line of its message', numbers replaced by N so that causes group."""
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    first_line = (text.strip().splitlines() or ["(no message)"])[0][:160]
    # Shapes and sizes vary per parametrization; the cause is the same.
    return re.sub(r"(?<![\w.])\d+(?:\.\d+)?", "N", first_line)


def print_summary(tally: Tally, top: int = 25) -> None:
    print("\nlibrosa 0.11 test suite with ser_rs swapped in")
    print(f"{'file':<20}{'passed':>8}{'failed':>8}{'skipped':>9}{'xfailed':>9}")
    for name in sorted(tally.counts):
        c = tally.counts[name]
        print(f"{name:<20}{c['passed']:>8}{c['failed']:>8}{c['skipped']:>9}{c['xfailed']:>9}")
    print(f"\nfailure causes ({sum(tally.causes.values())} failures, top {top}):")
    for cause, count in tally.causes.most_common(top):
        print(f"{count:>6}  {cause}")


def gate(tally: Tally) -> int:
    """1 when a test failed that EXCLUDED does not list, else 0; prints both kinds of news."""
    unexpected = [t for t in tally.tests["failed"] if not is_excluded(t)]
    newly_passing = [t for t in tally.tests["passed"] if is_excluded(t)]
    if newly_passing:
        print(f"\n{len(newly_passing)} excluded test(s) passed; their EXCLUDED entry may go:")
        for test in newly_passing:
            print(f"  {test}")
    if unexpected:
        print(f"\nGATE FAILED: {len(unexpected)} test(s) failed that EXCLUDED does not list:")
        for test in unexpected:
            print(f"  {test}")
        return 1
    print(f"\ngate passed: {len(tally.tests['failed'])} failure(s), all in EXCLUDED")
    return 0


def main(argv: list[str]) -> int:
    if "--fetch" in argv:
        fetch_upstream()
        return 0
    gating = "--gate" in argv
    argv = [a for a in argv if a != "--gate"]
    if not upstream_present():
        print("librosa's test files are not unpacked yet: run `python scripts/librosa_suite.py --fetch`", file=sys.stderr)
        return 2
    tally = Tally()
    args = [str(SUITE), "-q", "-p", "no:cacheprovider", "-W", "ignore", "--no-header", "-rN", "--tb=no", *argv]
    status = pytest.main(args, plugins=[tally])
    print_summary(tally)
    if gating:
        # A gate that ran nothing, or could not collect, has judged nothing: that is a failure.
        return gate(tally) if status in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) else max(int(status), 1)
    # Collection or usage errors mean nothing was measured; test failures are the measurement.
    return 0 if status in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED) else int(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
