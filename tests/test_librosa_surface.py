"""librosa's call surface beyond the defaults, against librosa 0.11 on real speech: its exception
class, every window spec, time-varying ``freq``, complex ``S``, ``stft(out=)``, ``res_type`` and
centred signals shorter than a frame."""

from __future__ import annotations

import subprocess
import sys
import warnings

import librosa
import numpy as np
import pytest
import scipy.signal

import ser_rs
from ser_rs import ParameterError, effects, feature
from ser_rs.exceptions import InputTypeError
from conftest import ROOT, sample_files

TOLERANCE = 1e-4


@pytest.fixture(scope="module")
def speech() -> list[np.ndarray]:
    """Three real utterances at 22050 Hz, decoded by librosa so that only the surface differs."""
    return [librosa.load(f, sr=22050)[0] for f in sample_files("ravdess-16k", 3, "Actor_*/*.flac")]


def assert_close(ours, ref, tolerance=TOLERANCE):
    ours, ref = np.asarray(ours), np.asarray(ref)
    assert ours.shape == ref.shape, (ours.shape, ref.shape)
    scale = float(np.max(np.abs(ref))) or 1.0
    err = float(np.max(np.abs(ours.astype(np.complex128) - ref.astype(np.complex128)))) / scale
    assert err <= tolerance, f"relative error {err:.2e} > {tolerance}"


# -- the exception ------------------------------------------------------------------------------

def test_parameter_error_is_librosas_too():
    with pytest.raises(librosa.ParameterError):
        feature.mfcc(y=np.ones(4096, np.float32), n_mfcc=-1)
    try:
        feature.stft(np.zeros(0, np.float32))
    except librosa.ParameterError as exc:  # by the raised class's own bases, as `except` matches
        assert isinstance(exc, (ser_rs.SerError, ValueError, ParameterError))
    else:
        pytest.fail("no error raised")
    assert issubclass(ParameterError, librosa.ParameterError)
    assert issubclass(ser_rs.exceptions.NotFittedError, librosa.ParameterError)


# Loads exceptions.py on its own (no native module, no ser_rs package) with librosa blocked, then
# lets librosa load: ParameterError adopts librosa's class at the next raise.
WITHOUT_LIBROSA = r'''
import importlib.util, sys
sys.modules["librosa"] = None
spec = importlib.util.spec_from_file_location("exceptions_alone", sys.argv[1])
exc = importlib.util.module_from_spec(spec); spec.loader.exec_module(exc)
try:
    raise exc.ParameterError("bad")
except ValueError as e:
    assert type(e).__mro__[1:3] == (exc.SerError, ValueError), type(e).__mro__
assert "librosa.util.exceptions" not in sys.modules
del sys.modules["librosa"]
import librosa
try:
    raise exc.ParameterError("bad")
except librosa.ParameterError:
    print("adopted")
'''


