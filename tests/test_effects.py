"""ser_rs.effects: librosa's effects with librosa's numbers on real speech, noise at exact SNRs,
reproducible pipelines, augment-then-extract, and bad input."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

import ser_rs
from ser_rs import effects
from ser_rs.effects import AddGaussianSNR, AddNoise, Compose, Gain, PitchShift, Shift, TimeStretch
from conftest import record_snr, sample_files

MIN_SNR_DB = 40.0


@pytest.fixture(scope="module")
def speech() -> list[np.ndarray]:
    """8 real utterances (all over the corpus) at 22050 Hz, decoded by librosa."""
    return [librosa.load(f, sr=22050)[0] for f in sample_files("ravdess-16k", 8, "Actor_*/*.flac")]


def snr_db(ref: np.ndarray, test: np.ndarray) -> float:
    ref = ref.astype(np.float64)
    return 10 * np.log10(np.sum(ref**2) / np.sum((ref - test) ** 2))


# -- librosa's effects --------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [0.8, 1.25, 2.0])
def test_time_stretch_matches_librosa(speech, rate):
    for y in speech:
        ours = effects.time_stretch(y, rate=rate)
        snr = record_snr("time_stretch", ours, librosa.effects.time_stretch(y, rate=rate))
        assert snr >= MIN_SNR_DB, f"rate {rate}: {snr:.1f} dB"


def test_time_stretch_with_other_stft_settings(speech):
    kw = dict(n_fft=1024, hop_length=256)
    ours = effects.time_stretch(speech[0], rate=0.9, **kw)
    assert record_snr("time_stretch", ours, librosa.effects.time_stretch(speech[0], rate=0.9, **kw)) >= MIN_SNR_DB


@pytest.mark.parametrize("n_steps", [0.7, -3.0, 4.0])
def test_pitch_shift_matches_librosa(speech, n_steps):
    for y in speech[:5]:
        ours = effects.pitch_shift(y, sr=22050, n_steps=n_steps)
        snr = record_snr("pitch_shift", ours, librosa.effects.pitch_shift(y, sr=22050, n_steps=n_steps))
        assert snr >= MIN_SNR_DB, f"n_steps {n_steps}: {snr:.1f} dB"


def test_pitch_shift_by_quarter_tones(speech):
    ours = effects.pitch_shift(speech[1], sr=22050, n_steps=3, bins_per_octave=24)
    ref = librosa.effects.pitch_shift(speech[1], sr=22050, n_steps=3, bins_per_octave=24)
    assert record_snr("pitch_shift", ours, ref) >= MIN_SNR_DB


@pytest.mark.parametrize("kw", [{}, dict(top_db=30), dict(top_db=20, frame_length=1024, hop_length=256), dict(ref=0.5)])
def test_trim_matches_librosa(speech, kw):
    for y in speech:
        padded = np.concatenate([np.zeros(5000, np.float32), y, np.zeros(7000, np.float32)])
        ours, index = effects.trim(padded, **kw)
        ref, ref_index = librosa.effects.trim(padded, **kw)
        assert index.tolist() == ref_index.tolist()
        np.testing.assert_array_equal(ours, ref)


def test_trim_of_silence_is_librosa_s():
    silent = np.zeros(22050, np.float32)
    assert effects.trim(silent)[1].tolist() == librosa.effects.trim(silent)[1].tolist()


def test_preemphasis_matches_librosa(speech):
    for y in speech[:4]:
        np.testing.assert_array_equal(effects.preemphasis(y), librosa.effects.preemphasis(y))
        ours, zf = effects.preemphasis(y, coef=0.5, zi=0.1, return_zf=True)
        ref, ref_zf = librosa.effects.preemphasis(y, coef=0.5, zi=0.1, return_zf=True)
        np.testing.assert_array_equal(ours, ref)
        assert zf == pytest.approx(float(ref_zf[0]), rel=1e-6)


# -- noise, gain, shift, normalisation ----------------------------------------------------------


@pytest.mark.parametrize("snr", [0.0, 5.0, 10.0, 30.0])
def test_snr_is_exact_on_the_output(speech, snr):
    y = speech[2]
    noise = effects.add_noise_snr(y, snr_db=snr, seed=4).astype(np.float64) - y
    measured = 10 * np.log10(np.mean(y.astype(np.float64) ** 2) / np.mean(noise**2))
    assert measured == pytest.approx(snr, abs=0.01)


def test_noise_is_reproducible_by_seed(speech):
    y = speech[3]
    a, b = effects.add_noise(y, amplitude=0.03, seed=1), effects.add_noise(y, amplitude=0.03, seed=1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, effects.add_noise(y, amplitude=0.03, seed=2))
    assert np.std(a - y) == pytest.approx(0.03 * np.max(np.abs(y)), rel=0.05)


def test_gain_shift_normalize(speech):
    y = speech[0]
    np.testing.assert_allclose(effects.gain(y, gain_db=-6.0), y * 10 ** (-6 / 20), rtol=1e-6)
    np.testing.assert_array_equal(effects.shift(y, shift=100), np.roll(y, 100))
    np.testing.assert_array_equal(effects.shift(y, shift=-100, rollover=False)[:-100], y[100:])
    assert np.max(np.abs(effects.normalize(y))) == pytest.approx(1.0)
    assert np.sqrt(np.mean(effects.normalize(y, kind="rms", level=0.05).astype(np.float64) ** 2)) == pytest.approx(0.05, rel=1e-5)


@pytest.mark.parametrize("snr_in", [5.0, 10.0])
def test_reduce_noise_improves_snr_by_5_db(snr_in):
    for i, f in enumerate(sample_files("ravdess-16k", 4, "Actor_*/*.flac")):
        clean = librosa.load(f, sr=None)[0]
        noisy = effects.add_noise_snr(clean, snr_db=snr_in, seed=i)
        gain = snr_db(clean, effects.reduce_noise(noisy)) - snr_db(clean, noisy)
        assert gain >= 5.0, f"{f.name} at {snr_in} dB: improved by {gain:.1f} dB"


def test_reduce_noise_with_a_noise_clip():
    rng = np.random.default_rng(0)
    t = np.arange(32000) / 16000
    clean = (0.3 * np.sin(2 * np.pi * 180 * t) * (np.sin(2 * np.pi * 1.5 * t) > 0)).astype(np.float32)
    noise = (0.05 * rng.standard_normal(48000)).astype(np.float32)
    noisy = clean + noise[:32000]
    out = effects.reduce_noise(noisy, y_noise=noise[32000:])
    assert snr_db(clean, out) > snr_db(clean, noisy) + 5


# -- pipelines ----------------------------------------------------------------------------------

RECIPE = Compose([AddGaussianSNR(p=0.7), TimeStretch(p=0.5), PitchShift(p=0.5), Shift(p=0.5), Gain(p=0.5), AddNoise(p=0.5)])


def test_pipeline_is_identical_for_any_thread_count_and_run(speech):
    one = RECIPE.apply_batch(speech, 22050, seed=7, n_jobs=1)
    two = RECIPE.apply_batch(speech, 22050, seed=7, n_jobs=2)
    again = RECIPE.apply_batch(speech, 22050, seed=7)
    for a, b, c in zip(one.signals, two.signals, again.signals):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    other = RECIPE.apply_batch(speech, 22050, seed=8)
    assert any(a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(one.signals, other.signals))
    # A single call with the item's index reproduces that item of the batch.
    np.testing.assert_array_equal(RECIPE(speech[5], 22050, seed=7, index=5), one.signals[5])


def test_probabilities_are_honoured(speech):
    y = speech[0][:8000]
    never = Compose([Gain(p=0.0)]).apply_batch([y] * 20, 22050, seed=1)
    assert all(np.array_equal(s, y) for s in never.signals)
    always = Compose([Gain(min_gain_db=6, max_gain_db=6, p=1.0)]).apply_batch([y] * 20, 22050, seed=1)
    assert all(np.allclose(s, y * 10 ** (6 / 20), rtol=1e-6) for s in always.signals)
    half = Compose([Gain(min_gain_db=6, max_gain_db=6, p=0.5)]).apply_batch([y] * 200, 22050, seed=1)
    changed = sum(not np.array_equal(s, y) for s in half.signals)
    assert 70 < changed < 130


def test_bad_items_do_not_sink_the_batch(speech):
    items = [speech[0], np.array([], np.float32), speech[1], np.array([np.nan, 0.0], np.float32), "a.wav", np.zeros((2, 2), np.float32)]
    out = Compose([Gain(p=1.0)]).apply_batch(items, 22050, seed=0)
    assert out.signals[0] is not None and out.signals[2] is not None
    assert [e.index for e in out.errors] == [1, 3, 4, 5]
    assert [e.error_type for e in out.errors] == ["ParameterError", "ParameterError", "InputTypeError", "ParameterError"]
    # The good items are exactly what they would be in a clean batch.
    clean = Compose([Gain(p=1.0)]).apply_batch([speech[0], speech[0], speech[1]], 22050, seed=0)
    np.testing.assert_array_equal(out.signals[2], clean.signals[2])
    with pytest.raises(ser_rs.ParameterError):
        Compose([Gain(p=1.0)]).apply_batch(items, 22050, strict=True)


def test_augment_then_extract(speech):
    copies = [
        Compose([AddNoise(min_amplitude=0.035, max_amplitude=0.035, p=1.0)]),
        Compose([TimeStretch(min_rate=0.8, max_rate=0.8, p=1.0), PitchShift(min_semitones=0.7, max_semitones=0.7, p=1.0)]),
    ]
    inputs = speech[:4] + ["missing.wav"]
    one = ser_rs.extract(inputs, "ser162", sr_in=22050, augment=copies, seed=3, n_jobs=1)
    two = ser_rs.extract(inputs, "ser162", sr_in=22050, augment=copies, seed=3, n_jobs=2)
    np.testing.assert_array_equal(one.features, two.features)
    assert one.index.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert one.copy.tolist() == [0, 1, 2] * 4
    assert {(e.index, e.copy) for e in one.errors} == {(4, 0), (4, 1), (4, 2)}
    plain = ser_rs.extract(speech[:4], "ser162", sr_in=22050)
    np.testing.assert_array_equal(one.features[one.copy == 0], plain.features)
    # Copy 2 is the stretch-then-shift recipe, computed by hand from the effects.
    by_hand = effects.pitch_shift(effects.time_stretch(speech[1], rate=0.8), sr=22050, n_steps=0.7)
    np.testing.assert_allclose(one.features[4 * 0 + 5], ser_rs.extract([by_hand], "ser162", sr_in=22050).features[0], rtol=1e-5, atol=1e-6)
    df = one.to_dataframe()
    assert list(df.columns[:2]) == ["path", "copy"] and len(df) == 12


# -- bad input ----------------------------------------------------------------------------------

Y = np.sin(np.arange(22050) * 0.05).astype(np.float32)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: effects.time_stretch(Y, rate=0), "rate=0"),
        (lambda: effects.time_stretch(Y, rate=-1.5), "rate=-1.5"),
        (lambda: effects.time_stretch(Y, rate=float("nan")), "rate=NaN"),
        (lambda: effects.time_stretch(Y, rate=1e-9), "outside"),
        (lambda: effects.pitch_shift(Y, sr=22050, n_steps=float("nan")), "n_steps"),
        (lambda: effects.pitch_shift(Y, sr=0, n_steps=1), "sr=0"),
        (lambda: effects.pitch_shift(Y, sr=-22050, n_steps=1), "sr=-22050"),
        (lambda: effects.pitch_shift(Y, sr=22050, n_steps=1, bins_per_octave=0), "bins_per_octave"),
        (lambda: effects.add_noise_snr(Y, snr_db=float("nan")), "snr_db"),
        (lambda: effects.add_noise_snr(np.zeros(1000, np.float32), snr_db=10), "silent"),
        (lambda: effects.add_noise(Y, amplitude=-1), "amplitude"),
        (lambda: effects.time_stretch(np.zeros(0, np.float32), rate=1.1), "empty"),
        (lambda: effects.time_stretch(Y[:100], rate=1.1), "shorter than n_fft"),
        (lambda: effects.time_stretch(np.array([np.nan] * 4096, np.float32), rate=1.1), "NaN"),
        (lambda: effects.trim(Y, top_db=-5), "top_db"),
        (lambda: effects.trim(Y, hop_length=0), "hop_length"),
        (lambda: effects.gain(Y, gain_db=float("inf")), "gain_db"),
        (lambda: effects.normalize(Y, level=0), "level=0"),
        (lambda: effects.normalize(Y, kind="lufs"), "kind"),
        (lambda: effects.preemphasis(Y[:1]), "2 samples"),
        (lambda: effects.preemphasis(Y, zi=np.array([])), "zi must be one number"),
        (lambda: effects.preemphasis(Y, zi=[0.1, 0.2]), "zi must be one number"),
        (lambda: effects.preemphasis(Y, zi=float("nan")), "zi=NaN must be finite"),
        (lambda: effects.reduce_noise(Y, prop_decrease=1.5), "prop_decrease"),
        (lambda: effects.reduce_noise(Y, noise_quantile=0), "noise_quantile"),
        (lambda: effects.reduce_noise(Y, y_noise=np.zeros(10, np.float32)), "shorter than n_fft"),
        (lambda: effects.reduce_noise(np.full(4096, np.inf, np.float32)), "inf|NaN"),
        (lambda: AddGaussianSNR(p=1.5), "p=1.5"),
        (lambda: Gain(p=-0.1), "p=-0.1"),
        (lambda: Compose([TimeStretch(min_rate=0.0, max_rate=1.0)])(Y, 22050), "within"),
        (lambda: Compose([Gain(min_gain_db=6, max_gain_db=-6)])(Y, 22050), "swap"),
        (lambda: Compose([AddGaussianSNR(min_snr_db=float("nan"))])(Y, 22050), "finite|NaN"),
        (lambda: effects.transform("reverb"), "unknown transform 'reverb'"),
        (lambda: Compose([PitchShift(p=1.0)])(Y, 0), "sr=0"),
    ],
)
def test_bad_parameters_raise_parameter_error(call, match):
    with pytest.raises(ser_rs.ParameterError, match=match):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: effects.time_stretch([0.0] * 4096, rate=1.1),
        lambda: effects.time_stretch(np.arange(4096), rate=1.1),
        lambda: effects.shift(Y, shift=0.5),
        lambda: Compose(Gain()),
        lambda: Compose(["gain"]),
        lambda: ser_rs.extract([Y], "ser162", sr_in=22050, augment=Compose([Gain()])),
        lambda: ser_rs.extract([Y], "ser162", sr_in=22050, augment=[Gain()]),
        lambda: ser_rs.extract([Y], "ser162", sr_in=22050, augment=[Compose([Gain()])], seed="x"),
    ],
)
def test_wrong_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()
