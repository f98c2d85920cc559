"""Feature extraction over a whole corpus, in parallel in Rust.

Examples
--------
>>> import ser_rs
>>> result = ser_rs.extract(["a.wav", "b.flac"], "ser162", n_jobs=2)  # doctest: +SKIP
>>> result.features.shape, result.errors                              # doctest: +SKIP
((2, 162), [])
>>> df = result.to_dataframe()                                         # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import numbers
import os
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Union

import numpy as np

from ser_rs import _native, feature as _feature
from ser_rs._progress import ProgressBar
from ser_rs._validate import as_batch_item, as_n_jobs, as_number, as_rate, as_seed
from ser_rs.audio import LIBROSA_SR
from ser_rs.exceptions import InputTypeError, ItemError, ParameterError

__all__ = ["extract", "ExtractionResult", "ItemError", "FEATURES"]

#: Features :func:`extract` can compute, by name.
FEATURES: tuple[str, ...] = tuple(_native.feature_names())

_INPUTS = {"y", "S", "sr"}


@dataclass
class ExtractionResult:
    """Features of the items that succeeded, and an error for each that did not.

    Attributes
    ----------
    features : np.ndarray or list of np.ndarray
        Fixed-length features (``ser162``): one row per good item, ``(n_ok, n_values)``.
        Frame-level features: a list of ``(n_features, n_frames)`` arrays, or with ``pad=True``
        one ``(n_ok, n_features, max_frames)`` array zero-padded at the end.
    index : np.ndarray of int
        For each row of ``features``, its position in the inputs.
    paths : list of str or None
        For each row, the input path (None for arrays).
    errors : list of ItemError
        One entry per failed item, in input order.
    lengths : np.ndarray of int or None
        Frames per item for frame-level features, else None.
    columns : list of str or None
        Names of the values of fixed-length features.
    feature : str
        The feature's name.
    copy : np.ndarray of int or None
        With ``augment``: for each row, 0 for the clean item and k for its k-th augmented copy.
        Rows of one item share its ``index`` and path: split on those, never on rows.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> tone = np.sin(np.arange(22050) * 0.1).astype(np.float32)
    >>> result = ser_rs.extract([tone, np.zeros(0, np.float32)], "ser162")
    >>> result.features.shape, result.index.tolist(), result.errors[0].error_type
    ((1, 162), [0], 'ParameterError')
    """

    features: Union[np.ndarray, list]
    index: np.ndarray
    paths: list
    errors: list = field(default_factory=list)
    lengths: Optional[np.ndarray] = None
    columns: Optional[list] = None
    feature: str = "ser162"
    copy: Optional[np.ndarray] = None

    def __len__(self) -> int:
        return len(self.index)

    def to_dataframe(self):
        """The fixed-length features as a pandas DataFrame with a ``path`` column.

        Returns
        -------
        pandas.DataFrame
            One row per good item (and copy), indexed by ``item`` (the input position): ``path``,
            ``copy`` (with ``augment``) and one column per value.

        Raises
        ------
        ParameterError
            The feature is frame-level (such as ``'mfcc'``): it has no fixed columns.

        Examples
        --------
        >>> import numpy as np, ser_rs
        >>> tone = np.sin(np.arange(22050) * 0.1).astype(np.float32)
        >>> table = ser_rs.extract([tone], "ser162").to_dataframe()
        >>> table.shape, list(table.columns[:2])
        ((1, 163), ['path', 'zcr_mean'])
        """
        import pandas as pd

        if self.columns is None:
            raise ParameterError(f"'{self.feature}' is a frame-level feature; to_dataframe needs a fixed-length one such as 'ser162' or 'egemaps_like'")
        # An all-failed batch still has its columns (the native layer returns shape (0, 0)).
        values = np.asarray(self.features).reshape(len(self.index), len(self.columns))
        df = pd.DataFrame(values, columns=self.columns)
        df.insert(0, "path", self.paths)
        if self.copy is not None:
            df.insert(1, "copy", self.copy)
        df.index = pd.Index(self.index, name="item")
        return df


def feature_params(name: str, params: dict) -> dict:
    """``params`` checked against the feature function ``name``'s signature (an unknown keyword is a
    TypeError naming the accepted ones), with its defaults filled in.

    Examples
    --------
    >>> feature_params("rms", {"hop_length": 256})["frame_length"]
    2048
    """
    func = getattr(_feature, name)
    signature = inspect.signature(func)
    accepted = [p for p in signature.parameters if p not in _INPUTS]
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        raise InputTypeError(f"feature '{name}' got unexpected keyword argument(s) {unknown}; it accepts {accepted}")
    full = {p: params.get(p, signature.parameters[p].default) for p in accepted}
    if full.get("window") is not None and not isinstance(full["window"], str):
        full["window"] = np.ascontiguousarray(full["window"], dtype=np.float64)
    return full


def _augmentation(augment: Optional[Sequence[Any]], seed: Any) -> Optional[tuple]:
    """``augment`` as the native layer takes it: (one step list per copy, seed)."""
    if augment is None:
        return None
    from ser_rs.effects import Compose

    if isinstance(augment, Compose) or not isinstance(augment, (list, tuple)):
        raise InputTypeError("augment must be a list of ser_rs.effects.Compose pipelines, one per augmented copy")
    for a in augment:
        if not isinstance(a, Compose):
            raise InputTypeError(f"each augmented copy must be a ser_rs.effects.Compose, got {type(a).__name__}")
    return [a.native_steps() for a in augment], as_seed(seed)


def _first_index(first_index: Any) -> int:
    if isinstance(first_index, bool) or not isinstance(first_index, numbers.Integral):
        raise InputTypeError(f"first_index must be an integer, got {type(first_index).__name__}")
    if not 0 <= first_index < 2**63:
        raise ParameterError(f"first_index={first_index} must be a position in the whole list: 0 or more")
    return int(first_index)


def pad_frames(frames: list) -> tuple[np.ndarray, np.ndarray]:
    """Frame-level arrays ``(n_features, T_i)`` zero-padded into one ``(n, n_features, max T_i)``
    array, and their lengths.

    Examples
    --------
    >>> import numpy as np
    >>> padded, lengths = pad_frames([np.ones((2, 3), np.float32), np.ones((2, 1), np.float32)])
    >>> padded.shape, lengths.tolist()
    ((2, 2, 3), [3, 1])
    """
    lengths = np.array([f.shape[1] for f in frames], dtype=np.int64)
    n_feat = frames[0].shape[0] if frames else 0
    out = np.zeros((len(frames), n_feat, int(lengths.max(initial=0))), dtype=np.float32)
    for i, f in enumerate(frames):
        out[i, :, : f.shape[1]] = f
    return out, lengths


def extract(
    inputs: Sequence[Any],
    feature: str = "ser162",
    *,
    sr: Optional[float] = LIBROSA_SR,
    sr_in: Optional[float] = None,
    mono: bool = True,
    offset: float = 0.0,
    duration: Optional[float] = None,
    n_jobs: Optional[int] = None,
    progress: bool = False,
    strict: bool = False,
    pad: bool = False,
    augment: Optional[Sequence[Any]] = None,
    seed: int = 0,
    first_index: int = 0,
    **params: Any,
) -> ExtractionResult:
    """Extract one feature for many files or signals, in parallel with the GIL released.

    Each file is decoded, resampled and analysed by one worker and then dropped, so memory
    stays flat however long the list. A bad item (missing, corrupt, too short, wrong type)
    does not fail the batch: it is reported in ``errors`` and the others are kept, unless
    ``strict``.

    Parameters
    ----------
    inputs : sequence of str, os.PathLike or np.ndarray
        Audio files, or 1-D float signals at rate ``sr_in``.
    feature : str
        One of :data:`FEATURES`: a fixed-length vector per item (``'ser162'``,
        ``'egemaps_like'``) or a frame-level feature of :mod:`ser_rs.feature` (``'mfcc'``,
        ``'melspectrogram'``, ...).
    sr : number or None
        Rate to analyse at: files are loaded (and arrays resampled) to it; ``None`` keeps each
        input's own rate.
    sr_in : number or None
        Sampling rate of array inputs (default: ``sr``).
    mono, offset, duration
        As in :func:`ser_rs.load` (offset and duration apply to files).
    n_jobs : int or None
        Worker threads; ``None`` or -1 uses every core.
    progress : bool
        Show progress (a tqdm bar on a terminal or in a notebook, else one line at the end).
    strict : bool
        Raise the first item's error (as its own exception type) instead of collecting errors.
    pad : bool
        For frame-level features, return one zero-padded array plus ``lengths``.
    augment : sequence of ser_rs.effects.Compose, optional
        Augment-then-extract: besides each item's clean features, the features of one copy
        per pipeline, made in the same worker from the decoded audio. Copy ``k`` of item ``i``
        draws its randomness from ``(seed, i, k)``, so rows are identical for any ``n_jobs``.
        Rows come item by item (clean first); ``copy`` says which is which.
    seed : int
        Seed of the augmentation.
    first_index : int >= 0
        Position of ``inputs[0]`` in a longer list that ``inputs`` is a slice of. The ``index``
        of rows and errors, and the ``i`` of the augmentation, count from it, so slices of one
        list extracted separately (as :func:`ser_rs.distributed.extract_to_parquet` does, one
        per machine) give exactly the rows of the whole list.
    **params
        Keyword arguments of the feature function, e.g. ``n_mfcc=13``.

    Returns
    -------
    ExtractionResult

    Raises
    ------
    ParameterError
        An unknown feature, or parameters the feature refuses.
    InputTypeError
        ``inputs`` is a single path or array rather than a sequence of them.
    SerError
        With ``strict=True``, the first failed item's own error (without it, failures go to ``errors``).

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> rng = np.random.default_rng(0)
    >>> signals = [rng.standard_normal(n).astype(np.float32) for n in (22050, 33075)]
    >>> r = ser_rs.extract(signals + ["missing.wav"], "mfcc", n_mfcc=13, pad=True)
    >>> r.features.shape, r.lengths.tolist(), r.errors[0].error_type
    ((2, 13, 65), [44, 65], 'MissingFileError')
    """
    if feature not in FEATURES:
        raise ParameterError(f"unknown feature '{feature}'; choose one of {list(FEATURES)}")
    if isinstance(inputs, (str, os.PathLike, np.ndarray)):
        raise InputTypeError("inputs must be a sequence of items; wrap a single path or array in a list")
    checked_params = feature_params(feature, params)
    rate = None if sr is None else as_rate(sr)
    rate_in = rate if sr_in is None else as_rate(sr_in, "sr_in")
    jobs = as_n_jobs(n_jobs)
    offset = as_number(offset, "offset")
    duration = None if duration is None else as_number(duration, "duration")

    first = _first_index(first_index)
    copies = _augmentation(augment, seed)
    per_item = 1 + (len(copies[0]) if copies else 0)

    prepared = [as_batch_item(item) for item in inputs]
    runnable = [i for i, p in enumerate(prepared) if not isinstance(p, Exception)]
    early = [ItemError(first + i, None, type(p).__name__, str(p)) for i, p in enumerate(prepared) if isinstance(p, Exception)]
    if strict and early:
        raise early[0].exception()

    # The items that reach Rust keep their place in the whole list for their random streams.
    native_augment = None if copies is None else (*copies, [first + i for i in runnable])

    with ProgressBar(len(runnable), disable=not progress, unit="item", desc=feature) as bar:

        def report(done: int) -> None:
            bar.update(done - bar.n)

        ok_local, values, failed = _native.extract(
            [prepared[i] for i in runnable], feature, checked_params, sr=rate, array_sr=rate_in, mono=bool(mono),
            offset=offset, duration=duration, n_jobs=jobs, fail_fast=bool(strict), augment=native_augment, progress=report,
        )

    def path_of(i: int) -> Optional[str]:
        return prepared[i] if isinstance(prepared[i], str) else None

    errors = early + [
        ItemError(first + runnable[j // per_item], path_of(runnable[j // per_item]), kind, msg, j % per_item) for j, kind, msg in failed
    ]
    errors.sort(key=lambda e: e.index)
    if strict and errors:
        # Report the cause, not the items cancelled because of it.
        causes = [e for e in errors if "batch was cancelled" not in e.message] or errors
        raise causes[0].exception()
    local = [runnable[j // per_item] for j in ok_local]
    index = np.array(local, dtype=np.int64) + first
    paths = [path_of(i) for i in local]
    columns = _native.feature_columns(feature)
    result = ExtractionResult(features=values, index=index, paths=paths, errors=errors, feature=feature)
    if copies:
        result.copy = np.array([j % per_item for j in ok_local], dtype=np.int64)
    if columns:
        result.columns = columns
    else:
        result.lengths = np.array([v.shape[1] for v in values], dtype=np.int64)
        if pad:
            result.features, result.lengths = pad_frames(values)
    return result
