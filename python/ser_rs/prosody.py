"""Prosody, in Rust: how speech is said rather than what its spectrum holds.

Pitch, with librosa 0.11's names, defaults and numbers:

:func:`yin` and :func:`pyin` take the same keyword arguments as ``librosa.yin`` and
``librosa.pyin`` and return float64 arrays (and a bool voicing flag) of the same shape. Frames
are computed from the float32 signal exactly as librosa does; only librosa's float32 FFT
rounding separates the two. ``pyin``'s Viterbi decoding exploits the banded transition matrix,
which makes it tens of times faster than librosa's (``benchmarks/bench_pitch.py``), with
the same path.

Differences, all on degenerate input: an empty signal or NaN/inf samples raise
:class:`~ser_rs.ParameterError` (librosa raises too, or pads an empty signal); ``pad_mode``
accepts 'constant', 'edge' and 'reflect'; ``switch_prob`` must lie strictly inside (0, 1) as
librosa documents.

Voice quality as Praat computes it:

- :func:`voice_quality`: utterance-level mean intensity, local jitter, local shimmer (dB) and
  harmonics-to-noise ratio in one call (a dict).
- :func:`intensity`, :func:`harmonicity`: the frame-level contours behind them.
- :func:`glottal_pulses`: the glottal pulse times jitter and shimmer are measured from.
- :func:`pitch_ac`: the autocorrelation pitch track (Praat's "To Pitch (ac)") the pulses follow.

The algorithms re-implement Praat's published descriptions (Boersma 1993; Praat manual "Intro
6.2 Intensity", "Sound: To Pitch (ac)", "To PointProcess (periodic, cc)", "Voice 2. Jitter",
"Voice 3. Shimmer", "Harmonicity"). They are not bit-exact with Praat but agree closely across
recordings: on the 1080 RAVDESS files (16 kHz) the Pearson correlation with
praat-parselmouth is >= 0.98 for every measure (``benchmarks/bench_voice.py``).

Units and conventions, as Praat: samples are read as pascals, so intensity is in dB re 2e-5 Pa;
jitter is a ratio (Praat prints it as a percentage: multiply by 100); shimmer and HNR are in dB.
A measure the signal cannot support (silence, no voiced frames, fewer than three pulses) is
NaN. Bad input raises :class:`~ser_rs.ParameterError` (a ``ValueError``) or ``TypeError``.

Examples
--------
>>> import numpy as np, ser_rs
>>> sr = 16000
>>> y = np.sin(2 * np.pi * 200 * np.arange(sr) / sr).astype(np.float32)
>>> f0, voiced_flag, voiced_prob = ser_rs.prosody.pyin(y, fmin=65, fmax=500, sr=sr)
>>> f0.shape, bool(voiced_flag[5:-5].all())
((32,), True)
>>> y = (0.1 * np.sin(2 * np.pi * 150 * np.arange(sr) / sr)).astype(np.float32)
>>> vq = ser_rs.prosody.voice_quality(y, sr)
>>> round(vq["intensity_db"], 1), round(vq["mean_f0_hz"])
(71.0, 150)
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional

import numpy as np

from ser_rs import _native
from ser_rs._channels import map_channels, stack
from ser_rs._validate import as_audio, as_number
from ser_rs.audio import LIBROSA_SR
from ser_rs.exceptions import InputTypeError, ParameterError

__all__ = ["yin", "pyin", "intensity", "harmonicity", "pitch_ac", "glottal_pulses", "voice_quality"]



def _signal(y: Any) -> np.ndarray:
    """``y`` as float32, shape ``(..., n)`` with at least one axis."""
    if not isinstance(y, np.ndarray):
        raise InputTypeError(f"y must be a numpy array of floats, got {type(y).__name__}; use np.asarray(y, dtype=np.float32)")
    if not np.issubdtype(y.dtype, np.floating):
        hint = " (for 16-bit PCM: y.astype(np.float32) / 32768)" if np.issubdtype(y.dtype, np.integer) else ""
        raise InputTypeError(f"y must be floating-point audio (float32 or float64), got dtype {y.dtype}{hint}")
    if y.ndim == 0:
        raise ParameterError("y must be an audio signal with at least one axis (shape (..., n)), got a scalar")
    return y


def _int(value: Any, name: str, allow_none: bool = False) -> Optional[int]:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name} must be an integer, got {type(value).__name__}")
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
        raise InputTypeError(f"pad_mode must be a string ('constant', 'edge' or 'reflect'), got {type(pad_mode).__name__}")
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
    channels = y.reshape(-1, y.shape[-1])
    return stack(map_channels(lambda i: compute(np.ascontiguousarray(channels[i], dtype=np.float32)), y.shape[:-1], "y"), y.shape[:-1])


def yin(
    y: np.ndarray,
    *,
    fmin: float,
    fmax: float,
    sr: float = LIBROSA_SR,
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
    sr: float = LIBROSA_SR,
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

    Raises
    ------
    ParameterError
        An empty or non-finite signal, or ``fmin``/``fmax``/frame settings that cannot work.
    InputTypeError
        ``y`` is not a float array, or ``beta_parameters`` is not a pair of numbers.

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
        raise InputTypeError(f"beta_parameters must be a pair of numbers, e.g. (2, 18), got {beta_parameters!r}") from None
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




def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def intensity(
    y: np.ndarray,
    sr: float,
    *,
    min_pitch: float = 100.0,
    time_step: Optional[float] = None,
    subtract_mean: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Intensity contour in dB, as Praat's "Sound: To Intensity".

    Each frame is the mean square of the signal weighted by a Kaiser-20 window of
    ``6.4 / min_pitch`` seconds (effective duration ``3.2 / min_pitch``), in dB re
    (2e-5 Pa)^2 with samples read as pascals. Frames are centred in the signal.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Audio signal.
    sr : number > 0
        Sampling rate of ``y`` in Hz.
    min_pitch : float > 0
        Lowest pitch (Hz) the contour should not ripple at; sets the window length.
    time_step : float > 0 or None
        Seconds between frames; ``None`` means ``0.8 / min_pitch``.
    subtract_mean : bool
        Remove each window's DC offset before squaring.

    Returns
    -------
    times : np.ndarray [shape=(n_frames,)], float64
        Frame centre times in seconds.
    db : np.ndarray [shape=(n_frames,)], float64
        Intensity in dB; NaN for a frame of digital silence.

    Raises
    ------
    ParameterError
        Empty or non-finite ``y``, ``sr <= 0``, ``y`` shorter than one window, or a
        non-positive ``min_pitch`` / ``time_step``.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs import prosody
    >>> sr = 16000
    >>> y = np.sin(2 * np.pi * 440 * np.arange(sr) / sr).astype(np.float32)
    >>> times, db = prosody.intensity(y, sr)
    >>> times.shape, round(float(np.median(db)), 2)
    ((118,), 90.97)
    """
    step = None if time_step is None else as_number(time_step, "time_step")
    return _native.voice_intensity(as_audio(y), as_number(sr, "sr"), as_number(min_pitch, "min_pitch"), step, _flag(subtract_mean, "subtract_mean"))


