"""The multi-seed tables of docs/results.md: one row per ``ser-rs evaluate`` report folder, then the mean,
the sample standard deviation and a 95% t-interval of the mean over the folders, set against
the issue's targets (adversarial UAR >= 0.60, >= 80% of clean accuracy kept at the radius where
the normal model has lost half its accuracy, clean cost <= 3 points).

The folders must differ in their seed only: the script refuses to average runs made with
different settings, since that mean would describe no configuration.

    .venv/bin/python benchmarks/seed_summary.py REPORT_DIR [REPORT_DIR ...]
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path

import numpy as np
from scipy import stats

# Options added after some of the recorded runs: a report without them ran with these values.
DEFAULTS_OF_LATER_OPTIONS = {"early_stopping": ["standard", "adversarial"]}
CLASSIFIER_DEFAULTS_OF_LATER_OPTIONS = {"monitor": "loss"}
TARGETS = {"adversarial UAR": (0.60, ">="), "kept share": (0.80, ">="), "clean cost (points)": (3.0, "<=")}


def read_report(folder: Path) -> tuple[dict, dict]:
    """The report's row of the table and its settings without the seed."""
    path = folder / "report.json"
    if not path.is_file():
        raise SystemExit(f"no report.json in {folder}: give folders written by ser-rs evaluate")
    try:
        report = json.loads(path.read_text())
        return row_of(report), settings_without_seed(report)
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise SystemExit(f"{path} is not a complete report of ser-rs evaluate ({err!r}): run the evaluation again") from None


def settings_without_seed(report: dict) -> dict:
    settings = copy.deepcopy(report["settings"])
    settings["classifier"].pop("seed", None)
    settings.pop("seconds", None)
    for key, value in DEFAULTS_OF_LATER_OPTIONS.items():
        settings.setdefault(key, value)
    for key, value in CLASSIFIER_DEFAULTS_OF_LATER_OPTIONS.items():
        settings["classifier"].setdefault(key, value)
    settings["early_stopping"] = sorted(settings["early_stopping"])
    return settings


def row_of(report: dict) -> dict:
    models, targets = report["models"], report["targets"]
    return {
        "seed": report["settings"]["classifier"]["seed"],
        "normal accuracy": models["standard"]["accuracy"],
        "normal UAR": models["standard"]["uar"],
        "adversarial accuracy": models["adversarial"]["accuracy"],
        "adversarial UAR": models["adversarial"]["uar"],
        "halving radius": targets["half_accuracy_epsilon"],
        "adversarial accuracy at it": targets["adversarial_accuracy_at_epsilon"],
        "kept share": targets["adversarial_kept_share"],
        "clean cost (points)": targets["clean_cost_points"],
    }


def interval(values: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, sample std and the 95% t-interval of the mean."""
    mean = float(values.mean())
    if len(values) < 2:
        return mean, float("nan"), float("nan"), float("nan")
    std = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, len(values) - 1) * std / np.sqrt(len(values)))
    return mean, std, mean - half, mean + half


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", type=Path, nargs="+", help="folders written by ser-rs evaluate")
    a = ap.parse_args()
    rows, settings = zip(*(read_report(folder) for folder in a.reports))
    for folder, these in zip(a.reports, settings):
        if these != settings[0]:
            raise SystemExit(f"{folder} was run with other settings than {a.reports[0]}: average runs that differ in --seed only")

    columns = list(rows[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in sorted(rows, key=lambda r: r["seed"]):
        print("| " + " | ".join(f"{row[c]:.3f}" if c != "seed" else str(row[c]) for c in columns) + " |")

    print(f"\nover {len(rows)} seeds: mean, sample std, 95% t-interval of the mean")
    for column in columns[1:]:
        mean, std, low, high = interval(np.array([row[column] for row in rows]))
        line = f"  {column:28s} {mean:7.3f}  std {std:.3f}  [{low:.3f}, {high:.3f}]"
        if column in TARGETS:
            target, sense = TARGETS[column]
            met = mean >= target if sense == ">=" else mean <= target
            line += f"  target {sense} {target}: mean {'meets' if met else 'misses'} it"
        print(line)


if __name__ == "__main__":
    main()
