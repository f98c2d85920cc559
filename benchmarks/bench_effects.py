"""Speed of ser_rs's augmentation and preprocessing against librosa, audiomentations and
noisereduce, measured in one run.

    .venv/bin/python benchmarks/bench_effects.py            # everything (~5 min on 2 cores)
    .venv/bin/python benchmarks/bench_effects.py --quick    # fewer files and repeats

Prints a table and writes bench-results/effects.json. Reported:

1. The common augmented SER recipe per file, over the 48 kHz originals: load at 22050 Hz
   (offset 0.6 s, duration 2.5 s), then the 162-value vector of the clean signal, of a
   noise-injected copy (``0.035 * U(0, 1) * max|y| * N(0, 1)``) and of a copy stretched by 0.8
   then pitch-shifted by +0.7 semitones. librosa in a plain loop and in joblib processes over
   every core, against one ``ser_rs.extract(..., augment=...)`` call on every core.
2. Each augmentation on in-memory signals, one thread: ours against librosa's and
   audiomentations' (its default and its librosa-based method where it has both).
3. Noise reduction at 5 and 10 dB SNR (white noise): the SNR gained and the time, ours
   against noisereduce (its default non-stationary and its stationary mode).
4. pyin against librosa.pyin, one thread (``bench_pitch.py``).
5. The ``egemaps_like`` utterance table against openSMILE's eGeMAPSv02 functionals on the same
   16 kHz files: time (ours on one and on every core, openSMILE single-process), and the
   correlation across files of the parameters both sets define the same way.

Voice quality against Praat over the whole corpus is ``benchmarks/bench_voice.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_features import DATA, OUT, best_of, librosa_ser162_of, machine  # noqa: E402
from bench_pitch import bench_pitch  # noqa: E402

SR = 22050
OFFSET, DURATION = 0.6, 2.5


def librosa_recipe(path, seed=0):
    """The augmented recipe as SER notebooks write it with librosa."""
    import librosa

    rng = np.random.default_rng(seed)
    y, sr = librosa.load(path, sr=SR, offset=OFFSET, duration=DURATION)
    noisy = y + 0.035 * rng.uniform() * np.amax(y) * rng.normal(size=y.shape[0])
    shifted = librosa.effects.pitch_shift(librosa.effects.time_stretch(y, rate=0.8), sr=sr, n_steps=0.7)
    return np.vstack([librosa_ser162_of(y, sr), librosa_ser162_of(noisy.astype(np.float32), sr), librosa_ser162_of(shifted, sr)])


def ser_rs_recipe(files):
    import ser_rs
    from ser_rs.effects import AddNoise, Compose, PitchShift, TimeStretch

    copies = [
        Compose([AddNoise(min_amplitude=0.0, max_amplitude=0.035, p=1.0)]),
        Compose([TimeStretch(min_rate=0.8, max_rate=0.8, p=1.0), PitchShift(min_semitones=0.7, max_semitones=0.7, p=1.0)]),
    ]
    return ser_rs.extract(files, "ser162", sr=SR, offset=OFFSET, duration=DURATION, augment=copies, seed=0)


def bench_recipe(files, repeats):
    import joblib

    librosa_recipe(files[0])  # warm up imports and caches
    loop = best_of(repeats, lambda: [librosa_recipe(f) for f in files])
    par = best_of(repeats, lambda: joblib.Parallel(n_jobs=-1)(joblib.delayed(librosa_recipe)(f) for f in files))
    result = ser_rs_recipe(files)
    assert not result.errors and len(result) == 3 * len(files), result.errors[:3]
    ours = best_of(repeats, lambda: ser_rs_recipe(files))
    # What the recipe costs us without its two phase vocoders: loading plus three 162-value
    # vectors (the clean one three times over, so the same feature work on similar lengths).
    import ser_rs

    no_vocoder = best_of(repeats, lambda: ser_rs.extract(files * 3, "ser162", sr=SR, offset=OFFSET, duration=DURATION))
    # One 2048-point STFT frame (window + f64 real FFT), one thread: the unit a phase vocoder
    # spends per analysis and per synthesis frame.
    y = ser_rs.load(files[0], sr=SR, offset=OFFSET, duration=DURATION)[0]
    frames = ser_rs.feature.stft(y=y).shape[1]
    per_frame_ms = 1e3 * best_of(repeats, lambda: [ser_rs.feature.stft(y=y) for _ in range(20)]) / (20 * frames)
    return {"files": len(files), "rows": len(result), "librosa_loop_s": loop, "librosa_joblib_s": par, "ser_rs_s": ours,
            "speedup_vs_loop": loop / ours, "speedup_vs_joblib": par / ours, "ser_rs_without_vocoders_s": no_vocoder,
            "budget_for_30x_s": loop / 30, "stft_frame_ms": per_frame_ms}


def bench_augmentations(signals, repeats):
    """ms per signal, one thread, for each augmentation and each library that has it."""
    import audiomentations as A
    import librosa
    from threadpoolctl import threadpool_limits

    import ser_rs
    from ser_rs import effects

    def ms(fn):
        fn(signals[0])
        return 1e3 * best_of(repeats, lambda: [fn(y) for y in signals]) / len(signals)

    rows = {}
    with threadpool_limits(1):
        cases = {
            "time_stretch 0.8": {
                "ser_rs": lambda y: effects.time_stretch(y, rate=0.8),
                "librosa": lambda y: librosa.effects.time_stretch(y, rate=0.8),
                "audiomentations (signalsmith)": lambda y: A.TimeStretch(0.8, 0.8, leave_length_unchanged=False, p=1.0)(y, SR),
                "audiomentations (librosa)": lambda y: A.TimeStretch(0.8, 0.8, leave_length_unchanged=False, method="librosa_phase_vocoder", p=1.0)(y, SR),
            },
            "pitch_shift +0.7": {
                "ser_rs": lambda y: effects.pitch_shift(y, sr=SR, n_steps=0.7),
                "librosa": lambda y: librosa.effects.pitch_shift(y, sr=SR, n_steps=0.7),
                "audiomentations (signalsmith)": lambda y: A.PitchShift(0.7, 0.7, p=1.0)(y, SR),
                "audiomentations (librosa)": lambda y: A.PitchShift(0.7, 0.7, method="librosa_phase_vocoder", p=1.0)(y, SR),
            },
            "gaussian noise at SNR": {
                "ser_rs": lambda y: effects.add_noise_snr(y, snr_db=10),
                "audiomentations": lambda y: A.AddGaussianSNR(10, 10, p=1.0)(y, SR),
            },
            "gaussian noise by amplitude": {
                "ser_rs": lambda y: effects.add_noise(y, amplitude=0.01),
                "audiomentations": lambda y: A.AddGaussianNoise(0.01, 0.01, p=1.0)(y, SR),
            },
            "shift": {
                "ser_rs": lambda y: effects.shift(y, shift=len(y) // 5),
                "audiomentations": lambda y: A.Shift(0.2, 0.2, fade_duration=0.0, p=1.0)(y, SR),
            },
            "gain": {
                "ser_rs": lambda y: effects.gain(y, gain_db=6.0),
                "audiomentations": lambda y: A.Gain(6.0, 6.0, p=1.0)(y, SR),
            },
            "trim": {
                "ser_rs": lambda y: effects.trim(y),
                "librosa": lambda y: librosa.effects.trim(y),
            },
            "preemphasis": {
                "ser_rs": lambda y: effects.preemphasis(y),
                "librosa": lambda y: librosa.effects.preemphasis(y),
            },
        }
        for name, contenders in cases.items():
            times = {lib: ms(fn) for lib, fn in contenders.items()}
            rows[name] = {"ms_per_signal": times, "speedup": {lib: t / times["ser_rs"] for lib, t in times.items() if lib != "ser_rs"}}
    _ = ser_rs
    return rows


def bench_denoise(clean_signals, repeats):
    import noisereduce as nr

    from ser_rs import effects

    def snr(c, x):
        return 10 * np.log10(np.sum(c.astype(np.float64) ** 2) / np.sum((x.astype(np.float64) - c) ** 2))

    contenders = {
        "ser_rs": lambda y: effects.reduce_noise(y),
        "noisereduce": lambda y: nr.reduce_noise(y=y, sr=16000, n_jobs=1),
        "noisereduce (stationary)": lambda y: nr.reduce_noise(y=y, sr=16000, stationary=True, n_jobs=1),
    }
    rows = {}
    for snr_in in (5.0, 10.0):
        noisy = [effects.add_noise_snr(c, snr_db=snr_in, seed=i) for i, c in enumerate(clean_signals)]
        row = {}
        for lib, fn in contenders.items():
            gains = [snr(c, fn(y)) - snr(c, y) for c, y in zip(clean_signals, noisy)]
            seconds = best_of(repeats, lambda: [fn(y) for y in noisy])
            row[lib] = {"snr_gain_db_min": min(gains), "snr_gain_db_median": statistics.median(gains), "ms_per_signal": 1e3 * seconds / len(noisy)}
        rows[f"{snr_in:g} dB"] = row
    return rows


#: Our column and openSMILE eGeMAPSv02's for parameters defined alike.
SHARED_PARAMETERS = [
    ("f0_semitone_mean", "F0semitoneFrom27.5Hz_sma3nz_amean"),
    ("jitter_local", "jitterLocal_sma3nz_amean"),
    ("shimmer_local_db", "shimmerLocaldB_sma3nz_amean"),
    ("hnr_db_mean", "HNRdBACF_sma3nz_amean"),
    ("alpha_ratio_db_mean", "alphaRatioV_sma3nz_amean"),
    ("hammarberg_db_mean", "hammarbergIndexV_sma3nz_amean"),
    ("voiced_segments_per_s", "VoicedSegmentsPerSec"),
]


def bench_egemaps(files, repeats):
    import opensmile

    import ser_rs

    smile = opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02, feature_level=opensmile.FeatureLevel.Functionals)
    paths = [str(f) for f in files]
    theirs = smile.process_files(paths[:2])
    seconds_smile = best_of(repeats, lambda: smile.process_files(paths))
    seconds_one = best_of(repeats, lambda: ser_rs.extract(paths, "egemaps_like", sr=16000, n_jobs=1))
    seconds_all = best_of(repeats, lambda: ser_rs.extract(paths, "egemaps_like", sr=16000))
    ours = ser_rs.extract(paths, "egemaps_like", sr=16000).to_dataframe()
    theirs = smile.process_files(paths)
    correlations = {}
    for mine, other in SHARED_PARAMETERS:
        a, b = ours[mine].to_numpy(np.float64), theirs[other].to_numpy(np.float64)
        ok = np.isfinite(a) & np.isfinite(b)
        correlations[f"{mine} ~ {other}"] = float(np.corrcoef(a[ok], b[ok])[0, 1])
    return {"files": len(files), "opensmile_s": seconds_smile, "ser_rs_one_thread_s": seconds_one, "ser_rs_all_cores_s": seconds_all,
            "speedup_one_thread": seconds_smile / seconds_one, "speedup_all_cores": seconds_smile / seconds_all, "pearson_r": correlations}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer files and repeats (a smoke run, not for the README)")
    args = parser.parse_args()
    originals = sorted((DATA / "ravdess-48k").glob("Actor_*/*.wav"))
    corpus = sorted((DATA / "ravdess-16k").glob("Actor_*/*.flac"))
    if not originals or not corpus:
        print(f"error: the RAVDESS data is not at {DATA}", file=sys.stderr)
        return 1
    import librosa

    if args.quick:
        originals = originals[:16]
    repeats = 1 if args.quick else 3
    OUT.mkdir(exist_ok=True)
    results = {"machine": machine(), "command": " ".join([Path(sys.executable).name, *sys.argv])}
    print("machine:", results["machine"])

    results["augmented_recipe"] = r = bench_recipe(originals, repeats)
    print(f"augmented ser162 recipe, {r['files']} x 48 kHz WAV ({r['rows']} rows): librosa loop {r['librosa_loop_s']:.2f} s, "
          f"librosa joblib {r['librosa_joblib_s']:.2f} s, ser_rs {r['ser_rs_s']:.3f} s -> "
          f"{r['speedup_vs_loop']:.1f}x vs loop, {r['speedup_vs_joblib']:.1f}x vs joblib")
    print(f"  of which not phase vocoders: loading and three 162-value vectors alone take {r['ser_rs_without_vocoders_s']:.3f} s; "
          f"30x would allow {r['budget_for_30x_s']:.3f} s for everything")
    print(f"  one 2048-point STFT frame, one thread: {1e3 * r['stft_frame_ms']:.2f} us")

    signals = [librosa.load(f, sr=SR, offset=OFFSET, duration=DURATION)[0] for f in originals[: 8 if args.quick else 24]]
    results["augmentations_one_thread"] = rows = bench_augmentations(signals, repeats)
    for name, row in rows.items():
        times = ", ".join(f"{lib} {t:.3f} ms" for lib, t in row["ms_per_signal"].items())
        ratios = ", ".join(f"{s:.1f}x vs {lib}" for lib, s in row["speedup"].items())
        print(f"{name:<28} {times} -> {ratios}")

    clean = [librosa.load(f, sr=None)[0] for f in corpus[:: max(1, len(corpus) // (6 if args.quick else 20))]]
    results["denoise"] = rows = bench_denoise(clean, repeats)
    for level, row in rows.items():
        text = "; ".join(f"{lib}: +{v['snr_gain_db_median']:.1f} dB median (min {v['snr_gain_db_min']:+.1f}), {v['ms_per_signal']:.1f} ms" for lib, v in row.items())
        print(f"denoise at {level}: {text}")

    step = max(1, len(corpus) // (5 if args.quick else 20))
    print("pyin against librosa.pyin, one thread:")
    results["pyin"] = bench_pitch(corpus[::step][: 5 if args.quick else 20], repeats=repeats)

    files = corpus[:: max(1, len(corpus) // (40 if args.quick else 200))]
    results["egemaps_like_vs_opensmile"] = r = bench_egemaps(files, repeats)
    print(f"egemaps_like vs openSMILE eGeMAPSv02, {r['files']} files: openSMILE {r['opensmile_s']:.2f} s, ser_rs one thread "
          f"{r['ser_rs_one_thread_s']:.2f} s ({r['speedup_one_thread']:.1f}x), all cores {r['ser_rs_all_cores_s']:.2f} s ({r['speedup_all_cores']:.1f}x)")
    for pair, corr in r["pearson_r"].items():
        print(f"  r = {corr:.3f}  {pair}")

    (OUT / "effects.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {OUT / 'effects.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
