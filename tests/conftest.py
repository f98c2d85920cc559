"""Shared fixtures: the real speech in ../shared/data, and a record of how closely each feature
agrees with librosa (printed at the end of the run and written to bench-results/)."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI") == "true"

# librosa's own tests, run with ser_rs swapped in, are run by scripts/librosa_suite.py (its --gate by
# tests/test_librosa_suite.py), not collected here.
collect_ignore = ["librosa_suite"]


def data_folder(name: str) -> Path:
    """A folder of ../shared/data; skipped when absent, except in CI where absence is a failure."""
    folder = DATA / name
    if not folder.is_dir():
        message = f"real speech data not found at {folder} (see ../shared/data/README.md)"
        if IN_CI:
            pytest.fail(message + "; CI must have it")
        pytest.skip(message)
    return folder


def sample_files(name: str, count: int, pattern: str) -> list[Path]:
    """`count` files spread evenly over a corpus folder, in a stable order."""
    files = sorted(data_folder(name).glob(pattern))
    if len(files) < count:
        pytest.fail(f"{name} holds {len(files)} files matching {pattern}, fewer than {count}")
    step = len(files) // count
    return files[::step][:count]


@pytest.fixture(scope="session")
def ravdess16k() -> Path:
    return data_folder("ravdess-16k")


@pytest.fixture(scope="session")
def ravdess48k() -> Path:
    return data_folder("ravdess-48k")


# -- agreement with librosa, worst case per feature ---------------------------------------------

WORST: dict[str, float] = defaultdict(float)


def record_agreement(feature: str, ours: np.ndarray, ref: np.ndarray) -> float:
    """Max |ours - ref| relative to the reference's largest magnitude, recorded per feature."""
    assert ours.shape == ref.shape, f"{feature}: shape {ours.shape} != librosa's {ref.shape}"
    scale = float(np.max(np.abs(ref))) or 1.0
    err = float(np.max(np.abs(ours.astype(np.float64) - ref.astype(np.float64)))) / scale
    WORST[feature] = max(WORST[feature], err)
    return err


SNR: dict[str, float] = {}


def record_snr(name: str, ours: np.ndarray, ref: np.ndarray) -> float:
    """SNR in dB of our output against the reference's, the lowest recorded per name."""
    assert ours.shape == ref.shape, f"{name}: shape {ours.shape} != reference {ref.shape}"
    ref64 = ref.astype(np.float64)
    noise = float(np.sum((ours.astype(np.float64) - ref64) ** 2))
    snr = np.inf if noise == 0 else 10 * np.log10(float(np.sum(ref64**2)) / noise)
    SNR[name] = min(SNR.get(name, np.inf), snr)
    return snr


def pytest_terminal_summary(terminalreporter):
    if not WORST and not SNR:
        return
    lines = ["feature                     worst |ours - librosa| / max|librosa|"]
    lines += [f"{name:<27} {err:.2e}" for name, err in sorted(WORST.items())]
    if SNR:
        lines += ["", "effect                      lowest SNR against librosa (dB)"]
        lines += [f"{name:<27} {snr:.1f}" for name, snr in sorted(SNR.items())]
    terminalreporter.write_sep("-", "agreement with librosa 0.11 on real speech")
    for line in lines:
        terminalreporter.write_line(line)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "librosa_agreement.txt").write_text("\n".join(lines) + "\n")


# -- a saved model for what serves one ----------------------------------------------------------


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A tiny network trained in seconds on a synthetic corpus (3 speakers saying angry and sad
    twice), saved to a folder: for tests of what loads and serves a model."""
    from ser_rs import EmotionClassifier
    from ser_rs.datasets import make_demo_corpus

    corpus = make_demo_corpus(tmp_path_factory.mktemp("tiny_corpus"), n_speakers=3, n_per_emotion=2, emotions=["angry", "sad"], seed=1)
    features = {"feature": "mfcc", "sr": 16000, "n_mfcc": 13, "n_fft": 1024, "hop_length": 256}
    folder = tmp_path_factory.mktemp("tiny_model") / "model"
    clf = EmotionClassifier(hidden_size=4, num_layers=1, epochs=2, patience=None, n_threads=1, features=features)
    clf.fit(corpus["path"].tolist(), corpus["emotion"].to_numpy()).save(folder)
    return folder
