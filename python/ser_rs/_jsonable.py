"""Values as JSON holds them, for the reports the package writes (experiment, tuning, scoring)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np


def json_ready(value: Any) -> Any:
    """``value`` with numpy numbers and arrays as Python ones, NaN and infinities as None (JSON has
    neither) and mapping keys as strings; anything else as it is.

    Examples
    --------
    >>> import numpy as np
    >>> json_ready({1: [np.float32(0.5), float("nan")], "n": np.int64(3), "a": np.array([1.0, np.inf])})
    {'1': [0.5, None], 'n': 3, 'a': [1.0, None]}
    """
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def dumps(value: Any) -> str:
    """Indented JSON text of :func:`json_ready` ``(value)``; what JSON cannot hold otherwise (a
    path, a splitter) as its ``str()``.

    Examples
    --------
    >>> print(dumps({"uar": float("nan")}))
    {
      "uar": null
    }
    """
    return json.dumps(json_ready(value), indent=2, allow_nan=False, default=str)
