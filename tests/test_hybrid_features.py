"""Feature pipelines that append each utterance's functionals to its frames
(``features["utterance"]``): the values, lenient and strict batches, bad names, checkpoints."""

import numpy as np
import pytest

import ser_rs
from ser_rs.exceptions import ParameterError
from ser_rs.experiment import _extract
from ser_rs.model import EmotionClassifier, extract_sequences

from conftest import sample_files

HYBRID = {"feature": "mfcc", "sr": 16000, "n_mfcc": 13, "n_fft": 1024, "hop_length": 512, "utterance": ["egemaps_like", "ser162"]}


def test_functionals_are_appended_to_every_frame():
    files = [str(p) for p in sample_files("ravdess-16k", 3, "Actor_*/*.flac")]
    seqs = extract_sequences(files, HYBRID)
    frames = ser_rs.extract(files, "mfcc", sr=16000, strict=True, n_mfcc=13, n_fft=1024, hop_length=512).features
    egemaps = ser_rs.extract(files, "egemaps_like", sr=16000, strict=True).features
    ser162 = ser_rs.extract(files, "ser162", sr=16000, strict=True).features
    for seq, f, e, s in zip(seqs, frames, egemaps, ser162):
        assert seq.dtype == np.float32 and seq.shape == (f.shape[1], 13 + e.size + s.size)
        np.testing.assert_array_equal(seq[:, :13], f.T)
        tail = np.nan_to_num(np.concatenate([e, s]).astype(np.float32), nan=0.0)
        np.testing.assert_array_equal(seq[:, 13:], np.broadcast_to(tail, (len(seq), tail.size)))
        assert np.isfinite(seq).all()


def test_unvoiced_clip_gets_zeros_not_nan():
    """egemaps_like has NaN pitch statistics for a clip with no voiced frame; the pipeline
    turns them into 0 so the sequence stays trainable."""
    noise = np.random.default_rng(0).normal(scale=0.1, size=16000).astype(np.float32)
    assert np.isnan(ser_rs.extract([noise], "egemaps_like", sr=16000, strict=True).features).any()
    (seq,) = extract_sequences([], HYBRID, signals=[noise])
    assert np.isfinite(seq).all()


def test_a_bad_file_loses_only_itself(tmp_path):
    good = [str(p) for p in sample_files("ravdess-16k", 2, "Actor_*/*.flac")]
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    paths = [good[0], str(tmp_path / "missing.wav"), str(truncated), good[1]]
    seqs, errors = _extract(paths, HYBRID, n_jobs=2, progress=False)
    assert [s is not None for s in seqs] == [True, False, False, True]
    assert [e[0] for e in errors] == paths[1:3], "each bad file is reported once, not once per feature"
    assert errors[0][1] == "MissingFileError"
    with pytest.raises(FileNotFoundError, match="missing.wav"):
        extract_sequences([good[0], paths[1]], HYBRID)


@pytest.mark.parametrize("utterance, match", [("ser162", "list of feature names"), (["mfcc"], "fixed-length"), (["nope"], "ser_rs.FEATURES")])
def test_bad_utterance_names_are_parameter_errors(utterance, match):
    tone = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    with pytest.raises(ParameterError, match=match):
        extract_sequences([], {**HYBRID, "utterance": utterance}, signals=[tone])


def test_a_hybrid_model_predicts_from_paths_after_loading(tmp_path):
    files = [str(p) for p in sample_files("ravdess-16k", 12, "Actor_0[1-2]/*.flac")]
    labels = [p.rsplit("/", 1)[1].split("-")[2] for p in files]
    clf = EmotionClassifier(hidden_size=8, num_layers=1, epochs=2, patience=None, n_threads=1, features=HYBRID)
    clf.fit(files, labels)
    assert clf.n_features_in_ == extract_sequences(files[:1], HYBRID)[0].shape[1]
    clf.save(tmp_path / "hybrid")
    back = EmotionClassifier.load(tmp_path / "hybrid")
    assert back.features_ == HYBRID
    np.testing.assert_allclose(back.predict_proba(files[:4]), clf.predict_proba(files[:4]), rtol=1e-5, atol=1e-6)
