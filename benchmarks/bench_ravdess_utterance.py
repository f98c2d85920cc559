"""Utterance-level baselines on RAVDESS, speaker-independent, to set the frame RNN's figures in
context: a logistic regression (scikit-learn) and ser_rs's MLP over per-utterance functionals
(``egemaps_like`` + ``ser162``, 204 values), each with and without speaker-level normalisation.

Same protocol as ``ser-rs evaluate``: ravdess-16k (1080 files, actors 01-18, 8 emotions), the
published actor folds, early stopping (MLP) on held-out training actors, never the test ones.

    .venv/bin/python benchmarks/bench_ravdess_utterance.py
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import ser_rs
from ser_rs.experiment import _validation_speakers
from ser_rs.model import standardize_by_speaker

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ravdess-16k"
MLP = dict(model="mlp", hidden_size=128, num_layers=2, dropout=0.5, epochs=100, lr=1e-3, patience=20, n_threads=1, seed=0)


def features(paths: list) -> np.ndarray:
    """egemaps_like and ser162 side by side; values a clip cannot support (NaN) become 0."""
    blocks = [np.asarray(ser_rs.extract(paths, name, sr=16000, strict=True).features) for name in ("egemaps_like", "ser162")]
    return np.nan_to_num(np.hstack(blocks)).astype(np.float32)


def logistic(X, y, speakers, folds, by_speaker: bool) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if by_speaker:  # label-free, so normalising every speaker up front leaks nothing
        X = np.vstack(standardize_by_speaker(X, speakers))
    pred = np.empty(len(y), dtype=object)
    for train, test in folds:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=5000)).fit(X[train], y[train])
        pred[test] = model.predict(X[test])
    return pred


def mlp(X, y, speakers, folds, by_speaker: bool) -> np.ndarray:
    rng = np.random.default_rng(0)
    pred = np.empty(len(y), dtype=object)
    for train, test in folds:
        held = np.isin(speakers[train], list(_validation_speakers(speakers[train], 0.15, rng)))
        fit, val = train[~held], train[held]
        ids = (lambda rows: speakers[rows]) if by_speaker else (lambda rows: None)
        clf = ser_rs.EmotionClassifier(**MLP, speaker_norm=by_speaker)
        clf.fit(X[fit], y[fit], X_val=X[val], y_val=y[val], speakers=ids(fit), speakers_val=ids(val))
        pred[test] = clf.predict(X[test], speakers=ids(test))
    return pred


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the ravdess-16k folder (default: %(default)s)")
    args = parser.parse_args()
    corpus = ser_rs.datasets.read_corpus(args.data)
    y = corpus["emotion"].astype(str).to_numpy()
    speakers = corpus["speaker"].astype(str).to_numpy()
    start = time.perf_counter()
    X = features(corpus["path"].astype(str).tolist())
    print(f"{len(y)} files, {X.shape[1]} features in {time.perf_counter() - start:.1f} s; chance 0.125")
    folds = list(ser_rs.datasets.RavdessActorFolds().split(X, y, speakers))
    print(f"{'model':22s} {'normalisation':14s} accuracy    UAR")
    for name, run in (("logistic regression", logistic), ("ser_rs MLP 128 x 2", mlp)):
        for by_speaker in (False, True):
            pred = run(X, y, speakers, folds, by_speaker)
            print(f"{name:22s} {'per speaker' if by_speaker else 'global':14s} "
                  f"{ser_rs.metrics.accuracy_score(y, pred):8.3f} {ser_rs.metrics.balanced_accuracy_score(y, pred):6.3f}", flush=True)


if __name__ == "__main__":
    main()
