"""The tch (libtorch) stage. For now: what the linked libtorch offers, and the feature statistics
a model's scaler is fitted with, computed by libtorch."""

from __future__ import annotations

import numpy as np

from ser_rs import _native
from ser_rs._validate import as_spectrogram

__all__ = ["backend_info", "column_stats"]


def backend_info() -> dict:
    """Facts about the linked libtorch: ``cuda_available``, ``cuda_devices``, ``threads``.

    Examples
    --------
    >>> import ser_rs.model
    >>> sorted(ser_rs.model.backend_info())
    ['cuda_available', 'cuda_devices', 'threads']
    """
    return _native.backend_info()


def column_stats(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and population standard deviation of a 2-D feature matrix, by libtorch.

    Examples
    --------
    >>> import numpy as np, ser_rs.model
    >>> mean, std = ser_rs.model.column_stats(np.array([[1.0, 2.0], [3.0, 2.0]]))
    >>> mean.tolist(), std.tolist()
    ([2.0, 2.0], [1.0, 0.0])
    """
    return _native.column_stats(as_spectrogram(X, "X"))
