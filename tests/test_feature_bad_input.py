"""Bad input to the feature functions: a typed exception that names the problem, never a panic,
an abort or silent garbage."""

from __future__ import annotations

import numpy as np
import pytest

import ser_rs
from ser_rs import ParameterError, feature

SR = 22050
GOOD = np.random.default_rng(0).standard_normal(SR).astype(np.float32) * 0.1

Y_FEATURES = ["melspectrogram", "mfcc", "chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth",
              "spectral_rolloff", "spectral_contrast", "spectral_flatness"]


def call(name, y, **kwargs):
    if name == "zero_crossing_rate":
        return feature.zero_crossing_rate(y, **kwargs)
    if name == "ser162":
        return feature.ser162(y, **kwargs)
    if name == "stft":
        return feature.stft(y, **kwargs)
    return getattr(feature, name)(y=y, **kwargs)


ALL = Y_FEATURES + ["zero_crossing_rate", "ser162", "stft"]


@pytest.mark.parametrize("name", ALL)
def test_empty_signal_is_a_clear_error(name):
    with pytest.raises(ParameterError, match="empty"):
        call(name, np.zeros(0, dtype=np.float32))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_samples_are_rejected(name, bad):
    y = GOOD.copy()
    y[100] = bad
    with pytest.raises(ParameterError, match="not finite"):
        call(name, y)


@pytest.mark.parametrize("name", ALL)
def test_integer_audio_is_a_type_error(name):
    with pytest.raises(TypeError, match="floating-point"):
        call(name, (GOOD * 32767).astype(np.int16))


@pytest.mark.parametrize("name", ALL)
def test_a_list_is_a_type_error(name):
    with pytest.raises(TypeError, match="numpy array"):
        call(name, GOOD.tolist())


@pytest.mark.parametrize("name", ALL)
def test_scalar_is_a_shape_error(name):
    # Channels, (..., n), are librosa's multichannel input (tests/test_multichannel.py).
    with pytest.raises(ParameterError, match="1-D"):
        call(name, np.array(0.5, dtype=np.float32))


def test_the_utterance_vector_takes_one_signal():
    with pytest.raises(ParameterError, match="1-D"):
        call("ser162", np.stack([GOOD, GOOD]))


@pytest.mark.parametrize("name", ALL)
def test_signal_shorter_than_a_frame_is_a_clear_error_when_not_centred(name):
    # Uncentred, librosa raises too; centred, it pads (tests/test_librosa_surface.py), and ser162,
    # which has no centring switch, keeps the error.
    kwargs = {} if name == "ser162" else dict(center=False)
    with pytest.raises(ParameterError, match="shorter than"):
        call(name, GOOD[:1000], **kwargs)


def test_float64_input_is_computed_in_float32_and_returned_as_float64():
    out = feature.mfcc(y=GOOD.astype(np.float64))
    assert out.dtype == np.float64  # librosa keeps the input's precision
    np.testing.assert_array_equal(out, feature.mfcc(y=GOOD).astype(np.float64))


