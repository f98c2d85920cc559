"""Augmentation and preprocessing, computed in Rust.

- librosa's effects with librosa's numbers: :func:`time_stretch`, :func:`pitch_shift`,
  :func:`trim`, :func:`preemphasis`.
- Level and timing edits: :func:`gain`, :func:`shift`, :func:`normalize`.
- Noise: :func:`add_noise` (relative to the peak) and :func:`add_noise_snr` (exact SNR);
  :func:`reduce_noise` removes stationary noise by spectral gating.
- Random pipelines with audiomentations' conventions: :class:`Compose` of :class:`AddNoise`,
  :class:`AddGaussianSNR`, :class:`TimeStretch`, :class:`PitchShift`, :class:`Shift`,
  :class:`Gain`, each with a probability ``p``. Randomness comes from ``(seed, item index)``
  alone, so a batch gives the same result for any ``n_jobs`` and on every run.

librosa's four effects take channels, ``(..., n)``, as librosa does (each channel in parallel;
:func:`trim` cuts all of them at one interval) and return float64 for float64 input.

Examples
--------
>>> import numpy as np, ser_rs
>>> y = np.sin(np.arange(22050) * 0.05).astype(np.float32)
>>> ser_rs.effects.time_stretch(y, rate=0.8).shape
(27562,)
>>> augment = ser_rs.effects.Compose([
...     ser_rs.effects.AddGaussianSNR(min_snr_db=10, max_snr_db=20, p=1.0),
...     ser_rs.effects.PitchShift(min_semitones=-2, max_semitones=2, p=0.5),
... ])
>>> out = augment(y, sample_rate=22050, seed=0)
>>> np.array_equal(out, augment(y, sample_rate=22050, seed=0))
True
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Sequence, Union

import numpy as np

from ser_rs import _native
from ser_rs._channels import map_channels, over_channels, stack, widen
from ser_rs._progress import ProgressBar
from ser_rs._validate import as_audio, as_batch_item, as_n_jobs, as_number, as_seed, as_signal
from ser_rs.exceptions import InputTypeError, ItemError, ParameterError, exception_class

__all__ = [
    "time_stretch",
    "pitch_shift",
    "trim",
    "preemphasis",
    "gain",
    "shift",
    "normalize",
    "add_noise",
    "add_noise_snr",
    "reduce_noise",
    "Compose",
    "AddNoise",
    "AddGaussianSNR",
    "TimeStretch",
    "PitchShift",
    "Shift",
    "Gain",
    "transform",
    "AugmentedBatch",
]


def _stft_params(n_fft: int, hop_length: Optional[int], win_length: Optional[int], window: Any, center: bool, pad_mode: str) -> dict:
    from ser_rs._validate import as_window

    return {"n_fft": n_fft, "hop_length": hop_length, "win_length": win_length, "window": as_window(window, win_length or n_fft), "center": center, "pad_mode": pad_mode}


@over_channels("y")
def time_stretch(
    y: np.ndarray,
    *,
    rate: float,
    n_fft: int = 2048,
    hop_length: Optional[int] = None,
    win_length: Optional[int] = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Stretch time without changing pitch, as ``librosa.effects.time_stretch``.

    Phase vocoder on the STFT, then the inverse STFT at ``round(len(y) / rate)`` samples.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
        Audio signal.
    rate : float in [0.01, 100]
        ``rate > 1`` speeds up, ``rate < 1`` slows down.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`ser_rs.stft`.

    Returns
    -------
    y_stretch : np.ndarray [shape=(..., round(n / rate))], float32 (float64 for float64 ``y``)

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.sin(np.arange(22050) * 0.05).astype(np.float32)
    >>> ser_rs.effects.time_stretch(y, rate=2.0).shape
    (11025,)
    """
    return _native.time_stretch(as_audio(y), as_number(rate, "rate"), _stft_params(n_fft, hop_length, win_length, window, center, pad_mode))


