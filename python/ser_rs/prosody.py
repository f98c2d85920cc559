"""Prosody: fundamental frequency (F0) with librosa 0.11's names, defaults and numbers, in Rust.

:func:`yin` and :func:`pyin` take the same keyword arguments as ``librosa.yin`` and
``librosa.pyin`` and return float64 arrays (and a bool voicing flag) of the same shape. Frames
are computed from the float32 signal exactly as librosa does; only librosa's float32 FFT
rounding separates the two. ``pyin``'s Viterbi decoding exploits the banded transition matrix,
which makes it hundreds of times faster than librosa's, with the same path.

Differences, all on degenerate input: an empty signal or NaN/inf samples raise
:class:`~ser_rs.ParameterError` (librosa raises too, or pads an empty signal); ``pad_mode``
accepts 'constant', 'edge' and 'reflect'; ``switch_prob`` must lie strictly inside (0, 1) as
librosa documents.

Examples
--------
>>> import numpy as np, ser_rs
>>> sr = 16000
>>> y = np.sin(2 * np.pi * 200 * np.arange(sr) / sr).astype(np.float32)
>>> f0, voiced_flag, voiced_prob = ser_rs.prosody.pyin(y, fmin=65, fmax=500, sr=sr)
>>> f0.shape, bool(voiced_flag[5:-5].all())
((32,), True)
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional

import numpy as np

from ser_rs import _native
from ser_rs._validate import as_number
from ser_rs.exceptions import ParameterError

__all__ = ["yin", "pyin"]


def _signal(y: Any) -> np.ndarray:
    """``y`` as float32, shape ``(..., n)`` with at least one axis."""
    if not isinstance(y, np.ndarray):
        raise TypeError(f"y must be a numpy array of floats, got {type(y).__name__}; use np.asarray(y, dtype=np.float32)")
    if not np.issubdtype(y.dtype, np.floating):
        hint = " (for 16-bit PCM: y.astype(np.float32) / 32768)" if np.issubdtype(y.dtype, np.integer) else ""
        raise TypeError(f"y must be floating-point audio (float32 or float64), got dtype {y.dtype}{hint}")
    if y.ndim == 0:
        raise ParameterError("y must be an audio signal with at least one axis (shape (..., n)), got a scalar")
    return y


def _int(value: Any, name: str, allow_none: bool = False) -> Optional[int]:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    return int(value)


def _frequencies(fmin: Any, fmax: Any, sr: Any, frame_length: int) -> tuple[float, float, float]:
    if fmin is None or fmax is None:
        raise ParameterError('both "fmin" and "fmax" must be provided, e.g. fmin=65, fmax=2093 (librosa\'s C2..C7)')
    fmin, fmax, sr = as_number(fmin, "fmin"), as_number(fmax, "fmax"), as_number(sr, "sr")
    # librosa warns (and still runs) when fewer than two periods of fmin fit in a frame.
    if 0 < fmin < fmax <= sr / 2 and frame_length // 2 <= sr / fmin < frame_length - 1:
        warnings.warn(
            f"With fmin={fmin:.3f}, sr={sr} and frame_length={frame_length}, less than two periods of fmin "
            f"fit into the frame, which can cause inaccurate pitch detection. Consider increasing to "
            f"fmin={sr / (frame_length / 2):.3f} or frame_length={int(np.ceil(sr / fmin) * 2 + 1)}.",
            stacklevel=3,
        )
    return fmin, fmax, sr


def _pad_mode(pad_mode: Any) -> str:
    if not isinstance(pad_mode, str):
        raise TypeError(f"pad_mode must be a string ('constant', 'edge' or 'reflect'), got {type(pad_mode).__name__}")
    return pad_mode


def _deprecated_win_length(win_length: Any) -> None:
    if win_length is not None:
        warnings.warn(
            "The win_length parameter has been deprecated (librosa 0.11.0) and has no effect.",
            category=FutureWarning,
            stacklevel=3,
        )


def _per_channel(y: np.ndarray, compute: Callable[[np.ndarray], Any]) -> Any:
    """Runs ``compute`` on each 1-D channel of ``y`` and stacks the outputs as ``(..., n_frames)``."""
    if y.ndim == 1 or y.size == 0:
        # An empty multi-channel array goes through as one empty signal, to get its error.
        return compute(np.ascontiguousarray(y.reshape(-1), dtype=np.float32))
    rows = [compute(np.ascontiguousarray(row, dtype=np.float32)) for row in y.reshape(-1, y.shape[-1])]
    if isinstance(rows[0], tuple):
        return tuple(np.stack(parts).reshape(*y.shape[:-1], -1) for parts in zip(*rows))
    return np.stack(rows).reshape(*y.shape[:-1], -1)


def yin(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: float = 22050,
    frame_length: int = 2048,
    win_length: Optional[int] = None,
    hop_length: Optional[int] = None,
    trough_threshold: float = 0.1,
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Fundamental frequency (F0) by YIN, as ``librosa.yin``.

    Per frame, the cumulative-mean-normalised difference function (de Cheveigné & Kawahara
    2002) is searched for its first trough below ``trough_threshold`` (else its global
    minimum), refined by parabolic interpolation.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float
        Audio; multi-channel input is processed per channel.
    fmin : number > 0
        Lowest frequency searched, in Hz (librosa recommends ~65 Hz, C2).
    fmax : number > fmin, <= sr / 2
        Highest frequency searched, in Hz.
    sr : number > 0
        Sampling rate of ``y``.
    frame_length : int
        Frame length in samples; one period of ``fmin`` must fit (``sr / fmin < frame_length - 1``).
    win_length : None
        Deprecated in librosa 0.11 and ignored (a FutureWarning if given).
    hop_length : int > 0 or None
        Samples between frames; ``None`` means ``frame_length // 4``.
    trough_threshold : number
        Absolute threshold for the trough search.
    center : bool
        Pad ``frame_length // 2`` samples on both sides so frame ``t`` is centred at ``t * hop_length``.
    pad_mode : {'constant', 'edge', 'reflect'}
        How to pad when ``center``.

    Returns
    -------
    f0 : np.ndarray [shape=(..., n_frames)], float64
        F0 in Hz for every frame (YIN has no voicing decision).

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> sr = 22050
    >>> y = np.sin(2 * np.pi * 220 * np.arange(sr) / sr).astype(np.float32)
    >>> f0 = ser_rs.yin(y, fmin=65, fmax=2093, sr=sr)
    >>> f0.shape, round(float(np.median(f0)))
    ((44,), 220)
    """
    y = _signal(y)
    _deprecated_win_length(win_length)
    frame_length = _int(frame_length, "frame_length")
    hop = _int(hop_length, "hop_length", allow_none=True)
    fmin, fmax, sr = _frequencies(fmin, fmax, sr, frame_length)
    threshold = as_number(trough_threshold, "trough_threshold")
    pad_mode = _pad_mode(pad_mode)

    def one(channel: np.ndarray) -> np.ndarray:
        return _native.yin(
            channel, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame_length, hop_length=hop,
            trough_threshold=threshold, center=bool(center), pad_mode=pad_mode,
        )

    return _per_channel(y, one)


