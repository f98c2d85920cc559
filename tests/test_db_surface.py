"""librosa's input surface for power_to_db, amplitude_to_db and mfcc's DCT types: scalars, lists,
any shape, complex input (with librosa's warning), every dtype rule, and the bad input around them.
Non-float32 input must equal librosa's bit for bit; float32 runs the Rust kernel and must agree
within a few float32 roundings."""

from __future__ import annotations

import sys
import warnings

import librosa
import numpy as np
import pytest

from ser_rs import feature
from ser_rs.exceptions import InputTypeError, ParameterError
from conftest import sample_files

DB_FUNCTIONS = ("power_to_db", "amplitude_to_db")
# Keyword sets of librosa's tests and docs: defaults, ref functions, no floor, a tight floor, a
# negative ref (librosa takes its absolute value).
DB_KWARGS = [{}, dict(ref=np.max), dict(top_db=None), dict(ref=np.median, amin=1e-3, top_db=10.0), dict(ref=-2.0)]
# A float32 dB value within this many dB of librosa's: a couple of float32 roundings of 80 dB.
FLOAT32_DB_ATOL = 5e-5


def both(name: str, S, **kwargs):
    """(ours, librosa's) for the named dB conversion, warnings recorded for each."""
    results = []
    for module in (feature, librosa):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = getattr(module, name)(S, **kwargs)
        results.append((out, [(str(w.message), w.category, w.filename) for w in caught]))
    return results


@pytest.fixture(scope="module")
def spectrograms() -> list[np.ndarray]:
    """Complex STFTs of 4 real utterances at 22050 Hz."""
    files = sample_files("ravdess-16k", 4, "Actor_*/*.flac")
    return [librosa.stft(librosa.load(f, sr=22050)[0]) for f in files]


RNG = np.random.default_rng(7)
EXACT_INPUTS = {
    "float": 5.0,
    "zero": 0.0,
    "int": 3,
    "list": [1.0, 2.0, 1e-12],
    "nested int list": [[1, 2], [3, 4]],
    "float32 scalar": np.float32(3.0),
    "float64 1-D": RNG.random(9),
    "float64 3-D": RNG.random((3, 4, 5)),
    "float16": RNG.random(7).astype(np.float16),
    "int array": np.arange(10),
    "negative": -RNG.random(5),
}


@pytest.mark.parametrize("name", DB_FUNCTIONS)
@pytest.mark.parametrize("key", list(EXACT_INPUTS))
def test_non_float32_input_equals_librosa_exactly(name, key):
    for kwargs in DB_KWARGS:
        (ours, _), (ref, _) = both(name, EXACT_INPUTS[key], **kwargs)
        assert type(ours) is type(ref), (key, kwargs)
        assert np.asarray(ours).dtype == np.asarray(ref).dtype, (key, kwargs)
        np.testing.assert_array_equal(ours, ref, err_msg=f"{key} {kwargs}")


@pytest.mark.parametrize("erp", range(-5, 6))
def test_scalar_powers_of_ten(erp):
    for k in range(-5, 6):
        assert feature.power_to_db(10.0**k, ref=10.0**erp, top_db=None) == pytest.approx((k - erp) * 10)
        assert feature.amplitude_to_db(10.0**k, ref=10.0**erp, top_db=None) == pytest.approx((k - erp) * 20)


