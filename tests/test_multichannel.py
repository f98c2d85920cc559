"""Channels, as librosa takes them: ``(..., n)`` audio and ``(..., bins, frames)`` spectrograms.

Each function that librosa applies along the last axes gives, on a real stereo recording and on a
(2, 3, n) batch of real utterances, exactly its per-channel results stacked, and librosa's numbers
on the whole array; float64 input comes back as float64 within the same tolerances; bad input
names the channel at fault."""

from __future__ import annotations

import threading

import librosa
import numpy as np
import pytest

from ser_rs import InputTypeError, ParameterError, _channels, audio, effects, feature, prosody
from conftest import data_folder, record_agreement, record_snr, sample_files

SR = 22050
TOLERANCE = 1e-4  # relative to the reference's largest magnitude, as tests/test_feature_vs_librosa.py
MIN_SNR_DB = 40.0  # as tests/test_effects.py
N = SR  # one second per channel keeps the suite fast


@pytest.fixture(scope="module")
def stereo() -> np.ndarray:
    """A second of one of RAVDESS's stereo originals, both channels, decoded by librosa."""
    path = data_folder("ravdess-48k") / "Actor_01" / "03-01-08-01-02-02-01.wav"
    y, _ = librosa.load(path, sr=SR, mono=False, offset=1.0, duration=1.0)
    assert y.shape == (2, N)
    return y


@pytest.fixture(scope="module")
def batch() -> np.ndarray:
    """(2, 3, n): a second of six utterances (different actors) from the middle of each."""
    files = sample_files("ravdess-16k", 6, "Actor_*/*.flac")
    clips = [librosa.load(f, sr=SR, offset=1.0, duration=1.0)[0] for f in files]
    return np.stack(clips).reshape(2, 3, N)


@pytest.fixture(scope="module", params=["stereo", "batch"])
def y(request, stereo, batch) -> np.ndarray:
    return stereo if request.param == "stereo" else batch


def _spectra(y: np.ndarray) -> dict:
    D = np.abs(librosa.stft(y))
    mel = librosa.feature.melspectrogram(S=D**2)
    return {"mag": D, "power": D**2, "log_mel": librosa.power_to_db(mel)}


# (name, ser_rs call, librosa call): each takes the whole (..., n) array.
SIGNAL_CASES = [
    ("stft", lambda m, y: m.stft(y, n_fft=1024)),
    ("melspectrogram", lambda m, y: m.feature.melspectrogram(y=y, sr=SR)),
    ("mfcc", lambda m, y: m.feature.mfcc(y=y, sr=SR)),
    ("mfcc dct_type=3", lambda m, y: m.feature.mfcc(y=y, sr=SR, dct_type=3, n_mfcc=13)),
    ("chroma_stft", lambda m, y: m.feature.chroma_stft(y=y, sr=SR)),
    ("zero_crossing_rate", lambda m, y: m.feature.zero_crossing_rate(y)),
    ("rms", lambda m, y: m.feature.rms(y=y)),
    ("spectral_centroid", lambda m, y: m.feature.spectral_centroid(y=y, sr=SR)),
    ("spectral_bandwidth", lambda m, y: m.feature.spectral_bandwidth(y=y, sr=SR)),
    ("spectral_rolloff", lambda m, y: m.feature.spectral_rolloff(y=y, sr=SR)),
    ("spectral_contrast", lambda m, y: m.feature.spectral_contrast(y=y, sr=SR)),
    ("spectral_flatness", lambda m, y: m.feature.spectral_flatness(y=y)),
]

# Spectrogram input: (name, spectrum key, ser_rs call, librosa call).
SPECTROGRAM_CASES = [
    ("melspectrogram S", "power", lambda m, S: m.feature.melspectrogram(S=S, sr=SR)),
    ("mfcc S", "log_mel", lambda m, S: m.feature.mfcc(S=S, sr=SR)),
    ("chroma_stft S", "power", lambda m, S: m.feature.chroma_stft(S=S, sr=SR)),
    ("rms S", "mag", lambda m, S: m.feature.rms(S=S)),
    ("spectral_centroid S", "mag", lambda m, S: m.feature.spectral_centroid(S=S, sr=SR)),
    ("spectral_contrast S", "mag", lambda m, S: m.feature.spectral_contrast(S=S, sr=SR)),
    ("spectral_flatness S", "mag", lambda m, S: m.feature.spectral_flatness(S=S)),
]