def test_exceptions_import_without_librosa_and_adopt_it_when_loaded():
    result = subprocess.run([sys.executable, "-c", WITHOUT_LIBROSA, str(ROOT / "python" / "ser_rs" / "exceptions.py")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stdout.strip() == "adopted", result.stdout + result.stderr


# -- windows ------------------------------------------------------------------------------------

WINDOWS = ["blackmanharris", ("kaiser", 4.0), "bartlett", ("gaussian", 300), 6.0, scipy.signal.windows.hann,
           list(scipy.signal.get_window("hamming", 2048))]


@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: getattr(w, "__name__", str(w))[:20])
def test_every_window_spec_librosa_takes(speech, window):
    for y in speech:
        assert_close(feature.stft(y, window=window), librosa.stft(y, window=window))
    y = speech[0]
    assert_close(feature.melspectrogram(y=y, window=window, win_length=2048), librosa.feature.melspectrogram(y=y, window=window, win_length=2048))


def test_window_of_win_length_is_padded_to_n_fft(speech):
    y = speech[1]
    kwargs = dict(n_fft=1024, win_length=600, window=("kaiser", 8.0))
    assert_close(feature.stft(y, **kwargs), librosa.stft(y, **kwargs))
    assert_close(feature.mfcc(y=y, **kwargs), librosa.feature.mfcc(y=y, **kwargs))


@pytest.mark.parametrize(
    "window,error,match",
    [
        ("no_such_window", ParameterError, "window='no_such_window'"),
        ("kaiser", ParameterError, "window='kaiser'"),  # needs its beta, as in librosa
        (lambda n: np.ones(n + 1), ParameterError, "2048"),
        (np.ones(100), ParameterError, "window"),
        (object(), InputTypeError, "window must be"),
    ],
)
def test_bad_windows_are_typed_errors(window, error, match):
    with pytest.raises(error, match=match):
        feature.stft(np.ones(4096, np.float32), window=window)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(n_fft=0), ParameterError, "n_fft=0"),
    (dict(n_fft=2048.0), InputTypeError, "n_fft"),
    (dict(win_length=-5), ParameterError, "win_length=-5"),
    (dict(n_fft=512, win_length=1024), ParameterError, "win_length=1024"),
])
def test_built_windows_leave_bad_lengths_to_the_length_check(kwargs, error, match):
    for window in (("kaiser", 4.0), scipy.signal.windows.hann):
        with pytest.raises(error, match=match):
            feature.stft(np.ones(4096, np.float32), window=window, **kwargs)


# -- time-varying freq, complex S ---------------------------------------------------------------

@pytest.mark.parametrize("name,kwargs", [
    ("spectral_centroid", {}),
    ("spectral_bandwidth", {}),
    ("spectral_bandwidth", dict(p=1, norm=False)),
    ("spectral_rolloff", {}),
    ("spectral_rolloff", dict(roll_percent=0.5)),
])
def test_per_frame_freq(speech, name, kwargs):
    for y in speech:
        S = np.abs(librosa.stft(y))
        freq = librosa.fft_frequencies(sr=22050)[:, None] * np.random.default_rng(0).uniform(0.9, 1.1, S.shape)
        ref = getattr(librosa.feature, name)(S=S, freq=freq, **kwargs)
        assert_close(getattr(feature, name)(S=S, freq=freq, **kwargs), ref)
        assert_close(getattr(feature, name)(y=y, freq=freq, **kwargs), ref)


def test_per_frame_freq_of_the_wrong_shape_is_an_error(speech):
    S = np.abs(librosa.stft(speech[0]))
    with pytest.raises(ParameterError, match="2-D freq"):
        feature.spectral_centroid(S=S, freq=np.ones((S.shape[0], S.shape[1] + 1)))
    with pytest.raises(ParameterError, match="non-negative"):  # the native checks still run
        feature.spectral_rolloff(S=-S, freq=np.ones(S.shape))


@pytest.mark.parametrize("name", ["spectral_centroid", "spectral_bandwidth", "spectral_rolloff", "spectral_flatness"])
def test_complex_S_is_librosas_parameter_error(speech, name):
    D = librosa.stft(speech[0])
    with pytest.raises(librosa.ParameterError):
        getattr(librosa.feature, name)(S=D)
    with pytest.raises(librosa.ParameterError, match="real-valued"):
        getattr(feature, name)(S=D)


def test_rms_of_a_complex_stft_uses_its_magnitude(speech):
    D = librosa.stft(speech[0])
    assert_close(feature.rms(S=D), librosa.feature.rms(S=D))


# -- stft(out=) ----------------------------------------------------------------------------------

def test_stft_out(speech):
    y = speech[0]
    D = feature.stft(y, n_fft=1024, hop_length=256)
    out = np.zeros_like(D)
    assert feature.stft(y, n_fft=1024, hop_length=256, out=out) is out
    np.testing.assert_array_equal(out, D)
    wide = np.full((D.shape[0], D.shape[1] + 5), 7, dtype=np.complex128)
    view = feature.stft(y, n_fft=1024, hop_length=256, out=wide)
    assert view.base is wide and view.shape == D.shape
    np.testing.assert_array_equal(wide[:, : D.shape[1]], D)
    assert (wide[:, D.shape[1]:] == 7).all()


