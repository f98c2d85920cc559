"""The tch (libtorch) stage is linked and carries arrays through tensors and back."""

from __future__ import annotations

import numpy as np
import pytest

import ser_rs.model
from ser_rs import ParameterError


def test_libtorch_is_linked_and_reports_itself():
    info = ser_rs.model.backend_info()
    assert info["threads"] >= 1
    assert info["cuda_available"] in (True, False) and info["cuda_devices"] >= 0


def test_column_stats_round_trip_through_libtorch():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[1.0, -3.0, 100.0], scale=[0.5, 2.0, 10.0], size=(500, 3))
    mean, std = ser_rs.model.column_stats(X)
    assert mean.dtype == np.float32 and mean.shape == (3,)
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(std, X.std(axis=0), rtol=1e-4)
    # A transposed (non-contiguous) input is read in its logical order.
    mean_t, _ = ser_rs.model.column_stats(X.T.copy().T)
    np.testing.assert_allclose(mean_t, mean)


def test_column_stats_bad_input():
    with pytest.raises(ParameterError, match="empty"):
        ser_rs.model.column_stats(np.zeros((0, 3)))
    with pytest.raises(ParameterError, match="NaN"):
        ser_rs.model.column_stats(np.array([[np.nan, 1.0]]))
    with pytest.raises(TypeError):
        ser_rs.model.column_stats([[1.0, 2.0]])
