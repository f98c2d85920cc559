"""Spectral features with librosa 0.11's names, defaults and numbers, computed in Rust.

Every function takes the same keyword arguments as its librosa namesake and returns float32
arrays of the same shape (complex64 for :func:`stft`), except :func:`power_to_db` and
:func:`amplitude_to_db`, which take what librosa takes (scalars, lists, any shape, complex) and
return librosa's dtype. The differences, all on degenerate input, are deliberate: an empty signal,
NaN/inf samples (or spectrogram values) and ``fmax > sr / 2`` raise
:class:`~ser_rs.ParameterError` instead of warning or returning garbage. A centred signal shorter
than one frame is padded as librosa pads it (the STFT-based features warn, as librosa's STFT
does); uncentred, it is an error, as in librosa.

As in librosa, ``y`` may hold channels, shape ``(..., n)`` (stereo, batches), and ``S`` shape
``(..., n_bins, n_frames)``: the output gets the leading axes prepended, the channels computed in
parallel. float64 input returns float64 (complex128), computed in float32 and widened
(:func:`rms` returns float32, as librosa's). Where librosa couples the channels, so does ser_rs:
:func:`mfcc` of audio and :func:`spectral_contrast` floor their dB at ``top_db`` below the
loudest value of all channels, and :func:`chroma_stft` estimates one tuning from all of them; for
independent items, call once per item or use :func:`ser_rs.extract`. See docs/multichannel.md.

Examples
--------
>>> import numpy as np
>>> from ser_rs import feature
>>> y = np.sin(2 * np.pi * 220 * np.arange(22050) / 22050).astype(np.float32)
>>> feature.mfcc(y=y, sr=22050).shape
(20, 44)
>>> feature.ser162(y, sr=22050).shape
(162,)
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any, Callable, Optional, Union

import numpy as np

from ser_rs import _native
from ser_rs._channels import map_channels, over_channels, stack
from ser_rs._validate import as_audio, as_number, as_spectrogram, as_window
from ser_rs.audio import LIBROSA_SR
from ser_rs.exceptions import InputTypeError, ParameterError

__all__ = [
    "stft",
    "power_to_db",
    "amplitude_to_db",
    "melspectrogram",
    "mfcc",
    "delta",
    "chroma_stft",
    "zero_crossing_rate",
    "rms",
    "spectral_centroid",
    "spectral_bandwidth",
    "spectral_rolloff",
    "spectral_contrast",
    "spectral_flatness",
    "ser162",
    "SER162_COLUMNS",
    "egemaps_like",
    "EGEMAPS_LIKE_COLUMNS",
    "functionals",
    "functional_names",
    "DEFAULT_STATS",
]

# Any spec librosa.filters.get_window takes (see stft).
Window = Union[str, tuple, float, Callable[[int], Any], np.ndarray, list]
Reference = Union[float, Callable[[np.ndarray], Any]]

#: Names of the 162 values of :func:`ser162`, in order.
SER162_COLUMNS: tuple[str, ...] = tuple(_native.ser162_columns())

#: Names of the values of :func:`egemaps_like`, in order.
EGEMAPS_LIKE_COLUMNS: tuple[str, ...] = tuple(_native.feature_columns("egemaps_like"))


# Features librosa defines only for real, non-negative spectrograms: complex S is its ParameterError.
_REAL_S_ONLY = ("spectral_centroid", "spectral_bandwidth", "spectral_rolloff", "spectral_flatness")
# Native pad modes; with another, a short signal is left to the native check, which names the mode.
_PAD_MODES = ("constant", "edge", "reflect")


def _pad_short(y: np.ndarray, params: dict, stacklevel: int = 4) -> np.ndarray:
    """librosa's handling of a centred signal shorter than one frame: pad ``frame // 2`` on both
    sides (``pad_mode``; 'edge' for the zero-crossing rate) and frame it uncentred. The STFT-based
    features also warn, with ``librosa.stft``'s message. Longer signals pass through untouched."""
    frame = params.get("n_fft", params.get("frame_length"))
    mode = params.get("pad_mode", "edge")
    if params.get("center") is not True or not isinstance(frame, (int, np.integer)) or isinstance(frame, bool):
        return y
    if not 0 < y.size < frame or mode not in _PAD_MODES:
        return y
    if "n_fft" in params:
        # stacklevel 4: this helper, _compute, the public function, then the user's line.
        warnings.warn(f"n_fft={frame} is too large for input signal of length={y.size}", UserWarning, stacklevel=stacklevel)
    params["center"] = False
    return np.ascontiguousarray(np.pad(y, int(frame) // 2, mode=mode), dtype=np.float32)


def _compute(name: str, y: Optional[np.ndarray], S: Optional[np.ndarray], sr: float, **params: Any) -> np.ndarray:
    """Validates the input and runs the named feature in Rust (GIL released)."""
    if "window" in params:
        params["window"] = as_window(params["window"], params.get("win_length") or params.get("n_fft"))
    if y is not None:
        y_arr, S_arr = _pad_short(as_audio(y), params), None
    elif S is not None:
        if name in _REAL_S_ONLY and isinstance(S, np.ndarray) and np.iscomplexobj(S):
            raise ParameterError(f"{name} is only defined with real-valued input; pass a magnitude spectrogram, e.g. np.abs(S)")
        if name == "rms" and isinstance(S, np.ndarray) and np.iscomplexobj(S):
            S = np.abs(S)  # librosa's rms takes |S|, so a complex STFT is accepted as is
        y_arr, S_arr = None, as_spectrogram(S)
    else:
        raise ParameterError(f"{name} needs an input: pass y= (audio) or S= (a spectrogram)")
    if params.get("freq") is not None and np.ndim(params["freq"]) == 2 and name in _REAL_S_ONLY:
        return _with_frame_freqs(name, y_arr, S_arr, as_number(sr, "sr"), params)
    for key in ("freq", "centroid"):
        if params.get(key) is not None:
            params[key] = np.ascontiguousarray(np.ravel(params[key]), dtype=np.float64)
    return _native.compute_feature(name, y_arr, S_arr, as_number(sr, "sr"), params)


_STFT_KEYS = ("n_fft", "hop_length", "win_length", "window", "center", "pad_mode")


def _with_frame_freqs(name: str, y: Optional[np.ndarray], S: Optional[np.ndarray], sr: float, params: dict) -> np.ndarray:
    """Centroid, bandwidth or roll-off with a frequency per bin *and frame* (``freq`` of the
    spectrogram's shape, as librosa allows), which the Rust kernels (one frequency per bin) do not
    take: librosa's formulas in float64 over the magnitude spectrogram. The native call on the same
    spectrogram, with the default frequencies, checks everything else first."""
    freq = np.asarray(params.pop("freq"))
    if S is None:
        S = np.abs(_native.stft(y, {k: params[k] for k in _STFT_KEYS}))
    if params.get("centroid") is not None:
        params["centroid"] = np.ascontiguousarray(np.ravel(params["centroid"]), dtype=np.float64)
    _native.compute_feature(name, None, S, sr, params)
    if freq.shape != S.shape or not np.isrealobj(freq) or not np.isfinite(freq).all():
        raise ParameterError(f"a 2-D freq must hold a finite frequency per bin and frame, shape {S.shape}; got shape {freq.shape}")
    freq = freq.astype(np.float64)
    energy = S.astype(np.float64)
    if name == "spectral_rolloff":
        total = np.cumsum(energy, axis=0)
        below = total < params["roll_percent"] * total[-1:]
        return np.nanmin(np.where(below, np.nan, freq), axis=0, keepdims=True).astype(np.float32)

    def normalized(x: np.ndarray) -> np.ndarray:
        # librosa.util.normalize(norm=1): columns whose sum is below float32's tiny stay unscaled.
        length = x.sum(axis=0, keepdims=True)
        return x / np.where(length < np.finfo(np.float32).tiny, 1.0, length)

    centroid = np.sum(freq * normalized(energy), axis=0, keepdims=True)
    if name == "spectral_centroid":
        return centroid.astype(np.float32)
    if params.get("centroid") is not None:
        centroid = params["centroid"].reshape(1, -1)
    weights = normalized(energy) if params["norm"] else energy
    p = as_number(params["p"], "p")
    return (np.sum(weights * np.abs(freq - centroid) ** p, axis=0, keepdims=True) ** (1.0 / p)).astype(np.float32)


# -- channels librosa couples ------------------------------------------------------------------
# librosa computes these over a (..., n) input as a whole: a dB conversion floors every channel at
# top_db below the largest value of all channels, and chroma's tuning is one estimate from the
# peaks of all channels. So do these, to give librosa's numbers; the rest is per channel.

_MEL_KEYS = _STFT_KEYS + ("power", "n_mels", "fmin", "fmax", "htk")


def _channel_inputs(a: dict) -> tuple[str, tuple, Callable[[int], tuple]]:
    """The channels of ``a``'s input (``y`` wins over ``S``): its name, leading shape, and channel
    ``i`` as the native calls take it, a ``(y, S)`` pair (converted in the worker's thread)."""
    name, core = ("y", 1) if a["y"] is not None else ("S", 2)
    x = a[name]
    channels = x.reshape((-1,) + x.shape[-core:])
    return name, x.shape[:-core], lambda i: (as_audio(channels[i]), None) if core == 1 else (None, as_spectrogram(channels[i]))


def _mfcc_joint(a: dict, split: Callable[[dict], Any]) -> np.ndarray:
    if a["y"] is None:  # S is the log-mel already: the DCT is per channel
        return split(a)
    log_mel = power_to_db(melspectrogram(y=a["y"], sr=a["sr"], norm=a["mel_norm"], **{k: a[k] for k in _MEL_KEYS}))
    return split({**a, "y": None, "S": log_mel})


def _chroma_joint(a: dict, split: Callable[[dict], Any]) -> np.ndarray:
    if a["tuning"] is not None:
        return split(a)
    n_chroma = a["n_chroma"]
    if isinstance(n_chroma, bool) or not isinstance(n_chroma, numbers.Integral) or n_chroma < 1:
        raise ParameterError(f"n_chroma={n_chroma!r} must be a positive integer, e.g. 12")
    params = {k: a[k] for k in _STFT_KEYS}
    params["window"] = as_window(params["window"], params["win_length"] or params["n_fft"])
    sr = as_number(a["sr"], "sr")
    name, lead, channel = _channel_inputs(a)
    found = map_channels(lambda i: _native.chroma_tuning_peaks(*channel(i), sr, params), lead, name)
    freqs, mags = (np.ascontiguousarray(np.concatenate(part), dtype=np.float32) for part in zip(*found))
    return split({**a, "tuning": _native.tuning_of_peaks(freqs, mags, int(n_chroma))})


def _contrast_joint(a: dict, split: Callable[[dict], Any]) -> np.ndarray:
    if a["linear"]:
        return split(a)
    params = {k: a[k] for k in _STFT_KEYS + ("fmin", "n_bands", "quantile", "linear")}
    params["window"] = as_window(params["window"], params["win_length"] or params["n_fft"])
    if a["freq"] is not None:
        params["freq"] = np.ascontiguousarray(np.ravel(a["freq"]), dtype=np.float64)
    sr = as_number(a["sr"], "sr")
    name, lead, channel = _channel_inputs(a)
    peak, valley = stack(map_channels(lambda i: _native.contrast_peaks_valleys(*channel(i), sr, params), lead, name), lead)
    return (power_to_db(peak) - power_to_db(valley)).astype(np.float32)


def stft(
    y: np.ndarray,
    *,
    n_fft: int = 2048,
    hop_length: Optional[int] = None,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    out: Optional[np.ndarray] = None,
) -> np.ndarray:
    """Short-time Fourier transform, as ``librosa.stft``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)], float
        Audio signal.
    n_fft : int >= 2
        FFT size; the output has ``1 + n_fft // 2`` rows.
    hop_length : int > 0 or None
        Samples between frames; ``None`` means ``win_length // 4``.
    win_length : int <= n_fft or None
        Window length (zero-padded to ``n_fft``); ``None`` means ``n_fft``.
    window : str, tuple, number, callable or np.ndarray
        Any window ``librosa.filters.get_window`` takes: 'hann' (periodic), 'hamming', 'blackman'
        and 'boxcar' are computed in Rust; other names ('blackmanharris', ...), tuples such as
        ``('kaiser', 4.0)``, numbers and callables come from ``scipy.signal.get_window`` (needs
        scipy); an array gives ``win_length`` coefficients.
    center : bool
        Pad ``n_fft // 2`` samples on both sides so frame ``t`` is centred at ``t * hop_length``.
        A centred signal shorter than ``n_fft`` is padded with a ``UserWarning``, as librosa does.
    pad_mode : {'constant', 'edge', 'reflect'}
        How to pad when ``center``.
    out : np.ndarray or None
        A complex array to write the result into, as librosa's ``out``: its shape must match the
        result's, with at least as many frames (the first ones are filled, and that view returned).

    Returns
    -------
    D : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)], complex64 (complex128 for float64 ``y``)
        (``out``, or its first ``n_frames`` columns, when ``out`` is given.)

    Raises
    ------
    ParameterError
        An empty or non-finite signal, a signal shorter than ``n_fft`` with ``center=False``,
        absurd settings, or an ``out`` of the wrong shape or a real dtype.
    InputTypeError
        ``y`` is not a floating-point array, or ``window`` not a window spec.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> ser_rs.feature.stft(y).shape
    (1025, 44)
    """
    D = _stft_channels(y, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center, pad_mode=pad_mode)
    return D if out is None else _into(out, D)


@over_channels("y")
def _stft_channels(y: np.ndarray, *, n_fft: int, hop_length: Optional[int], win_length: Optional[int], window: Window,
                   center: bool, pad_mode: str) -> np.ndarray:
    """:func:`stft` of each channel (``out`` is filled once, from the stacked result)."""
    params = dict(n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=as_window(window, win_length or n_fft), center=center, pad_mode=pad_mode)
    # stacklevel 5: _pad_short, this function, the channel wrapper, stft, then the user's line.
    return _native.stft(_pad_short(as_audio(y), params, stacklevel=5), params)


def _into(out: Any, D: np.ndarray) -> np.ndarray:
    """``D`` written into the first columns of ``out``, with librosa's checks of ``out``."""
    if not isinstance(out, np.ndarray):
        raise InputTypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.shape[:-1] != D.shape[:-1] or out.ndim != D.ndim or out.shape[-1] < D.shape[-1]:
        raise ParameterError(f"Shape mismatch for provided output array out.shape={out.shape} and target shape={D.shape}")
    if not np.iscomplexobj(out):
        raise ParameterError(f"output with dtype={out.dtype} is not of complex type")
    target = out if out.shape == D.shape else out[..., : D.shape[-1]]
    target[...] = D
    return target


# librosa's warning for complex input, word for word, so that filters written for it still apply.
_COMPLEX_DB_WARNING = (
    "{name} was called on complex input so phase information will be discarded. "
    "To suppress this warning, call {fix} instead."
)

# numpy kinds of the real values librosa's dB conversions compute with: bool, (un)signed int, float.
_REAL_KINDS = "biuf"


def _db_limits(amin: Any, top_db: Any) -> tuple[float, Optional[float]]:
    """``amin`` and ``top_db`` as floats, refused (as librosa refuses them) when absurd."""
    amin = as_number(amin, "amin")
    if not (np.isfinite(amin) and amin > 0):
        raise ParameterError(f"amin={amin} must be strictly positive, e.g. 1e-10")
    if top_db is None:
        return amin, None
    top_db = as_number(top_db, "top_db")
    if not (np.isfinite(top_db) and top_db >= 0):
        raise ParameterError(f"top_db={top_db} must be non-negative, or None for no floor")
    return amin, top_db


def _db_values(S: Any, name: str, fix: str) -> np.ndarray:
    """``S`` (a number, list or array) as a real array; complex input warns and keeps ``np.abs``."""
    try:
        values = np.asarray(S)
    except ValueError as exc:  # a ragged list
        raise InputTypeError(f"S must be a number, a list of numbers or a numeric array ({exc})") from exc
    if values.dtype.kind == "c":
        # stacklevel 4: this helper, _db, the public function, then the user's line.
        warnings.warn(_COMPLEX_DB_WARNING.format(name=name, fix=fix), UserWarning, stacklevel=4)
        values = np.abs(values)
    if values.dtype.kind not in _REAL_KINDS:
        raise InputTypeError(f"S must be a number, a list of numbers or a numeric array, got {type(S).__name__} of dtype {values.dtype}")
    if values.size == 0:
        raise ParameterError(f"S is empty (shape {values.shape}); pass at least one value")
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        raise ParameterError("S contains NaN or inf; replace them first, e.g. np.nan_to_num(S)")
    return values


def _db_reference(ref: Reference, magnitude: np.ndarray) -> Any:
    """librosa's reference: ``ref(magnitude)`` for a callable, else ``np.abs(ref)``."""
    if callable(ref):
        value = ref(magnitude)
        if np.asarray(value).dtype.kind not in _REAL_KINDS:
            raise InputTypeError(f"ref(S) must return a real number, got {type(value).__name__}")
    else:
        value = np.abs(as_number(ref, "ref"))
    if not np.isfinite(value).all():
        raise ParameterError(f"the reference {value} must be finite; pass a finite ref or a function such as np.max")
    return value


def _power_to_db_numpy(power: np.ndarray, ref_value: Any, amin: float, top_db: Optional[float]) -> Any:
    """librosa's own arithmetic, operation for operation, so that dtypes and rounding are its own
    (float64 and integer input give float64, a scalar gives a numpy scalar)."""
    db = 10.0 * np.log10(np.maximum(amin, power))
    # In place, as librosa does: a float32 array stays float32 even when the reference is float64.
    db -= 10.0 * np.log10(np.maximum(amin, ref_value))
    if top_db is not None:
        db = np.maximum(db, db.max() - top_db)
    return db


def _db_native(values: np.ndarray, ref_value: Any, amin: float, top_db: Optional[float], amplitude: bool) -> np.ndarray:
    """The Rust kernel over any float32 shape: it works element by element with one global peak,
    so a flat (1, n) view is exact."""
    flat = np.ascontiguousarray(values, dtype=np.float32).reshape(1, -1)
    # librosa floors a power reference at amin without taking its absolute value (the kernel
    # would); squaring makes the sign irrelevant for amplitudes.
    ref = float(ref_value) if amplitude else max(float(ref_value), amin)
    return _native.to_db(flat, ref, amin, top_db, amplitude).reshape(values.shape)


def _db(S: Any, ref: Reference, amin: Any, top_db: Any, *, amplitude: bool) -> Any:
    name, fix = ("amplitude_to_db", "amplitude_to_db(np.abs(S))") if amplitude else ("power_to_db", "power_to_db(np.abs(D)**2)")
    amin, top_db = _db_limits(amin, top_db)
    values = _db_values(S, name, fix)
    magnitude = np.abs(values) if amplitude else values
    ref_value = _db_reference(ref, magnitude)
    if values.dtype == np.float32 and values.ndim >= 1 and np.ndim(ref_value) == 0:
        return _db_native(values, ref_value, amin, top_db, amplitude)
    if amplitude:
        return _power_to_db_numpy(np.square(magnitude), np.abs(ref_value**2), amin**2, top_db)
    return _power_to_db_numpy(magnitude, ref_value, amin, top_db)


def power_to_db(S: Any, *, ref: Reference = 1.0, amin: float = 1e-10, top_db: Optional[float] = 80.0) -> Any:
    """Convert a power spectrogram to decibels, as ``librosa.power_to_db``.

    ``10 * log10(max(amin, S)) - 10 * log10(max(amin, ref))``, floored at ``max - top_db``.

    Parameters
    ----------
    S : number, list or np.ndarray of any shape
        Power values. Complex input warns (``UserWarning``, librosa's message) and uses ``np.abs(S)``.
    ref : number or callable
        Reference power: a number (its absolute value is used) or a function of ``S`` such as
        ``np.max`` or ``np.median``.
    amin : float > 0
        Floor of ``S`` and of the reference.
    top_db : float >= 0 or None
        Floor the output at ``top_db`` below its peak; ``None`` keeps every value.

    Returns
    -------
    S_db : np.ndarray of ``S``'s shape, or a numpy scalar for scalar ``S``
        float32 (and complex64) arrays go through ser_rs's Rust kernel and return float32, within
        a few float32 roundings of librosa. Any other input (float64, integers, lists, scalars,
        float16, or a ``ref`` function that returns an array) is computed with numpy exactly as
        librosa computes it, so it returns what librosa returns: float64 for float64, integer
        and list input, a numpy scalar for a scalar.

    Raises
    ------
    ParameterError
        ``amin <= 0``, ``top_db < 0``, empty ``S``, or NaN/inf in ``S`` or the reference
        (librosa would return NaN).
    InputTypeError
        ``S`` is not numeric (strings, None, ragged lists) or a parameter is not a number.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> ser_rs.feature.power_to_db(np.array([[1.0, 10.0, 100.0]], dtype=np.float32), ref=np.max)
    array([[-20., -10.,   0.]], dtype=float32)
    >>> ser_rs.feature.power_to_db([1.0, 1e-12], top_db=None)
    array([   0., -100.])
    >>> float(ser_rs.feature.power_to_db(100.0))
    20.0
    """
    return _db(S, ref, amin, top_db, amplitude=False)


def amplitude_to_db(S: Any, *, ref: Reference = 1.0, amin: float = 1e-5, top_db: Optional[float] = 80.0) -> Any:
    """Convert an amplitude spectrogram to decibels, as ``librosa.amplitude_to_db``.

    ``power_to_db(np.abs(S)**2, ref=ref**2, amin=amin**2, top_db=top_db)``, with a callable
    ``ref`` evaluated on ``np.abs(S)``.

    Parameters
    ----------
    S : number, list or np.ndarray of any shape
        Amplitudes. Complex input warns (``UserWarning``, librosa's message) and uses ``np.abs(S)``.
    ref : number or callable
        Reference amplitude, or a function of ``np.abs(S)`` such as ``np.max``.
    amin : float > 0
        Floor of the amplitudes and of the reference.
    top_db : float >= 0 or None
        Floor the output at ``top_db`` below its peak; ``None`` keeps every value.

    Returns
    -------
    S_db : np.ndarray of ``S``'s shape, or a numpy scalar for scalar ``S``
        float32 (and complex64) arrays go through ser_rs's Rust kernel and return float32, within
        a few float32 roundings of librosa. Any other input (float64, integers, lists, scalars,
        float16, or a ``ref`` function that returns an array) is computed with numpy exactly as
        librosa computes it, so it returns what librosa returns: float64 for float64, integer
        and list input, a numpy scalar for a scalar.

    Raises
    ------
    ParameterError
        ``amin <= 0``, ``top_db < 0``, empty ``S``, or NaN/inf in ``S`` or the reference.
    InputTypeError
        ``S`` is not numeric (strings, None, ragged lists) or a parameter is not a number.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> ser_rs.feature.amplitude_to_db(np.array([[1.0, 10.0]], dtype=np.float32))
    array([[ 0., 20.]], dtype=float32)
    >>> ser_rs.feature.amplitude_to_db([1, 10], ref=np.max)
    array([-20.,   0.])
    """
    return _db(S, ref, amin, top_db, amplitude=True)


@over_channels("y", "S")
def melspectrogram(
    *,
    y: Optional[np.ndarray] = None,
    sr: float = LIBROSA_SR,
    S: Optional[np.ndarray] = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: Optional[float] = None,
    htk: bool = False,
    norm: Optional[str] = "slaney",
) -> np.ndarray:
    """Mel-scaled spectrogram, as ``librosa.feature.melspectrogram``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    sr : number > 0
        Sampling rate of ``y``.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)] or None
        A precomputed (power) spectrogram, used instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`stft`.
    power : float > 0
        Exponent of the magnitude spectrogram (1 energy, 2 power).
    n_mels : int > 0
        Number of mel bands.
    fmin, fmax : float
        Frequency range of the filters; ``fmax=None`` means ``sr / 2`` (higher is an error).
    htk : bool
        HTK's mel formula instead of Slaney's.
    norm : {'slaney', None}
        Slaney normalisation divides each filter by its bandwidth.

    Returns
    -------
    S : np.ndarray [shape=(..., n_mels, n_frames)], float32

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> ser_rs.feature.melspectrogram(y=y, sr=22050, n_mels=64).shape
    (64, 44)
    """
    return _compute(
        "melspectrogram", y, S, sr, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
        center=center, pad_mode=pad_mode, power=power, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm,
    )


@over_channels("y", "S", joint=_mfcc_joint)
def mfcc(
    *,
    y: Optional[np.ndarray] = None,
    sr: float = LIBROSA_SR,
    S: Optional[np.ndarray] = None,
    n_mfcc: int = 20,
    dct_type: int = 2,
    norm: Optional[str] = "ortho",
    lifter: float = 0,
    mel_norm: Optional[str] = "slaney",
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: Optional[float] = None,
    htk: bool = False,
) -> np.ndarray:
    """Mel-frequency cepstral coefficients, as ``librosa.feature.mfcc``.

    The DCT (type 2 unless ``dct_type`` says otherwise) of ``power_to_db(melspectrogram(y))`` (ref 1,
    amin 1e-10, top_db 80).

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    sr : number > 0
        Sampling rate of ``y``.
    S : np.ndarray [shape=(..., n_mels, n_frames)] or None
        A log-power mel spectrogram, used instead of ``y``.
    n_mfcc : int > 0
        Number of coefficients.
    dct_type : {1, 2, 3}
        DCT type. Type 2 (librosa's default) runs in Rust; types 1 and 3 apply ``scipy.fft.dct``
        to the log-mel spectrogram exactly as librosa does (they need scipy).
    norm : {'ortho', None}
        DCT normalisation.
    lifter : float >= 0
        Cepstral liftering; 0 disables it.
    mel_norm : {'slaney', None}
        Normalisation of the mel filters.
    n_fft, hop_length, win_length, window, center, pad_mode, power, n_mels, fmin, fmax, htk
        As in :func:`melspectrogram`.

    Returns
    -------
    M : np.ndarray [shape=(n_mfcc, n_frames)], float32

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> ser_rs.feature.mfcc(y=y, sr=22050, n_mfcc=13).shape
    (13, 44)
    """
    mel = dict(
        n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center,
        pad_mode=pad_mode, power=power, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk,
    )
    if _dct_type(dct_type) == _NATIVE_DCT_TYPE:
        return _compute("mfcc", y, S, sr, n_mfcc=n_mfcc, dct_type=dct_type, norm=norm, lifter=lifter, mel_norm=mel_norm, **mel)
    log_mel = _log_mel(y, S, sr, mel_norm, mel)
    return _mfcc_of_log_mel(log_mel, n_mfcc, dct_type, norm, lifter)


# The DCT the Rust MFCC computes; librosa's other types go through scipy.fft.
_NATIVE_DCT_TYPE = 2
_DCT_TYPES = (1, 2, 3)
_DCT_NORMS = ("ortho", None)


def _dct_type(dct_type: Any) -> int:
    if isinstance(dct_type, bool) or not isinstance(dct_type, numbers.Integral):
        raise InputTypeError(f"dct_type must be an integer (1, 2 or 3), got {type(dct_type).__name__}")
    if dct_type not in _DCT_TYPES:
        raise ParameterError(f"dct_type={dct_type} is not supported; pass 1, 2 (the default) or 3")
    return int(dct_type)


def _log_mel(y: Optional[np.ndarray], S: Optional[np.ndarray], sr: float, mel_norm: Optional[str], mel: dict) -> np.ndarray:
    """The log-power mel spectrogram an MFCC transforms: ``S`` itself when given without ``y``,
    as in :func:`_compute`."""
    if y is None and S is not None:
        log_mel = as_spectrogram(S)
        if not np.isfinite(log_mel).all():
            raise ParameterError("S contains NaN or inf; replace them first, e.g. np.nan_to_num(S)")
        if log_mel.size == 0:
            raise ParameterError(f"S is empty (shape {log_mel.shape}); it needs at least one mel band and one frame")
        return log_mel
    return power_to_db(_compute("melspectrogram", y, S, sr, norm=mel_norm, **mel))


def _scipy_fft() -> Any:
    try:
        import scipy.fft
    except ImportError as exc:
        raise ImportError(f"mfcc with dct_type=1 or 3 needs scipy ({exc}): pip install scipy") from exc
    return scipy.fft


def _mfcc_of_log_mel(log_mel: np.ndarray, n_mfcc: Any, dct_type: int, norm: Any, lifter: Any) -> np.ndarray:
    """librosa's MFCC of a log-mel spectrogram: ``scipy.fft.dct`` along the bands, the first
    ``n_mfcc`` rows, then sinusoidal liftering."""
    if isinstance(n_mfcc, bool) or not isinstance(n_mfcc, numbers.Integral):
        raise InputTypeError(f"n_mfcc must be an integer, got {type(n_mfcc).__name__}")
    if not 0 < n_mfcc <= log_mel.shape[-2]:
        raise ParameterError(f"n_mfcc={n_mfcc} must be between 1 and the number of mel bands ({log_mel.shape[-2]})")
    if norm not in _DCT_NORMS:
        raise ParameterError(f"norm={norm!r} is not supported; pass 'ortho' or None")
    lifter = as_number(lifter, "lifter")
    if not (np.isfinite(lifter) and lifter >= 0):
        raise ParameterError(f"lifter={lifter} must be a non-negative number (0 disables liftering)")
    M = _scipy_fft().dct(log_mel, axis=-2, type=dct_type, norm=norm)[..., :n_mfcc, :]
    if lifter > 0:
        weights = np.sin(np.pi * np.arange(1, 1 + n_mfcc, dtype=M.dtype) / lifter)
        M *= 1 + (lifter / 2) * weights[:, np.newaxis]
    return M


def delta(data: np.ndarray, *, width: int = 9, order: int = 1, axis: int = -1, mode: str = "interp") -> np.ndarray:
    """Local derivative of a feature sequence, as ``librosa.feature.delta``.

    A Savitzky-Golay filter of the given ``width`` and polynomial ``order`` along ``axis``.

    Parameters
    ----------
    data : np.ndarray
        Features, e.g. MFCC ``(n_mfcc, n_frames)``.
    width : odd int >= 3
        Frames in the local fit; with ``mode='interp'`` at most ``data.shape[axis]``.
    order : int > 0
        Derivative order (1 delta, 2 delta-delta).
    axis : int
        Axis along which to differentiate (time: -1).
    mode : {'interp', 'mirror', 'nearest', 'constant', 'wrap'}
        Edge handling, as ``scipy.signal.savgol_filter``.

    Returns
    -------
    delta_data : np.ndarray, float32, same shape as ``data``

    Raises
    ------
    ParameterError
        ``data`` with no axis, or ``width``/``order``/``axis`` that do not fit it.
    InputTypeError
        ``data`` is not a real-valued numpy array, or ``width``/``order``/``axis`` not integers.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> ramp = np.arange(20, dtype=np.float32)[np.newaxis] * 3
    >>> np.allclose(ser_rs.feature.delta(ramp), 3)
    True
    """
    if not isinstance(data, np.ndarray):
        raise InputTypeError(f"data must be a numpy array, got {type(data).__name__}")
    if not (np.issubdtype(data.dtype, np.floating) or np.issubdtype(data.dtype, np.integer)):
        raise InputTypeError(f"data must be real-valued, got dtype {data.dtype}")
    if data.ndim == 0:
        raise ParameterError("data must have at least one axis")
    for name, value in (("width", width), ("order", order)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise InputTypeError(f"{name} must be an integer, got {type(value).__name__}")
    moved = np.moveaxis(data, axis, -1)
    flat = np.ascontiguousarray(moved.reshape(-1, moved.shape[-1]), dtype=np.float32)
    out = _native.delta(flat, int(width), int(order), mode)
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


@over_channels("y", "S", joint=_chroma_joint)
def chroma_stft(
    *,
    y: Optional[np.ndarray] = None,
    sr: float = LIBROSA_SR,
    S: Optional[np.ndarray] = None,
    norm: Optional[float] = np.inf,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    tuning: Optional[float] = None,
    n_chroma: int = 12,
) -> np.ndarray:
    """Chromagram from a power spectrogram, as ``librosa.feature.chroma_stft``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal (its power spectrogram is used).
    sr : number > 0
        Sampling rate.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)] or None
        A precomputed spectrogram, used as given (the common SER recipe passes magnitudes).
    norm : float or None
        Per-frame normalisation: ``np.inf`` (max), a positive p-norm, or None.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`stft`.
    tuning : float or None
        Deviation from A440 in fractions of a chroma bin; ``None`` estimates it from the
        spectrogram (``librosa.estimate_tuning``).
    n_chroma : int > 0
        Number of chroma bins per octave.

    Returns
    -------
    chromagram : np.ndarray [shape=(n_chroma, n_frames)], float32

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050).astype(np.float32)
    >>> int(ser_rs.feature.chroma_stft(y=y, sr=22050).mean(axis=1).argmax())  # A
    9
    """
    if norm is not None:
        norm = as_number(norm, "norm")
    return _compute(
        "chroma_stft", y, S, sr, norm=norm, n_fft=n_fft, hop_length=hop_length, win_length=win_length,
        window=window, center=center, pad_mode=pad_mode, tuning=tuning, n_chroma=n_chroma,
    )


@over_channels("y")
def zero_crossing_rate(y: np.ndarray, *, frame_length: int = 2048, hop_length: int = 512, center: bool = True) -> np.ndarray:
    """Fraction of sign changes per frame, as ``librosa.feature.zero_crossing_rate``.

    Samples with ``|x| <= 1e-10`` count as zero and zero as positive; when ``center``, the
    signal is padded with its edge values.

    Returns
    -------
    zcr : np.ndarray [shape=(1, n_frames)], float32

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    frame_length : int > 0
        Samples per frame.
    hop_length : int > 0
        Samples between frames.
    center : bool
        Pad the signal with its edge values so that frames are centred.

    Raises
    ------
    ParameterError
        Neither ``y`` nor ``S`` given; an empty, too short or non-finite signal; absurd settings.
    InputTypeError
        ``y`` or ``S`` is not a numeric array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.sin(2 * np.pi * 441 * np.arange(22050) / 22050).astype(np.float32)
    >>> round(float(ser_rs.feature.zero_crossing_rate(y)[0, 10]), 2)
    0.04
    """
    return _compute("zero_crossing_rate", y, None, LIBROSA_SR, frame_length=frame_length, hop_length=hop_length, center=center)


@over_channels("y", "S", keep_float64=False)  # librosa.feature.rms returns float32 for any input
def rms(
    *,
    y: Optional[np.ndarray] = None,
    S: Optional[np.ndarray] = None,
    frame_length: int = 2048,
    hop_length: int = 512,
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Root-mean-square energy per frame, as ``librosa.feature.rms``.

    From ``y`` (frames of the signal) or from a magnitude spectrogram ``S`` with
    ``frame_length // 2 + 1`` rows.

    Returns
    -------
    rms : np.ndarray [shape=(1, n_frames)], float32

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    S : np.ndarray [shape=(..., frame_length // 2 + 1, n_frames)] or None
        A precomputed magnitude spectrogram, used instead of ``y``.
    frame_length : int > 0
        Samples per frame (the FFT size when ``S`` is given).
    hop_length : int > 0
        Samples between frames.
    center : bool
        Pad the signal so that frames are centred on their time.
    pad_mode : str
        ``np.pad`` mode of the centring padding.

    Raises
    ------
    ParameterError
        Neither ``y`` nor ``S`` given; an empty, too short or non-finite signal; absurd settings.
    InputTypeError
        ``y`` or ``S`` is not a numeric array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = 0.5 * np.sin(2 * np.pi * 441 * np.arange(22050) / 22050).astype(np.float32)
    >>> round(float(ser_rs.feature.rms(y=y)[0, 10]), 3)
    0.354
    """
    return _compute("rms", y, S, LIBROSA_SR, frame_length=frame_length, hop_length=hop_length, center=center, pad_mode=pad_mode)


@over_channels("y", "S")
def spectral_centroid(
    *,
    y: Optional[np.ndarray] = None,
    sr: float = LIBROSA_SR,
    S: Optional[np.ndarray] = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    freq: Optional[np.ndarray] = None,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Magnitude-weighted mean frequency per frame, as ``librosa.feature.spectral_centroid``.

    ``freq`` optionally gives the centre frequency of each bin (default: the FFT bins).

    Returns
    -------
    centroid : np.ndarray [shape=(1, n_frames)], float32

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    sr : number > 0
        Sampling rate of ``y``.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)] or None
        A precomputed magnitude spectrogram, used instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`stft`.
    freq : np.ndarray [shape=(n_bins,) or (n_bins, n_frames)] or None
        Centre frequency of each bin (default: the FFT bins), or of each bin in each frame
        (time-varying, as librosa allows; computed with numpy).

    Raises
    ------
    ParameterError
        Neither ``y`` nor ``S`` given; an empty, too short or non-finite signal; absurd settings.
    InputTypeError
        ``y`` or ``S`` is not a numeric array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.sin(2 * np.pi * 1000 * np.arange(22050) / 22050).astype(np.float32)
    >>> bool(abs(ser_rs.feature.spectral_centroid(y=y)[0, 10] - 1000) < 30)
    True
    """
    return _compute(
        "spectral_centroid", y, S, sr, n_fft=n_fft, hop_length=hop_length, freq=freq, win_length=win_length,
        window=window, center=center, pad_mode=pad_mode,
    )


@over_channels("y", "S")
def spectral_bandwidth(
    *,
    y: Optional[np.ndarray] = None,
    sr: float = LIBROSA_SR,
    S: Optional[np.ndarray] = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    freq: Optional[np.ndarray] = None,
    centroid: Optional[np.ndarray] = None,
    norm: bool = True,
    p: float = 2,
) -> np.ndarray:
    """p-th order spectral bandwidth around the centroid, as ``librosa.feature.spectral_bandwidth``.

    Returns
    -------
    bandwidth : np.ndarray [shape=(1, n_frames)], float32

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    sr : number > 0
        Sampling rate of ``y``.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)] or None
        A precomputed magnitude spectrogram, used instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`stft`.
    freq : np.ndarray [shape=(n_bins,) or (n_bins, n_frames)] or None
        Centre frequency of each bin (default: the FFT bins), or of each bin in each frame
        (time-varying, as librosa allows; computed with numpy).
    centroid : np.ndarray or None
        A precomputed :func:`spectral_centroid`.
    norm : bool
        Normalise each frame's spectrum to sum to 1.
    p : float > 0
        Order of the deviation from the centroid.

    Raises
    ------
    ParameterError
        Neither ``y`` nor ``S`` given; an empty, too short or non-finite signal; absurd settings.
    InputTypeError
        ``y`` or ``S`` is not a numeric array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> ser_rs.feature.spectral_bandwidth(y=y).shape
    (1, 44)
    """
    return _compute(
        "spectral_bandwidth", y, S, sr, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
        center=center, pad_mode=pad_mode, freq=freq, centroid=centroid, norm=norm, p=p,
    )


@over_channels("y", "S")
def spectral_rolloff(
    *,
    y: Optional[np.ndarray] = None,
    sr: float = LIBROSA_SR,
    S: Optional[np.ndarray] = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    freq: Optional[np.ndarray] = None,
    roll_percent: float = 0.85,
) -> np.ndarray:
    """Frequency below which ``roll_percent`` of each frame's energy lies, as
    ``librosa.feature.spectral_rolloff``.

    Returns
    -------
    rolloff : np.ndarray [shape=(1, n_frames)], float32

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    sr : number > 0
        Sampling rate of ``y``.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)] or None
        A precomputed magnitude spectrogram, used instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`stft`.
    freq : np.ndarray [shape=(n_bins,) or (n_bins, n_frames)] or None
        Centre frequency of each bin (default: the FFT bins), or of each bin in each frame
        (time-varying, as librosa allows; computed with numpy).
    roll_percent : float in (0, 1)
        Share of the energy below the roll-off frequency.

    Raises
    ------
    ParameterError
        Neither ``y`` nor ``S`` given; an empty, too short or non-finite signal; absurd settings.
    InputTypeError
        ``y`` or ``S`` is not a numeric array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> ser_rs.feature.spectral_rolloff(y=y, roll_percent=0.5).shape
    (1, 44)
    """
    return _compute(
        "spectral_rolloff", y, S, sr, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
        center=center, pad_mode=pad_mode, freq=freq, roll_percent=roll_percent,
    )


@over_channels("y", "S", joint=_contrast_joint)
def spectral_contrast(
    *,
    y: Optional[np.ndarray] = None,
    sr: float = LIBROSA_SR,
    S: Optional[np.ndarray] = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    freq: Optional[np.ndarray] = None,
    fmin: float = 200.0,
    n_bands: int = 6,
    quantile: float = 0.02,
    linear: bool = False,
) -> np.ndarray:
    """Peak-to-valley contrast in octave bands, as ``librosa.feature.spectral_contrast``.

    Returns
    -------
    contrast : np.ndarray [shape=(n_bands + 1, n_frames)], float32

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    sr : number > 0
        Sampling rate of ``y``.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)] or None
        A precomputed magnitude spectrogram, used instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`stft`.
    freq : np.ndarray or None
        Centre frequency of each bin (default: the FFT bins).
    fmin : float > 0
        Lower edge of the first band.
    n_bands : int > 0
        Number of octave bands above ``fmin``.
    quantile : float in (0, 1)
        Share of each band taken as its peak and its valley.
    linear : bool
        Linear difference of peak and valley instead of their dB difference.

    Raises
    ------
    ParameterError
        Neither ``y`` nor ``S`` given; an empty, too short or non-finite signal; absurd settings.
    InputTypeError
        ``y`` or ``S`` is not a numeric array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> ser_rs.feature.spectral_contrast(y=y).shape
    (7, 44)
    """
    return _compute(
        "spectral_contrast", y, S, sr, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
        center=center, pad_mode=pad_mode, freq=freq, fmin=fmin, n_bands=n_bands, quantile=quantile, linear=linear,
    )


@over_channels("y", "S")
def spectral_flatness(
    *,
    y: Optional[np.ndarray] = None,
    S: Optional[np.ndarray] = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: Optional[int] = None,
    window: Window = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    amin: float = 1e-10,
    power: float = 2.0,
) -> np.ndarray:
    """Geometric over arithmetic mean of each frame's power, as ``librosa.feature.spectral_flatness``.

    Returns
    -------
    flatness : np.ndarray [shape=(1, n_frames)], float32

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)] or None
        Audio signal.
    S : np.ndarray [shape=(..., 1 + n_fft // 2, n_frames)] or None
        A precomputed magnitude spectrogram, used instead of ``y``.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`stft`.
    amin : float > 0
        Floor of the power, against division by zero.
    power : float > 0
        Exponent of the magnitude spectrogram.

    Raises
    ------
    ParameterError
        Neither ``y`` nor ``S`` given; an empty, too short or non-finite signal; absurd settings.
    InputTypeError
        ``y`` or ``S`` is not a numeric array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.zeros(22050, dtype=np.float32)
    >>> float(ser_rs.feature.spectral_flatness(y=y)[0, 0])  # silence is perfectly flat
    1.0
    """
    return _compute(
        "spectral_flatness", y, S, LIBROSA_SR, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
        center=center, pad_mode=pad_mode, amin=amin, power=power,
    )


def ser162(y: np.ndarray, *, sr: float = LIBROSA_SR) -> np.ndarray:
    """The common 162-value SER utterance vector.

    Per-utterance means of zero-crossing rate (1), ``chroma_stft`` of the STFT magnitude (12),
    MFCC (20), RMS (1) and mel spectrogram (128), librosa's defaults throughout; names in
    :data:`SER162_COLUMNS`. Equal to this librosa recipe::

        np.hstack([
            librosa.feature.zero_crossing_rate(y=y).mean(axis=1),
            librosa.feature.chroma_stft(S=np.abs(librosa.stft(y)), sr=sr).mean(axis=1),
            librosa.feature.mfcc(y=y, sr=sr).mean(axis=1),
            librosa.feature.rms(y=y).mean(axis=1),
            librosa.feature.melspectrogram(y=y, sr=sr).mean(axis=1),
        ])

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Audio signal, at least one STFT frame long.
    sr : number > 0
        Sampling rate of ``y``.

    Returns
    -------
    np.ndarray [shape=(162,)], float32
        The vector, in the order of :data:`SER162_COLUMNS`.

    Raises
    ------
    ParameterError
        An empty, too short or non-finite signal.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    >>> v = ser_rs.feature.ser162(y, sr=22050)
    >>> v.shape, ser_rs.feature.SER162_COLUMNS[:2]
    ((162,), ('zcr_mean', 'chroma_C_mean'))
    """
    return _compute("ser162", y, None, sr)


def egemaps_like(y: np.ndarray, *, sr: float = 16000) -> np.ndarray:
    """An interpretable utterance-level feature set for SER, in the spirit of eGeMAPS.

    The parameter families of eGeMAPS (Eyben et al. 2016, *The Geneva Minimalistic Acoustic
    Parameter Set*, IEEE Trans. Affective Computing 7(2)), from ser_rs's own analyses; not
    openSMILE's numbers. Names in :data:`EGEMAPS_LIKE_COLUMNS`:

    - pitch (``f0_semitone_*``): Praat-style F0 (75-600 Hz) in semitones re 27.5 Hz, voiced
      frames: mean, std, 20/50/80th percentiles, range (max - min) and slope per frame;
    - loudness (``intensity_db_*``): Praat-style intensity, the same statistics;
    - voice quality: HNR (dB) mean and std over voiced frames, local jitter, local shimmer (dB);
    - spectral (mean and std over frames): MFCC 1-4, spectral centroid, flatness and roll-off,
      alpha ratio (dB, 1-5 kHz over 50-1000 Hz, openSMILE's sign), Hammarberg index (dB, strongest peak 0-2 kHz
      over 2-5 kHz), zero-crossing rate;
    - temporal: voiced fraction, voiced segments per second, mean voiced and unvoiced segment
      lengths (s).

    NaN marks a value the clip cannot support (e.g. pitch statistics of a clip with no voiced
    frame). For a corpus, ``ser_rs.extract(paths, "egemaps_like", sr=16000).to_dataframe()``
    computes it in parallel and returns a named table.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Audio signal (at least about 0.1 s).
    sr : number > 0
        Sampling rate of ``y``.

    Returns
    -------
    values : np.ndarray [shape=(len(EGEMAPS_LIKE_COLUMNS),)], float32

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> t = np.arange(32000) / 16000
    >>> y = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    >>> v = ser_rs.feature.egemaps_like(y, sr=16000)
    >>> f0 = v[ser_rs.feature.EGEMAPS_LIKE_COLUMNS.index("f0_semitone_mean")]
    >>> round(float(f0))  # 220 Hz is 36 semitones above 27.5 Hz
    36
    """
    return _compute("egemaps_like", y, None, sr)


# ---------------------------------------------------------------------------------------------
# Per-utterance statistics

#: The statistics :func:`functionals` computes unless told otherwise.
DEFAULT_STATS: tuple[str, ...] = ("mean", "std", "min", "max", "range", "p20", "p50", "p80", "slope", "skewness", "kurtosis")


def _stats(stats: Any) -> list:
    if isinstance(stats, str) or not all(isinstance(s, str) for s in stats):
        raise InputTypeError("stats must be a sequence of statistic names, e.g. ['mean', 'std', 'p50']")
    return list(stats)


def functionals(
    data: np.ndarray,
    *,
    stats: Any = DEFAULT_STATS,
    lengths: Optional[Any] = None,
    mask: Optional[np.ndarray] = None,
) -> np.ndarray:
    """Per-utterance statistics of frame-level features.

    Each feature row becomes ``len(stats)`` values: ``mean``, ``std`` (population), ``min``,
    ``max``, ``range``, ``p<q>`` (numpy's linear percentile, e.g. ``p50``), ``slope`` (least
    squares, per frame), ``skewness`` and ``kurtosis`` (scipy's defaults: biased, Fisher).
    Values are feature-major: all statistics of row 0, then of row 1, ...

    Parameters
    ----------
    data : np.ndarray [shape=(n_features, n_frames) or (n_items, n_features, max_frames)]
        One utterance, or a zero-padded batch (e.g. ``extract(..., pad=True).features``),
        summarised in parallel. An item of a batch with NaN/inf in its real frames gets a NaN
        row and a RuntimeWarning; the other items are unaffected.
    stats : sequence of str
        Statistics to compute, default :data:`DEFAULT_STATS`.
    lengths : array of int, optional
        Real frames of each item of a batch (or of the one utterance); the rest is padding.
    mask : np.ndarray of bool [shape=(n_frames,)], optional
        For one utterance: frames to use, e.g. the voiced ones (``np.isfinite(f0)``).

    Returns
    -------
    values : np.ndarray [shape=(n_features * len(stats),) or (n_items, ...)], float32
        NaN where no frame is left (e.g. the pitch of an unvoiced clip), for the slope of one
        frame, and for the skewness and kurtosis of a constant track.

    See Also
    --------
    functional_names : the name of each value.

    Raises
    ------
    ParameterError
        ``data`` neither 2-D nor 3-D, ``lengths`` outside the frame count, ``mask`` with a batch,
        or an unknown statistic.
    InputTypeError
        ``data`` is not a real-valued numpy array, or ``stats`` not a list of names.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> f0 = np.array([[np.nan, 100.0, 110.0, 120.0, np.nan]], dtype=np.float32)
    >>> ser_rs.feature.functionals(f0, stats=["mean", "range", "slope"], mask=np.isfinite(f0[0])).tolist()
    [110.0, 20.0, 10.0]
    >>> ser_rs.feature.functional_names(["f0"], stats=["mean", "range", "slope"])
    ['f0_mean', 'f0_range', 'f0_slope']
    """
    stats = _stats(stats)
    if not isinstance(data, np.ndarray):
        raise InputTypeError(f"data must be a numpy array, got {type(data).__name__}")
    if not (np.issubdtype(data.dtype, np.floating) or np.issubdtype(data.dtype, np.integer)):
        raise InputTypeError(f"data must be real-valued, got dtype {data.dtype}")
    data = np.ascontiguousarray(data, dtype=np.float32)
    if data.ndim == 2:
        length = None if lengths is None else int(np.ravel(lengths)[0])
        if length is not None and not 0 <= length <= data.shape[1]:
            raise ParameterError(f"lengths={length} must be a frame count between 0 and {data.shape[1]}")
        keep = None if mask is None else [bool(m) for m in np.asarray(mask, dtype=bool).ravel()]
        return _native.functionals(data, stats, length, keep)
    if data.ndim == 3:
        if mask is not None:
            raise ParameterError("mask applies to one utterance; for a batch, pass lengths")
        counts = [data.shape[2]] * data.shape[0] if lengths is None else [int(n) for n in np.ravel(lengths)]
        if len(counts) != data.shape[0] or any(not 0 <= n <= data.shape[2] for n in counts):
            raise ParameterError(f"lengths must hold {data.shape[0]} frame counts between 0 and {data.shape[2]}")
        values, errors = _native.functionals_batch(data, stats, counts)
        if errors:
            import warnings

            bad = ", ".join(f"{i} ({message})" for i, _, message in errors[:5])
            warnings.warn(f"{len(errors)} item(s) have NaN/inf frames and got NaN rows: {bad}", RuntimeWarning, stacklevel=2)
        return values
    raise ParameterError(f"data must be 2-D (features x frames) or 3-D (items x features x frames), got shape {data.shape}")


def functional_names(names: Any, *, stats: Any = DEFAULT_STATS) -> list:
    """Column names of :func:`functionals`: ``f"{feature}_{stat}"`` for each feature row name.

    Parameters
    ----------
    names : sequence of str
        One name per row of the frame-level track given to :func:`functionals`.
    stats : sequence of str
        The statistics, as in :func:`functionals`.

    Returns
    -------
    list of str
        ``len(names) * len(stats)`` names, in :func:`functionals`'s column order.

    Raises
    ------
    InputTypeError
        ``stats`` is a single string or holds something other than names.
    ParameterError
        A name in ``stats`` is not a statistic :func:`functionals` computes.

    Examples
    --------
    >>> import ser_rs
    >>> ser_rs.feature.functional_names(["mfcc_1", "mfcc_2"], stats=["mean", "p50"])
    ['mfcc_1_mean', 'mfcc_1_p50', 'mfcc_2_mean', 'mfcc_2_p50']
    """
    stats = _stats(stats)
    # functionals is the one judge of which statistic names exist: ask it on a two-frame track.
    functionals(np.zeros((1, 2), dtype=np.float32), stats=stats)
    return [f"{n}_{s}" for n in names for s in stats]
