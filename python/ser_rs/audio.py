"""Audio I/O: decoding and resampling, as ``librosa.load`` and ``librosa.resample``."""

from __future__ import annotations

import os
from typing import Any, BinaryIO, Optional, Union

import numpy as np

from ser_rs import _native
from ser_rs._channels import over_channels
from ser_rs._validate import as_audio, as_number, as_rate
from ser_rs.exceptions import InputTypeError, ParameterError

__all__ = ["LIBROSA_SR", "load", "resample"]

#: librosa's default sampling rate (Hz), the default ``sr`` of every function that mirrors
#: librosa (:func:`load`, :mod:`ser_rs.feature`, :mod:`ser_rs.prosody`, :func:`ser_rs.extract`),
#: so that the same call gives the same numbers. The classifier's feature pipeline analyses at
#: :data:`ser_rs.model.MODEL_SR` instead (the reason is given there).
LIBROSA_SR: int = 22050

PathLike = Union[str, "os.PathLike[str]"]

#: The ``res_type`` values of ``librosa.resample`` that ser_rs computes: its resampler reproduces
#: soxr's "HQ" filter, librosa's default; the others would be different filters.
RES_TYPES: tuple[str, ...] = ("soxr_hq",)


def _check_res_type(res_type: Any) -> None:
    if not isinstance(res_type, str):
        raise InputTypeError(f"res_type must be a string such as {RES_TYPES[0]!r}, got {type(res_type).__name__}")
    if res_type not in RES_TYPES:
        raise ParameterError(
            f"res_type={res_type!r} is not supported: ser_rs resamples with soxr's 'HQ' filter only; "
            f"pass res_type in {RES_TYPES} (librosa's default), or use librosa.resample for other filters"
        )


def load(
    path: Union[PathLike, BinaryIO],
    *,
    sr: Optional[float] = LIBROSA_SR,
    mono: bool = True,
    offset: float = 0.0,
    duration: Optional[float] = None,
    dtype: Any = np.float32,
    res_type: str = RES_TYPES[0],
) -> tuple[np.ndarray, int]:
    """Load an audio file as floating-point samples, like ``librosa.load``.

    WAV (8/16/24/32-bit integer PCM and 32-bit float), FLAC, MP3 and OGG Vorbis are decoded
    in Rust (symphonia); integer samples are scaled as soundfile scales them.

    Parameters
    ----------
    path : str, os.PathLike or file-like
        The file, or an open binary file object (its remaining bytes are read).
    sr : number > 0 or None
        Target sampling rate; ``None`` keeps the file's native rate.
    mono : bool
        Downmix to mono by averaging the channels.
    offset : float >= 0
        Start reading this many seconds into the file (at the native rate).
    duration : float > 0 or None
        Read at most this many seconds.
    dtype : numpy float dtype
        Output dtype (float32 by default).
    res_type : str
        Resampling filter, as ``librosa.load``: only ``'soxr_hq'`` (librosa's default, see
        :data:`RES_TYPES`); others raise :class:`~ser_rs.ParameterError`.

    Returns
    -------
    y : np.ndarray [shape=(n,) or (channels, n)]
    sr : int
        The sampling rate of ``y``.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    AudioDecodeError
        The file is not decodable audio, or it is truncated.
    ParameterError
        Absurd arguments (``sr <= 0``, negative offset, an unsupported ``res_type``, ...) or
        nothing left to read.

    Examples
    --------
    >>> import ser_rs
    >>> y, sr = ser_rs.load("speech.wav")                 # doctest: +SKIP
    >>> y, sr = ser_rs.load("speech.flac", sr=None, offset=0.5, duration=2.0)  # doctest: +SKIP
    """
    _check_res_type(res_type)
    rate = None if sr is None else as_rate(sr)
    offset = as_number(offset, "offset")
    duration = None if duration is None else as_number(duration, "duration")
    if not np.issubdtype(np.dtype(dtype), np.floating):
        raise InputTypeError(f"dtype must be a floating-point dtype, got {dtype}")
    kwargs = dict(sr=rate, mono=bool(mono), offset=offset, duration=duration)
    if hasattr(path, "read"):
        data = path.read()
        if not isinstance(data, (bytes, bytearray)):
            raise InputTypeError("a file-like path must be opened in binary mode ('rb')")
        y, rate_out = _native.load(None, bytes(data), **kwargs)
    elif isinstance(path, (str, os.PathLike)):
        y, rate_out = _native.load(os.fspath(path), None, **kwargs)
    else:
        raise InputTypeError(f"path must be a str, os.PathLike or binary file object, got {type(path).__name__}")
    return y.astype(dtype, copy=False), rate_out


@over_channels("y")
def resample(y: np.ndarray, *, orig_sr: float, target_sr: float, res_type: str = RES_TYPES[0]) -> np.ndarray:
    """Resample a 1-D signal from ``orig_sr`` to ``target_sr``, like ``librosa.resample``.

    The output has ``ceil(len(y) * target_sr / orig_sr)`` samples, aligned in time with the
    input (band-limited resampling in Rust that reproduces soxr's "HQ" filter, as librosa uses).

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Mono signal, float32 or float64.
    orig_sr : number > 0
        Its sampling rate.
    target_sr : number > 0
        The rate wanted.
    res_type : str
        Resampling filter: only ``'soxr_hq'``, librosa's default (see :data:`RES_TYPES`).

    Returns
    -------
    np.ndarray [shape=(ceil(n * target_sr / orig_sr),)], float32
        The resampled signal (``y`` itself, as float32, when the rates are equal).

    Raises
    ------
    ParameterError
        A non-positive or non-finite rate, an empty or non-finite signal, or a ``res_type`` other
        than ``'soxr_hq'``.
    InputTypeError
        ``y`` is not a numeric array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.sin(2 * np.pi * 440 * np.arange(48000) / 48000).astype(np.float32)
    >>> ser_rs.resample(y, orig_sr=48000, target_sr=16000).shape
    (16000,)
    """
    _check_res_type(res_type)
    y = as_audio(y)
    return _native.resample(y, as_rate(orig_sr, "orig_sr"), as_rate(target_sr, "target_sr"))
