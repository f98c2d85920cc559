"""How much each model's validation figures move after the epoch early stopping kept: read from
the ``history.csv`` of ``ser-rs evaluate`` report folders (one or more seeds).

A model whose validation UAR and loss at its last epoch match those of its kept epoch gains
little from early stopping, and could train on the held-out speakers instead
(``ser-rs evaluate --early-stopping standard``).

    .venv/bin/python benchmarks/validation_curve_tail.py REPORT_DIR [REPORT_DIR ...]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd


def tail_of(history: pd.DataFrame) -> pd.DataFrame:
    """Per fold and model: last-epoch minus kept-epoch (lowest validation loss) UAR and loss."""
    rows = []
    for (fold, model), h in history.groupby(["fold", "model"]):
        kept, last = h.loc[h["val_loss"].idxmin()], h.iloc[-1]
        rows.append({"fold": fold, "model": model, "epochs_after_kept": int(last["epoch"] - kept["epoch"]),
                     "uar_change": last["val_uar"] - kept["val_uar"], "loss_change": last["val_loss"] - kept["val_loss"]})
    return pd.DataFrame(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", type=Path, nargs="+", help="folders written by ser-rs evaluate")
    a = ap.parse_args()
    missing = [str(r) for r in a.reports if not (r / "history.csv").is_file()]
    if missing:
        raise SystemExit(f"no history.csv in {', '.join(missing)}: give folders written by ser-rs evaluate")
    tails = pd.concat([tail_of(pd.read_csv(r / "history.csv")) for r in a.reports], ignore_index=True)
    summary = tails.groupby("model").agg(runs=("fold", "size"), median_epochs_after_kept=("epochs_after_kept", "median"),
                                         mean_uar_change_points=("uar_change", lambda x: 100 * x.mean()),
                                         mean_loss_change=("loss_change", "mean"))
    print(summary.round(3).to_string())


if __name__ == "__main__":
    main()
