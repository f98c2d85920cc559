"""Input checks shared by the public functions: wrong types become TypeError, unusable shapes
ParameterError, each saying what to do. Values (NaN, empty, absurd parameters) are checked in
Rust, once, for single calls and batches alike."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ser_rs.exceptions import ParameterError


def as_audio(y: Any, name: str = "y") -> np.ndarray:
    """A 1-D float32 C-contiguous view or copy of ``y``."""
    if not isinstance(y, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array of floats, got {type(y).__name__}; "
            f"use np.asarray({name}, dtype=np.float32)"
        )
    if not np.issubdtype(y.dtype, np.floating):
        hint = " (for 16-bit PCM: y.astype(np.float32) / 32768)" if np.issubdtype(y.dtype, np.integer) else ""
        raise TypeError(f"{name} must be floating-point audio (float32 or float64), got dtype {y.dtype}{hint}")
    if y.ndim != 1:
        raise ParameterError(
            f"{name} must be a 1-D mono signal, got shape {y.shape}; "
            "downmix with y.mean(axis=0) or load with mono=True"
        )
    return np.ascontiguousarray(y, dtype=np.float32)


def as_spectrogram(S: Any, name: str = "S") -> np.ndarray:
    """A 2-D float32 C-contiguous ``(n_bins, n_frames)`` array."""
    if not isinstance(S, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(S).__name__}")
    if np.iscomplexobj(S):
        raise TypeError(f"{name} is complex; pass a magnitude or power spectrogram, e.g. np.abs({name})")
    if not (np.issubdtype(S.dtype, np.floating) or np.issubdtype(S.dtype, np.integer)):
        raise TypeError(f"{name} must be a real-valued array, got dtype {S.dtype}")
    if S.ndim != 2:
        raise ParameterError(f"{name} must be 2-D (frequency bins x frames), got shape {S.shape}")
    return np.ascontiguousarray(S, dtype=np.float32)


def as_rate(sr: Any, name: str = "sr") -> int:
    """A sampling rate given as an integer (or an integral float, as librosa allows)."""
    if isinstance(sr, bool) or not isinstance(sr, numbers.Real):
        raise TypeError(f"{name} must be a number in Hz, got {type(sr).__name__}")
    if not float(sr).is_integer():
        raise ParameterError(f"{name}={sr} must be a whole number of Hz")
    return int(sr)


def as_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    return float(value)


def as_window(window: Any) -> Any:
    """A window name, or its coefficients as float64."""
    if isinstance(window, str):
        return window
    if isinstance(window, np.ndarray) and window.ndim == 1:
        return np.ascontiguousarray(window, dtype=np.float64)
    raise TypeError(
        f"window must be a name ('hann', 'hamming', 'blackman', 'boxcar') or a 1-D array, got {type(window).__name__}"
    )