@pytest.mark.parametrize("out,error,match", [
    (np.zeros((513, 3), np.complex64), ParameterError, "Shape mismatch"),
    (np.zeros((100, 200), np.complex64), ParameterError, "Shape mismatch"),
    (np.zeros((513, 200), np.float32), ParameterError, "complex"),
    ([[0j]], InputTypeError, "numpy array"),
])
def test_stft_bad_out(out, error, match):
    with pytest.raises(error, match=match):
        feature.stft(np.ones(22050, np.float32), n_fft=1024, hop_length=256, out=out)


# -- res_type ------------------------------------------------------------------------------------

def test_res_type(speech, ravdess48k):
    y = speech[0]
    np.testing.assert_array_equal(ser_rs.resample(y, orig_sr=22050, target_sr=16000, res_type="soxr_hq"),
                                  ser_rs.resample(y, orig_sr=22050, target_sr=16000))
    with pytest.raises(librosa.ParameterError, match="soxr_hq"):
        ser_rs.resample(y, orig_sr=22050, target_sr=16000, res_type="kaiser_best")
    with pytest.raises(InputTypeError, match="res_type"):
        ser_rs.resample(y, orig_sr=22050, target_sr=16000, res_type=None)
    path = next(ravdess48k.glob("Actor_*/*.wav"))
    np.testing.assert_array_equal(ser_rs.load(path, res_type="soxr_hq")[0], ser_rs.load(path)[0])
    with pytest.raises(ParameterError, match="res_type='scipy'"):
        ser_rs.load(path, res_type="scipy")


# -- signals shorter than a frame ---------------------------------------------------------------

SHORT_CASES = [
    ("stft", {}),
    ("stft", dict(pad_mode="reflect", n_fft=4096)),
    ("melspectrogram", {}),
    ("mfcc", {}),
    ("mfcc", dict(dct_type=3)),
    ("spectral_centroid", {}),
    ("spectral_contrast", {}),
    ("chroma_stft", dict(tuning=0.0)),
]


@pytest.mark.parametrize("name,kwargs", SHORT_CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SHORT_CASES)])
def test_short_centred_signal_is_padded_with_librosas_warning(speech, name, kwargs):
    y = speech[0][8000:9500]
    ours_fn = feature.stft if name == "stft" else getattr(feature, name)
    ref_fn = librosa.stft if name == "stft" else getattr(librosa.feature, name)
    args, kw = ((y,), {}) if name == "stft" else ((), dict(y=y))
    with pytest.warns(UserWarning, match="too large for input signal of length=1500"):
        ref = ref_fn(*args, **kw, **kwargs)
    with pytest.warns(UserWarning, match="too large for input signal of length=1500"):
        ours = ours_fn(*args, **kw, **kwargs)
    assert_close(ours, ref)
    with pytest.raises(librosa.ParameterError, match="shorter than"):
        ours_fn(*args, **kw, **kwargs, center=False)


@pytest.mark.parametrize("name", ["rms", "zero_crossing_rate"])
def test_short_frame_features_pad_silently_as_librosa(speech, name):
    y = speech[1][9000:9700]
    kw = dict(y=y, frame_length=2048)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = getattr(feature, name)(**kw)
    assert_close(ours, getattr(librosa.feature, name)(**kw))


@pytest.mark.parametrize("length", [1, 300, 2000])
def test_trim_of_a_short_signal(speech, length):
    y = speech[2][10000:10000 + length].copy()
    y[: length // 3] = 0
    for kwargs in (dict(), dict(ref=1.0, top_db=30), dict(hop_length=128)):
        ours_y, ours_idx = effects.trim(y, **kwargs)
        ref_y, ref_idx = librosa.effects.trim(y, **kwargs)
        np.testing.assert_array_equal(ours_idx, ref_idx)
        np.testing.assert_array_equal(ours_y, ref_y)
    silence = np.zeros(1, np.float32)
    assert effects.trim(silence, ref=1)[1].tolist() == librosa.effects.trim(silence, ref=1)[1].tolist()
