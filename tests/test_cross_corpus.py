"""A saved model scored on another corpus than it was trained on: `ser_rs.experiment.score_model`
and `ser-rs evaluate CORPUS --model-dir DIR` score as is, then restricted to the labels the corpus
has; other rates, loudness and missing speaker ids go through the model's own preprocessing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ser_rs
from ser_rs.audio import load, resample
from ser_rs.cli import main
from ser_rs.datasets import LABEL_MAPS, CorpusWarning, make_demo_corpus, write_wav
from ser_rs.exceptions import InputTypeError, MissingFileError, ParameterError
from ser_rs.experiment import NO_SPEAKER, score_model
from ser_rs.inference import load_model

MODEL_EMOTIONS = ["angry", "happy", "neutral", "sad"]
TO_CREMA = {v: k for k, v in LABEL_MAPS["crema_d"].items()}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A tiny speaker-normalised network (the command's default) on four synthetic emotions."""
    corpus = make_demo_corpus(tmp_path_factory.mktemp("train"), n_speakers=3, n_per_emotion=1, emotions=MODEL_EMOTIONS, seed=1)
    features = {"feature": "mfcc", "sr": 16000, "n_mfcc": 13, "n_fft": 1024, "hop_length": 256}
    clf = ser_rs.EmotionClassifier(hidden_size=4, num_layers=1, epochs=2, patience=None, n_threads=1, features=features, speaker_norm=True)
    folder = tmp_path_factory.mktemp("model") / "model"
    clf.fit(corpus["path"].tolist(), corpus["emotion"].to_numpy(), speakers=corpus["speaker"].astype(str).to_numpy()).save(folder)
    return folder


@pytest.fixture(scope="module")
def other(tmp_path_factory):
    """Another corpus, under CREMA-D's naming: two new speakers saying two of the model's emotions
    and one it never learnt (fearful), at 22.05 kHz and a quarter of the loudness."""
    made = make_demo_corpus(tmp_path_factory.mktemp("made"), n_speakers=2, n_per_emotion=2, emotions=["angry", "sad", "fearful"],
                            seed=7)
    root = tmp_path_factory.mktemp("crema")
    for row in made.itertuples():
        y, rate = load(row.path, sr=None)
        sentence = ("IEO", "TIE")[row.repetition - 1]
        write_wav(root / f"{1000 + row.speaker:04d}_{sentence}_{TO_CREMA[row.emotion]}_XX.wav",
                  0.25 * resample(y, orig_sr=rate, target_sr=22050), 22050)
    return root


def _manifest(folder) -> pd.DataFrame:
    return ser_rs.datasets.read_corpus(folder)


def test_a_corpus_with_fewer_labels_is_scored_as_is_then_restricted(model_dir, other):
    manifest = _manifest(other)
    known = manifest[manifest["emotion"] != "fearful"]
    result = score_model(model_dir, known, snr_db=())
    assert result["scorings"] == ["as_is", "restricted"] and result["shared_labels"] == ["angry", "sad"]
    assert result["files"] == len(known) == 8 and result["left_out"]["files"] == 0
    table = result["predictions"]
    proba = table[[f"p_{c}" for c in result["model_labels"]]].to_numpy()
    assert list(table["pred_as_is"]) == [result["model_labels"][k] for k in proba.argmax(axis=1)]
    shared = proba[:, [result["model_labels"].index(c) for c in ("angry", "sad")]]
    assert list(table["pred_restricted"]) == [("angry", "sad")[k] for k in shared.argmax(axis=1)]
    # Restricting changes only the predictions that fell outside the corpus's labels.
    inside = table["pred_as_is"].isin(["angry", "sad"])
    assert (table["pred_restricted"][inside] == table["pred_as_is"][inside]).all()
    assert result["restricted"]["outside_corpus_labels"] == 0.0
    assert result["as_is"]["outside_corpus_labels"] == pytest.approx(1 - inside.mean())
    assert result["restricted"]["accuracy"] >= result["as_is"]["accuracy"]
    assert np.array(result["restricted"]["confusion_matrix"]).shape == (2, 2)
    assert np.array(result["as_is"]["confusion_matrix"]).shape == (2, 4)
    assert result["as_is"]["chance_uar"] == result["restricted"]["chance_uar"] == 0.5


def test_a_corpus_with_every_label_of_the_model_is_scored_once(model_dir, tmp_path):
    same = make_demo_corpus(tmp_path, n_speakers=1, n_per_emotion=1, emotions=MODEL_EMOTIONS, seed=3)
    result = score_model(model_dir, same, snr_db=())
    assert result["scorings"] == ["as_is"] and "restricted" not in result
    assert result["as_is"]["chance_uar"] == 0.25


def test_emotions_the_model_does_not_know_are_left_out_with_a_warning(model_dir, other):
    with pytest.warns(CorpusWarning, match=r"4 files of emotions the model does not know.*fearful"):
        result = score_model(model_dir, other, snr_db=())
    assert result["left_out"] == {"labels": ["fearful"], "files": 4} and result["files"] == 8
    assert "fearful" not in set(result["predictions"]["emotion"])


