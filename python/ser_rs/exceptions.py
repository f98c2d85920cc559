"""Exceptions raised by ser_rs.

Every error is a standard Python exception, so ``except ValueError`` keeps working:

- ``FileNotFoundError``: the audio file does not exist.
- ``OSError``: the file exists but cannot be read (a directory, no permission).
- :class:`AudioDecodeError` (a ``ValueError``): the bytes are not decodable audio (unknown
  format, corrupt or truncated file).
- :class:`ParameterError` (a ``ValueError``): an argument or the audio itself is unusable
  (absurd parameters, empty or non-finite signal, a signal shorter than one frame).
- ``TypeError``: an argument has the wrong type or dtype.
- :class:`NotFittedError` (a ``ParameterError``, ``ValueError`` and ``AttributeError``): a
  model was used before ``fit``; where scikit-learn is installed it is also scikit-learn's
  ``sklearn.exceptions.NotFittedError``, so sklearn's ``check_is_fitted`` conventions hold.
"""

from typing import Any, Optional

from ser_rs._native import AudioDecodeError, ParameterError

__all__ = ["AudioDecodeError", "NotFittedError", "ParameterError", "exception_class"]

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

_BY_NAME = {
    "FileNotFoundError": FileNotFoundError,
    "OSError": OSError,
    "AudioDecodeError": AudioDecodeError,
    "ParameterError": ParameterError,
    "TypeError": TypeError,
    "RuntimeError": RuntimeError,
}


def exception_class(name: str) -> type[Exception]:
    """The exception class a batch error's ``error_type`` names."""
    return _BY_NAME.get(name, RuntimeError)
