"""Exceptions raised by ser_rs.

Every error is a standard Python exception, so ``except ValueError`` keeps working:

- ``FileNotFoundError``: the audio file does not exist.
- ``OSError``: the file exists but cannot be read (a directory, no permission).
- :class:`AudioDecodeError` (a ``ValueError``): the bytes are not decodable audio (unknown
  format, corrupt or truncated file).
- :class:`ParameterError` (a ``ValueError``): an argument or the audio itself is unusable
  (absurd parameters, empty or non-finite signal, a signal shorter than one frame).
- ``TypeError``: an argument has the wrong type or dtype.

A batch (:func:`ser_rs.extract`, :meth:`ser_rs.effects.Compose.apply_batch`, ...) does not raise
for a bad item: it records an :class:`ItemError` and keeps the good items.
"""

from typing import NamedTuple, Optional

from ser_rs._native import AudioDecodeError, ParameterError

__all__ = ["AudioDecodeError", "ItemError", "ParameterError", "exception_class"]

_BY_NAME = {
    "FileNotFoundError": FileNotFoundError,
    "OSError": OSError,
    "AudioDecodeError": AudioDecodeError,
    "ParameterError": ParameterError,
    "TypeError": TypeError,
    "RuntimeError": RuntimeError,
}


def exception_class(name: str) -> type[Exception]:
    """The exception class a batch error's ``error_type`` names.

    Parameters
    ----------
    name : str
        An exception's class name, as :attr:`ItemError.error_type` holds it.

    Returns
    -------
    type
        That class; ``RuntimeError`` for a name this package never reports.

    Examples
    --------
    >>> from ser_rs.exceptions import exception_class
    >>> exception_class("AudioDecodeError").__name__, exception_class("NoSuchError").__name__
    ('AudioDecodeError', 'RuntimeError')
    """
    return _BY_NAME.get(name, RuntimeError)


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
