"""Feature extraction over a dask cluster, written as one Parquet file per partition of the paths.

Each partition of the path list runs as one dask task: a worker extracts it with
:func:`ser_rs.extract` on all its cores and writes ``part-N.parquet`` (the rows) and
``_errors/part-N.parquet`` (the files that failed). The rows are exactly those of
``ser_rs.extract(paths, ...).to_dataframe()`` on one machine, augmented copies included, in the
same order across the partitions.

Requires ``pip install "ser_rs[dask]"`` (dask.distributed, pandas and pyarrow).

Examples
--------
>>> from distributed import Client                                              # doctest: +SKIP
>>> from ser_rs.distributed import extract_to_parquet                           # doctest: +SKIP
>>> client = Client("tcp://scheduler:8786")                                     # doctest: +SKIP
>>> summary = extract_to_parquet(paths, "/shared/features", client=client)      # doctest: +SKIP
>>> summary.rows, len(summary.errors)                                           # doctest: +SKIP
(1080, 0)
>>> import pandas as pd; table = pd.read_parquet("/shared/features")            # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from ser_rs.batch import extract
from ser_rs.exceptions import FileAccessError, InputTypeError, ItemError, ParameterError, WorkerLostError

__all__ = ["extract_to_parquet", "ParquetExtraction", "DEFAULT_PARTITION_SIZE", "ERRORS_FOLDER"]

#: Files per partition, hence per task and per Parquet file, unless told otherwise.
DEFAULT_PARTITION_SIZE = 256

#: Subfolder of ``out_dir`` with each partition's errors. Its leading underscore, like the dot of
#: the temporary files, makes ``pandas.read_parquet(out_dir)`` skip it.
ERRORS_FOLDER = "_errors"

# extract's arguments that this module sets itself, per partition.
_SET_PER_PARTITION = ("first_index", "strict", "pad", "progress")

_PART = re.compile(r"part-\d+\.parquet")
_TEMPORARY = re.compile(r"\.part-\d+\.parquet\.[0-9a-f]+\.tmp")


@dataclass
class ParquetExtraction:
    """What :func:`extract_to_parquet` wrote.

    Attributes
    ----------
    rows : int
        Rows written over all partitions (items times ``1 + len(augment)``, less failures).
    errors : list of ItemError
        Every item (and augmented copy) that yielded no row, in input order, with its index in
        ``paths``. A partition whose worker died more often than the scheduler's
        ``allowed-failures`` appears here with ``error_type='WorkerLostError'`` for each of its items.
    files : list of str
        The rows' Parquet files, in partition order (a partition lost with its workers has none).
    error_files : list of str
        The errors' Parquet files, one per partition, in partition order.

    Examples
    --------
    :func:`extract_to_parquet` returns one; its parts:

    >>> from ser_rs.distributed import ParquetExtraction
    >>> summary = ParquetExtraction(rows=2, files=["out/part-00000.parquet"])
    >>> summary.rows, summary.errors
    (2, [])
    """

    rows: int = 0
    errors: list = field(default_factory=list)
    files: list = field(default_factory=list)
    error_files: list = field(default_factory=list)


class _Partition(NamedTuple):
    """One task's share of the paths."""

    number: int
    first_index: int
    paths: list
    name: str


class _Written(NamedTuple):
    """What one task wrote."""

    rows: int
    errors: list
    file: str


def _import_distributed():
    try:
        import distributed
        import pandas  # noqa: F401 - the workers write Parquet through both
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise ImportError(f'ser_rs.distributed needs dask.distributed, pandas and pyarrow ({exc}): pip install "ser_rs[dask]"') from None
    return distributed


