"""Agreement and speed of ser_rs.prosody.voice_quality against Praat (praat-parselmouth).

    .venv/bin/python benchmarks/bench_voice.py            # all 1080 RAVDESS 16 kHz files (~2.5 min on 2 cores)
    .venv/bin/python benchmarks/bench_voice.py --step 10  # every 10th file

For each file, both sides load it and compute, in one thread:

    snd = parselmouth.Sound(path); pitch = snd.to_pitch()
    pp = praat.call(snd, "To PointProcess (periodic, cc)", 75, 600)
    jitter  = praat.call(pp, "Get jitter (local)", 0, 0, 0.0001, 0.02, 1.3)
    shimmer = praat.call([snd, pp], "Get shimmer (local_dB)", 0, 0, 0.0001, 0.02, 1.3, 1.6)
    hnr     = praat.call(snd.to_harmonicity_cc(), "Get mean", 0, 0)
    intensity = praat.call(snd.to_intensity(), "Get mean", 0, 0, "energy")

against ``ser_rs.load(path, sr=None)`` + ``ser_rs.prosody.voice_quality(y, sr)``. Prints the
Pearson correlation per measure across files, the median ratio ours / Praat, and the total
times; writes bench-results/voice.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ravdess-16k"
OUT = ROOT / "bench-results"
MEASURES = ("jitter_local", "shimmer_local_db", "hnr_db", "intensity_db")


def praat_voice(path: str) -> tuple[float, ...]:
    import parselmouth
    from parselmouth import praat

    snd = parselmouth.Sound(path)
    snd.to_pitch()  # part of the reference recipe (and of its cost), though the pulses redo it
    pp = praat.call(snd, "To PointProcess (periodic, cc)", 75, 600)
    return (
        praat.call(pp, "Get jitter (local)", 0, 0, 0.0001, 0.02, 1.3),
        praat.call([snd, pp], "Get shimmer (local_dB)", 0, 0, 0.0001, 0.02, 1.3, 1.6),
        praat.call(snd.to_harmonicity_cc(), "Get mean", 0, 0),
        praat.call(snd.to_intensity(), "Get mean", 0, 0, "energy"),
    )


def ours_voice(path: str) -> tuple[float, ...]:
    import ser_rs

    y, sr = ser_rs.load(path, sr=None)
    vq = ser_rs.prosody.voice_quality(y, sr)
    return tuple(vq[m] for m in MEASURES)


def timed(fn, files):
    start = time.perf_counter()
    values = np.array([fn(f) for f in files], dtype=np.float64)
    return values, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--step", type=int, default=1, help="use every STEP-th file")
    args = parser.parse_args()
    files = [str(p) for p in sorted(DATA.glob("Actor_*/*.flac"))][:: args.step]
    if not files:
        raise SystemExit(f"no RAVDESS files under {DATA} (see ../shared/data/README.md)")
    ours, t_ours = timed(ours_voice, files)
    praat, t_praat = timed(praat_voice, files)
    report = {"files": len(files), "seconds_ours": t_ours, "seconds_praat": t_praat, "speedup": t_praat / t_ours, "measures": {}}
    print(f"{len(files)} files; ser_rs {t_ours:.1f} s, parselmouth {t_praat:.1f} s ({t_praat / t_ours:.1f}x faster)")
    print(f"{'measure':<18}{'pearson r':>10}{'median ours/praat':>19}{'NaN ours':>9}{'NaN praat':>10}")
    for k, name in enumerate(MEASURES):
        a, b = ours[:, k], praat[:, k]
        ok = np.isfinite(a) & np.isfinite(b)
        r = float(np.corrcoef(a[ok], b[ok])[0, 1])
        ratio = float(np.median(a[ok] / b[ok]))
        report["measures"][name] = {"pearson_r": r, "median_ratio": ratio, "nan_ours": int((~np.isfinite(a)).sum()), "nan_praat": int((~np.isfinite(b)).sum())}
        print(f"{name:<18}{r:>10.4f}{ratio:>19.3f}{(~np.isfinite(a)).sum():>9}{(~np.isfinite(b)).sum():>10}")
    OUT.mkdir(exist_ok=True)
    (OUT / "voice.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