def test_a_corpus_sharing_no_label_empty_or_absurd_noise_is_refused(model_dir, other, tmp_path):
    manifest = _manifest(other)
    with pytest.raises(ParameterError, match="share none"):
        score_model(model_dir, manifest[manifest["emotion"] == "fearful"], snr_db=())
    with pytest.raises(ParameterError, match="no files"):
        score_model(model_dir, manifest.iloc[:0], snr_db=())
    with pytest.raises(ParameterError, match="lacks the column"):
        score_model(model_dir, manifest.drop(columns="emotion"), snr_db=())
    with pytest.raises(ParameterError):  # a folder with no audio: read_corpus says so
        score_model(model_dir, tmp_path, snr_db=())
    with pytest.raises(ParameterError, match="finite numbers of dB"):
        score_model(model_dir, manifest, snr_db=(10, float("nan")))
    with pytest.raises(InputTypeError, match="sequence of SNRs"):
        score_model(model_dir, manifest, snr_db=10)
    with pytest.raises(InputTypeError, match="manifest DataFrame"):
        score_model(model_dir, [str(p) for p in manifest["path"]], snr_db=())
    broken = manifest[manifest["emotion"] != "fearful"].copy()
    broken["path"] = [str(tmp_path / f"gone{i}.wav") for i in range(len(broken))]
    with pytest.raises(ParameterError, match="none of the corpus's 8 files could be read"):
        score_model(model_dir, broken, snr_db=())


