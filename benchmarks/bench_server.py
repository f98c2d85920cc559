"""Load test of `ser-rs serve` on loopback, beside the bare Recognizer in the same run (issue 22).

    nice .venv/bin/python benchmarks/bench_server.py                        # 16 clients x 50 uploads, 8 streams
    nice .venv/bin/python benchmarks/bench_server.py --clients 4 --requests 10 --streams 2   # a loaded machine
    nice .venv/bin/python benchmarks/bench_server.py --model ser_rs_output/demo/model

1. Bare: ``Recognizer.predict_bytes`` over the clips from a pool of ``--clients`` threads, in
   this process: the throughput the model allows here.
2. Uploads: the server runs as a separate process (``python -m ser_rs.cli serve``, uvicorn, one
   worker); ``--clients`` concurrent HTTP clients each POST ``--requests`` clips to /predict.
   Errors (any status but 200), median and p99 latency, throughput, and its share of the bare one;
   and the server process's CPU time per upload beside the bare run's per prediction, which
   says what HTTP costs whether or not the load generator competes for the same cores.
3. Streams: ``--streams`` concurrent WebSocket clients each send a clip at real time in 0.1 s
   chunks of float32; a hop's latency runs from the send of the chunk that completes the hop to
   the arrival of its result. The first result comes once a window (3 s) has arrived, so clips
   are ``--stream-seconds`` long.

Clips are the first 3 s of RAVDESS files (ravdess-16k, as WAV bytes); a synthetic corpus stands
in without the data. Without ``--model`` a model of the command's architecture (ser_rs.cli's
COMMAND_DEFAULTS, features mel+functionals) is trained for a few epochs first: its speed, not its
accuracy, is measured. Prints a table and writes bench-results/server.json.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ravdess-16k"
OUT = ROOT / "bench-results"
CLIP_SECONDS = 3.0
CHUNK_SECONDS = 0.1


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", type=Path, default=None, help="a saved model folder (default: train a quick one)")
    p.add_argument("--clients", type=int, default=16, help="concurrent upload clients, and the bare run's threads (default: %(default)s)")
    p.add_argument("--requests", type=int, default=50, help="uploads per client (default: %(default)s)")
    p.add_argument("--streams", type=int, default=8, help="concurrent real-time streams (default: %(default)s)")
    p.add_argument("--stream-seconds", type=float, default=6.0, help="seconds each stream sends (default: %(default)s)")
    p.add_argument("--clips", type=int, default=32, help="distinct clips cycled through (default: %(default)s)")
    p.add_argument("--output", type=Path, default=OUT / "server.json", help="where the JSON report goes (default: %(default)s)")
    return p.parse_args()


def percentile(values: list, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if values else float("nan")


# -- inputs ---------------------------------------------------------------------------------------


def clip_files(count: int, scratch: Path) -> list[Path]:
    if DATA.is_dir():
        files = sorted(DATA.glob("Actor_*/*.flac"))
        return files[:: max(1, len(files) // count)][:count]
    from ser_rs.datasets import make_demo_corpus

    print(f"note: {DATA} not found; synthetic clips stand in")
    return [Path(p) for p in make_demo_corpus(scratch / "corpus", n_speakers=2, n_per_emotion=2, seed=0)["path"]][:count]


def wav_clips(files: list[Path]) -> tuple[list[bytes], list[tuple[np.ndarray, int]]]:
    """Each file's first 3 s as WAV bytes (for uploads) and as float32 samples (for streams)."""
    import ser_rs
    import soundfile as sf

    uploads, signals = [], []
    for path in files:
        y, rate = ser_rs.load(path, sr=None)
        y = y[: int(CLIP_SECONDS * rate)]
        buffer = io.BytesIO()
        sf.write(buffer, y, rate, format="WAV", subtype="PCM_16")
        uploads.append(buffer.getvalue())
        signals.append((y.astype(np.float32), rate))
    return uploads, signals


def quick_model(folder: Path, files: list[Path]) -> Path:
    """A model of the command's architecture and features, trained for speed, not accuracy."""
    import ser_rs
    from ser_rs.cli import COMMAND_DEFAULTS, FRAME_FEATURES

    net = {k: COMMAND_DEFAULTS[k] for k in ("hidden_size", "num_layers", "pooling", "dropout", "speaker_norm")}
    labels = [p.name.split("-")[2] if DATA.is_dir() else p.parent.name for p in files]
    if len(set(labels)) < 2:
        labels = ["a", "b"] * (len(files) // 2) + ["a"] * (len(files) % 2)
    clf = ser_rs.EmotionClassifier(epochs=3, patience=None, features=FRAME_FEATURES["mel+functionals"], progress=False, **net)
    clf.fit([str(p) for p in files], np.asarray(labels), speakers=["s"] * len(files) if clf.speaker_norm else None)
    clf.save(folder)
    return folder


# -- the bare model -------------------------------------------------------------------------------


def cpu_seconds(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def bare(model: Path, uploads: list[bytes], total: int, threads: int) -> dict:
    import psutil

    from ser_rs.inference import load_model

    recognizer = load_model(model)
    recognizer.predict_bytes(uploads[0])  # warm-up
    me = psutil.Process()
    started, cpu = time.perf_counter(), cpu_seconds(me)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda i: recognizer.predict_bytes(uploads[i % len(uploads)]), range(total)))
    seconds = time.perf_counter() - started
    return {"predictions": total, "seconds": seconds, "per_second": total / seconds, "cpu_ms_each": 1000 * (cpu_seconds(me) - cpu) / total}


