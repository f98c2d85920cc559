"""ser_rs.inference: a saved model predicts from files, uploaded bytes and arrays with the
features it was trained with, keeps a batch's good files, is safe to share between threads, and
refuses bad input with typed errors."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import pytest

import ser_rs
from ser_rs import AudioDecodeError, EmotionClassifier, ParameterError
from ser_rs.datasets import make_demo_corpus
from ser_rs.inference import Prediction, Recognizer, load_model

FEATURES = {"feature": "mfcc", "sr": 16000, "n_mfcc": 13, "n_fft": 1024, "hop_length": 256}
TINY = dict(hidden_size=4, num_layers=1, epochs=2, patience=None, n_threads=1, features=FEATURES)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Three synthetic speakers saying two emotions twice: 12 files."""
    return make_demo_corpus(tmp_path_factory.mktemp("corpus"), n_speakers=3, n_per_emotion=2, emotions=["angry", "sad"], seed=1)


@pytest.fixture(scope="module")
def saved(corpus, tmp_path_factory):
    """A model trained on the corpus's files, saved to a folder."""
    folder = tmp_path_factory.mktemp("model") / "model"
    EmotionClassifier(**TINY).fit(corpus["path"].tolist(), corpus["emotion"].to_numpy()).save(folder)
    return folder


@pytest.fixture(scope="module")
def recognizer(saved):
    return load_model(saved)


def test_a_file_is_predicted_as_the_classifier_predicts_it(recognizer, saved, corpus):
    path = corpus["path"].iloc[0]
    expected = EmotionClassifier.load(saved).predict_proba([path])[0]
    p = recognizer.predict_file(path)
    assert isinstance(p, Prediction) and p.path == path
    assert list(p.probabilities) == list(recognizer.classes) == ["angry", "sad"]
    np.testing.assert_array_equal(list(p.probabilities.values()), expected)
    assert p.emotion == recognizer.classes[int(np.argmax(expected))] and p.probability == max(expected)
    y, rate = ser_rs.load(path, sr=None)
    assert p.duration == pytest.approx(len(y) / rate, abs=1 / rate)


def test_bytes_and_arrays_give_the_file_s_prediction(recognizer, corpus, tmp_path):
    path = corpus["path"].iloc[1]
    from_file = recognizer.predict_file(path)
    with open(path, "rb") as f:
        data = f.read()
    assert recognizer.predict_bytes(data) == Prediction(from_file.emotion, from_file.probabilities, from_file.duration)
    assert recognizer.predict_bytes(bytearray(data)).probabilities == from_file.probabilities
    y, rate = ser_rs.load(path, sr=recognizer.sample_rate)
    assert recognizer.predict_array(y, rate).probabilities == from_file.probabilities
    assert recognizer.predict_array(y.astype(np.float64), float(rate)).probabilities == from_file.probabilities


def test_an_array_at_another_rate_is_resampled_to_the_model_s(recognizer, corpus):
    y, _ = ser_rs.load(corpus["path"].iloc[2], sr=22050)
    p = recognizer.predict_array(y, 22050)
    at_model_rate = ser_rs.resample(y, orig_sr=22050, target_sr=recognizer.sample_rate)
    assert p == recognizer.predict_array(at_model_rate, recognizer.sample_rate)
    assert p.duration == pytest.approx(len(y) / 22050, abs=1e-3)


def test_a_batch_keeps_its_good_files(recognizer, corpus, tmp_path):
    good = corpus["path"].tolist()[:3]
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(open(good[0], "rb").read()[:2000])
    paths = [good[0], str(tmp_path / "missing.wav"), good[1], str(truncated), good[2]]
    batch = recognizer.predict_files(paths)
    assert [p.index for p in batch.predictions] == [0, 2, 4]
    assert [p.path for p in batch.predictions] == good
    assert [(e.index, e.path, e.error_type) for e in batch.errors] == [(1, paths[1], "MissingFileError"), (3, paths[3], "AudioDecodeError")]
    # The batch runs its files through the network together: the same prediction as one file alone,
    # up to float32 rounding of the batched matrix products.
    alone, in_batch = recognizer.predict_file(good[1]), batch.predictions[1]
    assert replace(in_batch, index=0, probabilities=alone.probabilities) == alone
    assert in_batch.probabilities == pytest.approx(alone.probabilities, abs=1e-5)


def test_a_batch_records_a_non_path_and_refuses_a_bad_thread_count(recognizer, corpus, tmp_path):
    path = corpus["path"].iloc[0]
    batch = recognizer.predict_files([42, tmp_path / "missing.wav", path])
    assert [p.index for p in batch.predictions] == [2]
    assert [(e.index, e.path, e.error_type) for e in batch.errors] == [(0, None, "InputTypeError"), (1, str(tmp_path / "missing.wav"), "MissingFileError")]
    with pytest.raises(TypeError, match="n_jobs"):
        recognizer.predict_files([path], n_jobs="2")
    with pytest.raises(ParameterError, match="n_jobs=0"):
        recognizer.predict_files([path], n_jobs=0)


