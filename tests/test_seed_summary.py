"""benchmarks/seed_summary.py: the multi-seed tables of docs/results.md, and its refusals of reports it
cannot average."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "seed_summary.py"


def write_report(folder: Path, seed: int, adversarial_uar: float, kept: float, epsilon: float = 0.2) -> Path:
    folder.mkdir(parents=True)
    report = {
        "settings": {"classifier": {"seed": seed, "hidden_size": 64}, "epsilon": epsilon, "seconds": 100.0 + seed},
        "models": {"standard": {"accuracy": 0.56, "uar": 0.55}, "adversarial": {"accuracy": 0.6, "uar": adversarial_uar}},
        "targets": {"half_accuracy_epsilon": 0.045, "adversarial_accuracy_at_epsilon": 0.45,
                    "adversarial_kept_share": kept, "clean_cost_points": -3.0},
    }
    (folder / "report.json").write_text(json.dumps(report))
    return folder


def summarise(*folders: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, folders)], capture_output=True, text=True, timeout=60)


def test_seeds_are_tabled_and_averaged_against_the_targets(tmp_path):
    folders = [write_report(tmp_path / f"s{s}", s, uar, kept) for s, uar, kept in ((1, 0.62, 0.82), (0, 0.60, 0.80), (2, 0.61, 0.78))]
    done = summarise(*folders)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ") and line[2].isdigit()]
    assert [row.split(" | ")[0] for row in rows] == ["| 0", "| 1", "| 2"]
    uar = next(line for line in done.stdout.splitlines() if "adversarial UAR" in line and "target" in line)
    assert "0.610" in uar and "std 0.010" in uar and "meets" in uar
    kept = next(line for line in done.stdout.splitlines() if "kept share" in line and "target" in line)
    assert "0.800" in kept and "meets" in kept


def test_runs_with_other_settings_are_not_averaged(tmp_path):
    done = summarise(write_report(tmp_path / "a", 0, 0.6, 0.8), write_report(tmp_path / "b", 1, 0.6, 0.8, epsilon=0.3))
    assert done.returncode != 0 and "other settings" in done.stderr and "--seed only" in done.stderr


def test_missing_and_corrupt_reports_are_named(tmp_path):
    done = summarise(tmp_path / "nowhere")
    assert done.returncode != 0 and "no report.json" in done.stderr
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "report.json").write_text('{"settings": {"classifier"')
    done = summarise(tmp_path / "cut")
    assert done.returncode != 0 and "not a complete report" in done.stderr and "Traceback" not in done.stderr