def test_a_missing_or_corrupt_model_is_refused(other, tmp_path):
    with pytest.raises(MissingFileError, match="no such file"):
        score_model(tmp_path / "nowhere", other, snr_db=())
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model.json").write_text("{not json")
    (broken / "weights.safetensors").write_bytes(b"\0" * 10)
    with pytest.raises(ParameterError):
        score_model(broken, other, snr_db=())
    with pytest.raises(InputTypeError, match="model must be"):
        score_model(42, other, snr_db=())


def test_files_without_speaker_ids_are_normalised_as_one_group(model_dir, other):
    manifest = _manifest(other)
    manifest = manifest[manifest["emotion"] != "fearful"].assign(speaker=None)
    result = score_model(model_dir, manifest, snr_db=())
    assert result["files_without_speaker"] == 8 and result["speaker_groups"] == 1
    assert set(result["predictions"]["speaker"]) == {NO_SPEAKER}
    batch = load_model(model_dir).predict_files(manifest["path"].tolist())  # speakers=None: one speaker's files
    expected = [[p.probabilities[c] for c in result["model_labels"]] for p in batch.predictions]
    np.testing.assert_allclose(result["predictions"][[f"p_{c}" for c in result["model_labels"]]].to_numpy(), expected, rtol=1e-6)
    by_speaker = score_model(model_dir, _manifest(other).query("emotion != 'fearful'"), snr_db=())
    assert by_speaker["speaker_groups"] == 2 and by_speaker["files_without_speaker"] == 0


def _probabilities(recognizer, batch) -> np.ndarray:
    assert not batch.errors, batch.errors
    return np.array([[p.probabilities[c] for c in recognizer.classes] for p in batch.predictions])


def test_rate_and_loudness_go_through_the_models_own_preprocessing(model_dir, tiny_model_dir, tmp_path):
    """The same speech at 48 kHz scaled by 0.1 and at 16 kHz gives the same probabilities: both are
    resampled to the model's rate, and speaker normalisation removes the gain (an offset of log-mel
    and MFCC values, a scale of linear ones). As 16-bit files they differ a little more, because
    the quiet copy's rounding noise is 20 dB closer to its signal, in the pauses most. Feeding the
    48 kHz samples as if they were 16 kHz, or the gain to a model without speaker normalisation,
    moves them far more: the check can fail."""
    made = make_demo_corpus(tmp_path / "made", n_speakers=1, n_per_emotion=1, emotions=MODEL_EMOTIONS, sr=48000, seed=5)
    signals = [load(p, sr=None)[0] for p in made["path"]]
    recognizer = load_model(model_dir)
    at16 = [resample(y, orig_sr=48000, target_sr=16000) for y in signals]
    reference = _probabilities(recognizer, recognizer.predict_arrays(at16, 16000))
    in_memory = float(np.abs(reference - _probabilities(recognizer, recognizer.predict_arrays([0.1 * y for y in signals], 48000))).max())
    for folder, rate, tracks in (("at16", 16000, at16), ("at48", 48000, [0.1 * y for y in signals])):
        (tmp_path / folder).mkdir()
        for k, y in enumerate(tracks):
            write_wav(tmp_path / folder / f"{k}.wav", y, rate)
    files = [_probabilities(recognizer, recognizer.predict_files(sorted(map(str, (tmp_path / f).glob("*.wav"))))) for f in ("at16", "at48")]
    as_files = float(np.abs(files[0] - files[1]).max())
    wrong_rate = float(np.abs(reference - _probabilities(recognizer, recognizer.predict_arrays(signals, 16000))).max())
    plain = load_model(tiny_model_dir)  # no speaker normalisation: loudness reaches the network
    gain_seen = float(np.abs(_probabilities(plain, plain.predict_arrays(at16, 16000))
                             - _probabilities(plain, plain.predict_arrays([0.1 * y for y in at16], 16000))).max())
    print(f"max |p(16 kHz) - p(48 kHz x 0.1)|: {in_memory:.1e} in memory, {as_files:.1e} as 16-bit files; "
          f"at the wrong rate {wrong_rate:.1e}; x 0.1 without speaker norm {gain_seen:.1e}")
    assert in_memory < 1e-5 and as_files < 1e-2, (in_memory, as_files)
    assert min(wrong_rate, gain_seen) > 100 * in_memory and min(wrong_rate, gain_seen) > 2 * as_files, (wrong_rate, gain_seen)


def test_real_48khz_speech_scaled_down_scores_as_its_16khz_copy(model_dir, ravdess16k, ravdess48k):
    """RAVDESS actor 01's original 48 kHz files, as they are and at a tenth of their amplitude,
    against the 16 kHz FLAC copies (made with soxr HQ): what differs is our resampler against
    soxr's, and 16-bit rounding."""
    originals = sorted((ravdess48k / "Actor_01").glob("*.wav"))[::5]
    copies = [str(ravdess16k / "Actor_01" / f.with_suffix(".flac").name) for f in originals]
    recognizer = load_model(model_dir)
    at16 = _probabilities(recognizer, recognizer.predict_files(copies))
    at48 = [load(f, sr=None)[0] for f in originals]
    same = float(np.abs(at16 - _probabilities(recognizer, recognizer.predict_arrays(at48, 48000))).max())
    quiet = float(np.abs(at16 - _probabilities(recognizer, recognizer.predict_arrays([0.1 * y for y in at48], 48000))).max())
    print(f"RAVDESS actor 01, {len(copies)} files: max |p(16 kHz FLAC) - p(48 kHz)| {same:.1e}, - p(48 kHz x 0.1)| {quiet:.1e}")
    assert max(same, quiet) < 1e-2, (same, quiet)


def test_predict_arrays_keeps_the_good_signals_and_refuses_bad_arguments(model_dir):
    recognizer = load_model(model_dir)
    tone = np.sin(np.arange(32000) * 0.05).astype(np.float32)
    batch = recognizer.predict_arrays([tone, np.zeros(3, dtype=np.float32), "not audio", np.array([1, 2])], 16000)
    assert [p.index for p in batch.predictions] == [0] and [e.index for e in batch.errors] == [1, 2, 3]
    assert {e.error_type for e in batch.errors[1:]} == {"InputTypeError"}
    with pytest.raises(InputTypeError, match="sequence"):
        recognizer.predict_arrays(tone, 16000)
    with pytest.raises(ParameterError, match="positive"):
        recognizer.predict_arrays([tone], 0)
    with pytest.raises(ParameterError, match="one speaker id per signal"):
        recognizer.predict_arrays([tone], 16000, speakers=["a", "b"])


def test_the_command_reports_as_is_first_then_restricted(model_dir, other, tmp_path, capsys):
    out = tmp_path / "cross"
    assert main(["evaluate", str(other), "--model-dir", str(model_dir), "-o", str(out), "--snr-db", "10", "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert "4 files of emotions the model does not know" in captured.err and "fearful" in captured.err
    text = captured.out
    assert "Reported first: as is" in text and text.index("as is:") < text.index("restricted:")
    report = json.loads((out / "report.json").read_text())
    assert report["first"] == "as_is" and report["scorings"] == ["as_is", "restricted"]
    assert report["files"] == 8 and report["left_out"]["labels"] == ["fearful"]
    assert {(r["snr_db"], r["scoring"]) for r in report["noise_robustness"]} == {(None, "as_is"), (None, "restricted"),
                                                                                   (10.0, "as_is"), (10.0, "restricted")}
    assert len(pd.read_csv(out / "predictions.csv")) == 8
    assert main(["evaluate", str(other), "--model-dir", str(tmp_path / "nowhere"), "-o", str(out), "--no-progress"]) == 2
    assert "holds no saved model" in capsys.readouterr().err
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "model.json").write_text("{not json")
    assert main(["evaluate", str(other), "--model-dir", str(corrupt), "-o", str(out), "--no-progress"]) == 1
    assert "model.json" in capsys.readouterr().err
    unknown = tmp_path / "unknown"  # fearful and disgust: two emotions, neither of them the model's
    unknown.mkdir()
    for i, f in enumerate(sorted(other.glob("*_FEA_*.wav"))):
        (unknown / (f.name if i % 2 else f.name.replace("_FEA_", "_DIS_"))).write_bytes(f.read_bytes())
    assert main(["evaluate", str(unknown), "--model-dir", str(model_dir), "-o", str(out), "--no-progress"]) == 1
    assert "share none" in capsys.readouterr().err
