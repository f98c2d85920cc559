"""Exceptions raised by ser_rs.

Every error is a standard Python exception, so ``except ValueError`` keeps working:

- ``FileNotFoundError``: the audio file does not exist.
- ``OSError``: the file exists but cannot be read (a directory, no permission).
- :class:`AudioDecodeError` (a ``ValueError``): the bytes are not decodable audio (unknown
  format, corrupt or truncated file).
- :class:`ParameterError` (a ``ValueError``): an argument or the audio itself is unusable
  (absurd parameters, empty or non-finite signal, a signal shorter than one frame).
- ``TypeError``: an argument has the wrong type or dtype.
"""

from ser_rs._native import AudioDecodeError, ParameterError

__all__ = ["AudioDecodeError", "ParameterError", "exception_class"]

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
