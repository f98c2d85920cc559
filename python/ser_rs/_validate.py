"""Input checks shared by the public functions: wrong types become TypeError, unusable shapes
ParameterError, each saying what to do. Values (NaN, empty, absurd parameters) are checked in
Rust, once, for single calls and batches alike."""

from __future__ import annotations

import numbers
import os
from typing import Any, Optional, Union

import numpy as np

from ser_rs.exceptions import InputTypeError, ParameterError


def _check_float_array(y: Any, name: str) -> None:
    """Refuses anything but a numpy array of floats, saying how to make one."""
    if not isinstance(y, np.ndarray):
        raise InputTypeError(
            f"{name} must be a numpy array of floats, got {type(y).__name__}; "
            f"use np.asarray({name}, dtype=np.float32)"
        )
    if not np.issubdtype(y.dtype, np.floating):
        hint = " (for 16-bit PCM: y.astype(np.float32) / 32768)" if np.issubdtype(y.dtype, np.integer) else ""
        raise InputTypeError(f"{name} must be floating-point audio (float32 or float64), got dtype {y.dtype}{hint}")


def as_audio(y: Any, name: str = "y") -> np.ndarray:
    """A 1-D float32 C-contiguous view or copy of ``y``."""
    _check_float_array(y, name)
    if y.ndim != 1:
        raise ParameterError(
            f"{name} must be a 1-D mono signal, got shape {y.shape}; "
            "downmix with y.mean(axis=0) or load with mono=True"
        )
    return np.ascontiguousarray(y, dtype=np.float32)


def as_spectrogram(S: Any, name: str = "S") -> np.ndarray:
    """A 2-D float32 C-contiguous ``(n_bins, n_frames)`` array."""
    if not isinstance(S, np.ndarray):
        raise InputTypeError(f"{name} must be a numpy array, got {type(S).__name__}")
    if np.iscomplexobj(S):
        raise InputTypeError(f"{name} is complex; pass a magnitude or power spectrogram, e.g. np.abs({name})")
    if not (np.issubdtype(S.dtype, np.floating) or np.issubdtype(S.dtype, np.integer)):
        raise InputTypeError(f"{name} must be a real-valued array, got dtype {S.dtype}")
    if S.ndim != 2:
        raise ParameterError(f"{name} must be 2-D (frequency bins x frames), got shape {S.shape}")
    return np.ascontiguousarray(S, dtype=np.float32)


def as_rate(sr: Any, name: str = "sr") -> int:
    """A sampling rate given as an integer (or an integral float, as librosa allows)."""
    if isinstance(sr, bool) or not isinstance(sr, numbers.Real):
        raise InputTypeError(f"{name} must be a number in Hz, got {type(sr).__name__}")
    if not float(sr).is_integer():
        raise ParameterError(f"{name}={sr} must be a whole number of Hz")
    return int(sr)


def as_number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(f"{name} must be a number, got {type(value).__name__}")
    return float(value)


#: Windows computed in Rust by name; any other spec librosa takes is built by scipy.signal.get_window.
NATIVE_WINDOWS = ("hann", "hanning", "hamming", "blackman", "boxcar", "rectangular", "ones")


def as_window(window: Any, length: Any = None) -> Any:
    """A window as the native layer takes it: a name it computes, or float64 coefficients.

    Every spec ``librosa.filters.get_window`` accepts works: a name, a tuple such as
    ``('kaiser', 4.0)``, a number (Kaiser beta), a callable of the length, or an array/list of
    ``length`` coefficients. Specs Rust lacks are built periodic (``fftbins=True``, as librosa)
    by ``scipy.signal.get_window`` over ``length`` samples (``win_length``, else ``n_fft``).
    """
    if isinstance(window, str) and window in NATIVE_WINDOWS:
        return window
    if isinstance(window, (np.ndarray, list)):
        coefficients = np.asarray(window)
        if coefficients.ndim == 1 and (np.issubdtype(coefficients.dtype, np.floating) or np.issubdtype(coefficients.dtype, np.integer)):
            return np.ascontiguousarray(coefficients, dtype=np.float64)
    elif callable(window) or isinstance(window, (str, tuple)) or (isinstance(window, numbers.Real) and not isinstance(window, bool)):
        if isinstance(length, numbers.Integral) and not isinstance(length, bool) and length > 0:
            return _window_coefficients(window, int(length))
        # win_length/n_fft is unusable, which the native check reports by name; any window does.
        return NATIVE_WINDOWS[0]
    raise InputTypeError(
        "window must be a name ('hann', 'blackmanharris', ...), a tuple such as ('kaiser', 4.0), a number, "
        f"a callable of the length, or a 1-D array of coefficients, got {type(window).__name__}"
    )


