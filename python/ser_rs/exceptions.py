"""Exceptions raised by ser_rs.

Every error ser_rs raises is a :class:`SerError`, and also the standard exception a Python user
would expect, so both ``except ser_rs.SerError`` and ``except ValueError`` work:

=============================  ==========================  =========================================
class                          also a                      raised when
=============================  ==========================  =========================================
:class:`ParameterError`        ``ValueError``              an argument or the audio itself is
                                                           unusable (absurd parameters, empty or
                                                           non-finite signal, too short)
:class:`AudioDecodeError`      ``ValueError``              the bytes are not decodable audio
                                                           (unknown format, corrupt, truncated)
:class:`MissingFileError`      ``FileNotFoundError``       a file or folder does not exist
:class:`FileAccessError`       ``OSError``                 it exists but cannot be read or written
:class:`InputTypeError`        ``TypeError``               an argument has the wrong type or dtype
:class:`NotFittedError`        ``ParameterError``,         a model is used before ``fit``; also
                               ``AttributeError``          scikit-learn's NotFittedError where
                                                           scikit-learn is installed
:class:`TorchError`            ``RuntimeError``            libtorch failed inside the trainer
:class:`InternalError`         ``RuntimeError``            a bug in ser_rs (please report it)
:class:`TrainerNotInstalledError` ``ImportError``          the trainer is used without
                                                           ``pip install "ser_rs[train]"``
:class:`DownloadError`         ``OSError``                 a data set could not be fetched
:class:`ChecksumError`         ``OSError``                 a fetched archive has the wrong checksum
:class:`UsageError`            ``ValueError``              the ``ser-rs`` command line is wrong
:class:`WorkerLostError`       ``RuntimeError``            every dask worker that ran a partition of
                                                           :mod:`ser_rs.distributed` died (out of
                                                           memory, killed); its items' error_type
=============================  ==========================  =========================================

This module imports without the native extension. The Rust side raises these classes by the name
that its error type gives each kind (``SerError::type_name`` in ``src/error.rs``); batch error
lists report the same name as ``error_type``.

A batch (:func:`ser_rs.extract`, :meth:`ser_rs.effects.Compose.apply_batch`, ...) does not raise
for a bad item: it records an :class:`ItemError` and keeps the good items.

Examples
--------
>>> import numpy as np, ser_rs
>>> try:
...     ser_rs.feature.mfcc(y=np.zeros(0, np.float32), sr=22050)
... except ser_rs.SerError as exc:
...     print(type(exc).__name__, isinstance(exc, ValueError))
ParameterError True
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

__all__ = [
    "AudioDecodeError",
    "ChecksumError",
    "DownloadError",
    "FileAccessError",
    "InputTypeError",
    "InternalError",
    "ItemError",
    "MissingFileError",
    "NotFittedError",
    "ParameterError",
    "SerError",
    "TorchError",
    "TrainerNotInstalledError",
    "UsageError",
    "WorkerLostError",
    "exception_class",
]


class SerError(Exception):
    """The base of every error ser_rs raises."""


class ParameterError(SerError, ValueError):
    """An argument or the audio itself is unusable (absurd parameters, empty or non-finite signal)."""


class AudioDecodeError(SerError, ValueError):
    """The bytes are not decodable audio: unknown format, corrupt or truncated."""


class MissingFileError(SerError, FileNotFoundError):
    """A file or folder that was named does not exist."""


class FileAccessError(SerError, OSError):
    """A file exists but cannot be read or written (a directory, no permission, disk full)."""


class InputTypeError(SerError, TypeError):
    """An argument has the wrong type or dtype; the message says what to pass."""


class TorchError(SerError, RuntimeError):
    """libtorch failed inside the trainer."""


class InternalError(SerError, RuntimeError):
    """A bug in ser_rs, caught before it could crash the process: please report it."""


class TrainerNotInstalledError(SerError, ImportError):
    """The tch trainer is used but not installed: ``pip install "ser_rs[train]"``."""


class DownloadError(SerError, OSError):
    """An archive could not be fetched (HTTP error, network failure, transfer cut short)."""


class ChecksumError(DownloadError):
    """A fetched archive's checksum is not the expected one."""


class UsageError(SerError, ValueError):
    """A problem with the ``ser-rs`` command line itself (exit code 2)."""


class WorkerLostError(SerError, RuntimeError):
    """Every dask worker that ran a task of :mod:`ser_rs.distributed` died while running it (out
    of memory, killed): the error of each item of that partition."""


_not_fitted: Optional[type] = None


def _not_fitted_error() -> type:
    """The NotFittedError class, made on first use: importing scikit-learn takes seconds, so
    ``import ser_rs`` must not do it just to find out whether this class can subclass sklearn's."""
    global _not_fitted
    if _not_fitted is None:
        try:
            from sklearn.exceptions import NotFittedError as sklearn_not_fitted

            bases: tuple = (ParameterError, sklearn_not_fitted)
        except ImportError:
            bases = (ParameterError, AttributeError)  # sklearn's own bases: ValueError and AttributeError
        doc = ("A model was used before it was fitted: call ``fit`` (or ``load``) first. A ParameterError, ValueError "
               "and AttributeError, and scikit-learn's NotFittedError where scikit-learn is installed.")
        _not_fitted = type("NotFittedError", bases, {"__module__": __name__, "__qualname__": "NotFittedError", "__doc__": doc})
    return _not_fitted


def __getattr__(name: str) -> Any:
    if name == "NotFittedError":
        return _not_fitted_error()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def exception_class(name: str) -> type[SerError]:
    """The class of this module that a batch error's ``error_type`` names (InternalError if none).

    Examples
    --------
    >>> exception_class("ParameterError").__name__
    'ParameterError'
    """
    found = globals().get(name)
    return found if isinstance(found, type) and issubclass(found, SerError) else InternalError


class ItemError(NamedTuple):
    """Why one item of a batch produced no result.

    Examples
    --------
    >>> from ser_rs.exceptions import ItemError
    >>> error = ItemError(3, "a.wav", "AudioDecodeError", "not audio")
    >>> error.exception()
    AudioDecodeError('a.wav: not audio')
    """

    index: int
    """Position of the item in the inputs."""
    path: Optional[str]
    """The item's path (None for in-memory arrays)."""
    error_type: str
    """Name of the exception it would raise on its own, e.g. 'AudioDecodeError'."""
    message: str
    copy: int = 0
    """0 for the item itself, k for its k-th augmented copy (see ``augment``)."""

    def exception(self) -> Exception:
        """The exception this error stands for, ready to raise."""
        where = f"{self.path}: " if self.path else f"item {self.index}: "
        return exception_class(self.error_type)(where + self.message)