def harmonicity(
    y: np.ndarray,
    sr: float,
    *,
    time_step: float = 0.01,
    min_pitch: float = 75.0,
    silence_threshold: float = 0.1,
    periods_per_window: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Harmonics-to-noise ratio contour in dB, as Praat's "Sound: To Harmonicity (cc)".

    In each frame the strongest peak ``r`` of the normalised cross-correlation between a
    window and its lagged copy gives ``HNR = 10 log10(r / (1 - r))`` (Boersma 1993): 0 dB
    when harmonic and noise energy are equal, 20 dB when the noise is 1 % of the energy.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Audio signal.
    sr : number > 0
        Sampling rate in Hz.
    time_step : float > 0
        Seconds between frames.
    min_pitch : float > 0
        Lowest periodicity (Hz) searched; sets the window length.
    silence_threshold : float >= 0
        Frames whose peak amplitude is below this fraction of the signal's peak count as
        silent (NaN).
    periods_per_window : float > 0
        Window length in periods of ``min_pitch``.

    Returns
    -------
    times : np.ndarray [shape=(n_frames,)], float64
    hnr_db : np.ndarray [shape=(n_frames,)], float64
        NaN where the frame is silent or unvoiced.

    Raises
    ------
    ParameterError
        Bad signal, ``sr``, or parameters; ``y`` shorter than ``(periods_per_window + 1) / min_pitch`` s.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs import prosody
    >>> sr = 16000
    >>> t = np.arange(sr) / sr
    >>> tone = np.sin(2 * np.pi * 150 * t).astype(np.float32)
    >>> noise = np.random.default_rng(0).standard_normal(sr).astype(np.float32)
    >>> bool(np.nanmean(prosody.harmonicity(tone, sr)[1]) > 30), bool(np.nanmean(prosody.harmonicity(noise, sr)[1]) < 5)
    (True, True)
    """
    return _native.voice_harmonicity(
        as_audio(y),
        as_number(sr, "sr"),
        as_number(time_step, "time_step"),
        as_number(min_pitch, "min_pitch"),
        as_number(silence_threshold, "silence_threshold"),
        as_number(periods_per_window, "periods_per_window"),
    )


def pitch_ac(
    y: np.ndarray,
    sr: float,
    *,
    pitch_floor: float = 75.0,
    pitch_ceiling: float = 600.0,
    time_step: Optional[float] = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pitch track by autocorrelation, as Praat's "Sound: To Pitch (ac)" with its defaults.

    Per frame (3 periods of ``pitch_floor`` long, Hann-windowed), the peaks of the
    autocorrelation divided by the window's own autocorrelation (Boersma 1993) are the voiced
    candidates; a Viterbi path with Praat's costs (silence threshold 0.03, voicing threshold
    0.45, octave cost 0.01, octave-jump cost 0.35, voiced/unvoiced cost 0.14) picks one per
    frame. This is the track :func:`glottal_pulses` and :func:`voice_quality` use.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Audio signal.
    sr : number > 0
        Sampling rate in Hz.
    pitch_floor, pitch_ceiling : float > 0
        Pitch search range in Hz (``pitch_floor < pitch_ceiling <= sr / 2``).
    time_step : float > 0 or None
        Seconds between frames; ``None`` means ``0.75 / pitch_floor``.

    Returns
    -------
    times : np.ndarray [shape=(n_frames,)], float64
        Frame centre times in seconds.
    f0 : np.ndarray [shape=(n_frames,)], float64
        Fundamental frequency in Hz, NaN where unvoiced.
    strength : np.ndarray [shape=(n_frames,)], float64
        Normalised autocorrelation at the chosen period (0-1), NaN where unvoiced.

    Raises
    ------
    ParameterError
        Bad signal, ``sr``, pitch range or time step; ``y`` shorter than ``3 / pitch_floor`` s.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs import prosody
    >>> sr = 16000
    >>> y = np.sin(2 * np.pi * 220 * np.arange(sr) / sr).astype(np.float32)
    >>> times, f0, strength = prosody.pitch_ac(y, sr)
    >>> f0.shape, round(float(np.nanmedian(f0)), 1)
    ((97,), 220.0)
    """
    step = None if time_step is None else as_number(time_step, "time_step")
    return _native.voice_pitch(as_audio(y), as_number(sr, "sr"), as_number(pitch_floor, "pitch_floor"), as_number(pitch_ceiling, "pitch_ceiling"), step)


def glottal_pulses(y: np.ndarray, sr: float, *, pitch_floor: float = 75.0, pitch_ceiling: float = 600.0) -> np.ndarray:
    """Glottal pulse times in seconds, as Praat's "To PointProcess (periodic, cc)".

    A pitch analysis (autocorrelation, Praat's "To Pitch (ac)" defaults within
    ``pitch_floor``-``pitch_ceiling``) finds the voiced stretches; in each, marks start at the
    strongest extremum near the middle and step outwards period by period to where the
    waveform best cross-correlates with the previous period.

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Audio signal.
    sr : number > 0
        Sampling rate in Hz.
    pitch_floor, pitch_ceiling : float > 0
        Pitch search range in Hz (``pitch_floor < pitch_ceiling <= sr / 2``).

    Returns
    -------
    times : np.ndarray [shape=(n_pulses,)], float64
        Increasing; empty for silent or unvoiced input.

    Raises
    ------
    ParameterError
        Bad signal, ``sr`` or pitch range; ``y`` shorter than ``3 / pitch_floor`` s.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs import prosody
    >>> sr = 16000
    >>> y = np.sin(2 * np.pi * 125 * np.arange(sr) / sr).astype(np.float32)
    >>> periods = np.diff(prosody.glottal_pulses(y, sr))
    >>> round(float(np.median(periods)) * 1000, 2)
    8.0
    """
    return _native.voice_pulses(as_audio(y), as_number(sr, "sr"), as_number(pitch_floor, "pitch_floor"), as_number(pitch_ceiling, "pitch_ceiling"))


def voice_quality(
    y: np.ndarray,
    sr: float,
    *,
    pitch_floor: float = 75.0,
    pitch_ceiling: float = 600.0,
    period_floor: float = 0.0001,
    period_ceiling: float = 0.02,
    max_period_factor: float = 1.3,
    max_amplitude_factor: float = 1.6,
    intensity_min_pitch: float = 100.0,
    hnr_min_pitch: float = 75.0,
) -> dict[str, float]:
    """Utterance-level voice measures, as Praat's voice report.

    The defaults reproduce this Praat (parselmouth) recipe::

        pp = praat.call(snd, "To PointProcess (periodic, cc)", 75, 600)
        praat.call(pp, "Get jitter (local)", 0, 0, 0.0001, 0.02, 1.3)
        praat.call([snd, pp], "Get shimmer (local_dB)", 0, 0, 0.0001, 0.02, 1.3, 1.6)
        praat.call(snd.to_harmonicity_cc(), "Get mean", 0, 0)
        praat.call(snd.to_intensity(), "Get mean", 0, 0, "energy")

    Parameters
    ----------
    y : np.ndarray [shape=(n,)], float
        Audio signal.
    sr : number > 0
        Sampling rate in Hz.
    pitch_floor, pitch_ceiling : float
        Pitch range (Hz) of the analysis that places the glottal pulses.
    period_floor, period_ceiling : float
        Only intervals between pulses within this range (s) count as periods.
    max_period_factor : float >= 1
        Consecutive periods differing by more than this factor are a break, not jitter.
    max_amplitude_factor : float >= 1
        Consecutive amplitudes differing by more than this factor are skipped for shimmer.
    intensity_min_pitch : float
        ``min_pitch`` of :func:`intensity`.
    hnr_min_pitch : float
        ``min_pitch`` of :func:`harmonicity`.

    Returns
    -------
    dict
        ``intensity_db`` (mean by energy, dB re 2e-5 Pa), ``jitter_local`` (ratio),
        ``shimmer_local_db`` (dB), ``hnr_db`` (mean over voiced frames), ``n_pulses``,
        ``voiced_fraction`` (of pitch frames), ``mean_f0_hz``. Measures the signal cannot
        support are NaN: jitter and shimmer need three pulses, HNR and F0 a voiced frame,
        intensity a frame that is not digital silence.

    Raises
    ------
    ParameterError
        Empty or non-finite ``y``, ``sr <= 0``, ``y`` shorter than the longest analysis
        window (about 0.07 s with the defaults), or absurd parameters.

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> from ser_rs import prosody
    >>> sr = 16000
    >>> y = (0.1 * np.sin(2 * np.pi * 150 * np.arange(sr) / sr)).astype(np.float32)
    >>> vq = prosody.voice_quality(y, sr)
    >>> sorted(vq)
    ['hnr_db', 'intensity_db', 'jitter_local', 'mean_f0_hz', 'n_pulses', 'shimmer_local_db', 'voiced_fraction']
    >>> vq["jitter_local"] < 0.001, vq["hnr_db"] > 30
    (True, True)
    >>> math.isnan(prosody.voice_quality(np.zeros(sr, np.float32), sr)["jitter_local"])
    True
    """
    return _native.voice_report(
        as_audio(y),
        as_number(sr, "sr"),
        as_number(pitch_floor, "pitch_floor"),
        as_number(pitch_ceiling, "pitch_ceiling"),
        as_number(period_floor, "period_floor"),
        as_number(period_ceiling, "period_ceiling"),
        as_number(max_period_factor, "max_period_factor"),
        as_number(max_amplitude_factor, "max_amplitude_factor"),
        as_number(intensity_min_pitch, "intensity_min_pitch"),
        as_number(hnr_min_pitch, "hnr_min_pitch"),
        0.01,
        0.1,
        1.0,
    )
