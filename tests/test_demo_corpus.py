"""The synthetic demo corpus: deterministic, shaped like a corpus, learnable across speakers but
not trivially, with acoustics that move as the literature says, and clear errors."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import ser_rs
from ser_rs import ParameterError
from ser_rs.datasets import DEMO_EMOTIONS as EMOTIONS, make_demo_audio, make_demo_corpus, speaker_voice, synthesize

N_SPEAKERS, N_TAKES = 6, 3


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    dest = tmp_path_factory.mktemp("demo")
    manifest = make_demo_corpus(dest, n_speakers=N_SPEAKERS, n_per_emotion=N_TAKES, seed=11)
    return dest, manifest


@pytest.fixture(scope="module")
def features(corpus):
    _, manifest = corpus
    table = ser_rs.extract(list(manifest.path), "egemaps_like", sr=16000).to_dataframe()
    assert len(table) == len(manifest)
    return table.drop(columns=["path"]).assign(emotion=manifest.emotion.to_numpy(), speaker=manifest.speaker.to_numpy(), duration_s=manifest.duration_s.to_numpy())


def test_emotions_are_ravdess_eight():
    assert EMOTIONS == ("neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised")


def test_synthesize_is_a_pure_function_of_its_arguments():
    y = synthesize("happy", speaker=3, repetition=2, seed=5)
    assert y.dtype == np.float32 and y.ndim == 1 and 1.0 < len(y) / 16000 < 3.5
    assert np.all(np.isfinite(y)) and np.max(np.abs(y)) <= 0.99
    assert np.array_equal(y, synthesize("happy", speaker=3, repetition=2, seed=5))
    for other in (dict(seed=6), dict(repetition=3), dict(speaker=4)):
        args = dict(speaker=3, repetition=2, seed=5) | other
        z = synthesize("happy", **args)
        assert len(z) != len(y) or not np.array_equal(z, y), other
    assert np.std(synthesize("sad", speaker=2, sr=8000)) > 0 and len(synthesize("sad", speaker=2, sr=48000)) > 48000


def test_strength_zero_is_a_neutral_delivery():
    # Without expression, an angry take keeps the neutral level and pitch: much closer to a
    # neutral take than the fully expressed one is.
    level = lambda y: np.sqrt(np.mean(y.astype(np.float64) ** 2))
    neutral = level(synthesize("neutral", speaker=1, strength=0.0))
    flat = level(synthesize("angry", speaker=1, strength=0.0))
    full = level(synthesize("angry", speaker=1, strength=1.0))
    assert abs(20 * np.log10(flat / neutral)) < 3 < 20 * np.log10(full / neutral)


def test_speakers_have_distinct_stable_voices():
    voices = [speaker_voice(s) for s in range(1, 9)]
    assert [v["sex"] for v in voices] == ["male", "female"] * 4
    assert len({round(v["f0_hz"]) for v in voices}) == 8
    assert max(v["f0_hz"] for v in voices[::2]) < min(v["f0_hz"] for v in voices[1::2])
    assert speaker_voice(5) == voices[4]


def test_corpus_files_and_manifest(corpus):
    dest, manifest = corpus
    assert list(manifest.columns) == ["path", "emotion", "speaker", "sex", "statement", "repetition", "strength", "duration_s"]
    assert len(manifest) == N_SPEAKERS * len(EMOTIONS) * N_TAKES
    assert (manifest.groupby(["speaker", "emotion"]).size() == N_TAKES).all()
    assert set(manifest.statement) == {1, 2} and manifest.repetition.max() == N_TAKES
    assert (manifest.groupby("speaker").sex.nunique() == 1).all() and set(manifest.sex) == {"male", "female"}
    assert manifest.strength.between(0.3, 1.2).all() and manifest.duration_s.between(1.2, 3.5).all()
    on_disk = pd.read_csv(dest / "manifest.csv")
    assert list(on_disk.path.map(lambda p: str((dest / p).resolve()))) == list(manifest.path)
    y, sr = ser_rs.load(manifest.path[0], sr=None)
    assert sr == 16000 and abs(len(y) / sr - manifest.duration_s[0]) < 1e-9


def test_same_seed_same_files_other_seed_other_files(tmp_path, corpus):
    dest, manifest = corpus
    again = make_demo_corpus(tmp_path / "a", n_speakers=1, n_per_emotion=1, emotions=["sad", "angry"], seed=11)
    for path in again.path:
        name = path.split("/")[-1]
        original = dest / "spk01" / name
        assert original.read_bytes() == open(path, "rb").read()
    other = make_demo_corpus(tmp_path / "b", n_speakers=1, n_per_emotion=1, emotions=["sad", "angry"], seed=12)
    assert open(other.path[0], "rb").read() != open(again.path[0], "rb").read()


def test_four_class_subset(tmp_path):
    manifest = make_demo_corpus(tmp_path, n_speakers=2, n_per_emotion=1, emotions=["Neutral", "happy", "sad", "angry"], sr=22050)
    assert sorted(manifest.emotion) == sorted(["neutral", "happy", "sad", "angry"] * 2)
    assert ser_rs.load(manifest.path[0], sr=None)[1] == 22050


def test_learnable_across_speakers_but_not_trivial(features):
    """Leave-two-speakers-out logistic regression on egemaps_like: far above chance (1/8), but
    the classes overlap, so it is not solved."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = features.drop(columns=["emotion", "speaker", "duration_s"]).to_numpy(np.float64)
    y, groups = features.emotion.to_numpy(), features.speaker.to_numpy()
    model = make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=2000, C=0.5))
    predicted = cross_val_predict(model, x, y, groups=groups, cv=GroupKFold(n_splits=3))
    accuracy = float(np.mean(predicted == y))
    assert 0.45 < accuracy < 0.95, accuracy