# Effects are compared by SNR, as tests/test_effects.py does.
EFFECT_CASES = [
    ("time_stretch", lambda m, y: m.effects.time_stretch(y, rate=1.25)),
    ("pitch_shift", lambda m, y: m.effects.pitch_shift(y, sr=SR, n_steps=-3)),
    ("preemphasis", lambda m, y: m.effects.preemphasis(y)),
    ("resample", lambda m, y: m.resample(y, orig_sr=SR, target_sr=16000)),
]


class _Ours:
    """ser_rs under librosa's module names, so that one lambda serves both libraries."""

    feature, effects, stft, resample = feature, effects, staticmethod(feature.stft), staticmethod(audio.resample)


OURS = _Ours()


def _per_channel(call, x: np.ndarray, core: int) -> np.ndarray:
    """ser_rs one channel at a time, stacked under the leading axes."""
    lead = x.shape[:-core]
    outs = [call(OURS, channel) for channel in x.reshape((-1,) + x.shape[-core:])]
    return np.stack(outs).reshape(lead + outs[0].shape)


# librosa couples the channels of these: a dB floor at top_db below the loudest value of all the
# channels (mfcc from audio, spectral_contrast) or one tuning estimated from all (chroma_stft).
COUPLED = {"mfcc", "mfcc dct_type=3", "chroma_stft", "chroma_stft S", "spectral_contrast", "spectral_contrast S"}


def _check(name: str, call, x: np.ndarray, core: int, compare) -> None:
    ours = call(OURS, x)
    if name not in COUPLED:
        np.testing.assert_array_equal(ours, _per_channel(call, x, core))
    compare(name, ours, call(librosa, x))
    wide = call(OURS, x.astype(np.float64))
    ref = call(librosa, x.astype(np.float64))
    assert wide.dtype == ref.dtype, f"{name}: float64 input gave {wide.dtype}, librosa {ref.dtype}"
    compare(f"{name} (float64)", wide, ref)


def _agrees(name: str, ours: np.ndarray, ref: np.ndarray) -> None:
    if np.iscomplexobj(ref):
        ours, ref = np.stack([ours.real, ours.imag]), np.stack([ref.real, ref.imag])
    err = record_agreement(f"{name} [channels]", ours, ref)
    assert err <= TOLERANCE, f"{name}: relative error {err:.2e} > {TOLERANCE}"


def _snr(name: str, ours: np.ndarray, ref: np.ndarray) -> None:
    snr = record_snr(f"{name} [channels]", ours, ref)
    assert snr >= MIN_SNR_DB, f"{name}: {snr:.1f} dB"


@pytest.mark.parametrize("name,call", SIGNAL_CASES, ids=[c[0] for c in SIGNAL_CASES])
def test_signal_features_over_channels(y, name, call):
    _check(name, call, y, 1, _agrees)


@pytest.mark.parametrize("name,key,call", SPECTROGRAM_CASES, ids=[c[0] for c in SPECTROGRAM_CASES])
def test_spectrogram_features_over_channels(y, name, key, call):
    _check(name, call, _spectra(y)[key].astype(np.float32), 2, _agrees)


@pytest.mark.parametrize("name,call", EFFECT_CASES, ids=[c[0] for c in EFFECT_CASES])
def test_effects_over_channels(y, name, call):
    _check(name, call, y, 1, _snr)


@pytest.mark.parametrize("name,call", [c for c in SIGNAL_CASES if c[0] in COUPLED], ids=lambda c: c if isinstance(c, str) else "")
def test_coupled_channels_are_librosa_s_not_independent(batch, name, call):
    # A quiet channel next to a loud one: librosa floors (or tunes) it by the loud one.
    pair = np.stack([batch[0, 0], batch[1, 1] * 1e-3])
    ours, ref = call(OURS, pair), call(librosa, pair)
    _agrees(name, ours, ref)
    if name != "chroma_stft":  # one quiet channel need not move the pooled tuning
        assert not np.allclose(ours, _per_channel(call, pair, 1), atol=1e-3)


def test_preemphasis_state_per_channel(stereo):
    half = N // 2
    first, zf = effects.preemphasis(stereo[:, :half], return_zf=True)
    assert zf.shape == (2, 1) and zf.dtype == np.float32
    second, _ = effects.preemphasis(stereo[:, half:], zi=zf, return_zf=True)
    ref, ref_zf = librosa.effects.preemphasis(stereo, return_zf=True)
    np.testing.assert_allclose(np.concatenate([first, second], axis=-1), ref, atol=1e-5)
    np.testing.assert_allclose(effects.preemphasis(stereo, return_zf=True)[1], ref_zf, rtol=1e-5)
    # One state for every channel broadcasts (librosa wants one per channel: zi=[[0.1], [0.1]]).
    np.testing.assert_array_equal(effects.preemphasis(stereo, zi=0.1), librosa.effects.preemphasis(stereo, zi=np.full((2, 1), 0.1)))


