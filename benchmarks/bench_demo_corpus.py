"""Is the synthetic demo corpus learnable, and not trivially so? Do its acoustics move the way
the emotional-speech literature says?

    .venv/bin/python benchmarks/bench_demo_corpus.py                 # the default corpus (8 x 8 x 4)
    .venv/bin/python benchmarks/bench_demo_corpus.py --seeds 0 1 2   # several corpora

For each seed: ``make_demo_corpus`` with its defaults, then ser_rs features of every file
(``egemaps_like``: 42 interpretable values; ``ser162``: the librosa recipe), then a standardised
logistic regression (scikit-learn) evaluated speaker-independently: leave-two-speakers-out
(GroupKFold, 4 folds, grouped by speaker; NaN, e.g. jitter where no pulses were
found, imputed by the training folds' means), so no voice is in both training and test. Prints
accuracy and unweighted average recall (UAR) against chance (1/8), the confusion matrix, and
per emotion the median of a few egemaps_like correlates; writes bench-results/demo_corpus.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-results"
CORRELATES = ("f0_semitone_mean", "f0_semitone_p80_p20", "intensity_db_mean", "hnr_db_mean", "jitter_local", "alpha_ratio_db_mean", "voiced_segments_per_s")


def speaker_independent_scores(x: np.ndarray, y: np.ndarray, groups: np.ndarray, folds: int = 4) -> dict:
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, confusion_matrix
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    predicted = np.empty_like(y)
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        assert not set(groups[train]) & set(groups[test])
        model = make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=2000, C=0.5))
        model.fit(x[train], y[train])
        predicted[test] = model.predict(x[test])
    labels = sorted(set(y))
    return {
        "accuracy": float(accuracy_score(y, predicted)),
        "uar": float(balanced_accuracy_score(y, predicted)),
        "labels": labels,
        "confusion": confusion_matrix(y, predicted, labels=labels).tolist(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()

    import ser_rs
    from ser_rs.datasets import DEMO_EMOTIONS as EMOTIONS, make_demo_corpus

    report = {"chance": 1 / len(EMOTIONS), "runs": []}
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as dest:
            t0 = time.perf_counter()
            manifest = make_demo_corpus(dest, seed=seed)
            t1 = time.perf_counter()
            tables = {name: ser_rs.extract(list(manifest.path), name, sr=16000).to_dataframe() for name in ("egemaps_like", "ser162")}
            t2 = time.perf_counter()
        y = manifest.emotion.to_numpy()
        groups = manifest.speaker.to_numpy()
        run = {"seed": seed, "files": len(manifest), "audio_s": float(manifest.duration_s.sum()), "make_s": t1 - t0, "extract_s": t2 - t1}
        print(f"seed {seed}: {len(manifest)} files, {run['audio_s'] / 60:.1f} min of audio; made in {run['make_s']:.1f} s, both feature sets in {run['extract_s']:.1f} s")
        for name, table in tables.items():
            x = table.drop(columns=["path"]).to_numpy(np.float64)
            scores = speaker_independent_scores(x, y, groups)
            run[name] = scores
            print(f"  {name:<13} leave-2-speakers-out logistic regression: accuracy {scores['accuracy']:.3f}, UAR {scores['uar']:.3f} (chance {report['chance']:.3f})")
        ege = tables["egemaps_like"].assign(f0_semitone_p80_p20=lambda t: t.f0_semitone_p80 - t.f0_semitone_p20)
        medians = ege.assign(emotion=y).groupby("emotion")[list(CORRELATES)].median().loc[list(EMOTIONS)]
        medians["duration_s"] = manifest.groupby("emotion").duration_s.median()
        run["correlates"] = medians.round(4).to_dict(orient="index")
        with np.printoptions(linewidth=150):
            print("  confusion (egemaps_like; rows true, columns predicted):", run["egemaps_like"]["labels"])
            print("  " + str(np.array(run["egemaps_like"]["confusion"])).replace("\n", "\n  "))
        print("  per-emotion medians:")
        print("  " + medians.round(3).to_string().replace("\n", "\n  "))
        report["runs"].append(run)
    OUT.mkdir(exist_ok=True)
    (OUT / "demo_corpus.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
