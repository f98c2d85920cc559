"""Measures how much of librosa 0.11's own test suite passes with ser_rs's functions swapped in.

Runs tests/librosa_suite (vendored librosa tests; the swap lives in its conftest.py) and prints the
pass / fail / skip counts per file and the failures grouped by cause (exception type and first line).
It measures, it does not gate: the exit status is 0 whenever the suite ran.

Usage: python scripts/librosa_suite.py [extra pytest arguments, e.g. -k test_rms]
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parents[1] / "tests" / "librosa_suite"


class Tally:
    """Pytest plugin: one outcome per test, and the cause of each failure."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.causes: Counter = Counter()

    def pytest_runtest_logreport(self, report) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        if report.when == "teardown" and report.skipped:
            return
        outcome = "failed" if report.failed else "xfailed" if hasattr(report, "wasxfail") else report.outcome
        self.counts[Path(report.nodeid.split("::")[0]).name][outcome] += 1
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


def main(argv: list[str]) -> int:
    tally = Tally()
    args = [str(SUITE), "-q", "-p", "no:cacheprovider", "-W", "ignore", "--no-header", "-rN", "--tb=no", *argv]
    status = pytest.main(args, plugins=[tally])
    print_summary(tally)
    # Collection or usage errors mean nothing was measured; test failures are the measurement.
    return 0 if status in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED) else int(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
