"""Audio the package makes itself, so demos and tests run with no data at all."""

from __future__ import annotations

import os
import wave
from pathlib import Path
from typing import Union

import numpy as np

__all__ = ["make_demo_audio", "write_wav"]

# Formant frequencies (Hz) and bandwidths of three vowels, after Peterson & Barney (1952).
_VOWELS = {
    "a": ((730, 1090, 2440), (90, 110, 160)),
    "i": ((270, 2290, 3010), (60, 100, 170)),
    "u": ((300, 870, 2240), (60, 90, 150)),
}
# (name, mean f0 in Hz) of the synthetic speakers, and (style, pitch range, loudness, rate).
_SPEAKERS = (("spk1", 110.0), ("spk2", 210.0), ("spk3", 150.0))
_STYLES = (("calm", 0.05, 0.3, 1.0), ("lively", 0.25, 0.7, 1.4))


def write_wav(path: Union[str, os.PathLike], y: np.ndarray, sr: int) -> None:
    """Write a mono float signal in [-1, 1] as a 16-bit PCM WAV file (standard library only)."""
    pcm = np.clip(np.round(np.asarray(y, dtype=np.float64) * 32767), -32768, 32767).astype("<i2")
    with wave.open(os.fspath(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(sr))
        w.writeframes(pcm.tobytes())


def _formant_response(freqs: np.ndarray, formants, bandwidths) -> np.ndarray:
    """Magnitude response of cascaded second-order resonators."""
    h = np.ones_like(freqs)
    for f, b in zip(formants, bandwidths):
        h *= f**2 / np.sqrt((f**2 - freqs**2) ** 2 + (b * freqs) ** 2)
    return h


def _utterance(rng: np.random.Generator, sr: int, f0: float, pitch_range: float, loudness: float, rate: float) -> np.ndarray:
    """A voiced utterance: a pulse train with a pitch contour, shaped by vowel formants."""
    syllables = int(round(4 * rate))
    seg = int(sr * 0.3 / rate)
    pieces = []
    for k in range(syllables):
        t = np.arange(seg) / sr
        contour = f0 * (1 + pitch_range * np.sin(2 * np.pi * (0.5 + k) * t / t[-1] / 2)) * (1 + 0.01 * rng.standard_normal())
        phase = np.cumsum(contour / sr)
        pulses = np.diff(np.floor(phase), prepend=0.0)
        spectrum = np.fft.rfft(pulses + 0.02 * rng.standard_normal(seg))
        formants, bandwidths = _VOWELS["aiu"[k % 3]]
        shaped = np.fft.irfft(spectrum * _formant_response(np.fft.rfftfreq(seg, 1 / sr), formants, bandwidths), n=seg)
        pieces.append(shaped * np.hanning(seg))
    y = np.concatenate(pieces + [np.zeros(seg // 2)])
    return loudness * y / (np.max(np.abs(y)) + 1e-12)


def make_demo_audio(dest: Union[str, os.PathLike], *, n_per_style: int = 2, sr: int = 16000, seed: int = 0) -> list[Path]:
    """Write a small set of synthetic speech-like WAV files and return their paths.

    Three synthetic speakers (different pitch levels) each say ``n_per_style`` utterances in
    two speaking styles (calm: narrow pitch range, soft, slow; lively: wide, loud, fast).
    Deterministic for a given ``seed``.

    Examples
    --------
    >>> import tempfile, ser_rs.datasets
    >>> paths = ser_rs.datasets.make_demo_audio(tempfile.mkdtemp(), n_per_style=1)
    >>> len(paths)
    6
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for speaker, f0 in _SPEAKERS:
        for style, pitch_range, loudness, rate in _STYLES:
            for k in range(n_per_style):
                path = dest / f"{speaker}_{style}_{k + 1:02d}.wav"
                write_wav(path, _utterance(rng, sr, f0, pitch_range, loudness, rate), sr)
                paths.append(path)
    return paths
