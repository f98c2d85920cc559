"""The tch (libtorch) trainer of ser_rs, in a wheel of its own so that ``pip install ser_rs`` needs
no torch.

Install it with ``pip install "ser_rs[train]"`` and use it through :mod:`ser_rs.model`
(:class:`ser_rs.EmotionClassifier`), :mod:`ser_rs.experiment` and ``ser-rs train / evaluate /
predict / demo``; this package only holds the native module. Its extension links the libtorch of
one exact torch release, the one this wheel's metadata pins: importing torch first loads that
libtorch, and the check below says which torch to install when another is found.
"""

from importlib import metadata as _metadata

import torch as _torch


def _required_torch() -> str:
    """The torch version this wheel pins (``torch==X`` in its metadata), or '' if none is found."""
    try:
        requirements = _metadata.requires("ser_rs_train") or []
    except _metadata.PackageNotFoundError:  # pragma: no cover - a copy without metadata
        return ""
    pins = [r.split("==", 1)[1].split(";")[0].strip() for r in requirements if r.replace(" ", "").startswith("torch==")]
    return pins[0] if pins else ""


def _check_torch() -> None:
    required = _required_torch()
    found = _torch.__version__.split("+")[0]
    if required and found != required:
        raise ImportError(
            f"ser_rs's trainer links libtorch {required} but torch {_torch.__version__} is installed: "
            f'`pip install "torch=={required}"` (or `pip install "ser_rs[train]"` in a fresh environment)'
        )


_check_torch()

from ser_rs_train import _trainer  # noqa: E402  (libtorch must be loaded first)

__version__: str = _trainer.__version__
__all__ = ["__version__"]