def _as_paths(paths: Any) -> list:
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise InputTypeError("paths must be a list of file paths; wrap a single path in a list")
    try:
        items = list(paths)
    except TypeError:
        raise InputTypeError(f"paths must be a list of file paths, got {type(paths).__name__}") from None
    if not items:
        raise ParameterError("paths is empty: pass at least one audio file (did a glob match nothing?)")
    for i, p in enumerate(items):
        if not isinstance(p, (str, bytes, os.PathLike)):
            raise InputTypeError(f"paths[{i}] is {type(p).__name__}: pass file paths (str or os.PathLike) that every worker can open")
    return [os.fsdecode(os.fspath(p)) for p in items]


def _partition_size(size: Any) -> int:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
        raise InputTypeError(f"partition_size must be an integer number of files, got {type(size).__name__}")
    if size < 1:
        raise ParameterError(f"partition_size={size} must be at least 1 file per partition (default {DEFAULT_PARTITION_SIZE})")
    return int(size)


def _as_folder(out_dir: Any) -> str:
    if not isinstance(out_dir, (str, bytes, os.PathLike)):
        raise InputTypeError(f"out_dir must be a folder path (str or os.PathLike), got {type(out_dir).__name__}")
    return os.fsdecode(os.fspath(out_dir))


def _check_extract_arguments(feature: str, augment: Any, seed: Any, extract_kwargs: dict) -> int:
    """Refuses, before any task starts, what every partition would refuse; returns rows per item."""
    taken = sorted(set(extract_kwargs) & set(_SET_PER_PARTITION))
    if taken:
        raise InputTypeError(f"extract_to_parquet sets {taken} itself (bad files go to the errors, each partition knows its index); leave them out")
    # An empty batch checks the feature, its parameters, the loading options and the augmentation.
    probe = extract([], feature, augment=augment, seed=seed, **extract_kwargs)
    if probe.columns is None:
        raise ParameterError(f"'{feature}' is a frame-level feature; extract_to_parquet writes fixed-length ones such as 'ser162' or 'egemaps_like'")
    return 1 + len(augment or ())


def _client(client: Any, distributed: Any) -> Any:
    if client is None:
        try:
            return distributed.default_client()
        except ValueError:
            raise ParameterError('no dask client: pass client=distributed.Client("tcp://scheduler:8786") (or a LocalCluster\'s), or create one first') from None
    if not isinstance(client, distributed.Client):
        raise InputTypeError(f"client must be a distributed.Client, got {type(client).__name__}")
    return client


def _partitions(paths: list, size: int) -> list:
    starts = range(0, len(paths), size)
    width = max(5, len(str(len(starts) - 1)))
    return [_Partition(n, start, paths[start : start + size], f"part-{n:0{width}d}.parquet") for n, start in enumerate(starts)]


# -- on the workers -----------------------------------------------------------------------------