@pytest.mark.parametrize("name", DB_FUNCTIONS)
def test_real_spectrograms_of_every_shape_match_librosa(spectrograms, name):
    for D in spectrograms:
        mag = np.abs(D)
        values = mag**2 if name == "power_to_db" else mag
        for shaped in (values, values.ravel(), values[:, : values.shape[1] // 2 * 2].reshape(values.shape[0], 2, -1)):
            for kwargs in DB_KWARGS:
                (ours, _), (ref, _) = both(name, shaped, **kwargs)
                assert ours.dtype == ref.dtype == np.float32 and ours.shape == ref.shape
                np.testing.assert_allclose(ours, ref, rtol=0, atol=FLOAT32_DB_ATOL, err_msg=str(kwargs))
            (ours, _), (ref, _) = both(name, shaped.astype(np.float64))
            assert ours.dtype == np.float64
            np.testing.assert_array_equal(ours, ref)


@pytest.mark.parametrize("name", DB_FUNCTIONS)
def test_complex_input_warns_as_librosa_and_converts_the_magnitude(spectrograms, name):
    D = spectrograms[0][:, :50]
    for complex_input, exact in ((D, False), (D.astype(np.complex128), True)):
        (ours, our_warnings), (ref, ref_warnings) = both(name, complex_input, ref=np.max)
        assert our_warnings and [w[:2] for w in our_warnings] == [w[:2] for w in ref_warnings]
        assert our_warnings[0][2] == __file__, "the warning must point at the caller's line"
        assert ours.dtype == ref.dtype
        if exact:
            np.testing.assert_array_equal(ours, ref)
        else:
            np.testing.assert_allclose(ours, ref, rtol=0, atol=FLOAT32_DB_ATOL)
    with pytest.warns(UserWarning, match="phase information will be discarded"):
        feature.power_to_db(np.array([1 + 1j]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        feature.amplitude_to_db(np.abs(D))  # real input does not warn


def test_a_negative_callable_reference_is_floored_at_amin_as_librosa():
    S = np.array([[-4.0, 1.0, 10.0]])
    for dtype in (np.float32, np.float64):
        (ours, _), (ref, _) = both("power_to_db", S.astype(dtype), ref=np.min, top_db=None)
        np.testing.assert_allclose(ours, ref, rtol=0, atol=FLOAT32_DB_ATOL)


@pytest.mark.parametrize("name", DB_FUNCTIONS)
@pytest.mark.parametrize(
    "S,kwargs,error,match",
    [
        (np.ones(3), dict(amin=0), ParameterError, "amin=0"),
        (np.ones(3), dict(amin=-1e-10), ParameterError, "amin=-1e-10"),
        (np.ones(3), dict(amin=float("nan")), ParameterError, "amin=nan"),
        (np.ones(3), dict(amin="small"), InputTypeError, "amin"),
        (np.ones(3), dict(top_db=-1), ParameterError, "top_db=-1"),
        (np.ones(3), dict(top_db="80"), InputTypeError, "top_db"),
        (np.ones(3), dict(ref="max"), InputTypeError, "ref"),
        (np.ones(3), dict(ref=float("nan")), ParameterError, "finite"),
        (np.ones(3), dict(ref=lambda S: "loud"), InputTypeError, "ref"),
        (np.array([np.nan, 1.0]), {}, ParameterError, "NaN"),
        (np.array([np.inf, 1.0], dtype=np.float32), {}, ParameterError, "NaN or inf"),
        (float("nan"), {}, ParameterError, "NaN"),
        (np.zeros((4, 0), dtype=np.float32), {}, ParameterError, "empty"),
        ([], {}, ParameterError, "empty"),
        ("loud", {}, InputTypeError, "number"),
        (None, {}, InputTypeError, "number"),
        ([[1.0, 2.0], [3.0]], {}, InputTypeError, "list"),
        (np.array([{"a": 1}]), {}, InputTypeError, "numeric"),
    ],
)
def test_bad_input_is_a_typed_error_naming_the_fix(name, S, kwargs, error, match):
    with pytest.raises(error, match=match):
        getattr(feature, name)(S, **kwargs)


@pytest.fixture(scope="module")
def speech() -> list[tuple[np.ndarray, int]]:
    files = sample_files("ravdess-16k", 3, "Actor_*/*.flac")
    return [librosa.load(f, sr=22050) for f in files]


MFCC_KWARGS = [{}, dict(norm=None), dict(n_mfcc=13, lifter=22), dict(n_mfcc=40, norm=None, lifter=2.5)]


@pytest.mark.parametrize("dct_type", [1, 3])
def test_mfcc_dct_types_1_and_3_equal_librosa(speech, dct_type):
    for y, sr in speech:
        log_mel = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr))
        for kwargs in MFCC_KWARGS:
            ours = feature.mfcc(S=log_mel, dct_type=dct_type, **kwargs)
            ref = librosa.feature.mfcc(S=log_mel, dct_type=dct_type, **kwargs)
            assert ours.dtype == ref.dtype == np.float32
            np.testing.assert_array_equal(ours, ref, err_msg=str(kwargs))
            # From audio the log-mel is ser_rs's own, so the agreement is the melspectrogram's.
            ours = feature.mfcc(y=y, sr=sr, dct_type=dct_type, **kwargs)
            ref = librosa.feature.mfcc(y=y, sr=sr, dct_type=dct_type, **kwargs)
            np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-5 * np.max(np.abs(ref)), err_msg=str(kwargs))


@pytest.mark.parametrize(
    "kwargs,error,match",
    [
        (dict(dct_type=4), ParameterError, "dct_type=4"),
        (dict(dct_type=0), ParameterError, "dct_type=0"),
        (dict(dct_type=1.0), InputTypeError, "dct_type"),
        (dict(dct_type="2"), InputTypeError, "dct_type"),
        (dict(dct_type=True), InputTypeError, "dct_type"),
        (dict(dct_type=1, n_mfcc=0), ParameterError, "n_mfcc=0"),
        (dict(dct_type=3, n_mfcc=200), ParameterError, "n_mfcc=200"),
        (dict(dct_type=3, n_mfcc=13.0), InputTypeError, "n_mfcc"),
        (dict(dct_type=1, lifter=-1), ParameterError, "lifter=-1"),
        (dict(dct_type=3, lifter="22"), InputTypeError, "lifter"),
        (dict(dct_type=1, norm="forward"), ParameterError, "norm='forward'"),
        (dict(dct_type=3, n_mels=0), ParameterError, "n_mels=0"),
    ],
)
def test_mfcc_dct_type_bad_input(kwargs, error, match):
    y = np.sin(np.arange(22050, dtype=np.float32) / 10)
    with pytest.raises(error, match=match):
        feature.mfcc(y=y, sr=22050, **kwargs)


def test_mfcc_dct_type_bad_spectrograms():
    with pytest.raises(ParameterError, match="NaN"):
        feature.mfcc(S=np.full((128, 4), np.nan), dct_type=3)
    with pytest.raises(ParameterError, match="empty"):
        feature.mfcc(S=np.ones((128, 0)), dct_type=1)
    with pytest.raises(InputTypeError, match="complex"):
        feature.mfcc(S=np.ones((128, 4), dtype=complex), dct_type=1)
    with pytest.raises(ParameterError, match="pass y="):
        feature.mfcc(dct_type=3)


def test_mfcc_dct_types_1_and_3_without_scipy_name_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.fft", None)
    with pytest.raises(ImportError, match="pip install scipy"):
        feature.mfcc(S=np.ones((128, 4)), dct_type=1)
    assert feature.mfcc(S=np.ones((128, 4))).shape == (20, 4)  # type 2 needs no scipy
