"""Multichannel input, ``(..., n)``: ser_rs against librosa on the same stereo recording and batch,
and ser_rs's parallel channels against calling it one channel at a time.

    .venv/bin/python benchmarks/bench_multichannel.py            # 6 s stereo, (2, 3) batch of 3 s
    .venv/bin/python benchmarks/bench_multichannel.py --quick    # fewer repeats

Inputs, real RAVDESS audio decoded by librosa at 22050 Hz: a stereo original (both channels,
``(2, n)``) and six utterances of different actors cut to 3 s as a ``(2, 3, n)`` batch. For each
function: librosa on the whole array, ser_rs on the whole array (channels in parallel on every
core), ser_rs one channel at a time in a Python loop; best of the repeats. The load average is
printed with the table: these are wall-clock figures on a shared machine. Writes
bench-results/multichannel.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_features import DATA, OUT, best_of, machine  # noqa: E402

SR = 22050
STEREO = DATA / "ravdess-48k" / "Actor_01" / "03-01-02-01-01-02-01.wav"

# (name, call(module namespace, x)): the same call for both libraries, as tests/test_multichannel.py.
CASES = [
    ("stft", lambda m, x: m.stft(x)),
    ("melspectrogram", lambda m, x: m.feature.melspectrogram(y=x, sr=SR)),
    ("mfcc", lambda m, x: m.feature.mfcc(y=x, sr=SR)),
    ("chroma_stft", lambda m, x: m.feature.chroma_stft(y=x, sr=SR)),
    ("spectral_contrast", lambda m, x: m.feature.spectral_contrast(y=x, sr=SR)),
    ("rms", lambda m, x: m.feature.rms(y=x)),
    ("time_stretch", lambda m, x: m.effects.time_stretch(x, rate=1.25)),
    ("pitch_shift", lambda m, x: m.effects.pitch_shift(x, sr=SR, n_steps=2)),
    ("trim", lambda m, x: m.effects.trim(x)),
    ("resample", lambda m, x: m.resample(x, orig_sr=SR, target_sr=16000)),
]


class _Ours:
    """ser_rs under librosa's names."""

    def __init__(self) -> None:
        import ser_rs

        self.feature, self.effects, self.stft, self.resample = ser_rs.feature, ser_rs.effects, ser_rs.feature.stft, ser_rs.resample


def inputs() -> dict:
    import librosa

    stereo, _ = librosa.load(STEREO, sr=SR, mono=False)
    files = sorted((DATA / "ravdess-16k").glob("Actor_*/*.flac"))[::180][:6]
    clips = [librosa.load(f, sr=SR, duration=3.0)[0] for f in files]
    n = min(len(c) for c in clips)
    return {"stereo": stereo, "batch (2, 3)": np.stack([c[:n] for c in clips]).reshape(2, 3, n)}


def one_at_a_time(call, ours, x: np.ndarray):
    return [call(ours, channel) for channel in x.reshape(-1, x.shape[-1])]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 repeats instead of 5")
    args = parser.parse_args(argv)
    repeats = 2 if args.quick else 5
    import librosa

    ours = _Ours()
    rows = []
    for label, x in inputs().items():
        for name, call in CASES:
            call(librosa, x), call(ours, x), one_at_a_time(call, ours, x)  # warm caches (filters, numba)
            t_librosa = best_of(repeats, lambda: call(librosa, x))
            t_ours = best_of(repeats, lambda: call(ours, x))
            t_serial = best_of(repeats, lambda: one_at_a_time(call, ours, x))
            rows.append({"input": label, "shape": list(x.shape), "function": name, "librosa_s": t_librosa,
                         "ser_rs_s": t_ours, "ser_rs_one_channel_at_a_time_s": t_serial})
    load = os.getloadavg()
    print(f"load average during the run (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    print(f"{'input':<14}{'function':<19}{'librosa ms':>11}{'ser_rs ms':>11}{'x librosa':>10}{'serial ms':>11}{'x serial':>9}")
    for r in rows:
        print(f"{r['input']:<14}{r['function']:<19}{1e3 * r['librosa_s']:>11.1f}{1e3 * r['ser_rs_s']:>11.1f}"
              f"{r['librosa_s'] / r['ser_rs_s']:>10.1f}{1e3 * r['ser_rs_one_channel_at_a_time_s']:>11.1f}"
              f"{r['ser_rs_one_channel_at_a_time_s'] / r['ser_rs_s']:>9.2f}")
    OUT.mkdir(exist_ok=True)
    (OUT / "multichannel.json").write_text(json.dumps({"machine": machine(), "load_average": load, "repeats": repeats,
                                                       "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