def _write_atomically(frame: Any, path: str) -> str:
    """Writes a whole file or nothing: a reader (or a retry) never sees half of one."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as f:
            frame.to_parquet(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        raise FileAccessError(f"cannot write {path}: {exc}") from exc
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def _errors_frame(errors: list) -> Any:
    import pandas as pd

    frame = pd.DataFrame.from_records(errors, columns=ItemError._fields)
    # Fixed types, so an empty partition's file has the same schema as the others.
    return frame.astype({name: "int64" if name in ("index", "copy") else "str" for name in ItemError._fields})


def _extract_partition(out_dir: str, part: _Partition, feature: str, augment: Any, seed: int, extract_kwargs: dict) -> _Written:
    result = extract(part.paths, feature, augment=augment, seed=seed, first_index=part.first_index, **extract_kwargs)
    rows = result.to_dataframe()
    rows["path"] = rows["path"].astype("str")
    # Errors first: a partition is complete once its rows file exists.
    _write_atomically(_errors_frame(result.errors), os.path.join(out_dir, ERRORS_FOLDER, part.name))
    return _Written(len(result), result.errors, _write_atomically(rows, os.path.join(out_dir, part.name)))


def _files_like(pattern: re.Pattern, out_dir: str) -> list:
    """The files of out_dir and of its errors folder whose names match."""
    folders = (out_dir, os.path.join(out_dir, ERRORS_FOLDER))
    return [os.path.join(f, name) for f in folders if os.path.isdir(f) for name in os.listdir(f) if pattern.fullmatch(name)]


def _remove_temporaries(out_dir: str) -> None:
    for path in _files_like(_TEMPORARY, out_dir):
        os.remove(path)


def _prepare_folder(out_dir: str, names: list) -> None:
    """Creates the folders, and refuses parts of another run that reading the folder would mix in."""
    try:
        os.makedirs(os.path.join(out_dir, ERRORS_FOLDER), exist_ok=True)
    except OSError as exc:
        raise FileAccessError(f"cannot make the output folder {out_dir} (is it a file? writable by every worker?): {exc}") from exc
    foreign = sorted(p for p in _files_like(_PART, out_dir) if os.path.basename(p) not in names)
    if foreign:
        raise ParameterError(f"{out_dir} holds {len(foreign)} part file(s) of another run ({foreign[0]}, ...); pass an empty or new out_dir, or remove them")
    _remove_temporaries(out_dir)


def _finish_folder(out_dir: str, lost: dict) -> None:
    """Leaves the folder as the summary tells it: no temporaries, and for each partition lost with
    its workers no rows file and an errors file that says so."""
    for name, errors in lost.items():
        stale = os.path.join(out_dir, name)
        if os.path.exists(stale):
            os.remove(stale)
        _write_atomically(_errors_frame(errors), os.path.join(out_dir, ERRORS_FOLDER, name))
    _remove_temporaries(out_dir)


# -- on the client ------------------------------------------------------------------------------


def _lost(part: _Partition, rows_per_item: int, reason: Exception) -> list:
    message = f"every worker that ran this partition died ({reason}); out of memory? rerun with a smaller partition_size"
    kind = WorkerLostError.__name__
    return [ItemError(part.first_index + i, path, kind, message, k) for i, path in enumerate(part.paths) for k in range(rows_per_item)]


def _run(client: Any, distributed: Any, out_dir: str, parts: list, task_args: tuple, rows_per_item: int) -> tuple[dict, dict]:
    """Runs the partitions; returns what each wrote and the errors of those lost with their workers."""
    run = uuid.uuid4().hex[:8]
    futures = {client.submit(_extract_partition, out_dir, part, *task_args, key=f"ser_rs-extract-{run}-{part.number}"): part for part in parts}
    written, lost = {}, {}  # by partition number
    try:
        for future in distributed.as_completed(futures):
            part = futures[future]
            try:
                written[part.number] = future.result()
            except distributed.KilledWorker as exc:
                lost[part.number] = _lost(part, rows_per_item, exc)
    except BaseException:
        client.cancel(list(futures))
        raise
    return written, lost


def _summary(out_dir: str, parts: list, written: dict, lost: dict) -> ParquetExtraction:
    summary = ParquetExtraction()
    for part in parts:
        if part.number in written:
            rows, errors, file = written[part.number]
            summary.rows += rows
            summary.files.append(file)
        else:
            errors = lost[part.number]
        summary.errors += errors
        summary.error_files.append(os.path.join(out_dir, ERRORS_FOLDER, part.name))
    return summary


def extract_to_parquet(
    paths: Sequence[Any],
    out_dir: Any,
    feature: str = "ser162",
    *,
    client: Any = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    augment: Optional[Sequence[Any]] = None,
    seed: int = 0,
    **extract_kwargs: Any,
) -> ParquetExtraction:
    """Extract a fixed-length feature for many files on a dask cluster, into Parquet files.

    The paths are cut into partitions of ``partition_size`` files; each partition is one task,
    which a worker runs with :func:`ser_rs.extract` on its cores and writes as
    ``out_dir/part-N.parquet`` (rows as :meth:`ExtractionResult.to_dataframe` gives them: the
    index ``item`` is the position in ``paths``) and ``out_dir/_errors/part-N.parquet`` (columns
    of :class:`ser_rs.ItemError`). ``pandas.read_parquet(out_dir)`` then reads the rows of
    ``ser_rs.extract(paths, feature, ...).to_dataframe()``, equal row for row: each partition
    knows where it starts, so item ``i``'s augmented copies draw from ``(seed, i, k)`` as on one
    machine.

    Files are written to a temporary name and renamed, so a worker that dies mid-task leaves no
    partial file; dask reruns the task, which writes the same bytes. A bad file (missing,
    corrupt, too short) becomes an error of its partition, never a failed job.

    Parameters
    ----------
    paths : sequence of str or os.PathLike
        Audio files, under names that every worker can open (absolute paths on a shared file
        system; relative ones resolve in each worker's working directory).
    out_dir : str or os.PathLike
        Folder for the Parquet files, visible to every worker; created if missing. It may hold
        an earlier run's parts of the same names (they are overwritten) but no others.
    feature : str
        A fixed-length feature of :data:`ser_rs.FEATURES`, e.g. ``'ser162'`` or ``'egemaps_like'``.
    client : distributed.Client, optional
        The cluster to run on; default: the current client (``distributed.default_client()``).
    partition_size : int >= 1
        Files per task and per Parquet file. Smaller partitions spread better and lose less
        work to a dying worker; larger ones cost less scheduling.
    augment : sequence of ser_rs.effects.Compose, optional
        Augmented copies per file, as in :func:`ser_rs.extract`.
    seed : int
        Seed of the augmentation.
    **extract_kwargs
        Any other argument of :func:`ser_rs.extract` (``sr``, ``n_jobs`` per task, feature
        parameters); not ``strict``, ``pad``, ``progress`` or ``first_index``, which this sets.

    Returns
    -------
    ParquetExtraction
        Rows written, the errors of all partitions, and the files.

    Raises
    ------
    ImportError
        Without dask.distributed, pandas or pyarrow.
    ser_rs.InputTypeError
        For arguments of the wrong type, or an argument this function sets itself (a TypeError).
    ser_rs.ParameterError
        For an empty ``paths``, ``partition_size < 1``, a frame-level or unknown feature, no
        dask client, or an ``out_dir`` holding another run's parts.
    ser_rs.exceptions.FileAccessError
        When ``out_dir`` or a file in it cannot be made or written (an OSError).

    Examples
    --------
    >>> from distributed import Client, LocalCluster                          # doctest: +SKIP
    >>> from ser_rs.effects import AddGaussianSNR, Compose
    >>> from ser_rs.distributed import extract_to_parquet                     # doctest: +SKIP
    >>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1))      # doctest: +SKIP
    >>> noisy = [Compose([AddGaussianSNR(min_snr_db=10, max_snr_db=20, p=1.0)])]
    >>> s = extract_to_parquet(paths, "features", augment=noisy, seed=0)     # doctest: +SKIP
    >>> s.rows, s.files[0]                                                    # doctest: +SKIP
    (2160, 'features/part-00000.parquet')
    """
    distributed = _import_distributed()
    paths = _as_paths(paths)
    out_dir = _as_folder(out_dir)
    size = _partition_size(partition_size)
    rows_per_item = _check_extract_arguments(feature, augment, seed, extract_kwargs)
    client = _client(client, distributed)
    parts = _partitions(paths, size)

    # Folder work runs on a worker: the client may not see the shared file system.
    client.submit(_prepare_folder, out_dir, [p.name for p in parts], pure=False).result()
    written, lost = _run(client, distributed, out_dir, parts, (feature, augment, seed, extract_kwargs), rows_per_item)
    client.submit(_finish_folder, out_dir, {parts[n].name: errors for n, errors in lost.items()}, pure=False).result()
    return _summary(out_dir, parts, written, lost)
