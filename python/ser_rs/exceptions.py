"""Exceptions raised by ser_rs.

Every error ser_rs raises is a :class:`SerError`, and also the standard exception a Python user
would expect, so both ``except ser_rs.SerError`` and ``except ValueError`` work:

=============================  ==========================  =========================================
class                          also a                      raised when
=============================  ==========================  =========================================
:class:`ParameterError`        ``ValueError`` (and         an argument or the audio itself is
                               ``librosa.ParameterError``  unusable (absurd parameters, empty or
                               where librosa is loaded)    non-finite signal, too short)
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

import importlib
import sys
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
    """The base of every error ser_rs raises.

    Catch it to handle any of ser_rs's errors in one place; each subclass is also the built-in
    exception a Python user expects (see the table of this module).

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> try:
    ...     ser_rs.feature.rms(y=np.array([np.nan], np.float32))
    ... except ser_rs.SerError as exc:
    ...     print(type(exc).__name__)
    ParameterError
    """


def _adopt_librosa_base(cls: type) -> None:
    """Makes ``cls`` also a ``librosa.ParameterError`` once librosa is loaded, so that code written
    for librosa (``except librosa.ParameterError``) catches ser_rs's errors. ``except`` matches by
    the raised class's real bases, so the base is added to the class itself; librosa is looked up
    in ``sys.modules`` only, never imported (it is not a dependency); once it is there, its tiny
    exceptions module is (librosa loads it lazily, on first use of ``librosa.ParameterError``)."""
    if sys.modules.get("librosa") is None:
        return
    try:
        base = importlib.import_module("librosa.util.exceptions").ParameterError
    except (ImportError, AttributeError):  # a librosa without it: stay a plain ValueError
        return
    if isinstance(base, type) and issubclass(base, Exception) and not issubclass(cls, base):
        try:
            cls.__bases__ = (*cls.__bases__, base)
        except TypeError:  # a librosa whose class cannot be mixed in: stay a plain ValueError
            pass


class ParameterError(SerError, ValueError):
    """An argument or the audio itself is unusable (absurd parameters, empty or non-finite signal).

    Also a ``ValueError``, and ``librosa.ParameterError`` where librosa is loaded (checked each
    time one is raised), so ``except librosa.ParameterError`` catches it too.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> try:
    ...     ser_rs.feature.mfcc(y=np.ones(4096, np.float32), sr=22050, n_mfcc=-1)
    ... except ValueError as exc:
    ...     print(type(exc).__name__)
    ParameterError
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> "ParameterError":
        _adopt_librosa_base(ParameterError)
        return super().__new__(cls, *args, **kwargs)


_adopt_librosa_base(ParameterError)


class AudioDecodeError(SerError, ValueError):
    """The bytes are not decodable audio: unknown format, corrupt or truncated.

    Also a ``ValueError``.

    Examples
    --------
    >>> import io, ser_rs
    >>> try:
    ...     ser_rs.load(io.BytesIO(b"not audio at all"))
    ... except ser_rs.AudioDecodeError as exc:
    ...     print(isinstance(exc, ValueError))
    True
    """


class MissingFileError(SerError, FileNotFoundError):
    """A file or folder that was named does not exist.

    Also a ``FileNotFoundError``.

    Examples
    --------
    >>> import ser_rs
    >>> try:
    ...     ser_rs.load("no/such/file.wav")
    ... except FileNotFoundError as exc:
    ...     print(type(exc).__name__)
    MissingFileError
    """


class FileAccessError(SerError, OSError):
    """A file exists but cannot be read or written (a directory, no permission, disk full).

    Also an ``OSError``.

    Examples
    --------
    >>> import tempfile, ser_rs
    >>> try:
    ...     ser_rs.load(tempfile.gettempdir())   # a folder, not a file
    ... except OSError as exc:
    ...     print(type(exc).__name__)
    FileAccessError
    """


class InputTypeError(SerError, TypeError):
    """An argument has the wrong type or dtype; the message says what to pass.

    Also a ``TypeError``.

    Examples
    --------
    >>> import ser_rs
    >>> try:
    ...     ser_rs.feature.rms(y="not a signal")
    ... except TypeError as exc:
    ...     print(type(exc).__name__)
    InputTypeError
    """