@over_channels("y")
def pitch_shift(
    y: np.ndarray,
    *,
    sr: float,
    n_steps: float,
    bins_per_octave: int = 12,
    n_fft: int = 2048,
    hop_length: Optional[int] = None,
    win_length: Optional[int] = None,
    window: Any = "hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Shift pitch without changing duration, as ``librosa.effects.pitch_shift``.

    Time-stretch by ``2 ** (-n_steps / bins_per_octave)``, then resample back (soxr HQ's
    response, as librosa's default ``res_type``), trimmed or padded to ``len(y)``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
        Audio signal.
    sr : number > 0
        Sampling rate of ``y``.
    n_steps : float
        Steps (semitones by default) to shift by; negative shifts down.
    bins_per_octave : int > 0
        Steps per octave.
    n_fft, hop_length, win_length, window, center, pad_mode
        STFT settings, as in :func:`ser_rs.stft`.

    Returns
    -------
    y_shift : np.ndarray [shape=(..., n)], float32 (float64 for float64 ``y``)

    Raises
    ------
    ParameterError
        An empty or non-finite signal, or a non-finite ``n_steps``.
    InputTypeError
        ``bins_per_octave`` is not an integer, or ``y`` not a float array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.sin(2 * np.pi * 440 * np.arange(22050) / 22050).astype(np.float32)
    >>> octave_up = ser_rs.effects.pitch_shift(y, sr=22050, n_steps=12)
    >>> int(np.argmax(np.abs(np.fft.rfft(octave_up))))   # 880 Hz over a 1 s signal
    880
    """
    if isinstance(bins_per_octave, bool) or not isinstance(bins_per_octave, (int, np.integer)):
        raise InputTypeError(f"bins_per_octave must be an integer, got {type(bins_per_octave).__name__}")
    return _native.pitch_shift(
        as_audio(y), as_number(sr, "sr"), as_number(n_steps, "n_steps"), int(bins_per_octave),
        _stft_params(n_fft, hop_length, win_length, window, center, pad_mode),
    )


def trim(
    y: np.ndarray,
    *,
    top_db: float = 60,
    ref: Union[float, Any] = np.max,
    frame_length: int = 2048,
    hop_length: int = 512,
    aggregate: Any = np.max,
) -> tuple[np.ndarray, np.ndarray]:
    """Trim leading and trailing silence, as ``librosa.effects.trim``.

    Frames whose RMS is more than ``top_db`` below the reference are silence.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
        Audio signal, or channels (stereo, batches): all are cut at the same interval.
    top_db : number >= 0
        Threshold in dB below the reference.
    ref : number or callable
        Reference amplitude, or a function of the frames' RMS (of every channel); ``np.max``
        (the default) uses the loudest frame.
    frame_length, hop_length : int > 0
        Framing of the RMS analysis.
    aggregate : callable
        How the channels' dB values of a frame combine (``np.max``: the loudest channel decides).

    Returns
    -------
    y_trimmed : np.ndarray [shape=(..., m)]
        ``y[..., start:end]``, a view of ``y`` (same dtype).
    index : np.ndarray [shape=(2,)]
        ``[start, end]`` in samples.

    Raises
    ------
    ParameterError
        An empty or non-finite signal (naming the channel), or unusable frame settings.
    InputTypeError
        ``ref`` is neither a number nor a function, or ``aggregate`` not a function.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.zeros(22050, dtype=np.float32)
    >>> y[8192:12288] = np.sin(np.arange(4096) * 0.1)
    >>> ser_rs.effects.trim(y)[1].tolist()
    [7680, 13312]
    """
    # Channels, a reference function, and (as librosa) a signal shorter than one frame, analysed in
    # the padded frames of a centred RMS, go through the Python path; the native kernel needs one
    # whole frame of a single signal.
    if as_signal(y).ndim > 1 or (callable(ref) and ref is not np.max) or 0 < np.shape(y)[-1] < _count(frame_length, "frame_length"):
        start, end = _trim_channels(y, top_db, ref, frame_length, hop_length, aggregate)
        return y[..., start:end], np.array([start, end])
    audio = as_audio(y)
    ref_value = None if ref is np.max else as_number(ref, "ref")
    start, end = _native.trim_bounds(audio, as_number(top_db, "top_db"), ref_value, _count(frame_length, "frame_length"), _count(hop_length, "hop_length"))
    return y[start:end], np.array([start, end])


def _trim_channels(y: np.ndarray, top_db: Any, ref: Any, frame_length: Any, hop_length: Any, aggregate: Any) -> tuple[int, int]:
    """librosa's interval for channels: each channel's frame RMS in dB against one reference
    (``ref(all frames)``), aggregated over the channels (loudest by default), then thresholded."""
    from ser_rs import feature

    top_db = as_number(top_db, "top_db")
    if not (np.isfinite(top_db) and top_db >= 0):
        raise ParameterError(f"top_db={top_db} must be a non-negative number of dB")
    if not callable(aggregate):
        raise InputTypeError(f"aggregate must be a function such as np.max or np.mean, got {type(aggregate).__name__}")
    hop_length = _count(hop_length, "hop_length")
    frames = feature.rms(y=y, frame_length=_count(frame_length, "frame_length"), hop_length=hop_length)[..., 0, :]
    db = feature.amplitude_to_db(frames.astype(np.float32), ref=ref, top_db=None)
    db = np.squeeze(np.apply_over_axes(aggregate, db, range(db.ndim - 1)), axis=tuple(range(db.ndim - 1)))
    loud = np.flatnonzero(db > -top_db)
    if loud.size == 0:
        return 0, 0
    return int(loud[0]) * hop_length, min(y.shape[-1], (int(loud[-1]) + 1) * hop_length)


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 1:
        raise ParameterError(f"{name}={value} must be a positive integer")
    return int(value)


def preemphasis(y: np.ndarray, *, coef: float = 0.97, zi: Optional[float] = None, return_zf: bool = False):
    """Pre-emphasis filter ``y[n] - coef * y[n-1]``, as ``librosa.effects.preemphasis``.

    Parameters
    ----------
    y : np.ndarray [shape=(..., n)]
        Audio signal, or channels (stereo, batches) filtered each on its own (at least 2
        samples unless ``zi`` is given).
    coef : float
        Filter coefficient; 0 leaves the signal unchanged.
    zi : float or np.ndarray [shape=(..., 1)], optional
        Initial filter state (one per channel, or one for all); librosa's default is
        ``2 * y[..., 0] - y[..., 1]``.
    return_zf : bool
        Also return the final state (to filter a stream block by block).

    Returns
    -------
    y_out : np.ndarray [shape=(..., n)], float32 (float64 for float64 ``y``)
    zf : float, or np.ndarray [shape=(..., 1)] for channels
        Only with ``return_zf``.

    Raises
    ------
    ParameterError
        An empty or non-finite signal (naming the channel), or ``zi`` holding more than one
        value per channel.
    InputTypeError
        ``y`` is not a float array.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> ser_rs.effects.preemphasis(np.array([1.0, 1.0, 1.0], dtype=np.float32), coef=0.5).tolist()
    [2.0, 0.5, 0.5]
    """
    if as_signal(y).ndim > 1:
        return _preemphasis_channels(y, coef, zi, return_zf)
    if zi is not None:
        zi = np.ravel(zi)
        if zi.size != 1:
            raise ParameterError(f"zi must be one number (the filter's state), got {zi.size} values")
        zi = as_number(zi[0].item(), "zi")
    out, zf = _native.preemphasis(as_audio(y), as_number(coef, "coef"), zi)
    return (widen(out, y.dtype), zf) if return_zf else widen(out, y.dtype)


def _preemphasis_channels(y: np.ndarray, coef: Any, zi: Any, return_zf: bool) -> Any:
    """:func:`preemphasis` of each channel, in parallel, with its own initial state."""
    lead, channels, coef = y.shape[:-1], y.reshape(-1, y.shape[-1]), as_number(coef, "coef")
    states: list = [None] * len(channels)
    if zi is not None:
        try:
            states = [float(v) for v in np.broadcast_to(np.asarray(zi, dtype=np.float64), lead + (1,)).ravel()]
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"zi must be one number or one per channel (shape {lead + (1,)}), got {np.shape(zi)}") from exc
    outs = map_channels(lambda i: _native.preemphasis(as_audio(channels[i]), coef, states[i]), lead, "y")
    out = widen(stack([o for o, _ in outs], lead), y.dtype)
    return (out, np.array([z for _, z in outs], dtype=out.dtype).reshape(lead + (1,))) if return_zf else out


def gain(y: np.ndarray, *, gain_db: float) -> np.ndarray:
    """Multiply by ``10 ** (gain_db / 20)``.

    Parameters
    ----------
    y : np.ndarray
        Mono signal (float32 or float64).
    gain_db : float
        Gain in decibels; negative attenuates.

    Returns
    -------
    np.ndarray
        The scaled signal, float32, same length.

    Raises
    ------
    ParameterError
        Empty or non-finite ``y``, or a non-finite ``gain_db``.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> ser_rs.effects.gain(np.ones(2, dtype=np.float32), gain_db=20).tolist()
    [10.0, 10.0]
    """
    return _native.edit(as_audio(y), "gain", as_number(gain_db, "gain_db"), False)


def shift(y: np.ndarray, *, shift: int, rollover: bool = True) -> np.ndarray:
    """Move the signal ``shift`` samples later (earlier if negative).

    With ``rollover`` (``np.roll``) samples pushed off one end reappear at the other;
    without, the gap is zero-filled.

    Parameters
    ----------
    y : np.ndarray
        Mono signal.
    shift : int
        Samples to move by; negative moves earlier.
    rollover : bool, default True
        Wrap samples around (``np.roll``) instead of zero-filling the gap.

    Returns
    -------
    np.ndarray
        The shifted signal, float32, same length.

    Raises
    ------
    InputTypeError
        ``shift`` is not a whole number.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.array([1, 2, 3, 4], dtype=np.float32)
    >>> ser_rs.effects.shift(y, shift=1).tolist(), ser_rs.effects.shift(y, shift=1, rollover=False).tolist()
    ([4.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0, 3.0])
    """
    if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
        raise InputTypeError(f"shift must be a whole number of samples, got {type(shift).__name__}")
    return _native.edit(as_audio(y), "shift", float(shift), bool(rollover))


def normalize(y: np.ndarray, *, kind: str = "peak", level: float = 1.0) -> np.ndarray:
    """Scale to a peak amplitude (``kind='peak'``) or an RMS level (``kind='rms'``).

    A silent signal has no level to scale and is returned unchanged.

    Parameters
    ----------
    y : np.ndarray
        Mono signal.
    kind : {'peak', 'rms'}, default 'peak'
        Which level to set.
    level : float, default 1.0
        The peak amplitude or RMS value wanted.

    Returns
    -------
    np.ndarray
        The scaled signal, float32, same length.

    Raises
    ------
    ParameterError
        An unknown ``kind``, or a non-finite ``level``.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.array([0.5, -0.25], dtype=np.float32)
    >>> ser_rs.effects.normalize(y).tolist()
    [1.0, -0.5]
    >>> float(np.sqrt(np.mean(ser_rs.effects.normalize(y, kind="rms", level=0.1) ** 2)))  # doctest: +ELLIPSIS
    0.1...
    """
    if kind not in ("peak", "rms"):
        raise ParameterError(f"kind='{kind}' is not supported; use 'peak' or 'rms'")
    return _native.edit(as_audio(y), f"normalize_{kind}", as_number(level, "level"), False)


def add_noise(y: np.ndarray, *, amplitude: float, seed: int = 0) -> np.ndarray:
    """Add ``amplitude * max|y| * N(0, 1)`` noise (the common SER recipe uses amplitudes up to
    0.035). Reproducible by ``seed``.

    Parameters
    ----------
    y : np.ndarray
        Mono signal.
    amplitude : float
        Noise standard deviation as a fraction of the signal's peak.
    seed : int, default 0
        Seed of the noise; the same seed gives the same noise.

    Returns
    -------
    np.ndarray
        The noisy signal, float32, same length.

    Raises
    ------
    ParameterError
        Empty or non-finite ``y``, or a negative ``amplitude``.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.sin(np.arange(16000) * 0.01).astype(np.float32)
    >>> noisy = ser_rs.effects.add_noise(y, amplitude=0.01, seed=1)
    >>> round(float(np.std(noisy - y)), 2)
    0.01
    """
    return _single(AddNoise(min_amplitude=amplitude, max_amplitude=amplitude, p=1.0), y, seed)


def add_noise_snr(y: np.ndarray, *, snr_db: float, seed: int = 0) -> np.ndarray:
    """Add white Gaussian noise at exactly ``snr_db`` dB below the signal (measured on the
    output). Reproducible by ``seed``. A silent signal has no SNR: ParameterError.

    Parameters
    ----------
    y : np.ndarray
        Mono signal, not silent.
    snr_db : float
        Signal-to-noise ratio of the output, in dB.
    seed : int, default 0
        Seed of the noise.

    Returns
    -------
    np.ndarray
        The noisy signal, float32, same length.

    Raises
    ------
    ParameterError
        A silent, empty or non-finite ``y``.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = np.sin(np.arange(16000) * 0.01).astype(np.float32)
    >>> noise = ser_rs.effects.add_noise_snr(y, snr_db=10, seed=1) - y
    >>> round(float(10 * np.log10(np.mean(y ** 2) / np.mean(noise ** 2))), 3)
    10.0
    """
    return _single(AddGaussianSNR(min_snr_db=snr_db, max_snr_db=snr_db, p=1.0), y, seed)


def reduce_noise(
    y: np.ndarray,
    *,
    y_noise: Optional[np.ndarray] = None,
    prop_decrease: float = 1.0,
    noise_quantile: float = 0.1,
    n_fft: int = 1024,
    hop_length: int = 256,
) -> np.ndarray:
    """Remove stationary noise (hiss, hum, fan) by spectral gating.

    The noise floor of each frequency is measured on ``y_noise`` (a noise-only recording) or,
    without it, on the quietest ``noise_quantile`` of ``y``'s frames: recorded speech starts
    and ends in pauses. Each STFT bin is then scaled by the Wiener gain of its locally
    averaged signal-to-noise ratio, eased by ``prop_decrease``.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)]
        Noisy audio.
    y_noise : np.ndarray, optional
        Noise alone, at the same rate (at least ``n_fft`` samples).
    prop_decrease : float in [0, 1]
        1 removes the estimated noise entirely, 0 leaves ``y`` unchanged.
    noise_quantile : float in (0, 1]
        Share of quietest frames that estimate the floor when ``y_noise`` is not given.
    n_fft, hop_length : int
        STFT analysis (Hann window).

    Returns
    -------
    y_clean : np.ndarray [shape=(n,)], float32

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> t = np.arange(32000) / 16000
    >>> clean = (np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * t) > 0)).astype(np.float32)
    >>> noisy = ser_rs.effects.add_noise_snr(clean, snr_db=5, seed=0)
    >>> out = ser_rs.effects.reduce_noise(noisy)
    >>> def snr(x):
    ...     return 10 * np.log10(np.sum(clean ** 2) / np.sum((x - clean) ** 2))
    >>> bool(snr(out) > snr(noisy) + 5)
    True
    """
    noise = None if y_noise is None else as_audio(y_noise, "y_noise")
    stft = {"n_fft": _count(n_fft, "n_fft"), "hop_length": _count(hop_length, "hop_length")}
    return _native.reduce_noise(as_audio(y), noise, as_number(prop_decrease, "prop_decrease"), as_number(noise_quantile, "noise_quantile"), stft)


def _single(step: "Transform", y: np.ndarray, seed: int) -> np.ndarray:
    return Compose([step])(y, sample_rate=1, seed=seed)


# ---------------------------------------------------------------------------------------------
# Pipelines


class Transform:
    """One random transform of a :class:`Compose`: a name, parameter ranges, and the
    probability ``p`` that it is applied. Build with the subclasses or :func:`transform`."""

    name: str = ""

    def __init__(self, p: float, **params: Any) -> None:
        self.p = as_number(p, "p")
        if not 0.0 <= self.p <= 1.0:
            raise ParameterError(f"{type(self).__name__}: p={p} must be a probability in [0, 1]")
        self.params = {k: float(as_number(v, k)) for k, v in params.items()}

    def _step(self) -> tuple:
        return (self.name, list(self.params.items()), self.p)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"{type(self).__name__}({args}, p={self.p:g})"


class AddNoise(Transform):
    """``y + a * max|y| * N(0, 1)`` with ``a`` uniform in ``[min_amplitude, max_amplitude]``.

    Parameters
    ----------
    min_amplitude, max_amplitude : float, default 0.0 and 0.035
        Range of the noise's standard deviation, as a fraction of the signal's peak.
    p : float, default 0.5
        Probability that the transform is applied to a given item, in [0, 1].

    Raises
    ------
    ParameterError
        ``p`` outside [0, 1]; a range outside the transform's limits is reported when applied.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.effects import AddNoise, Compose
    >>> y = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> noisy = Compose([AddNoise(min_amplitude=0.01, max_amplitude=0.01, p=1.0)])(y, 16000, seed=0)
    >>> round(float(np.std(noisy - y)), 3)
    0.01
    """

    name = "noise"

    def __init__(self, min_amplitude: float = 0.0, max_amplitude: float = 0.035, p: float = 0.5) -> None:
        super().__init__(p, min_amplitude=min_amplitude, max_amplitude=max_amplitude)


class AddGaussianSNR(Transform):
    """White noise at an SNR uniform in ``[min_snr_db, max_snr_db]`` (audiomentations'
    defaults), exact on the output.

    Parameters
    ----------
    min_snr_db, max_snr_db : float, default 5.0 and 40.0
        Range of the output's signal-to-noise ratio, in dB.
    p : float, default 0.5
        Probability that the transform is applied to a given item, in [0, 1].

    Raises
    ------
    ParameterError
        ``p`` outside [0, 1]; a range outside the transform's limits is reported when applied.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.effects import AddGaussianSNR, Compose
    >>> y = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> noisy = Compose([AddGaussianSNR(min_snr_db=10, max_snr_db=10, p=1.0)])(y, 16000, seed=0)
    >>> round(float(10 * np.log10(np.sum(y**2) / np.sum((noisy - y) ** 2))), 2)
    10.0
    """

    name = "gaussian_snr"

    def __init__(self, min_snr_db: float = 5.0, max_snr_db: float = 40.0, p: float = 0.5) -> None:
        super().__init__(p, min_snr_db=min_snr_db, max_snr_db=max_snr_db)


class TimeStretch(Transform):
    """:func:`time_stretch` by a rate uniform in ``[min_rate, max_rate]``.

    Parameters
    ----------
    min_rate, max_rate : float, default 0.8 and 1.25
        Range of the stretch rate; above 1 is faster (shorter).
    p : float, default 0.5
        Probability that the transform is applied to a given item, in [0, 1].

    Raises
    ------
    ParameterError
        ``p`` outside [0, 1]; a range outside the transform's limits is reported when applied.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.effects import Compose, TimeStretch
    >>> y = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> Compose([TimeStretch(min_rate=2.0, max_rate=2.0, p=1.0)])(y, 16000).shape
    (8000,)
    """

    name = "time_stretch"

    def __init__(self, min_rate: float = 0.8, max_rate: float = 1.25, p: float = 0.5) -> None:
        super().__init__(p, min_rate=min_rate, max_rate=max_rate)


class PitchShift(Transform):
    """:func:`pitch_shift` by semitones uniform in ``[min_semitones, max_semitones]``.

    Parameters
    ----------
    min_semitones, max_semitones : float, default -4.0 and 4.0
        Range of the shift, in semitones (fractions allowed).
    p : float, default 0.5
        Probability that the transform is applied to a given item, in [0, 1].

    Raises
    ------
    ParameterError
        ``p`` outside [0, 1]; a range outside the transform's limits is reported when applied.

    Examples
    --------
    An octave up moves a 250 Hz tone to 500 Hz (1 Hz FFT bins here):

    >>> import numpy as np
    >>> from ser_rs.effects import Compose, PitchShift
    >>> y = np.sin(2 * np.pi * 250 * np.arange(16000) / 16000).astype(np.float32)
    >>> up = Compose([PitchShift(min_semitones=12, max_semitones=12, p=1.0)])(y, 16000)
    >>> int(np.argmax(np.abs(np.fft.rfft(up))))
    500
    """

    name = "pitch_shift"

    def __init__(self, min_semitones: float = -4.0, max_semitones: float = 4.0, p: float = 0.5) -> None:
        super().__init__(p, min_semitones=min_semitones, max_semitones=max_semitones)


class Shift(Transform):
    """:func:`shift` by a fraction of the length uniform in ``[min_shift, max_shift]``.

    Parameters
    ----------
    min_shift, max_shift : float, default -0.5 and 0.5
        Range of the shift, as a fraction of the signal's length; negative moves earlier.
    rollover : bool, default True
        Wrap samples around instead of zero-filling the gap.
    p : float, default 0.5
        Probability that the transform is applied to a given item, in [0, 1].

    Raises
    ------
    ParameterError
        ``p`` outside [0, 1]; a range outside the transform's limits is reported when applied.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.effects import Compose, Shift
    >>> y = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> moved = Compose([Shift(min_shift=0.25, max_shift=0.25, p=1.0)])(y, 16000)
    >>> bool(np.allclose(moved, np.roll(y, 4000)))
    True
    """

    name = "shift"

    def __init__(self, min_shift: float = -0.5, max_shift: float = 0.5, rollover: bool = True, p: float = 0.5) -> None:
        super().__init__(p, min_shift=min_shift, max_shift=max_shift, rollover=float(bool(rollover)))


class Gain(Transform):
    """:func:`gain` by dB uniform in ``[min_gain_db, max_gain_db]``.

    Parameters
    ----------
    min_gain_db, max_gain_db : float, default -12.0 and 12.0
        Range of the gain, in dB.
    p : float, default 0.5
        Probability that the transform is applied to a given item, in [0, 1].

    Raises
    ------
    ParameterError
        ``p`` outside [0, 1]; a range outside the transform's limits is reported when applied.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.effects import Compose, Gain
    >>> y = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> quieter = Compose([Gain(min_gain_db=-6, max_gain_db=-6, p=1.0)])(y, 16000)
    >>> round(float(np.abs(quieter).max() / np.abs(y).max()), 3)
    0.501
    """

    name = "gain"

    def __init__(self, min_gain_db: float = -12.0, max_gain_db: float = 12.0, p: float = 0.5) -> None:
        super().__init__(p, min_gain_db=min_gain_db, max_gain_db=max_gain_db)


_BY_NAME = {cls.name: cls for cls in (AddNoise, AddGaussianSNR, TimeStretch, PitchShift, Shift, Gain)}


def transform(name: str, **params: Any) -> Transform:
    """A transform by name: ``'noise'``, ``'gaussian_snr'``, ``'time_stretch'``,
    ``'pitch_shift'``, ``'shift'`` or ``'gain'``, with its class's keyword arguments.

    Parameters
    ----------
    name : str
        The transform's name (the class's ``name`` attribute).
    **params
        The class's keyword arguments (ranges and ``p``).

    Returns
    -------
    Transform
        An instance of the named class.

    Raises
    ------
    ParameterError
        An unknown ``name``.

    Examples
    --------
    >>> import ser_rs
    >>> ser_rs.effects.transform("gain", min_gain_db=-6, max_gain_db=6, p=1.0)
    Gain(min_gain_db=-6, max_gain_db=6, p=1)
    """
    if name not in _BY_NAME:
        raise ParameterError(f"unknown transform '{name}'; choose one of {sorted(_BY_NAME)}")
    return _BY_NAME[name](**params)


class AugmentedBatch(NamedTuple):
    """Result of :meth:`Compose.apply_batch`.

    Attributes
    ----------
    signals : list of np.ndarray or None
        One augmented signal per input, ``None`` where that input failed.
    errors : list of ItemError
        A :class:`ser_rs.ItemError` per failed input.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.effects import Compose, Gain
    >>> batch = Compose([Gain(p=1.0)]).apply_batch([np.ones(100, np.float32)], 16000)
    >>> len(batch.signals), batch.errors
    (1, [])
    """

    signals: list
    """One augmented signal per input, ``None`` where that input failed."""
    errors: list
    """A :class:`ser_rs.ItemError` per failed input."""


class Compose:
    """Apply transforms in order, each with its own probability.

    Parameters
    ----------
    transforms : sequence of Transform
        The steps, e.g. ``[AddGaussianSNR(p=0.5), TimeStretch(p=0.5)]``.

    Raises
    ------
    InputTypeError
        ``transforms`` is not a list of transforms.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> from ser_rs.effects import Compose, TimeStretch, PitchShift
    >>> recipe = Compose([TimeStretch(min_rate=0.8, max_rate=0.8, p=1), PitchShift(min_semitones=0.7, max_semitones=0.7, p=1)])
    >>> y = np.sin(np.arange(22050) * 0.05).astype(np.float32)
    >>> recipe(y, sample_rate=22050).shape
    (27562,)
    """

    def __init__(self, transforms: Sequence[Transform]) -> None:
        if isinstance(transforms, Transform) or not isinstance(transforms, (list, tuple)):
            raise InputTypeError("transforms must be a list of ser_rs.effects transforms")
        for t in transforms:
            if not isinstance(t, Transform):
                raise InputTypeError(f"each step must be a ser_rs.effects transform (e.g. TimeStretch()), got {type(t).__name__}")
        self.transforms = list(transforms)

    def native_steps(self) -> list:
        """The pipeline as the native augmenter (and :func:`ser_rs.extract`'s ``augment``) takes
        it: one ``(name, [(parameter, value), ...], p)`` per transform, in order.

        Returns
        -------
        list of tuple
            ``(name, [(parameter, value), ...], p)`` for each transform.

        Examples
        --------
        >>> from ser_rs.effects import Compose, Gain
        >>> Compose([Gain(-6, 6, p=0.5)]).native_steps()
        [('gain', [('min_gain_db', -6.0), ('max_gain_db', 6.0)], 0.5)]
        """
        return [t._step() for t in self.transforms]

    def __repr__(self) -> str:
        return f"Compose({self.transforms!r})"

    def __call__(self, samples: np.ndarray, sample_rate: float, *, seed: int = 0, index: int = 0) -> np.ndarray:
        """Augment one signal, with the randomness of item ``index`` of a batch under ``seed``
        (so ``pipeline(y, sr, seed=s, index=i)`` equals ``apply_batch(...)`` 's item ``i``).

        Parameters
        ----------
        samples : np.ndarray [shape=(n,)]
            Mono signal.
        sample_rate : float
            Its sampling rate in Hz.
        seed : int, default 0
            Seed of the batch this item belongs to.
        index : int >= 0, default 0
            The item's position in that batch.

        Returns
        -------
        np.ndarray, float32
            The augmented signal (its length changes with time stretching).

        Raises
        ------
        ParameterError
            A bad ``index`` or an unusable signal or rate.

        Examples
        --------
        >>> import numpy as np
        >>> from ser_rs.effects import AddNoise, Compose
        >>> y = np.sin(np.arange(16000) * 0.1).astype(np.float32)
        >>> recipe = Compose([AddNoise(p=1.0)])
        >>> bool(np.array_equal(recipe(y, 16000, seed=7, index=2), recipe.apply_batch([y, y, y], 16000, seed=7).signals[2]))
        True
        """
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < 2**64:
            raise ParameterError(f"index={index!r} must be a non-negative integer")
        (out,) = _native.augment([as_audio(samples, "samples")], [int(index)], as_number(sample_rate, "sample_rate"), self.native_steps(), as_seed(seed), None)
        if isinstance(out, tuple):
            raise exception_class(out[0])(out[1])
        return out

    def apply_batch(
        self,
        signals: Sequence[np.ndarray],
        sample_rate: float,
        *,
        seed: int = 0,
        n_jobs: Optional[int] = None,
        progress: bool = False,
        strict: bool = False,
    ) -> AugmentedBatch:
        """Augment many signals (all at ``sample_rate``) in parallel with the GIL released.

        Item ``i`` draws its randomness from ``(seed, i)``: the result does not depend on
        ``n_jobs``. A bad signal does not fail the batch; it is reported in ``errors`` (or
        raised, with ``strict``).

        Parameters
        ----------
        signals : sequence of np.ndarray
            Mono signals, all at ``sample_rate``.
        sample_rate : float
            Their sampling rate in Hz.
        seed : int, default 0
            Seed of the whole batch; item ``i`` uses the stream of ``(seed, i)``.
        n_jobs : int, optional
            Threads to use; all cores by default.
        progress : bool, default False
            Show progress (a tqdm bar on a terminal or in a notebook, else one line at the end).
        strict : bool, default False
            Raise the first item's error instead of reporting it.

        Returns
        -------
        AugmentedBatch
            The augmented signals (``None`` for failed items) and the errors.

        Raises
        ------
        InputTypeError
            ``signals`` is one array, or holds paths.
        SerError
            With ``strict``, the first failed item's error.

        Examples
        --------
        >>> import numpy as np, ser_rs
        >>> from ser_rs.effects import Compose, Gain
        >>> ys = [np.ones(100, dtype=np.float32), np.array([np.nan], dtype=np.float32)]
        >>> out = Compose([Gain(p=1.0)]).apply_batch(ys, 16000, seed=3)
        >>> out.signals[1] is None, out.errors[0].error_type
        (True, 'ParameterError')
        """
        if isinstance(signals, np.ndarray) and signals.ndim == 1:
            raise InputTypeError("signals must be a sequence of arrays; for one signal call the pipeline directly")
        prepared = [as_batch_item(s) for s in signals]
        path_given = InputTypeError("apply_batch takes arrays, not paths; load them first (ser_rs.load)")
        prepared = [path_given if isinstance(p, str) else p for p in prepared]
        errors = [ItemError(i, None, type(p).__name__, str(p)) for i, p in enumerate(prepared) if isinstance(p, Exception)]
        good = [i for i, p in enumerate(prepared) if isinstance(p, np.ndarray)]
        results: list = [None] * len(prepared)
        with ProgressBar(len(good), disable=not progress, unit="item", desc="augment") as bar:

            def report(done: int) -> None:
                bar.update(done - bar.n)

            # Each signal draws from its input position, so a bad item never shifts another's randomness.
            outs = _native.augment(
                [prepared[i] for i in good], good, as_number(sample_rate, "sample_rate"), self.native_steps(), as_seed(seed), as_n_jobs(n_jobs), report
            )
        for i, out in zip(good, outs):
            if isinstance(out, tuple):
                errors.append(ItemError(i, None, out[0], out[1]))
            else:
                results[i] = out
        errors.sort(key=lambda e: e.index)
        if strict and errors:
            raise errors[0].exception()
        return AugmentedBatch(results, errors)
