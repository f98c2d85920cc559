"""The egemaps_like utterance table: named columns, values that mean what they say (F0 against
Praat's), and bad items reported without sinking the batch."""

from __future__ import annotations

import numpy as np
import parselmouth
import pytest

import ser_rs
from ser_rs.feature import EGEMAPS_LIKE_COLUMNS
from conftest import sample_files


@pytest.fixture(scope="module")
def files():
    return sample_files("ravdess-16k", 24, "Actor_*/*.flac")


def test_table_has_named_columns_and_no_gaps(files):
    df = ser_rs.extract(files, "egemaps_like", sr=16000).to_dataframe()
    assert list(df.columns) == ["path", *EGEMAPS_LIKE_COLUMNS]
    assert len(df) == len(files)
    assert np.isfinite(df[list(EGEMAPS_LIKE_COLUMNS)].to_numpy()).all()


def test_pitch_level_follows_praat(files):
    df = ser_rs.extract(files, "egemaps_like", sr=16000).to_dataframe()
    praat = []
    for f in files:
        f0 = parselmouth.Sound(str(f)).to_pitch().selected_array["frequency"]
        praat.append(np.mean(12 * np.log2(f0[f0 > 0] / 27.5)))
    r = np.corrcoef(df["f0_semitone_mean"], praat)[0, 1]
    assert r >= 0.95, r
    assert np.max(np.abs(df["f0_semitone_mean"] - praat)) < 2.0


def test_single_call_equals_the_batch(files):
    y, sr = ser_rs.load(files[0], sr=16000)
    np.testing.assert_array_equal(ser_rs.feature.egemaps_like(y, sr=sr), ser_rs.extract([files[0]], "egemaps_like", sr=16000).features[0])


def test_silence_gives_nan_prosody_and_bad_items_are_reported(files):
    silent = np.zeros(16000, np.float32)
    result = ser_rs.extract([silent, files[0], np.zeros(10, np.float32), "missing.flac"], "egemaps_like", sr=16000, sr_in=16000)
    assert result.index.tolist() == [0, 1]
    assert [e.index for e in result.errors] == [2, 3]
    row = dict(zip(EGEMAPS_LIKE_COLUMNS, result.features[0]))
    assert np.isnan(row["f0_semitone_mean"]) and row["voiced_fraction"] == 0.0
    with pytest.raises(ser_rs.ParameterError):
        ser_rs.feature.egemaps_like(np.zeros(0, np.float32), sr=16000)
    with pytest.raises(ser_rs.ParameterError):
        ser_rs.feature.egemaps_like(silent, sr=0)