def _window_coefficients(window: Any, length: int) -> np.ndarray:
    """``window(length)`` for a callable, else scipy's periodic window, as float64."""
    if callable(window):
        coefficients = np.asarray(window(length))
    else:
        try:
            from scipy.signal import get_window
        except ImportError as exc:
            raise ImportError(f"window={window!r} needs scipy ({exc}): pip install scipy, or use one of {NATIVE_WINDOWS}") from exc
        try:
            coefficients = get_window(window, length, fftbins=True)
        except (ValueError, TypeError) as exc:
            raise ParameterError(f"window={window!r} is not a window scipy.signal.get_window knows ({exc})") from exc
    if coefficients.shape != (length,) or not np.isrealobj(coefficients):
        raise ParameterError(f"window={window!r} gave {coefficients.shape} values; it must give {length} real coefficients")
    return np.ascontiguousarray(coefficients, dtype=np.float64)


def as_seed(seed: Any) -> int:
    """A random seed: an integer in ``[0, 2**64)``, as the native generators take it.

    Examples
    --------
    >>> from ser_rs._validate import as_seed
    >>> as_seed(7)
    7
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InputTypeError(f"seed must be an integer, got {type(seed).__name__}")
    if not 0 <= seed < 2**64:
        raise ParameterError(f"seed={seed} must be between 0 and 2**64 - 1")
    return int(seed)


def as_n_jobs(n_jobs: Any) -> Optional[int]:
    """Worker threads: a count >= 1, or None (also for -1) for every core.

    Examples
    --------
    >>> from ser_rs._validate import as_n_jobs
    >>> as_n_jobs(2), as_n_jobs(-1)
    (2, None)
    """
    if n_jobs is None or n_jobs == -1:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise InputTypeError(f"n_jobs must be an integer or None, got {type(n_jobs).__name__}")
    if n_jobs < 1:
        raise ParameterError(f"n_jobs={n_jobs} must be >= 1, or -1/None for all cores")
    return int(n_jobs)


def as_batch_item(item: Any) -> Union[str, np.ndarray, Exception]:
    """One item of a batch as the native layer takes it: a path string or a float32 1-D array.
    Anything else is returned (not raised) as that item's exception, so that a batch keeps its
    good items.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs._validate import as_batch_item
    >>> as_batch_item(np.zeros(3)).dtype, type(as_batch_item(np.zeros((2, 3)))).__name__
    (dtype('float32'), 'ParameterError')
    """
    if isinstance(item, (str, os.PathLike)):
        return os.fspath(item)
    if isinstance(item, bytes):
        return os.fsdecode(item)
    if isinstance(item, np.ndarray):
        if not np.issubdtype(item.dtype, np.floating):
            return InputTypeError(f"arrays must be floating-point audio, got dtype {item.dtype}")
        if item.ndim != 1:
            return ParameterError(f"arrays must be 1-D mono signals, got shape {item.shape}")
        return np.ascontiguousarray(item, dtype=np.float32)
    return InputTypeError(f"items must be paths or 1-D float arrays, got {type(item).__name__}")


def is_sparse(X: Any) -> bool:
    """Whether ``X`` is a scipy sparse matrix or array, recognised without importing scipy.

    Examples
    --------
    >>> import numpy as np
    >>> is_sparse(np.zeros((2, 2)))
    False
    """
    return type(X).__module__.startswith("scipy.sparse")


def as_signal(y: Any, name: str = "y") -> np.ndarray:
    """``y`` as librosa takes audio, shape ``(..., n)``: a mono signal or channels (stereo,
    batches) along the leading axes, each with at least one sample. Returned as given (dtype
    and layout untouched): each channel is converted on its own, in parallel.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs._validate import as_signal
    >>> as_signal(np.zeros((2, 3))).shape
    (2, 3)
    """
    _check_float_array(y, name)
    if y.ndim == 0:
        raise ParameterError(f"{name} must be a 1-D mono signal or channels of shape (..., n), got a scalar")
    if y.ndim > 1 and y.shape[-1] == 0:
        raise ParameterError(f"{name} of shape {y.shape} is empty along its last axis (samples); each channel needs audio")
    if y.ndim > 1 and y.size == 0:
        raise ParameterError(f"{name} of shape {y.shape} has no channel; pass at least one signal")
    return y


def as_spectrograms(S: Any, name: str = "S") -> np.ndarray:
    """``S`` as librosa takes spectrograms, shape ``(..., n_bins, n_frames)``: one, or one per
    channel along the leading axes. Returned as given; its values are checked per channel.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs._validate import as_spectrograms
    >>> as_spectrograms(np.ones((2, 5, 4))).shape
    (2, 5, 4)
    """
    if not isinstance(S, np.ndarray):
        raise InputTypeError(f"{name} must be a numpy array, got {type(S).__name__}")
    if S.ndim < 2:
        raise ParameterError(
            f"{name} must be 2-D (frequency bins x frames), or (..., bins, frames) for channels, got shape {S.shape}"
        )
    if S.ndim > 2 and S.size == 0:
        raise ParameterError(
            f"{name} of shape {S.shape} is empty; pass at least one channel with at least one bin and one frame"
        )
    return S