def test_acoustic_correlates_go_the_reported_way(features):
    m = features.groupby("emotion").median(numeric_only=True)
    f0 = m.f0_semitone_mean
    # Pitch level (Murray & Arnott 1993; Banse & Scherer 1996): anger, happiness, fear up; sadness, disgust down.
    assert min(f0.angry, f0.happy, f0.fearful, f0.surprised) > f0.neutral + 1.5 > f0.sad + 1.5
    assert f0.disgust < f0.neutral
    # Pitch range (p80 - p20): wider for happy, angry and surprised, narrower for sad.
    spread = m.f0_semitone_p80 - m.f0_semitone_p20
    assert min(spread.happy, spread.angry, spread.surprised) > spread.neutral > spread.sad
    # Rate: the same sentences take longer when sad or disgusted, less when afraid.
    assert min(m.duration_s.sad, m.duration_s.disgust) > m.duration_s.neutral > m.duration_s.fearful
    # Intensity: angry loudest, sad softer than neutral.
    assert m.intensity_db_mean.angry > m.intensity_db_mean.neutral + 2 > m.intensity_db_mean.sad + 2
    # Irregular voicing in fear and anger (jitter); a flatter spectrum in anger than in sadness.
    assert min(m.jitter_local.fearful, m.jitter_local.angry) > m.jitter_local.neutral
    assert m.alpha_ratio_db_mean.angry > m.alpha_ratio_db_mean.sad


def test_make_demo_audio_keeps_its_contract(tmp_path):
    paths = make_demo_audio(tmp_path)
    assert len(paths) == 12 and all(p.exists() for p in paths)
    assert sorted(p.name for p in paths)[:2] == ["spk1_calm_01.wav", "spk1_calm_02.wav"]


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: synthesize("joyful"), ParameterError, "emotion='joyful'"),
        (lambda: synthesize(3), TypeError, "emotion"),
        (lambda: synthesize("sad", speaker=0), ParameterError, "speaker=0"),
        (lambda: synthesize("sad", speaker=1.5), TypeError, "speaker"),
        (lambda: synthesize("sad", repetition=0), ParameterError, "repetition=0"),
        (lambda: synthesize("sad", sr=100), ParameterError, "sr=100"),
        (lambda: synthesize("sad", sr=10**9), ParameterError, "sr=1000000000"),
        (lambda: synthesize("sad", sr=16000.5), ParameterError, "sr=16000.5"),
        (lambda: synthesize("sad", sr="16k"), TypeError, "sr"),
        (lambda: synthesize("sad", strength=float("nan")), ParameterError, "strength=nan"),
        (lambda: synthesize("sad", strength=-0.5), ParameterError, "strength=-0.5"),
        (lambda: synthesize("sad", strength=float("inf")), ParameterError, "strength=inf"),
        (lambda: synthesize("sad", seed=-1), ParameterError, "seed=-1"),
        (lambda: synthesize("sad", seed=1.0), TypeError, "seed"),
        (lambda: speaker_voice(-2), ParameterError, "speaker=-2"),
    ],
)
def test_bad_synthesize_arguments_are_named(call, error, words):
    with pytest.raises(error, match="(?i)" + re.escape(words)):
        call()


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(n_speakers=0), ParameterError, "n_speakers=0"),
        (dict(n_speakers=-3), ParameterError, "n_speakers=-3"),
        (dict(n_speakers="8"), TypeError, "n_speakers"),
        (dict(n_per_emotion=0), ParameterError, "n_per_emotion=0"),
        (dict(n_speakers=10**6), ParameterError, "fewer"),
        (dict(emotions=["happy", "joy"]), ParameterError, "joy"),
        (dict(emotions=[]), ParameterError, "emotions is empty"),
        (dict(emotions="happy"), TypeError, "emotions"),
        (dict(emotions=["sad", "sad"]), ParameterError, "twice"),
        (dict(sr=0), ParameterError, "sr=0"),
        (dict(sr=float("nan")), ParameterError, "sr=nan"),
        (dict(seed=-5), ParameterError, "seed=-5"),
        (dict(n_jobs=0), ParameterError, "n_jobs=0"),
    ],
)
def test_bad_corpus_arguments_are_named_and_nothing_is_written(tmp_path, kwargs, error, words):
    dest = tmp_path / "never"
    with pytest.raises(error, match="(?i)" + re.escape(words)):
        make_demo_corpus(dest, **kwargs)
    assert not dest.exists()


def test_unwritable_dest_is_an_oserror_naming_it(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("in the way")
    for dest in (blocker, blocker / "sub"):
        with pytest.raises(OSError, match="dest=.*a_file.*not a writable folder"):
            make_demo_corpus(dest, n_speakers=1, n_per_emotion=1)
    with pytest.raises(TypeError, match="dest"):
        make_demo_corpus(42)
