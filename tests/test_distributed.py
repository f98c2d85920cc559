"""ser_rs.distributed on a real two-process dask cluster: the Parquet rows are those of
single-machine extract, row for row, through a dying worker and partitions of bad files."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

import dask  # noqa: E402

import ser_rs  # noqa: E402
from ser_rs.exceptions import FileAccessError, InputTypeError, ParameterError  # noqa: E402
from ser_rs.datasets import write_wav  # noqa: E402
from ser_rs.distributed import ERRORS_FOLDER, extract_to_parquet  # noqa: E402
from ser_rs.effects import AddGaussianSNR, Compose, Gain, PitchShift  # noqa: E402

SR = 16000
COPIES = [
    Compose([AddGaussianSNR(min_snr_db=5, max_snr_db=25, p=1.0)]),
    Compose([PitchShift(min_semitones=-2, max_semitones=2, p=1.0), Gain(p=0.5)]),
]
JOB = dict(feature="ser162", sr=SR, augment=COPIES, seed=7)


@pytest.fixture(scope="module")
def client():
    # One task per worker thread at a time, so a dying worker takes only the task it was running
    # with it; a task is given up after its second dead worker.
    settings = {
        "distributed.scheduler.allowed-failures": 1,
        "distributed.scheduler.worker-saturation": 1.0,
        "distributed.comm.timeouts.connect": "120s",
    }
    with dask.config.set(settings):
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
        with distributed.Client(cluster, timeout="120s") as c:
            c.wait_for_workers(2, timeout=300)
            yield c
        cluster.close(timeout=120)


@pytest.fixture(scope="module")
def wavs(tmp_path_factory) -> list[str]:
    """Eleven short noisy tones of different pitch and length."""
    folder = tmp_path_factory.mktemp("wavs")
    rng = np.random.default_rng(5)
    paths = []
    for i in range(11):
        n = SR // 2 + 800 * i
        y = 0.3 * np.sin(2 * np.pi * (150 + 40 * i) * np.arange(n) / SR) + 0.02 * rng.standard_normal(n)
        paths.append(str(folder / f"tone{i:02d}.wav"))
        write_wav(paths[-1], y, SR)
    return paths


def written_rows(summary) -> pd.DataFrame:
    return pd.concat([pd.read_parquet(f) for f in summary.files])


def single_machine(paths) -> tuple[pd.DataFrame, list]:
    result = ser_rs.extract(paths, JOB["feature"], sr=SR, augment=COPIES, seed=JOB["seed"])
    return result.to_dataframe(), result.errors


def assert_same_rows(out_dir: Path, summary, paths) -> None:
    expected, errors = single_machine(paths)
    pd.testing.assert_frame_equal(written_rows(summary), expected)
    # Reading the folder skips the errors and any temporary file.
    pd.testing.assert_frame_equal(pd.read_parquet(out_dir), expected)
    assert summary.rows == len(expected) and summary.errors == errors


def test_rows_equal_single_machine_extract_with_augmentation(client, wavs, tmp_path):
    paths = wavs[:4] + [str(tmp_path / "missing.wav")] + wavs[4:]
    out = tmp_path / "features"
    summary = extract_to_parquet(paths, out, client=client, partition_size=3, **JOB)
    assert [os.path.basename(f) for f in summary.files] == [f"part-{n:05d}.parquet" for n in range(4)]
    assert_same_rows(out, summary, paths)
    assert {(e.index, e.copy, e.error_type) for e in summary.errors} == {(4, k, "MissingFileError") for k in range(3)}
    errors = pd.concat([pd.read_parquet(f) for f in summary.error_files])
    assert errors["index"].tolist() == [4, 4, 4] and errors["path"].tolist() == [paths[4]] * 3
    # The copies are augmented, and the item index is the position in the whole list.
    rows = written_rows(summary)
    assert rows.index.tolist() == [i for i in range(len(paths)) if i != 4 for _ in range(3)]
    values = rows.drop(columns=["path", "copy"])
    assert not np.array_equal(values[rows["copy"] == 0].to_numpy(), values[rows["copy"] == 1].to_numpy())

    # A rerun (as a retried task is) rewrites every file with the same bytes.
    before = {f: Path(f).read_bytes() for f in summary.files + summary.error_files}
    again = extract_to_parquet(paths, out, client=client, partition_size=3, **JOB)
    assert again == summary and {f: Path(f).read_bytes() for f in before} == before


class DieBeforeCommitting(distributed.WorkerPlugin):
    """Kills the worker process (os._exit, as the OOM killer would) when it is about to rename
    `target`'s finished temporary file into place, `times` times over the whole cluster."""

    def __init__(self, target: str, marker: str, times: int) -> None:
        self.target, self.marker, self.times = target, marker, times

    def setup(self, worker) -> None:
        self.original = original = os.replace

        def replace(src, dst, *args, **kwargs):
            if os.fspath(dst) == self.target and self._claim_a_death():
                os._exit(1)
            return original(src, dst, *args, **kwargs)

        os.replace = replace

    def _claim_a_death(self) -> bool:
        for k in range(self.times):
            try:
                open(f"{self.marker}.{k}", "x").close()
                return True
            except FileExistsError:
                continue
        return False

    def teardown(self, worker) -> None:
        os.replace = self.original


