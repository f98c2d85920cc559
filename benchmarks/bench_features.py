"""Speed, memory and resampling accuracy of ser_rs against librosa, measured in one run.

    .venv/bin/python benchmarks/bench_features.py            # everything (~5 min on 2 cores)
    .venv/bin/python benchmarks/bench_features.py --quick    # fewer files and repeats

Prints a table and writes bench-results/features.json. Reported:

1. The 162-value SER vector from file paths (load at 22050 Hz + features) over the 48 kHz
   originals: ser_rs with every core against librosa's recipe in a plain loop (as it is usually
   run) and in joblib processes over every core.
2. MFCC alone, one thread, on in-memory audio (BLAS limited to one thread for librosa).
3. Peak memory of ``ser_rs.extract`` over 1x and 8x the 16 kHz corpus (paths repeated).
4. Agreement of ``ser_rs.load(sr=22050)`` with ``librosa.load(sr=22050)`` (SNR in dB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench-results"


def librosa_ser162(path, sr=22050):
    import librosa

    y, sr = librosa.load(path, sr=sr)
    return librosa_ser162_of(y, sr)


def librosa_ser162_of(y, sr):
    """The 162-value recipe on samples, as SER notebooks write it with librosa."""
    import librosa

    return np.hstack([
        np.mean(librosa.feature.zero_crossing_rate(y=y).T, axis=0),
        np.mean(librosa.feature.chroma_stft(S=np.abs(librosa.stft(y)), sr=sr).T, axis=0),
        np.mean(librosa.feature.mfcc(y=y, sr=sr).T, axis=0),
        np.mean(librosa.feature.rms(y=y).T, axis=0),
        np.mean(librosa.feature.melspectrogram(y=y, sr=sr).T, axis=0),
    ])


def best_of(repeats, fn):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import librosa

    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "librosa": librosa.__version__,
            "numpy": np.__version__}


def bench_ser162(files, repeats):
    import joblib
    import ser_rs

    librosa_ser162(files[0])  # numba compiles librosa's stencils on first use: not timed
    ser_rs.extract(files[:2], "ser162")
    # Same number of repeats (best time) for every contender.
    librosa_loop = best_of(repeats, lambda: [librosa_ser162(f) for f in files])
    librosa_par = best_of(repeats, lambda: joblib.Parallel(n_jobs=-1)(joblib.delayed(librosa_ser162)(f) for f in files))
    ours = best_of(repeats, lambda: ser_rs.extract(files, "ser162", n_jobs=None))
    return {"files": len(files), "librosa_loop_s": librosa_loop, "librosa_joblib_s": librosa_par, "ser_rs_s": ours,
            "speedup_vs_loop": librosa_loop / ours, "speedup_vs_joblib": librosa_par / ours}


def bench_mfcc(files, repeats):
    import librosa
    from threadpoolctl import threadpool_limits

    import ser_rs

    signals = [librosa.load(f, sr=22050)[0] for f in files]
    with threadpool_limits(1):
        librosa.feature.mfcc(y=signals[0], sr=22050)
        ref = best_of(repeats, lambda: [librosa.feature.mfcc(y=y, sr=22050) for y in signals])
    ours = best_of(repeats, lambda: [ser_rs.feature.mfcc(y=y, sr=22050) for y in signals])
    return {"signals": len(signals), "librosa_s": ref, "ser_rs_s": ours, "speedup": ref / ours,
            "ms_per_signal_ser_rs": 1000 * ours / len(signals), "ms_per_signal_librosa": 1000 * ref / len(signals)}


# Peak RSS from VmHWM, the high-water mark of this process's own address space. Not
# getrusage's ru_maxrss: Linux carries that across fork and exec, so a child of this benchmark
# would report the parent's size (librosa, numba and the decoded signals: 400+ MB) as its own.
MEMORY_PROBE = """
import sys, time, ser_rs
def peak_mb():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) // 1024
after_import = peak_mb()
files = open(sys.argv[2]).read().split()
n = int(sys.argv[1])
start = time.perf_counter()
result = ser_rs.extract((files * (n // len(files) + 1))[:n], "ser162")
elapsed = time.perf_counter() - start
print(len(result), len(result.errors), peak_mb(), round(elapsed, 2), after_import)
"""


def bench_memory(files):
    listing = OUT / "memory_files.txt"
    listing.write_text("\n".join(map(str, files)))
    rows = {}
    for factor in (1, 8):
        n = factor * len(files)
        out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(n), str(listing)], check=True, capture_output=True, text=True)
        ok, errors, rss, elapsed, after_import = out.stdout.split()
        rows[f"{factor}x"] = {"files": n, "ok": int(ok), "errors": int(errors), "peak_rss_mb": int(rss), "seconds": float(elapsed),
                              "after_import_mb": int(after_import)}
    listing.unlink()
    return rows


def bench_resample_snr(files):
    import librosa

    import ser_rs

    snrs = []
    for f in files:
        ref, _ = librosa.load(f, sr=22050)
        ours, _ = ser_rs.load(f, sr=22050)
        snrs.append(10 * np.log10(np.sum(ref.astype(np.float64) ** 2) / np.sum((ours.astype(np.float64) - ref) ** 2)))
    return {"files": len(files), "min_db": min(snrs), "median_db": statistics.median(snrs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer files and repeats (a smoke run, not for the README)")
    args = parser.parse_args()
    originals = sorted((DATA / "ravdess-48k").glob("Actor_*/*.wav"))
    corpus = sorted((DATA / "ravdess-16k").glob("Actor_*/*.flac"))
    if not originals or not corpus:
        print(f"error: the RAVDESS data is not at {DATA}", file=sys.stderr)
        return 1
    if args.quick:
        originals, corpus = originals[:24], corpus[:120]
    repeats = 1 if args.quick else 3
    OUT.mkdir(exist_ok=True)

    results = {"machine": machine(), "command": " ".join([Path(sys.executable).name, *sys.argv])}
    print("machine:", results["machine"])
    results["ser162_from_paths"] = r = bench_ser162(originals, repeats)
    print(f"ser162 from paths, {r['files']} x 48 kHz WAV: librosa loop {r['librosa_loop_s']:.2f} s, "
          f"librosa joblib {r['librosa_joblib_s']:.2f} s, ser_rs {r['ser_rs_s']:.3f} s -> "
          f"{r['speedup_vs_loop']:.1f}x vs loop, {r['speedup_vs_joblib']:.1f}x vs joblib")
    results["mfcc_one_thread"] = r = bench_mfcc(originals, repeats)
    print(f"mfcc, one thread, {r['signals']} in-memory signals: librosa {r['ms_per_signal_librosa']:.2f} ms, "
          f"ser_rs {r['ms_per_signal_ser_rs']:.2f} ms per signal -> {r['speedup']:.1f}x")
    results["memory"] = r = bench_memory(corpus)
    for key, row in r.items():
        print(f"memory {key}: {row['files']} files ({row['errors']} errors) in {row['seconds']} s, peak RSS {row['peak_rss_mb']} MB "
              f"({row['after_import_mb']} MB after `import ser_rs`)")
    results["resample_snr"] = r = bench_resample_snr(originals)
    print(f"load(sr=22050) vs librosa.load, {r['files']} x 48 kHz: SNR min {r['min_db']:.1f} dB, median {r['median_db']:.1f} dB")
    (OUT / "features.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {OUT / 'features.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