@pytest.mark.parametrize(
    "name,kwargs,match",
    [
        ("mfcc", dict(sr=0), "sr=0"),
        ("mfcc", dict(sr=-22050), "sr=-22050"),
        ("melspectrogram", dict(sr=float("nan")), "(?i)sr=nan"),
        ("melspectrogram", dict(n_mels=0), "n_mels=0"),
        ("mfcc", dict(n_mels=0), "n_mels=0"),
        ("melspectrogram", dict(hop_length=0), "hop_length=0"),
        ("mfcc", dict(hop_length=-5), "hop_length=-5"),
        ("melspectrogram", dict(fmax=SR), "fmax=22050"),
        ("melspectrogram", dict(fmin=5000.0, fmax=4000.0), "fmax=4000"),
        ("melspectrogram", dict(n_fft=0), "n_fft=0"),
        ("melspectrogram", dict(win_length=4096), "win_length=4096"),
        ("melspectrogram", dict(power=0.0), "power=0"),
        ("melspectrogram", dict(window="kaiser"), "window='kaiser'"),
        ("melspectrogram", dict(pad_mode="wrap"), "pad_mode='wrap'"),
        ("mfcc", dict(n_mfcc=0), "n_mfcc=0"),
        ("mfcc", dict(n_mfcc=200), "n_mfcc=200"),
        ("mfcc", dict(dct_type=4), "dct_type=4"),
        ("mfcc", dict(lifter=-1), "lifter=-1"),
        ("chroma_stft", dict(n_chroma=0), "n_chroma=0"),
        ("chroma_stft", dict(norm=-1.0), "norm=-1"),
        ("chroma_stft", dict(tuning=float("inf")), "tuning=inf"),
        ("rms", dict(frame_length=0), "frame_length=0"),
        ("spectral_rolloff", dict(roll_percent=1.5), "roll_percent=1.5"),
        ("spectral_contrast", dict(n_bands=0), "n_bands"),
        ("spectral_contrast", dict(n_bands=9), "Nyquist"),
        ("spectral_contrast", dict(quantile=0.0), "quantile"),
        ("spectral_flatness", dict(amin=0.0), "amin=0"),
        ("spectral_bandwidth", dict(p=0), "p=0"),
        ("zero_crossing_rate", dict(hop_length=0), "hop_length=0"),
    ],
)
def test_absurd_parameters_name_the_parameter(name, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        call(name, GOOD, **kwargs)


@pytest.mark.parametrize("kwargs", [dict(n_fft=2048.0), dict(n_mels="128"), dict(center="yes"), dict(htk=1.5)])
def test_wrongly_typed_parameters_are_type_errors(kwargs):
    with pytest.raises(TypeError):
        feature.melspectrogram(y=GOOD, **kwargs)


def test_missing_input_is_a_clear_error():
    with pytest.raises(ParameterError, match="pass y="):
        feature.mfcc()


def test_bad_spectrograms():
    # Complex S: librosa's ParameterError where librosa refuses it, a TypeError where it has no meaning.
    with pytest.raises(ParameterError, match="real-valued"):
        feature.spectral_centroid(S=feature.stft(GOOD))
    with pytest.raises(TypeError, match="complex"):
        feature.melspectrogram(S=feature.stft(GOOD))
    with pytest.raises(ParameterError, match="2-D"):
        feature.spectral_centroid(S=np.ones(10, dtype=np.float32))
    with pytest.raises(ParameterError, match="non-negative"):
        feature.spectral_centroid(S=-np.ones((1025, 4), dtype=np.float32))
    with pytest.raises(ParameterError, match="NaN"):
        feature.melspectrogram(S=np.full((1025, 4), np.nan, dtype=np.float32))
    with pytest.raises(ParameterError, match="empty"):
        feature.melspectrogram(S=np.ones((1025, 0), dtype=np.float32))
    with pytest.raises(ParameterError, match="frame_length"):
        feature.rms(S=np.ones((513, 4), dtype=np.float32))
    with pytest.raises(ParameterError, match="audio"):
        ser_rs._native.compute_feature("ser162", None, np.ones((1025, 4), dtype=np.float32), SR, {})


def test_db_bad_input():
    with pytest.raises(ParameterError, match="amin"):
        feature.power_to_db(np.ones((2, 2)), amin=0)
    with pytest.raises(ParameterError, match="top_db"):
        feature.power_to_db(np.ones((2, 2)), top_db=-1)
    with pytest.raises(ParameterError, match="NaN"):
        feature.power_to_db(np.array([[np.nan, 1.0]]))
    with pytest.raises(TypeError):
        feature.power_to_db("loud")
    # Lists, 1-D and 3-D inputs are taken, keeping their shape, as in librosa.
    assert feature.power_to_db([[1.0, 2.0]]).shape == (1, 2)
    assert feature.power_to_db(np.ones(5)).shape == (5,)
    assert feature.power_to_db(np.ones((2, 3, 4))).shape == (2, 3, 4)


def test_delta_bad_input():
    m = np.ones((20, 5), dtype=np.float32)
    with pytest.raises(ParameterError, match="cannot exceed"):
        feature.delta(m)
    with pytest.raises(ParameterError, match="odd"):
        feature.delta(m, width=4, mode="nearest")
    with pytest.raises(ParameterError, match="order"):
        feature.delta(m, width=3, order=0)
    with pytest.raises(ParameterError, match="mode"):
        feature.delta(m, width=3, mode="bogus")
    with pytest.raises(TypeError):
        feature.delta(m, width=3.0)
    with pytest.raises(ParameterError, match="NaN"):
        feature.delta(np.full((2, 10), np.nan), width=3)


def test_functional_names_refuses_a_statistic_functionals_does_not_compute():
    from ser_rs.exceptions import ParameterError
    with pytest.raises(ParameterError, match="p101|statistic|stat"):
        ser_rs.feature.functional_names(["mfcc_1"], stats=["mean", "p101"])
    with pytest.raises(ParameterError):
        ser_rs.feature.functional_names(["mfcc_1"], stats=["average"])


def test_write_wav_refuses_missing_folder_nan_and_bad_rate(tmp_path):
    from ser_rs.datasets.demo import write_wav
    from ser_rs.exceptions import MissingFileError, ParameterError
    y = np.zeros(160, dtype=np.float32)
    with pytest.raises(MissingFileError, match="does not exist"):
        write_wav(tmp_path / "no" / "x.wav", y, 16000)
    with pytest.raises(ParameterError, match="NaN"):
        write_wav(tmp_path / "x.wav", np.array([0.0, np.nan]), 16000)
    with pytest.raises(ParameterError, match="mono"):
        write_wav(tmp_path / "x.wav", np.zeros((2, 10)), 16000)
    with pytest.raises(ParameterError, match="positive"):
        write_wav(tmp_path / "x.wav", y, 0)
    assert not (tmp_path / "x.wav").exists()


def test_normalize_emotion_refuses_a_missing_label():
    from ser_rs.datasets import normalize_emotion
    from ser_rs.exceptions import InputTypeError
    for missing in (None, float("nan")):
        with pytest.raises(InputTypeError, match="missing"):
            normalize_emotion(missing)
    assert normalize_emotion(" Anger ") == "angry"
