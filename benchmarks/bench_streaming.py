"""Latency of live recognition: ser_rs.streaming.StreamingRecognizer against recomputing each
window offline with Recognizer.predict_array, on one core.

    .venv/bin/python benchmarks/bench_streaming.py                  # trains a small model of the ser-rs command's kind first
    .venv/bin/python benchmarks/bench_streaming.py --model DIR      # a saved model (ser-rs train / ser-rs demo)

A RAVDESS file (16 kHz; repeated to --seconds of audio) is pushed in --chunk-second chunks (0.5 s
by default) as a live source would push it. For each push that completes one or more hops, its
time is shared out among those hops; the figures are the median and 99th percentile per hop and
the real-time factor (processing time / audio time; below 1 keeps up). The reference, in the same
run, is the work without streaming: ``predict_array`` on every window the stream analysed.

Without --model the default ``ser-rs`` command's model is trained (briefly: latency does not
depend on the weights) on 16 files of two actors, with its pipeline (log-mel plus the
egemaps_like and ser162 functionals) and, for comparison, the same network on log-mel alone.
libtorch and this process are held to one core (OMP_NUM_THREADS=1 and the CPU affinity). Writes
bench-results/streaming.json (--output). Targets (issue 22): median < 10 ms and p99 < 20 ms per 0.5 s hop.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before libtorch loads: one intra-op thread
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ravdess-16k"
OUT = ROOT / "bench-results"
FILE = DATA / "Actor_03" / "03-01-05-01-01-01-03.flac"


def one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def train_command_models(folder: Path) -> dict:
    """The ser-rs command's network (COMMAND_DEFAULTS, speaker normalisation included) on its
    default pipeline and on log-mel alone, trained for two epochs on 16 RAVDESS files."""
    import ser_rs
    from ser_rs.cli import COMMAND_DEFAULTS, FRAME_FEATURES

    files = sorted(DATA.glob("Actor_0[12]/*.flac"))[::7][:16]
    labels = [f.name.split("-")[2] for f in files]
    speakers = [f.parent.name for f in files]
    params = dict(COMMAND_DEFAULTS, epochs=2, adversarial=None, n_threads=1)  # adversarial training changes weights, not inference cost
    out = {}
    for name in ("mel+functionals", "mel"):
        clf = ser_rs.EmotionClassifier(features=FRAME_FEATURES[name], **params)
        clf.fit([str(f) for f in files], labels, speakers=speakers)
        clf.save(folder / name)
        out[name] = folder / name
    return out


def stream_latencies(recognizer, y: np.ndarray, rate: int, chunk: float) -> tuple[list, list, float]:
    """Per-hop seconds of a stream pushed in chunks, the windows' (start, end) samples, and the total."""
    from ser_rs.streaming import StreamingRecognizer

    stream = StreamingRecognizer(recognizer)
    step = int(round(chunk * rate))
    for i in range(0, min(len(y), 8 * step), step):  # warm caches and allocators before timing
        stream.push(y[i:i + step], sr=rate)
    stream.reset()
    per_hop, windows, total = [], [], 0.0
    for i in range(0, len(y), step):
        started = time.perf_counter()
        results = stream.push(y[i:i + step], sr=rate)
        spent = time.perf_counter() - started
        total += spent
        per_hop += [spent / max(1, len(results))] * len(results)
        windows += [(int(round(r.time * rate)) - int(round(stream.window * rate)), int(round(r.time * rate))) for r in results]
    return per_hop, windows, total


def offline_latencies(recognizer, y: np.ndarray, rate: int, windows: list) -> list:
    out = []
    for start, end in windows:
        started = time.perf_counter()
        recognizer.predict_array(y[start:end], rate)
        out.append(time.perf_counter() - started)
    return out


def summary(seconds: list, total: float, audio_seconds: float) -> dict:
    ms = np.asarray(seconds) * 1000
    return {"hops": len(ms), "median_ms": float(np.median(ms)), "p99_ms": float(np.percentile(ms, 99)),
            "real_time_factor": total / audio_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, action="append", help="a saved model folder (repeatable); default: train the command's")
    parser.add_argument("--file", type=Path, default=FILE, help="the audio streamed (default: a RAVDESS file)")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of audio streamed (the file repeated) (default: %(default)s)")
    parser.add_argument("--chunk", type=float, default=0.5, help="seconds per push (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=OUT / "streaming.json", help="the JSON report (default: %(default)s)")
    args = parser.parse_args()
    one_core()

    import ser_rs
    from ser_rs.inference import load_model

    y, rate = ser_rs.load(args.file, sr=16000)
    y = np.tile(y, int(np.ceil(args.seconds * rate / len(y))))[: int(args.seconds * rate)]
    with tempfile.TemporaryDirectory() as tmp:
        models = {str(m): m for m in args.model} if args.model else train_command_models(Path(tmp))
        report = {"file": str(args.file), "audio_seconds": len(y) / rate, "chunk_seconds": args.chunk, "cores": 1, "models": {}}
        print(f"{len(y) / rate:.0f} s of {args.file.name} in {args.chunk} s chunks, one core\n")
        print(f"{'model':<18} {'method':<28} {'hops':>5} {'median ms':>10} {'p99 ms':>8} {'RTF':>7}")
        for name, folder in models.items():
            recognizer = load_model(folder)
            per_hop, windows, total = stream_latencies(recognizer, y, rate, args.chunk)
            offline = offline_latencies(recognizer, y, rate, windows)
            rows = {"streaming (incremental)": summary(per_hop, total, len(y) / rate),
                    "predict_array per window": summary(offline, sum(offline), len(y) / rate)}
            report["models"][name] = {"features": recognizer.features, "speaker_norm": recognizer.speaker_norm, **rows}
            for method, s in rows.items():
                print(f"{name:<18} {method:<28} {s['hops']:>5} {s['median_ms']:>10.2f} {s['p99_ms']:>8.2f} {s['real_time_factor']:>7.4f}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\ntarget per 0.5 s hop: median < 10 ms, p99 < 20 ms; written to {args.output}")


if __name__ == "__main__":
    main()
