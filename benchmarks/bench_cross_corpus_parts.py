"""What each change of bench_cross_corpus.py's synthetic CREMA-D-named set costs a model: the
held-out RAVDESS actors' four-emotion files with one change at a time (each actor's gain, in
floating point and rounded to 16 bits; a round trip through 44.1 kHz; trimmed silence), scored
restricted to the four labels (UAR) through ``Recognizer.predict_arrays`` with each actor as one
speaker, as ``ser-rs evaluate --model-dir`` does.

    .venv/bin/python benchmarks/bench_cross_corpus_parts.py bench-results/cross_corpus/model
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ser_rs import metrics
from ser_rs.audio import load, resample
from ser_rs.datasets import FOUR_CLASSES, read_ravdess
from ser_rs.effects import trim
from ser_rs.inference import load_model

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ravdess-16k"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path, help="a model folder trained on RAVDESS actors other than 13-18")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=0, help="the gains' seed, as bench_cross_corpus.py's (default: %(default)s)")
    args = parser.parse_args()
    recognizer = load_model(args.model)
    actors = [f"{a:02d}" for a in range(13, 19)]
    manifest = read_ravdess(args.data)
    manifest = manifest[manifest["speaker"].isin(actors) & manifest["emotion"].isin(FOUR_CLASSES)].reset_index(drop=True)
    gains = dict(zip(actors, np.random.default_rng(args.seed).uniform(-26.0, -6.0, len(actors))))
    signals = [load(p, sr=None)[0] for p in manifest["path"]]
    speakers, truth, shared = manifest["speaker"].tolist(), manifest["emotion"].to_numpy(), list(FOUR_CLASSES)

    def pcm16(y: np.ndarray) -> np.ndarray:
        return (np.round(np.clip(y, -1, 1) * 32767) / 32767).astype(np.float32)

    def restricted_uar(tracks: list, rate: int) -> float:
        batch = recognizer.predict_arrays(tracks, rate, speakers=speakers)
        proba = np.array([[p.probabilities[c] for c in shared] for p in batch.predictions])
        return metrics.balanced_accuracy_score(truth, np.array(shared)[proba.argmax(axis=1)])

    quiet = [y * np.float32(10 ** (gains[s] / 20)) for y, s in zip(signals, speakers)]
    up = [resample(y, orig_sr=16000, target_sr=44100) for y in signals]
    pad = np.zeros(1600, dtype=np.float32)
    rows = {
        "RAVDESS's 16 kHz samples": restricted_uar(signals, 16000),
        "each actor's gain, floating point": restricted_uar(quiet, 16000),
        "each actor's gain, 16-bit": restricted_uar([pcm16(y) for y in quiet], 16000),
        "via 44.1 kHz, floating point": restricted_uar(up, 44100),
        "via 44.1 kHz, 16-bit": restricted_uar([pcm16(y) for y in up], 44100),
        "trimmed (top_db 40) + 0.1 s silence": restricted_uar([np.concatenate([pad, trim(y, top_db=40)[0], pad]) for y in signals], 16000),
    }
    print(f"{args.model}, RAVDESS actors 13-18, 4 emotions, restricted UAR:")
    for name, value in rows.items():
        print(f"  {name:<38} {value:.3f}")


if __name__ == "__main__":
    main()