# -- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(model: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "python"), os.environ.get("PYTHONPATH")]))}
    server = subprocess.Popen([sys.executable, "-m", "ser_rs.cli", "serve", "--model", str(model), "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL)
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer /health within 120 s")


async def upload_load(base: str, uploads: list[bytes], clients: int, requests: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors: list[str] = []

    async def client(k: int, http: httpx.AsyncClient) -> None:
        for i in range(requests):
            data = uploads[(k * requests + i) % len(uploads)]
            started = time.perf_counter()
            try:
                response = await http.post(base + "/predict", files={"file": ("clip.wav", data, "audio/wav")})
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                    continue
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
                continue
            latencies.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=300, limits=limits) as http:
        await http.post(base + "/predict", files={"file": ("clip.wav", uploads[0], "audio/wav")})  # warm-up
        started = time.perf_counter()
        await asyncio.gather(*(client(k, http) for k in range(clients)))
        seconds = time.perf_counter() - started
    return {"requests": clients * requests, "errors": len(errors), "first_errors": errors[:3], "seconds": seconds,
            "per_second": len(latencies) / seconds, "median_s": percentile(latencies, 50), "p99_s": percentile(latencies, 99)}


async def stream_load(base: str, signals: list, streams: int) -> dict:
    import websockets

    latencies: list[float] = []
    errors: list[str] = []
    hops: list[int] = []

    async def stream(k: int) -> None:
        y, rate = signals[k % len(signals)]
        chunk = int(CHUNK_SECONDS * rate)
        sent_at: list[tuple[int, float]] = []  # (samples sent so far, when)
        try:
            async with websockets.connect(base.replace("http", "ws") + "/stream", max_size=2**22) as ws:
                await ws.send(json.dumps({"sample_rate": rate, "format": "f32le"}))
                await ws.recv()  # ready

                async def receive() -> None:
                    async for message in ws:
                        result = json.loads(message)
                        end = int(round(result["time"] * rate))
                        sent = next((t for n, t in sent_at if n >= end), None)
                        if sent is not None and end < len(y):  # not the flushed tail, which waits for the end message
                            latencies.append(time.perf_counter() - sent)
                        hops.append(1)

                receiver = asyncio.create_task(receive())
                started = time.perf_counter()
                for i, start in enumerate(range(0, len(y), chunk)):
                    await asyncio.sleep(max(0.0, started + i * CHUNK_SECONDS - time.perf_counter()))  # real time
                    await ws.send(y[start:start + chunk].tobytes())
                    sent_at.append((min(len(y), start + chunk), time.perf_counter()))
                await ws.send(json.dumps({"end": True}))
                await receiver
        except Exception as exc:  # noqa: BLE001 - every failure of a stream is counted, none stops the run
            errors.append(repr(exc))

    await asyncio.gather(*(stream(k) for k in range(streams)))
    return {"streams": streams, "errors": len(errors), "first_errors": errors[:3], "results": len(hops),
            "hop_median_s": percentile(latencies, 50), "hop_p99_s": percentile(latencies, 99)}


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_server_") as scratch:
        files = clip_files(args.clips, Path(scratch))
        uploads, signals = wav_clips(files)
        model = args.model or quick_model(Path(scratch) / "model", files)
        total = args.clients * args.requests
        print(f"{len(uploads)} clips of {CLIP_SECONDS:g} s; model {model}; {os.cpu_count()} cores")
        base_line = bare(model, uploads, total, args.clients)
        port = free_port()
        server = start_server(model, port)
        try:
            base = f"http://127.0.0.1:{port}"
            import psutil

            server_process = psutil.Process(server.pid)
            cpu = cpu_seconds(server_process)
            served = asyncio.run(upload_load(base, uploads, args.clients, args.requests))
            served["server_cpu_ms_each"] = 1000 * (cpu_seconds(server_process) - cpu) / (served["requests"] + 1)  # + the warm-up
            long_signals = [(np.resize(y, int(args.stream_seconds * rate)), rate) for y, rate in signals]  # clips looped
            streamed = asyncio.run(stream_load(base, long_signals, args.streams)) if args.streams else None
        finally:
            server.terminate()
            server.wait(timeout=30)
    share = served["per_second"] / base_line["per_second"]
    print(f"\nbare Recognizer.predict_bytes ({args.clients} threads): {base_line['per_second']:.1f} clips/s, "
          f"{base_line['cpu_ms_each']:.1f} ms CPU each")
    print(f"server, {args.clients} clients x {args.requests} uploads: {served['per_second']:.1f} clips/s ({100 * share:.0f}% of bare), "
          f"median {1000 * served['median_s']:.0f} ms, p99 {1000 * served['p99_s']:.0f} ms, errors {served['errors']}/{served['requests']}, "
          f"{served['server_cpu_ms_each']:.1f} ms of server CPU each (the clients' CPU, on the same cores, not counted)")
    if streamed:
        print(f"{streamed['streams']} real-time streams: {streamed['results']} results, per-hop latency median "
              f"{1000 * streamed['hop_median_s']:.0f} ms, p99 {1000 * streamed['hop_p99_s']:.0f} ms, errors {streamed['errors']}")
    for part in (served, streamed or {}):
        for error in part.get("first_errors", []):
            print(f"  error: {error}")
    report = {"args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}, "cores": os.cpu_count(),
              "bare": base_line, "uploads": served, "share_of_bare": share, "streams": streamed}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written {args.output}")
    return 1 if served["errors"] or (streamed and streamed["errors"]) else 0


if __name__ == "__main__":
    sys.exit(main())
