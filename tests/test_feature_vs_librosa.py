"""Every feature against librosa 0.11 on real speech: within 1e-4 of the reference's largest
magnitude, with librosa's defaults and with non-default settings."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

import ser_rs
from ser_rs import feature
from conftest import record_agreement, sample_files

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def speech() -> list[tuple[str, np.ndarray, int]]:
    """24 real utterances at 22050 Hz: 20 from the 16 kHz FLAC corpus (all actors) and 4 of the
    48 kHz originals, decoded and resampled by librosa so only the features are compared."""
    files = sample_files("ravdess-16k", 20, "Actor_*/*.flac") + sample_files("ravdess-48k", 4, "Actor_*/*.wav")
    return [(f.name, *librosa.load(f, sr=22050)) for f in files]


def assert_agrees(name: str, ours: np.ndarray, ref: np.ndarray) -> None:
    err = record_agreement(name, ours, ref)
    assert err <= TOLERANCE, f"{name}: relative error {err:.2e} > {TOLERANCE}"


# (feature name, kwargs) run on y for both libraries.
Y_CASES = [
    ("melspectrogram", {}),
    ("melspectrogram", dict(n_fft=1024, hop_length=256, n_mels=40, fmin=50.0, fmax=8000.0, htk=True, power=1.0)),
    ("melspectrogram", dict(window="hamming", center=False, norm=None)),
    ("mfcc", {}),
    ("mfcc", dict(n_mfcc=13, lifter=22, n_mels=64, pad_mode="reflect")),
    ("mfcc", dict(norm=None, win_length=1024)),
    ("chroma_stft", {}),
    ("chroma_stft", dict(tuning=0.0, n_chroma=24, norm=2)),
    ("chroma_stft", dict(n_fft=4096, hop_length=1024, norm=None)),
    ("rms", {}),
    ("rms", dict(frame_length=1024, hop_length=256, center=False)),
    ("spectral_centroid", {}),
    ("spectral_bandwidth", {}),
    ("spectral_bandwidth", dict(p=1, norm=False)),
    ("spectral_rolloff", {}),
    ("spectral_rolloff", dict(roll_percent=0.5, n_fft=1024)),
    ("spectral_contrast", {}),
    ("spectral_contrast", dict(fmin=100.0, n_bands=5, quantile=0.05, linear=True)),
    ("spectral_flatness", {}),
    ("spectral_flatness", dict(power=1.0, amin=1e-6)),
]


@pytest.mark.parametrize("name,kwargs", Y_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(Y_CASES)])
def test_feature_from_audio_matches_librosa(speech, name, kwargs):
    ours_fn, ref_fn = getattr(feature, name), getattr(librosa.feature, name)
    takes_sr = "sr" in ref_fn.__code__.co_varnames
    for _, y, sr in speech:
        extra = {"sr": sr} if takes_sr else {}
        assert_agrees(name, ours_fn(y=y, **extra, **kwargs), ref_fn(y=y, **extra, **kwargs))


def test_stft_matches_librosa(speech):
    for _, y, _ in speech:
        assert_agrees("stft", feature.stft(y), librosa.stft(y))
        assert_agrees("stft", feature.stft(y, n_fft=512, hop_length=128, window="blackman", pad_mode="reflect"),
                      librosa.stft(y, n_fft=512, hop_length=128, window="blackman", pad_mode="reflect"))
    assert feature.stft(speech[0][1]).dtype == np.complex64


def test_zero_crossing_rate_matches_librosa(speech):
    for _, y, _ in speech:
        assert_agrees("zero_crossing_rate", feature.zero_crossing_rate(y), librosa.feature.zero_crossing_rate(y))
        assert_agrees("zero_crossing_rate", feature.zero_crossing_rate(y, frame_length=512, hop_length=128, center=False),
                      librosa.feature.zero_crossing_rate(y, frame_length=512, hop_length=128, center=False))


def test_features_from_spectrograms_match_librosa(speech):
    for _, y, sr in speech:
        mag = np.abs(librosa.stft(y))
        power = mag**2
        assert_agrees("chroma_stft", feature.chroma_stft(S=mag, sr=sr), librosa.feature.chroma_stft(S=mag, sr=sr))
        assert_agrees("melspectrogram", feature.melspectrogram(S=power, sr=sr), librosa.feature.melspectrogram(S=power, sr=sr))
        log_mel = librosa.power_to_db(librosa.feature.melspectrogram(S=power, sr=sr))
        assert_agrees("mfcc", feature.mfcc(S=log_mel, n_mfcc=30), librosa.feature.mfcc(S=log_mel, n_mfcc=30))
        assert_agrees("rms", feature.rms(S=mag), librosa.feature.rms(S=mag))
        for name in ("spectral_centroid", "spectral_bandwidth", "spectral_rolloff", "spectral_contrast"):
            assert_agrees(name, getattr(feature, name)(S=mag, sr=sr), getattr(librosa.feature, name)(S=mag, sr=sr))
        assert_agrees("spectral_flatness", feature.spectral_flatness(S=mag), librosa.feature.spectral_flatness(S=mag))


def test_db_conversions_match_librosa(speech):
    for _, y, sr in speech[:8]:
        mag = np.abs(librosa.stft(y))
        power = mag**2
        for kwargs in ({}, dict(ref=np.max), dict(ref=np.median, amin=1e-6, top_db=None), dict(top_db=40.0)):
            assert_agrees("power_to_db", feature.power_to_db(power, **kwargs), librosa.power_to_db(power, **kwargs))
            assert_agrees("amplitude_to_db", feature.amplitude_to_db(mag, **kwargs), librosa.amplitude_to_db(mag, **kwargs))
    assert ser_rs.power_to_db is feature.power_to_db


def test_delta_matches_librosa(speech):
    for _, y, sr in speech:
        m = librosa.feature.mfcc(y=y, sr=sr)
        for kwargs in ({}, dict(order=2), dict(width=5, mode="nearest"), dict(width=3, order=2, mode="mirror"), dict(width=7, mode="wrap")):
            assert_agrees("delta", feature.delta(m, **kwargs), librosa.feature.delta(m, **kwargs))
        assert_agrees("delta", feature.delta(m, axis=0), librosa.feature.delta(m, axis=0))


def librosa_ser162(y: np.ndarray, sr: int) -> np.ndarray:
    return np.hstack([
        np.mean(librosa.feature.zero_crossing_rate(y=y).T, axis=0),
        np.mean(librosa.feature.chroma_stft(S=np.abs(librosa.stft(y)), sr=sr).T, axis=0),
        np.mean(librosa.feature.mfcc(y=y, sr=sr).T, axis=0),
        np.mean(librosa.feature.rms(y=y).T, axis=0),
        np.mean(librosa.feature.melspectrogram(y=y, sr=sr).T, axis=0),
    ])


def test_ser162_equals_the_librosa_recipe(speech):
    for _, y, sr in speech:
        ours, ref = feature.ser162(y, sr=sr), librosa_ser162(y, sr)
        # Each block has its own scale (mel power vs. ZCR), so compare block by block.
        start = 0
        for block, width in (("zcr", 1), ("chroma", 12), ("mfcc", 20), ("rms", 1), ("mel", 128)):
            assert_agrees(f"ser162[{block}]", ours[start:start + width], ref[start:start + width])
            start += width
    assert len(feature.SER162_COLUMNS) == 162 and feature.SER162_COLUMNS[13] == "mfcc_1_mean"


def test_silence_gives_librosa_output_without_nan():
    y = np.zeros(22050, dtype=np.float32)
    for name in ("mfcc", "melspectrogram", "chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth",
                 "spectral_rolloff", "spectral_contrast", "spectral_flatness"):
        ours, ref = getattr(feature, name)(y=y), getattr(librosa.feature, name)(y=y)
        assert np.isfinite(ours).all() and np.isfinite(ref).all(), name
        assert_agrees(name, ours, ref)
    assert np.isfinite(feature.ser162(y)).all()


def test_chroma_with_odd_n_fft_at_a_low_rate_matches_librosa(speech):
    # With an odd n_fft and sr <= 8 kHz the last bin lies inside piptrack's band and has no
    # right neighbour; librosa pads it with itself.
    for _, y, _ in speech[:8]:
        kwargs = dict(sr=8000, n_fft=1023, hop_length=256)
        assert_agrees("chroma_stft", feature.chroma_stft(y=y, **kwargs), librosa.feature.chroma_stft(y=y, **kwargs))
