"""Voice quality (ser_rs.prosody) against Praat via praat-parselmouth, on synthetic signals whose
jitter, shimmer and HNR are known by construction, and on bad input.

Reference recipe (Praat through parselmouth), correlated file by file:
    snd = parselmouth.Sound(path); pitch = snd.to_pitch()
    pp = praat.call(snd, "To PointProcess (periodic, cc)", 75, 600)
    jitter  = praat.call(pp, "Get jitter (local)", 0, 0, 0.0001, 0.02, 1.3)
    shimmer = praat.call([snd, pp], "Get shimmer (local_dB)", 0, 0, 0.0001, 0.02, 1.3, 1.6)
    hnr     = praat.call(snd.to_harmonicity_cc(), "Get mean", 0, 0)
    intensity = praat.call(snd.to_intensity(), "Get mean", 0, 0, "energy")
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import sample_files

import ser_rs
from ser_rs import ParameterError, prosody

SR = 16000
MEASURES = ("jitter_local", "shimmer_local_db", "hnr_db", "intensity_db")


def praat_measures(path) -> dict[str, float]:
    parselmouth = pytest.importorskip("parselmouth")
    praat = parselmouth.praat
    snd = parselmouth.Sound(str(path))
    snd.to_pitch()  # in the reference recipe; the pulses below run their own pitch analysis
    pp = praat.call(snd, "To PointProcess (periodic, cc)", 75, 600)
    return {
        "jitter_local": praat.call(pp, "Get jitter (local)", 0, 0, 0.0001, 0.02, 1.3),
        "shimmer_local_db": praat.call([snd, pp], "Get shimmer (local_dB)", 0, 0, 0.0001, 0.02, 1.3, 1.6),
        "hnr_db": praat.call(snd.to_harmonicity_cc(), "Get mean", 0, 0),
        "intensity_db": praat.call(snd.to_intensity(), "Get mean", 0, 0, "energy"),
    }


@pytest.fixture(scope="module")
def ravdess_pairs():
    """(ours, Praat's) measures for 60 files spread over actors and emotions."""
    files = sample_files("ravdess-16k", 60, "Actor_*/*.flac")
    ours, theirs = [], []
    for path in files:
        y, sr = ser_rs.load(str(path), sr=None)
        vq = prosody.voice_quality(y, sr)
        ours.append([vq[m] for m in MEASURES])
        ref = praat_measures(path)
        theirs.append([ref[m] for m in MEASURES])
    return np.array(ours), np.array(theirs)


@pytest.mark.parametrize("k,measure", list(enumerate(MEASURES)))
def test_correlates_with_praat_across_files(ravdess_pairs, k, measure):
    ours, theirs = ravdess_pairs[0][:, k], ravdess_pairs[1][:, k]
    assert np.all(np.isfinite(ours)), f"{measure}: NaN on voiced speech"
    r = np.corrcoef(ours, theirs)[0, 1]
    assert r >= 0.9, f"{measure}: Pearson r with Praat {r:.3f} < 0.9"
    # Same units and scale: the typical ratio to Praat's value is near 1.
    ratio = np.median(ours / theirs)
    assert 0.8 < ratio < 1.25, f"{measure}: median ratio to Praat {ratio:.3f}"


def test_pitch_track_matches_praat(ravdess_pairs):
    """Frame by frame on a few files: same frame times, same voicing, same F0."""
    parselmouth = pytest.importorskip("parselmouth")
    agree = total = close = both = 0
    for path in sample_files("ravdess-16k", 6, "Actor_*/*.flac"):
        ref = parselmouth.Sound(str(path)).to_pitch()
        ref_f0 = ref.selected_array["frequency"]
        y, sr = ser_rs.load(str(path), sr=None)
        times, f0, strength = prosody.pitch_ac(y, sr)
        assert np.allclose(times, ref.xs(), atol=1e-9)
        voiced, ref_voiced = np.isfinite(f0), ref_f0 > 0
        agree += np.sum(voiced == ref_voiced)
        total += len(f0)
        m = voiced & ref_voiced
        both += m.sum()
        close += np.sum(np.abs(f0[m] / ref_f0[m] - 1) < 0.01)
        assert np.all((strength[voiced] > 0) & (strength[voiced] <= 1))
    assert agree / total > 0.98, f"voicing agrees on {agree / total:.3f} of frames"
    assert close / both > 0.97, f"F0 within 1 % on {close / both:.3f} of voiced frames"


# -- synthetic signals with known answers ------------------------------------------------------


def pulse_train(periods, amplitudes, sr=SR):
    """A vowel-like signal: each glottal pulse excites a damped 600 Hz resonance."""
    n = int(sum(periods) * sr) + sr // 10
    y = np.zeros(n)
    t = np.arange(int(0.02 * sr)) / sr
    ring = np.exp(-t * 300) * np.sin(2 * np.pi * 600 * t)
    onset = 0.05
    for period, amp in zip(periods, amplitudes):
        i = int(round(onset * sr))
        seg = ring[: n - i]
        y[i : i + len(seg)] += amp * seg
        onset += period
    return (0.3 * y / np.abs(y).max()).astype(np.float32)


def test_regular_pulse_train_has_no_jitter_or_shimmer():
    periods = [0.008] * 120
    vq = prosody.voice_quality(pulse_train(periods, [1.0] * 120), SR)
    assert vq["jitter_local"] < 0.002
    assert vq["shimmer_local_db"] < 0.1
    assert abs(vq["mean_f0_hz"] - 125) < 2


def test_alternating_periods_give_their_jitter():
    # Periods alternate 8 ms * (1 -+ 0.03): every consecutive difference is 6 % of the mean.
    periods = [0.008 * (1 - 0.03) if k % 2 else 0.008 * (1 + 0.03) for k in range(120)]
    vq = prosody.voice_quality(pulse_train(periods, [1.0] * 120), SR)
    assert abs(vq["jitter_local"] - 0.06) < 0.008, vq


def test_alternating_amplitudes_give_their_shimmer():
    # Amplitudes alternate 1 and 1.25: |20 log10 1.25| = 1.94 dB between every pair of cycles.
    amps = [1.25 if k % 2 else 1.0 for k in range(120)]
    vq = prosody.voice_quality(pulse_train([0.008] * 120, amps), SR)
    assert abs(vq["shimmer_local_db"] - 20 * math.log10(1.25)) < 0.3, vq
    assert vq["jitter_local"] < 0.005


def test_pulses_sit_one_period_apart():
    pulses = prosody.glottal_pulses(pulse_train([0.008] * 120, [1.0] * 120), SR)
    assert 110 <= len(pulses) <= 122
    assert np.all(np.abs(np.diff(pulses) - 0.008) < 2e-4)


def test_tone_is_harmonic_and_noise_is_not():
    t = np.arange(SR) / SR
    tone = (0.5 * np.sin(2 * np.pi * 180 * t)).astype(np.float32)
    noise = (0.1 * np.random.default_rng(1).standard_normal(SR)).astype(np.float32)
    assert prosody.voice_quality(tone, SR)["hnr_db"] > 30
    assert np.nanmean(prosody.harmonicity(noise, SR)[1]) < 5
    # Adding noise lowers the HNR.
    noisy = tone + noise
    assert prosody.voice_quality(noisy, SR)["hnr_db"] < prosody.voice_quality(tone, SR)["hnr_db"] - 10


def test_intensity_follows_the_mean_square():
    t = np.arange(SR) / SR
    for amp in (1.0, 0.1, 0.01):
        y = (amp * np.sin(2 * np.pi * 300 * t)).astype(np.float32)
        expected = 10 * math.log10(amp**2 / 2 / 4e-10)
        times, db = prosody.intensity(y, SR)
        assert np.all(np.abs(db - expected) < 0.05)
        assert abs(prosody.voice_quality(y, SR)["intensity_db"] - expected) < 0.05
    assert np.all(np.diff(times) > 0) and times[0] > 0 and times[-1] < 1.0


def test_silence_gives_nan_measures_not_garbage():
    vq = prosody.voice_quality(np.zeros(SR, np.float32), SR)
    for m in MEASURES + ("mean_f0_hz",):
        assert math.isnan(vq[m]), m
    assert vq["n_pulses"] == 0 and vq["voiced_fraction"] == 0
    assert np.all(np.isnan(prosody.intensity(np.zeros(SR, np.float32), SR)[1]))
    assert np.all(np.isnan(prosody.harmonicity(np.zeros(SR, np.float32), SR)[1]))
    assert prosody.glottal_pulses(np.zeros(SR, np.float32), SR).shape == (0,)
    # A constant (DC) signal is silence too once its mean is removed.
    dc = prosody.voice_quality(np.full(SR, 0.5, np.float32), SR)
    assert math.isnan(dc["intensity_db"]) and math.isnan(dc["hnr_db"]) and dc["n_pulses"] == 0
    # Unvoiced noise: no pulses worth a jitter, and NaN rather than a number when none.
    few = prosody.voice_quality((0.01 * np.random.default_rng(2).standard_normal(SR)).astype(np.float32), SR)
    assert few["n_pulses"] < 20


def test_shortest_accepted_signal_gives_numbers_or_nan():
    # 0.1 s of voice: longer than every analysis window (the longest, intensity's, is 64 ms).
    vq = prosody.voice_quality(pulse_train([0.008] * 12, [1.0] * 12)[:1600], SR)
    assert vq["intensity_db"] > 0 and vq["n_pulses"] >= 0
    for m in MEASURES:
        assert math.isnan(vq[m]) or np.isfinite(vq[m])
    with pytest.raises(ParameterError, match="shorter than one"):
        prosody.voice_quality(np.ones(1000, np.float32), SR)


# -- bad input ---------------------------------------------------------------------------------

GOOD = pulse_train([0.008] * 60, [1.0] * 60)
FUNCTIONS = [prosody.voice_quality, prosody.intensity, prosody.harmonicity, prosody.glottal_pulses, prosody.pitch_ac]


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize(
    "y,match",
    [
        (np.zeros(0, np.float32), "empty"),
        (np.array([0.1, np.nan] * 4000, np.float32), "not finite"),
        (np.array([0.1, np.inf] * 4000, np.float32), "not finite"),
        (np.zeros(200, np.float32), "shorter than one"),
        (np.zeros((2, 8000), np.float32), "1-D"),
    ],
)
def test_bad_signals_raise_parameter_error(fn, y, match):
    with pytest.raises(ParameterError, match=match):
        fn(y, SR)


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_bad_types_raise_type_error(fn):
    with pytest.raises(TypeError, match="y must be"):
        fn([0.1] * 8000, SR)
    with pytest.raises(TypeError, match="floating-point"):
        fn(np.zeros(8000, np.int16), SR)
    with pytest.raises(TypeError, match="sr must be a number"):
        fn(GOOD, "16000")


@pytest.mark.parametrize("fn", FUNCTIONS)
@pytest.mark.parametrize("sr", [0, -16000, float("nan"), float("inf")])
def test_bad_rates_raise_parameter_error(fn, sr):
    with pytest.raises(ParameterError, match="sr="):
        fn(GOOD, sr)


@pytest.mark.parametrize(
    "fn,kwargs,match",
    [
        (prosody.voice_quality, dict(pitch_floor=0), "pitch_floor"),
        (prosody.voice_quality, dict(pitch_floor=700), "pitch_ceiling"),
        (prosody.voice_quality, dict(pitch_ceiling=20000), "Nyquist"),
        (prosody.voice_quality, dict(pitch_floor=float("nan")), "pitch_floor"),
        (prosody.voice_quality, dict(period_floor=-1), "period_floor"),
        (prosody.voice_quality, dict(period_ceiling=0.00001), "period_ceiling"),
        (prosody.voice_quality, dict(max_period_factor=0.5), "max_period_factor"),
        (prosody.voice_quality, dict(max_amplitude_factor=float("inf")), "max_amplitude_factor"),
        (prosody.voice_quality, dict(intensity_min_pitch=0), "min_pitch"),
        (prosody.voice_quality, dict(hnr_min_pitch=-75), "min_pitch"),
        (prosody.glottal_pulses, dict(pitch_floor=7000, pitch_ceiling=8000), "pitch"),
        (prosody.pitch_ac, dict(pitch_ceiling=50), "pitch_ceiling"),
        (prosody.pitch_ac, dict(time_step=0), "time_step"),
        (prosody.intensity, dict(min_pitch=1e6), "min_pitch"),
        (prosody.intensity, dict(time_step=0), "time_step"),
        (prosody.harmonicity, dict(time_step=-0.01), "time_step"),
        (prosody.harmonicity, dict(silence_threshold=float("nan")), "silence_threshold"),
        (prosody.harmonicity, dict(periods_per_window=0), "periods_per_window"),
    ],
)
def test_absurd_parameters_raise_parameter_error(fn, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        fn(GOOD, SR, **kwargs)


def test_parameter_types_are_checked():
    with pytest.raises(TypeError, match="pitch_floor"):
        prosody.voice_quality(GOOD, SR, pitch_floor="75")
    with pytest.raises(TypeError, match="subtract_mean"):
        prosody.intensity(GOOD, SR, subtract_mean="yes")
    with pytest.raises(TypeError, match="time_step"):
        prosody.intensity(GOOD, SR, time_step=[0.01])
