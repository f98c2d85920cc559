"""Speaker-level normalisation: standardize_by_speaker's statistics, and EmotionClassifier's
speaker_norm, which generalises to unseen speakers whose voices are offset from the training
speakers', and insists on speaker ids exactly when it uses them."""

from __future__ import annotations

import numpy as np
import pytest

from ser_rs import EmotionClassifier, ParameterError
from ser_rs.model import standardize_by_speaker

SMALL = dict(hidden_size=8, num_layers=1, epochs=15, lr=0.02, patience=None, n_threads=1, seed=0)


def voices(n_speakers, first=0, per_class=6, seed=0):
    """Each speaker's voice offsets every feature strongly (up to +-8); the class moves
    feature 0 by 1.5 relative to the speaker's own level."""
    rng = np.random.default_rng(seed + first)
    X, y, spk = [], [], []
    for s in range(first, first + n_speakers):
        offset = rng.uniform(-8, 8, size=3)
        for k, label in enumerate(["low", "mid", "high"]):
            for _ in range(per_class):
                frames = rng.normal(size=(int(rng.integers(4, 10)), 3)) + offset
                frames[:, 0] += 1.5 * k
                X.append(frames.astype(np.float32))
                y.append(label)
                spk.append(f"spk{s}")
    return X, np.array(y), np.array(spk)


def test_each_speaker_is_standardised_by_its_own_frames():
    X, _, spk = voices(3)
    out = standardize_by_speaker(X, spk)
    assert len(out) == len(X) and all(o.dtype == np.float32 and o.shape == x.shape for o, x in zip(out, X))
    for s in np.unique(spk):
        frames = np.concatenate([o for o, t in zip(out, spk) if t == s])
        np.testing.assert_allclose(frames.mean(axis=0), 0, atol=1e-5)
        np.testing.assert_allclose(frames.std(axis=0), 1, atol=1e-5)
        raw = np.concatenate([x for x, t in zip(X, spk) if t == s]).astype(np.float64)
        first = next(i for i, t in enumerate(spk) if t == s)
        np.testing.assert_allclose(out[first], (X[first] - raw.mean(0)) / raw.std(0), rtol=1e-5, atol=1e-5)


def test_constant_features_are_centred_and_rows_of_a_2d_array_are_samples():
    X = np.array([[5.0, 1.0], [5.0, 3.0], [7.0, 2.0], [7.0, 4.0]])
    out = standardize_by_speaker(X, ["a", "a", "b", "b"])
    assert [o.shape for o in out] == [(1, 2)] * 4
    assert [float(o[0, 0]) for o in out] == [0.0, 0.0, 0.0, 0.0]
    assert [float(o[0, 1]) for o in out] == [-1.0, 1.0, -1.0, 1.0]


def test_bad_speaker_ids_are_named():
    X = [np.ones((2, 2), dtype=np.float32)] * 3
    with pytest.raises(ParameterError, match="3 samples but speakers has 2"):
        standardize_by_speaker(X, ["a", "b"])
    with pytest.raises(ParameterError, match="missing ids"):
        standardize_by_speaker(X, ["a", None, "b"])
    with pytest.raises(ParameterError, match="1-D"):
        standardize_by_speaker(X, "abc")
    with pytest.raises(ParameterError, match="NaN"):
        standardize_by_speaker([np.array([[np.nan, 1.0]])], ["a"])
    with pytest.raises(TypeError):
        standardize_by_speaker([[1.0, 2.0]], ["a"])


def test_speaker_norm_generalises_to_unseen_speakers():
    X, y, spk = voices(8)
    X_test, y_test, spk_test = voices(4, first=8)
    plain = EmotionClassifier(**SMALL).fit(X, y)
    normed = EmotionClassifier(**SMALL, speaker_norm=True).fit(X, y, speakers=spk)
    plain_acc = plain.score(X_test, y_test)
    normed_acc = normed.score(X_test, y_test, speakers=spk_test)
    assert normed_acc > 0.8, normed_acc
    assert normed_acc > plain_acc + 0.2, (plain_acc, normed_acc)
    table = normed.robustness(X_test, y_test, attacks=("fgsm",), epsilons=(0.1,), speakers=spk_test)
    assert table.accuracy.iloc[0] == pytest.approx(normed_acc)


def test_speakers_are_required_exactly_with_speaker_norm(tmp_path):
    X, y, spk = voices(3)
    with pytest.raises(ParameterError, match="speaker_norm is False"):
        EmotionClassifier(**SMALL).fit(X, y, speakers=spk)
    with pytest.raises(ParameterError, match="pass speakers="):
        EmotionClassifier(**SMALL, speaker_norm=True).fit(X, y)
    clf = EmotionClassifier(**SMALL, speaker_norm=True).fit(X, y, speakers=spk, X_val=X[:6], y_val=y[:6], speakers_val=spk[:6])
    with pytest.raises(ParameterError, match="pass speakers="):
        clf.predict(X)
    with pytest.raises(ParameterError, match="samples but speakers has"):
        clf.predict(X, speakers=spk[:-1])
    with pytest.raises(ParameterError, match="X_val"):
        EmotionClassifier(**SMALL, speaker_norm=True).fit(X, y, speakers=spk, speakers_val=spk)
    with pytest.raises(ParameterError, match="pass speakers="):
        clf.noise_robustness(["a.wav"], ["low"])
    clf.save(tmp_path / "m")
    back = EmotionClassifier.load(tmp_path / "m")
    assert back.speaker_norm is True
    np.testing.assert_array_equal(back.predict_proba(X, speakers=spk), clf.predict_proba(X, speakers=spk))
