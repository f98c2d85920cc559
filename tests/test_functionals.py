"""ser_rs.feature.functionals against numpy and scipy, on real MFCC tracks and random data."""

from __future__ import annotations

import librosa
import numpy as np
import pytest
import scipy.stats

import ser_rs
from ser_rs.feature import DEFAULT_STATS, functional_names, functionals
from conftest import sample_files


def reference(x: np.ndarray, stat: str, positions: np.ndarray) -> float:
    x = x.astype(np.float64)
    simple = {"mean": np.mean, "std": np.std, "min": np.min, "max": np.max, "range": np.ptp}
    if stat in simple:
        return simple[stat](x)
    if stat.startswith("p"):
        return np.percentile(x, float(stat[1:]))
    if stat == "slope":
        return np.polyfit(positions, x, 1)[0]
    if stat == "skewness":
        return scipy.stats.skew(x)
    return scipy.stats.kurtosis(x)


@pytest.fixture(scope="module")
def tracks() -> list[np.ndarray]:
    return [ser_rs.feature.mfcc(y=librosa.load(f, sr=22050)[0], sr=22050) for f in sample_files("ravdess-16k", 6, "Actor_*/*.flac")]


STATS = list(DEFAULT_STATS) + ["p2.5", "p100", "p0"]


def test_every_statistic_matches_numpy_and_scipy(tracks):
    for m in tracks:
        ours = functionals(m, stats=STATS).reshape(m.shape[0], len(STATS))
        positions = np.arange(m.shape[1])
        for row, values in zip(m, ours):
            for stat, v in zip(STATS, values):
                ref = reference(row, stat, positions)
                assert v == pytest.approx(ref, rel=1e-5, abs=1e-4 * max(1.0, float(np.abs(row).max()))), stat


def test_mask_and_lengths_skip_frames(tracks):
    m = tracks[0]
    mask = np.zeros(m.shape[1], bool)
    mask[5:40:2] = True
    ours = functionals(m, stats=["mean", "slope", "p50"], mask=mask).reshape(-1, 3)
    kept = np.flatnonzero(mask)
    np.testing.assert_allclose(ours[:, 0], m[:, kept].mean(axis=1), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(ours[:, 1], [np.polyfit(kept, r[kept].astype(np.float64), 1)[0] for r in m], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours[:, 2], np.median(m[:, kept], axis=1), rtol=1e-6)
    # NaN outside the mask does not matter.
    with_nan = m.copy()
    with_nan[:, ~mask] = np.nan
    np.testing.assert_array_equal(functionals(with_nan, stats=["mean", "slope", "p50"], mask=mask).reshape(-1, 3), ours)


def test_batch_equals_one_by_one(tracks):
    padded, lengths = ser_rs.batch.pad_frames(tracks)
    together = functionals(padded, lengths=lengths)
    for i, m in enumerate(tracks):
        np.testing.assert_array_equal(together[i], functionals(m))


def test_bad_item_gets_a_nan_row_and_a_warning(tracks):
    padded, lengths = ser_rs.batch.pad_frames(tracks[:3])
    padded[1, 0, 0] = np.nan
    with pytest.warns(RuntimeWarning, match="1 item"):
        out = functionals(padded, lengths=lengths)
    assert np.isnan(out[1]).all() and np.isfinite(out[[0, 2]]).all()


def test_edge_cases_give_documented_nans():
    one = functionals(np.array([[3.0]], np.float32), stats=["mean", "std", "slope", "skewness"])
    assert one[0] == 3.0 and one[1] == 0.0 and np.isnan(one[2]) and np.isnan(one[3])
    nothing = functionals(np.ones((2, 4), np.float32), stats=["mean"], mask=np.zeros(4, bool))
    assert np.isnan(nothing).all()


def test_names():
    names = functional_names(["a", "b"])
    assert len(names) == 2 * len(DEFAULT_STATS) and names[0] == "a_mean" and names[-1] == "b_kurtosis"


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: functionals(np.ones((2, 4), np.float32), stats=["median"]), ser_rs.ParameterError),
        (lambda: functionals(np.ones((2, 4), np.float32), stats=["p150"]), ser_rs.ParameterError),
        (lambda: functionals(np.ones((2, 4), np.float32), stats=[]), ser_rs.ParameterError),
        (lambda: functionals(np.ones((2, 4), np.float32), stats="mean"), TypeError),
        (lambda: functionals(np.array([[1.0, np.nan]], np.float32)), ser_rs.ParameterError),
        (lambda: functionals(np.ones((2, 4), np.float32), lengths=[9]), ser_rs.ParameterError),
        (lambda: functionals(np.ones((2, 4), np.float32), lengths=[-1]), ser_rs.ParameterError),
        (lambda: functionals(np.ones((2, 4), np.float32), mask=np.ones(3, bool)), ser_rs.ParameterError),
        (lambda: functionals(np.ones(4, np.float32)), ser_rs.ParameterError),
        (lambda: functionals([[1.0, 2.0]]), TypeError),
        (lambda: functionals(np.ones((2, 4), complex)), TypeError),
        (lambda: functionals(np.ones((2, 3, 4), np.float32), lengths=[4, 5]), ser_rs.ParameterError),
    ],
)
def test_bad_input(call, error):
    with pytest.raises(error):
        call()