def pyin(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: float = 22050,
    frame_length: int = 2048,
    win_length: Optional[int] = None,
    hop_length: Optional[int] = None,
    n_thresholds: int = 100,
    beta_parameters: tuple[float, float] = (2, 18),
    boltzmann_parameter: float = 2,
    resolution: float = 0.1,
    max_transition_rate: float = 35.92,
    switch_prob: float = 0.01,
    no_trough_prob: float = 0.01,
    fill_na: Optional[float] = np.nan,
    center: bool = True,
    pad_mode: str = "constant",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fundamental frequency (F0) and voicing by probabilistic YIN, as ``librosa.pyin``.

    Every trough of the YIN difference function becomes a pitch candidate, weighted by a beta
    prior over thresholds and a Boltzmann prior favouring short periods (Mauch & Dixon 2014);
    Viterbi decoding over voiced and unvoiced pitch states then picks the most likely track.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float
        Audio; multi-channel input is processed per channel.
    fmin, fmax : number
        Search range in Hz, ``0 < fmin < fmax <= sr / 2`` (librosa recommends C2..C7, 65..2093 Hz).
    sr : number > 0
        Sampling rate of ``y``.
    frame_length : int
        Frame length in samples; one period of ``fmin`` must fit.
    win_length : None
        Deprecated in librosa 0.11 and ignored (a FutureWarning if given).
    hop_length : int > 0 or None
        Samples between frames; ``None`` means ``frame_length // 4``.
    n_thresholds : int > 0
        Number of thresholds of the beta prior.
    beta_parameters : (float > 0, float > 0)
        Shape parameters of the beta prior over thresholds.
    boltzmann_parameter : float > 0
        Shape of the Boltzmann prior over troughs; larger favours shorter periods.
    resolution : float > 0
        Pitch-bin width in semitones (0.01 is cents).
    max_transition_rate : float >= 0
        Fastest pitch change, in octaves per second.
    switch_prob : float in (0, 1)
        Probability of switching between voiced and unvoiced from one frame to the next.
    no_trough_prob : float in [0, 1]
        Mass given to the global minimum for thresholds below every trough.
    fill_na : float, np.nan or None
        ``f0`` of unvoiced frames; ``None`` keeps the decoder's best-guess pitch.
    center : bool
        Centre frame ``t`` at ``t * hop_length`` by padding ``frame_length // 2`` on both sides.
    pad_mode : {'constant', 'edge', 'reflect'}
        How to pad when ``center``.

    Returns
    -------
    f0 : np.ndarray [shape=(..., n_frames)], float64
        F0 in Hz (``fill_na`` where unvoiced).
    voiced_flag : np.ndarray [shape=(..., n_frames)], bool
        Whether each frame is voiced.
    voiced_prob : np.ndarray [shape=(..., n_frames)], float64
        Probability that each frame is voiced.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> sr = 22050
    >>> t = np.arange(sr) / sr
    >>> y = np.concatenate([np.sin(2 * np.pi * 220 * t), np.zeros(sr)]).astype(np.float32)
    >>> f0, voiced_flag, voiced_prob = ser_rs.pyin(y, fmin=65, fmax=2093, sr=sr)
    >>> round(float(np.nanmedian(f0)))
    220
    >>> bool(voiced_flag[5:35].all()), bool(voiced_flag[-30:].any())
    (True, False)
    """
    y = _signal(y)
    _deprecated_win_length(win_length)
    frame_length = _int(frame_length, "frame_length")
    hop = _int(hop_length, "hop_length", allow_none=True)
    fmin, fmax, sr = _frequencies(fmin, fmax, sr, frame_length)
    thresholds = _int(n_thresholds, "n_thresholds")
    try:
        alpha, beta = beta_parameters
    except (TypeError, ValueError):
        raise TypeError(f"beta_parameters must be a pair of numbers, e.g. (2, 18), got {beta_parameters!r}") from None
    beta_pair = (as_number(alpha, "beta_parameters[0]"), as_number(beta, "beta_parameters[1]"))
    fill = None if fill_na is None else as_number(fill_na, "fill_na")
    pad_mode = _pad_mode(pad_mode)
    numbers_ = {
        name: as_number(value, name)
        for name, value in (
            ("boltzmann_parameter", boltzmann_parameter),
            ("resolution", resolution),
            ("max_transition_rate", max_transition_rate),
            ("switch_prob", switch_prob),
            ("no_trough_prob", no_trough_prob),
        )
    }

    def one(channel: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _native.pyin(
            channel, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame_length, hop_length=hop,
            n_thresholds=thresholds, beta_parameters=beta_pair, fill_na=fill,
            center=bool(center), pad_mode=pad_mode, **numbers_,
        )

    return _per_channel(y, one)