def test_a_speaker_normalised_model_takes_speakers(corpus, tmp_path):
    folder = tmp_path / "model"
    paths, speakers = corpus["path"].tolist(), corpus["speaker"].astype(str).to_numpy()
    clf = EmotionClassifier(**TINY, speaker_norm=True).fit(paths, corpus["emotion"].to_numpy(), speakers=speakers)
    clf.save(folder)
    recognizer = load_model(folder / "model.json")  # a file of the folder names the folder
    assert recognizer.speaker_norm
    batch = recognizer.predict_files(paths, speakers=speakers)
    expected = clf.predict_proba(paths, speakers=speakers)
    np.testing.assert_allclose([list(p.probabilities.values()) for p in batch.predictions], expected, rtol=1e-6)
    one_speaker = recognizer.predict_files(paths[:4])
    np.testing.assert_allclose([list(p.probabilities.values()) for p in one_speaker.predictions],
                               clf.predict_proba(paths[:4], speakers=[0] * 4), rtol=1e-6)
    with pytest.raises(ParameterError, match="one speaker id per file"):
        recognizer.predict_files(paths, speakers=speakers[:3])


def test_predictions_from_many_threads_equal_sequential_ones(recognizer, corpus):
    paths = corpus["path"].tolist()
    sequential = [recognizer.predict_file(p) for p in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(recognizer.predict_file, paths * 2))
    assert threaded == sequential * 2


def test_predictions_are_json_ready(recognizer, corpus):
    import json

    row = json.loads(json.dumps(recognizer.predict_file(corpus["path"].iloc[0]).to_dict()))
    assert set(row) == {"path", "emotion", "probability", "probabilities", "duration"}
    assert abs(sum(row["probabilities"].values()) - 1) < 1e-5


# -- bad input ------------------------------------------------------------------------------------


def test_a_missing_or_corrupt_model_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="model.json"):
        load_model(tmp_path / "nowhere")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.json").write_text("{not json")
    (broken / "weights.safetensors").write_bytes(b"\0" * 10)
    with pytest.raises(ParameterError, match="not a usable ser_rs checkpoint"):
        load_model(broken)
    with pytest.raises(TypeError, match="model folder"):
        load_model(42)


def test_a_model_that_cannot_hear_is_refused(tmp_path):
    X = np.array([[0.0], [1.0]] * 4, dtype=np.float32)
    EmotionClassifier("mlp", hidden_size=4, num_layers=1, epochs=1, patience=None).fit(X, ["a", "b"] * 4).save(tmp_path / "m")
    with pytest.raises(ParameterError, match="trained on feature arrays"):
        load_model(tmp_path / "m")
    with pytest.raises(ParameterError, match="not fitted"):
        Recognizer(EmotionClassifier())
    with pytest.raises(TypeError, match="EmotionClassifier"):
        Recognizer("model/")


def test_bad_bytes_are_typed_errors(recognizer, corpus):
    with open(corpus["path"].iloc[0], "rb") as f:
        data = f.read()
    with pytest.raises(ParameterError, match="empty"):
        recognizer.predict_bytes(b"")
    with pytest.raises(AudioDecodeError, match="not a recognised audio file"):
        recognizer.predict_bytes(b"this is a text file, not audio" * 20)
    with pytest.raises(AudioDecodeError, match="truncated"):
        recognizer.predict_bytes(data[: len(data) // 2])
    with pytest.raises(TypeError, match="bytes"):
        recognizer.predict_bytes(corpus["path"].iloc[0])
    with pytest.raises(TypeError, match="predict_bytes"):
        recognizer.predict_file(data)


def test_a_missing_or_unreadable_file_names_itself(recognizer, tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.wav"):
        recognizer.predict_file(tmp_path / "missing.wav")
    short = tmp_path / "short.wav"
    ser_rs.datasets.write_wav(short, np.zeros(100, dtype=np.float32), 16000)
    with pytest.raises(ParameterError, match="short.wav"):
        recognizer.predict_file(short)
    with pytest.raises(TypeError, match="sequence of audio file paths"):
        recognizer.predict_files(str(short))


@pytest.mark.parametrize("y, sr, error, match", [
    (np.full(16000, np.nan, dtype=np.float32), 16000, ParameterError, "NaN|finite"),
    (np.zeros(0, dtype=np.float32), 16000, ParameterError, "empty"),
    (np.zeros((2, 16000), dtype=np.float32), 16000, ParameterError, "1-D"),
    (np.zeros(16000, dtype=np.int16), 16000, TypeError, "floating-point"),
    ([0.0] * 16000, 16000, TypeError, "numpy array"),
    (np.zeros(16000, dtype=np.float32), "16000", TypeError, "sr must be a number"),
    (np.zeros(16000, dtype=np.float32), None, TypeError, "sr must be a number"),
    (np.zeros(16000, dtype=np.float32), 0, ParameterError, "positive"),
    (np.zeros(16000, dtype=np.float32), 16000.5, ParameterError, "whole number"),
])
def test_bad_arrays_and_rates_are_typed_errors(recognizer, y, sr, error, match):
    with pytest.raises(error, match=match):
        recognizer.predict_array(y, sr)
