"""Prosody: voice-quality measures as Praat computes them, in Rust.

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
>>> import numpy as np
>>> from ser_rs import prosody
>>> sr = 16000
>>> y = (0.1 * np.sin(2 * np.pi * 150 * np.arange(sr) / sr)).astype(np.float32)
>>> vq = prosody.voice_quality(y, sr)
>>> round(vq["intensity_db"], 1), round(vq["mean_f0_hz"])
(71.0, 150)
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from ser_rs import _native
from ser_rs._validate import as_audio, as_number

__all__ = ["intensity", "harmonicity", "pitch_ac", "glottal_pulses", "voice_quality"]


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
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