@pytest.mark.parametrize("kw", [{}, dict(top_db=30), dict(ref=np.mean), dict(aggregate=np.mean, top_db=40)])
def test_trim_cuts_all_channels_at_librosa_s_interval(batch, kw):
    # Each channel has its own silences: the interval must cover the loudest (by default).
    padded = np.zeros((2, 3, N + 20000), np.float32)
    for i, (a, b) in enumerate(np.ndindex(2, 3)):
        start = 1000 * (i + 2)
        padded[a, b, start:start + N] = batch[a, b]
    for x in (padded, padded[0, :2], padded[1, 2]):  # mono too: any ref function now works there
        ours, index = effects.trim(x, **kw)
        ref, ref_index = librosa.effects.trim(x, **kw)
        assert index.tolist() == ref_index.tolist()
        np.testing.assert_array_equal(ours, ref)
    wide, _ = effects.trim(padded.astype(np.float64), **kw)
    assert wide.dtype == np.float64


def test_trim_of_identical_channels_is_the_mono_trim(batch):
    padded = np.concatenate([np.zeros(5000, np.float32), batch[0, 0], np.zeros(7000, np.float32)])
    assert effects.trim(np.stack([padded, padded]))[1].tolist() == effects.trim(padded)[1].tolist()


def test_pitch_tracking_over_channels(stereo):
    ours = prosody.yin(stereo, fmin=80, fmax=400, sr=SR)
    assert ours.shape == librosa.yin(stereo, fmin=80, fmax=400, sr=SR).shape
    np.testing.assert_array_equal(ours[1], prosody.yin(stereo[1], fmin=80, fmax=400, sr=SR))


def test_mono_float64_is_returned_as_float64(batch):
    y64 = batch[0, 0].astype(np.float64)
    assert feature.mfcc(y=y64).dtype == np.float64
    assert feature.stft(y64).dtype == np.complex128
    assert effects.time_stretch(y64, rate=2.0).dtype == np.float64
    np.testing.assert_array_equal(feature.mfcc(y=y64), feature.mfcc(y=batch[0, 0]).astype(np.float64))


def test_channels_run_at_the_same_time():
    if _channels.workers() < 2:
        pytest.skip("one core: channels run one after another")
    # Two channels that each wait for the other: only concurrent threads get past the barrier.
    barrier = threading.Barrier(2, timeout=60)
    assert _channels.map_channels(lambda i: barrier.wait() * 0 + i, (2,), "y") == [0, 1]


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda y: feature.mfcc(y=y), lambda y: feature.stft(y), lambda y: effects.time_stretch(y, rate=2.0),
    lambda y: effects.trim(y), lambda y: effects.preemphasis(y), lambda y: audio.resample(y, orig_sr=SR, target_sr=16000),
])
def test_bad_channels_are_named(batch, call):
    with pytest.raises(ParameterError, match="empty along its last axis"):
        call(np.zeros((2, 0), np.float32))
    with pytest.raises(ParameterError, match="no channel"):
        call(np.zeros((0, 100), np.float32))
    with pytest.raises(InputTypeError, match="floating-point"):
        call((batch * 32767).astype(np.int16))
    nan = batch.copy()
    nan[1, 2, 300] = np.nan
    with pytest.raises(ParameterError, match=r"channel \(1, 2\) of y: .*NaN"):
        call(nan)
    with pytest.raises(ParameterError, match=r"channel 1 of y: .*NaN"):
        call(nan[:, 2])


def test_bad_spectrograms_are_named(batch):
    S = _spectra(batch)["mag"].astype(np.float32)
    S[0, 1, 5, 5] = np.inf
    with pytest.raises(ParameterError, match=r"channel \(0, 1\) of S"):
        feature.spectral_centroid(S=S)
    with pytest.raises(ParameterError, match="empty"):
        feature.rms(S=np.zeros((2, 0, 4), np.float32))


def test_bad_channel_arguments(stereo):
    with pytest.raises(ParameterError, match="one per channel"):
        effects.preemphasis(stereo, zi=np.zeros((3, 1)))
    with pytest.raises(InputTypeError, match="aggregate"):
        effects.trim(stereo, aggregate="max")
    with pytest.raises(ParameterError, match="top_db"):
        effects.trim(stereo, top_db=-1)