@pytest.fixture
def dying(client):
    """Registers a DieBeforeCommitting plugin on every worker (restarted ones included)."""
    names = []

    def register(target: Path, marker: Path, times: int) -> None:
        names.append(f"die-{len(names)}")
        client.register_plugin(DieBeforeCommitting(str(target), str(marker), times), name=names[-1])

    yield register
    for name in names:
        client.unregister_worker_plugin(name)


def deaths(marker: Path) -> int:
    return len(list(marker.parent.glob(marker.name + ".*")))


def test_a_worker_killed_mid_write_loses_and_duplicates_no_row(client, dying, wavs, tmp_path):
    out = tmp_path / "features"
    marker = tmp_path / "died"
    dying(out / "part-00001.parquet", marker, times=1)
    summary = extract_to_parquet(wavs, out, client=client, partition_size=3, **JOB)
    assert deaths(marker) == 1, "the worker did not die: the test proves nothing"
    assert_same_rows(out, summary, wavs)
    rows = written_rows(summary)
    assert not rows.reset_index().duplicated(["item", "copy"]).any()
    assert sorted(p.name for p in out.iterdir()) == [ERRORS_FOLDER] + [f"part-{n:05d}.parquet" for n in range(4)]


def test_a_partition_of_unreadable_files_gives_errors_not_a_failure(client, wavs, tmp_path):
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF not really a wave file")
    paths = wavs[:2] + [str(corrupt), str(tmp_path / "missing.flac")] + wavs[2:3]
    out = tmp_path / "features"
    summary = extract_to_parquet(paths, out, client=client, partition_size=2, **JOB)
    assert len(summary.files) == 3 and len(pd.read_parquet(summary.files[1])) == 0
    assert_same_rows(out, summary, paths)
    bad = pd.read_parquet(summary.error_files[1])
    assert bad["index"].tolist() == [2, 2, 2, 3, 3, 3]
    assert set(bad["error_type"]) == {"AudioDecodeError", "MissingFileError"}


def test_a_partition_that_kills_every_worker_is_reported_and_the_rest_written(client, dying, wavs, tmp_path):
    out = tmp_path / "features"
    marker = tmp_path / "died"
    dying(out / "part-00002.parquet", marker, times=10)
    summary = extract_to_parquet(wavs[:8], out, client=client, partition_size=3, **JOB)
    assert deaths(marker) == 2, "allowed-failures=1: the task is given up after its second dead worker"
    lost = [e for e in summary.errors if e.error_type == "WorkerLostError"]
    assert [(e.index, e.copy) for e in lost] == [(i, k) for i in (6, 7) for k in range(3)]
    expected, _ = single_machine(wavs[:6])
    pd.testing.assert_frame_equal(pd.read_parquet(out), expected)
    assert not (out / "part-00002.parquet").exists()
    assert pd.read_parquet(out / ERRORS_FOLDER / "part-00002.parquet")["error_type"].tolist() == ["WorkerLostError"] * 6


def test_refuses_an_out_dir_with_parts_of_another_run(client, wavs, tmp_path):
    (tmp_path / "part-00009.parquet").write_bytes(b"")
    with pytest.raises(ParameterError, match="part-00009.parquet"):
        extract_to_parquet(wavs[:2], tmp_path, client=client, partition_size=1, **JOB)


def test_a_failure_of_the_job_itself_is_raised(client, wavs, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    with pytest.raises(FileAccessError, match="cannot make the output folder"):
        extract_to_parquet(wavs[:2], not_a_folder, client=client, **JOB)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(paths=[]), ParameterError, "paths is empty"),
        (dict(paths="a.wav"), InputTypeError, "wrap a single path"),
        (dict(paths=7), InputTypeError, "list of file paths"),
        (dict(paths=["a.wav", None]), InputTypeError, r"paths\[1\] is NoneType"),
        (dict(out_dir=3), InputTypeError, "out_dir must be a folder"),
        (dict(partition_size=0), ParameterError, "partition_size=0"),
        (dict(partition_size=-4), ParameterError, "partition_size=-4"),
        (dict(partition_size=2.5), InputTypeError, "partition_size must be an integer"),
        (dict(partition_size=True), InputTypeError, "partition_size must be an integer"),
        (dict(feature="mfcc"), ParameterError, "frame-level"),
        (dict(feature="mfccs"), ParameterError, "unknown feature"),
        (dict(strict=True), InputTypeError, r"sets \['strict'\] itself"),
        (dict(n_jobs="2"), InputTypeError, "n_jobs"),
        (dict(augment=Gain()), InputTypeError, "augment must be a list"),
        (dict(client="tcp://127.0.0.1:8786"), InputTypeError, "distributed.Client"),
    ],
)
def test_bad_arguments(kwargs, error, match, tmp_path):
    call = dict(paths=["a.wav"], out_dir=tmp_path, client=None) | kwargs
    with pytest.raises(error, match=match):
        extract_to_parquet(call.pop("paths"), call.pop("out_dir"), **call)


def test_no_client(monkeypatch, tmp_path):
    def no_client():
        raise ValueError("No clients found")

    monkeypatch.setattr(distributed, "default_client", no_client)
    with pytest.raises(ParameterError, match="no dask client"):
        extract_to_parquet(["a.wav"], tmp_path)


@pytest.mark.parametrize("missing", ["distributed", "pyarrow"])
def test_without_dask_the_error_names_the_extra(missing, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, missing, None)
    with pytest.raises(ImportError, match=r'pip install "ser_rs\[dask\]"'):
        extract_to_parquet(["a.wav"], tmp_path)