class TorchError(SerError, RuntimeError):
    """libtorch failed inside the trainer.

    Also a ``RuntimeError``; the message carries libtorch's own.

    Examples
    --------
    >>> from ser_rs.exceptions import TorchError
    >>> issubclass(TorchError, RuntimeError)
    True
    """


class InternalError(SerError, RuntimeError):
    """A bug in ser_rs, caught before it could crash the process: please report it.

    Also a ``RuntimeError``.

    Examples
    --------
    >>> from ser_rs.exceptions import InternalError
    >>> issubclass(InternalError, RuntimeError)
    True
    """


class TrainerNotInstalledError(SerError, ImportError):
    """The tch trainer is used but not installed: ``pip install "ser_rs[train]"``.

    Also an ``ImportError``, so code that tries the trainer and falls back can catch either.

    Examples
    --------
    >>> import ser_rs
    >>> issubclass(ser_rs.TrainerNotInstalledError, ImportError)
    True
    """


class DownloadError(SerError, OSError):
    """An archive could not be fetched (HTTP error, network failure, transfer cut short).

    Also an ``OSError``; raised by :func:`ser_rs.datasets.download_ravdess`.

    Examples
    --------
    >>> from ser_rs.exceptions import DownloadError
    >>> issubclass(DownloadError, OSError)
    True
    """


class ChecksumError(DownloadError):
    """A fetched archive's checksum is not the expected one.

    A :class:`DownloadError`; the partial download is kept aside, never used.

    Examples
    --------
    >>> from ser_rs.exceptions import ChecksumError, DownloadError
    >>> issubclass(ChecksumError, DownloadError)
    True
    """


class UsageError(SerError, ValueError):
    """A problem with the ``ser-rs`` command line itself (exit code 2).

    Also a ``ValueError``.

    Examples
    --------
    >>> from ser_rs.exceptions import UsageError
    >>> issubclass(UsageError, ValueError)
    True
    """


class WorkerLostError(SerError, RuntimeError):
    """Every dask worker that ran a task of :mod:`ser_rs.distributed` died while running it (out
    of memory, killed): the error of each item of that partition.

    Also a ``RuntimeError``; :func:`ser_rs.distributed.extract_to_parquet` reports it per item.

    Examples
    --------
    >>> from ser_rs.exceptions import WorkerLostError, exception_class
    >>> exception_class("WorkerLostError") is WorkerLostError
    True
    """


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
        doc = ("A model was used before it was fitted: call ``fit`` (or ``load``) first.\n\nA ParameterError, ValueError "
               "and AttributeError, and scikit-learn's NotFittedError where scikit-learn is installed.\n\n"
               "Examples\n--------\n>>> from ser_rs.exceptions import NotFittedError\n"
               ">>> issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)\nTrue\n")
        _not_fitted = type("NotFittedError", bases, {"__module__": __name__, "__qualname__": "NotFittedError", "__doc__": doc})
    return _not_fitted


def __getattr__(name: str) -> Any:
    if name == "NotFittedError":
        return _not_fitted_error()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def exception_class(name: str) -> type[SerError]:
    """The class of this module that a batch error's ``error_type`` names (InternalError if none).

    Parameters
    ----------
    name : str
        An exception's class name, as in :attr:`ItemError.error_type`.

    Returns
    -------
    type
        The :class:`SerError` subclass of that name, or :class:`InternalError` for an unknown name.

    Examples
    --------
    >>> exception_class("ParameterError").__name__
    'ParameterError'
    """
    found = globals().get(name)
    return found if isinstance(found, type) and issubclass(found, SerError) else InternalError


class ItemError(NamedTuple):
    """Why one item of a batch produced no result.

    Attributes
    ----------
    index : int
        Position of the item in the inputs.
    path : str or None
        The item's path (None for in-memory arrays).
    error_type : str
        Name of the exception it would raise on its own, e.g. 'AudioDecodeError'.
    message : str
        What went wrong and what to do.
    copy : int
        0 for the item itself, k for its k-th augmented copy (see ``augment``).

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
        """The exception this error stands for, ready to raise.

        Returns
        -------
        SerError
            An instance of the class :attr:`error_type` names, its message prefixed by the path.

        Examples
        --------
        >>> from ser_rs.exceptions import ItemError
        >>> ItemError(0, None, "ParameterError", "empty signal").exception()
        ParameterError('item 0: empty signal')
        """
        where = f"{self.path}: " if self.path else f"item {self.index}: "
        return exception_class(self.error_type)(where + self.message)
