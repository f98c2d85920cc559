"""Where adversarial robustness is lost: the default adversarial RNN of ``ser-rs evaluate``,
attacked on the actors it was trained on, on the held-out actors that only chose its epoch, and
on the fold's unseen test actors.

If the model keeps far more of its accuracy under attack on its training actors than on unseen
ones, robustness is learnt but does not carry over to new speakers: a generalisation gap, which
more training speakers or stronger regularisation address, not a stronger training attack.

Same protocol, features and settings as ``ser-rs evaluate`` (its command-line defaults are read
from the parser, so they cannot drift apart): ravdess-16k, the published actor folds, the same
validation actors for the same seed. Fold 1 trained in 640 s (1158 s with one augmented copy)
on one core while another evaluation ran.

    .venv/bin/python benchmarks/bench_ravdess_robust_gap.py --folds 1 [--augment-copies 1] [-- EVALUATE_OPTION ...]

Options after ``--`` are ``ser-rs evaluate``'s own (``-- --hidden-size 128``, ``-- --ema-decay
0.99``), so a trial of another setting trains exactly what that command would.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import ser_rs
from ser_rs.cli import _classifier_params, _parser
from ser_rs.experiment import _validation_speakers, _with_augmented_copies
from ser_rs.model import extract_sequences

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ravdess-16k"
EPSILONS = (0.025, 0.05, 0.075, 0.1, 0.2)


def evaluate_defaults(seed: int, options: list[str]) -> tuple[dict, dict]:
    """The classifier settings and training perturbation of ``ser-rs evaluate`` with ``options``."""
    args = _parser().parse_args(["evaluate", str(DATA), "--seed", str(seed), "--no-progress", *options])
    return _classifier_params(args), {"adversarial": args.adversarial, "epsilon": args.epsilon}


def attacked(clf, X, y, speakers, epsilons) -> np.ndarray:
    """Clean accuracy followed by PGD accuracy at each radius."""
    table = clf.robustness(X, y, attacks=("pgd",), epsilons=epsilons, speakers=speakers)
    return table["accuracy"].to_numpy()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--folds", default="1", help="comma-separated actor folds to run (1-5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--augment-copies", type=int, default=0, help="as in ser-rs evaluate")
    ap.add_argument("evaluate_options", nargs="*", help="after --: options of ser-rs evaluate, e.g. -- --hidden-size 128")
    a = ap.parse_args()
    clashing = [o for o in a.evaluate_options if o.split("=")[0] in ("--seed", "--augment-copies")]
    if clashing:
        raise SystemExit(f"give {', '.join(clashing)} before --, as this script's own option: it also draws the validation actors and copies")
    if not a.data.is_dir():
        raise SystemExit(f"{a.data} is missing: see ../shared/data/README")
    wanted = {int(k) for k in a.folds.split(",")}
    params, training = evaluate_defaults(a.seed, a.evaluate_options)
    features, copies = params["features"], a.augment_copies

    manifest = ser_rs.datasets.read_corpus(a.data)
    y = manifest["emotion"].astype(str).to_numpy()
    speakers = manifest["speaker"].astype(str).to_numpy()
    t = time.perf_counter()
    seqs = extract_sequences(manifest["path"].tolist(), features)
    print(f"features: {len(seqs)} files in {time.perf_counter() - t:.1f} s; settings {params | training}, augment_copies {copies}", flush=True)

    rng = np.random.default_rng(a.seed)  # drawn fold by fold as cross_validate does, so fold k holds out the same actors
    splits = ser_rs.datasets.RavdessActorFolds().split(manifest, y, speakers)
    print(f"PGD-{params['pgd_steps']} accuracy, clean then at epsilon {' / '.join(map(str, EPSILONS))}; kept = attacked / clean")
    for k, (train, test) in enumerate(splits, start=1):
        held = np.isin(speakers[train], list(_validation_speakers(speakers[train], 0.15, rng)))
        if k not in wanted:
            continue
        fit, val = train[~held], train[held]
        t = time.perf_counter()
        take = lambda rows: [seqs[i] for i in rows]  # noqa: E731
        X_fit, y_fit, fit_speakers = take(fit), y[fit], speakers[fit]
        if copies:  # as cross_validate does it, so the figures belong to `ser-rs evaluate --augment-copies`
            X_fit, y_fit, fit_speakers = _with_augmented_copies(manifest["path"].iloc[fit], X_fit, y_fit, fit_speakers, features, copies, seed=a.seed + k)
        clf = ser_rs.EmotionClassifier(**{**params, "progress": False}, **training)
        clf.fit(X_fit, y_fit, X_val=take(val), y_val=y[val], speakers=fit_speakers, speakers_val=speakers[val])
        print(f"fold {k}: trained in {time.perf_counter() - t:.0f} s, best epoch {clf.best_epoch_}", flush=True)
        for name, rows in (("training actors", fit), ("validation actors", val), ("test actors", test)):
            acc = attacked(clf, take(rows), y[rows], speakers[rows], EPSILONS)
            kept = " / ".join(f"{v / acc[0]:.0%}" for v in acc[1:])
            print(f"fold {k} {name:17s} ({len(rows):3d} files, actors {' '.join(sorted(set(speakers[rows])))}): "
                  f"clean {acc[0]:.3f}, attacked {' / '.join(f'{v:.3f}' for v in acc[1:])}; kept {kept}", flush=True)


if __name__ == "__main__":
    main()
