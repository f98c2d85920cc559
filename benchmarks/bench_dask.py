"""Throughput of ser_rs.distributed.extract_to_parquet on 1 and on 2 dask workers (LocalCluster,
one process and one core each), against ser_rs.extract on one machine with the same cores.

RAVDESS ravdess-16k FLAC files spread over all actors, a fixed-length feature (default ser162 at
16 kHz), Parquet written per partition. Cluster start-up and the workers' first import are
excluded (a warm-up job runs first); the Parquet rows are checked equal to extract's. Each figure
is the best of ``--repeat`` runs, since the machine may be shared.

    .venv/bin/python benchmarks/bench_dask.py --files 1080
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import pandas as pd

import ser_rs
from ser_rs.distributed import extract_to_parquet

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ravdess-16k"


def spread(folder: Path, count: int) -> list[str]:
    files = sorted(folder.glob("Actor_*/*.flac"))
    if len(files) < count:
        raise SystemExit(f"{folder} holds {len(files)} FLAC files, fewer than --files {count}")
    return [str(f) for f in files[:: len(files) // count][:count]]


def best_time(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def on_cluster(n_workers: int, paths: list, args, expected: pd.DataFrame) -> float:
    """Best seconds for the job on `n_workers` one-core workers; checks the rows once."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client, tempfile.TemporaryDirectory() as tmp:
        job = dict(feature=args.feature, client=client, partition_size=args.partition_size, sr=16000, n_jobs=1)
        extract_to_parquet(paths[: 2 * n_workers], Path(tmp) / "warm-up", **job | dict(partition_size=1))
        out = Path(tmp) / "features"
        seconds = best_time(lambda: extract_to_parquet(paths, out, **job), args.repeat)
        pd.testing.assert_frame_equal(pd.read_parquet(out), expected)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="the ravdess-16k folder (default: %(default)s)")
    parser.add_argument("--files", type=int, default=1080, help="files to extract (default: %(default)s)")
    parser.add_argument("--partition-size", type=int, default=60, help="files per task and Parquet file (default: %(default)s)")
    parser.add_argument("--feature", default="ser162", help="a fixed-length feature (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure, best kept (default: %(default)s)")
    args = parser.parse_args()
    paths = spread(args.data, args.files)

    def single(n_jobs: int) -> pd.DataFrame:
        return ser_rs.extract(paths, args.feature, sr=16000, n_jobs=n_jobs).to_dataframe()

    expected = single(1)
    figures = {
        "ser_rs.extract, n_jobs=1": best_time(lambda: single(1), args.repeat),
        "ser_rs.extract, n_jobs=2": best_time(lambda: single(2), args.repeat),
        "dask, 1 worker x 1 core": on_cluster(1, paths, args, expected),
        "dask, 2 workers x 1 core": on_cluster(2, paths, args, expected),
    }
    print(f"{len(paths)} RAVDESS 16 kHz files, {args.feature}, partitions of {args.partition_size}, best of {args.repeat}")
    for name, seconds in figures.items():
        print(f"{name:28s} {seconds:7.2f} s {len(paths) / seconds:8.1f} files/s")
    one, two = figures["dask, 1 worker x 1 core"], figures["dask, 2 workers x 1 core"]
    print(f"2 workers / 1 worker: {one / two:.2f}x; dask on 2 workers / extract n_jobs=2: {figures['ser_rs.extract, n_jobs=2'] / two:.2f}x")


if __name__ == "__main__":
    main()
