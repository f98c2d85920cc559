"""Channels, as librosa has them: audio of shape ``(..., n)`` and spectrograms of shape
``(..., n_bins, n_frames)`` hold one signal per index of their leading axes (stereo, batches).

:func:`over_channels` turns a function of one signal into librosa's form: each channel goes
through the function on its own, the channels in parallel on a shared thread pool (the native
calls release the GIL, so the threads compute at the same time), and the outputs are stacked
under the input's leading axes. Float64 input comes back in float64 (complex128), as librosa
keeps its input's precision; the Rust kernels compute in float32 and the result is widened.

A channel that fails raises its own error class, its message prefixed with the channel's index,
so that one NaN in a batch of 300 signals says which.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ser_rs._validate import as_signal, as_spectrograms
from ser_rs.exceptions import SerError

# What each single-precision result becomes for float64 input: librosa's dtypes for float64 audio.
_WIDER = {np.dtype(np.float32): np.dtype(np.float64), np.dtype(np.complex64): np.dtype(np.complex128)}

_pool: Optional[ThreadPoolExecutor] = None
_pool_lock = threading.Lock()
# Set in the pool's threads: a function run there for one channel that itself meets channels
# works through them in its own thread instead of waiting on the pool it occupies.
_inside = threading.local()


def _forget_pool() -> None:
    global _pool
    _pool = None


# A forked child inherits the pool object but none of its threads.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def workers() -> int:
    """The threads channels run on: one per core this process may use.

    Examples
    --------
    >>> from ser_rs._channels import workers
    >>> workers() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _shared_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=workers(), thread_name_prefix="ser_rs-channel")
        return _pool


def _label(index: int, lead: tuple) -> str:
    where = np.unravel_index(index, lead)
    return f"channel {int(where[0])}" if len(lead) == 1 else f"channel {tuple(int(i) for i in where)}"


def _run_block(work: Callable[[int], Any], block: range) -> tuple[list, Optional[tuple[int, BaseException]]]:
    """``work(i)`` for the channels of ``block`` in order, up to the first failure, in a thread
    marked as working for the pool (what it calls meets channels one by one)."""
    was_inside = getattr(_inside, "active", False)
    _inside.active = True
    out: list = []
    try:
        for i in block:
            try:
                out.append(work(i))
            except BaseException as exc:  # reported in channel order by map_channels
                return out, (i, exc)
        return out, None
    finally:
        _inside.active = was_inside


def map_channels(work: Callable[[int], Any], lead: tuple, name: str) -> list:
    """``[work(i) for i in range(prod(lead))]``, computed in parallel: the channels are cut into
    one contiguous block per core, the calling thread working through the first.

    The first failure in channel order is raised as its own class, its message prefixed with the
    channel's index in ``lead`` (the leading axes of the input called ``name``).

    Examples
    --------
    >>> from ser_rs._channels import map_channels
    >>> map_channels(lambda i: i * i, (2, 2), "y")
    [0, 1, 4, 9]
    """
    count = int(np.prod(lead))
    if count == 0:
        return []
    n_blocks = 1 if getattr(_inside, "active", False) else max(1, min(count, workers()))
    blocks = [range(int(b[0]), int(b[-1]) + 1) for b in np.array_split(np.arange(count), n_blocks) if len(b)]
    futures = [_shared_pool().submit(_run_block, work, block) for block in blocks[1:]]
    outcomes = [_run_block(work, blocks[0])] + [future.result() for future in futures]
    results: list = []
    for out, failure in outcomes:  # blocks in channel order: the first failure met is the first
        results.extend(out)
        if failure is not None:
            i, exc = failure
            if isinstance(exc, SerError):
                raise type(exc)(f"{_label(i, lead)} of {name}: {exc}").with_traceback(exc.__traceback__) from None
            raise exc
    return results


def stack(outs: Sequence[Any], lead: tuple) -> Any:
    """Per-channel outputs (arrays, numbers, or tuples of them) stacked as ``lead + shape``.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs._channels import stack
    >>> stack([np.zeros((3, 4))] * 6, (2, 3)).shape
    (2, 3, 3, 4)
    """
    if isinstance(outs[0], tuple):
        return tuple(stack([out[k] for out in outs], lead) for k in range(len(outs[0])))
    stacked = np.stack([np.asarray(out) for out in outs])
    return stacked.reshape(lead + stacked.shape[1:])


def widen(out: Any, dtype: np.dtype) -> Any:
    """``out`` (an array or a tuple of them) in double precision when the input's ``dtype`` is
    float64, as librosa returns; anything else unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs._channels import widen
    >>> widen(np.zeros(2, np.complex64), np.dtype(np.float64)).dtype
    dtype('complex128')
    """
    if dtype != np.float64:
        return out
    if isinstance(out, tuple):
        return tuple(widen(part, dtype) for part in out)
    if isinstance(out, np.ndarray) and out.dtype in _WIDER:
        return out.astype(_WIDER[out.dtype])
    return out


def over_channels(
    signal: Optional[str] = "y",
    spectrogram: Optional[str] = None,
    *,
    keep_float64: bool = True,
    joint: Optional[Callable[[dict, Callable[[dict], Any]], Any]] = None,
) -> Callable:
    """Decorator: applies a function of one signal (its argument ``signal``, 1-D) or of one
    spectrogram (its argument ``spectrogram``, 2-D) to each channel of ``(..., n)`` audio or
    ``(..., n_bins, n_frames)`` spectrograms, in parallel, as librosa does. The signal wins when
    both are given, as in the feature functions.

    ``keep_float64=False`` for a function whose librosa namesake returns float32 whatever its
    input (``rms``). ``joint(arguments, split)`` for one where librosa couples the channels (a dB
    floor or a tuning shared by all): it gets every argument (defaults filled in) and ``split``,
    which runs the per-channel function on given arguments and stacks the outputs.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs._channels import over_channels
    >>> @over_channels("y")
    ... def energy(y):
    ...     return np.array([float(np.sum(y ** 2))], dtype=np.float32)
    >>> energy(np.ones((2, 3, 4))).shape, energy(np.ones((2, 3, 4))).dtype
    ((2, 3, 1), dtype('float64'))
    """

    def decorate(func: Callable) -> Callable:
        signature = inspect.signature(func)
        precise = widen if keep_float64 else lambda out, dtype: out

        def pick(arguments: dict) -> Optional[tuple[str, int]]:
            if signal is not None and arguments.get(signal) is not None:
                return signal, 1
            if spectrogram is not None and arguments.get(spectrogram) is not None:
                return spectrogram, 2
            return None

        def call(arguments: dict) -> Any:
            bound = inspect.BoundArguments(signature, arguments)
            return func(*bound.args, **bound.kwargs)

        def split(arguments: dict) -> Any:
            name, core = pick(arguments)
            x = as_signal(arguments[name], name) if core == 1 else as_spectrograms(arguments[name], name)
            if x.ndim == core:
                return call(arguments)
            lead = x.shape[:-core]
            channels = x.reshape((-1,) + x.shape[-core:])
            return stack(map_channels(lambda i: call({**arguments, name: channels[i]}), lead, name), lead)

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:  # the function's own call raises it, with its name
                return func(*args, **kwargs)
            picked = pick(bound.arguments)
            if picked is None:
                return func(*args, **kwargs)
            name, core = picked
            x = bound.arguments[name]
            if not isinstance(x, np.ndarray) or x.ndim <= core:
                out = func(*args, **kwargs)
                return precise(out, x.dtype) if isinstance(x, np.ndarray) else out
            x = as_signal(x, name) if core == 1 else as_spectrograms(x, name)
            bound.apply_defaults()
            out = split(dict(bound.arguments)) if joint is None else joint(dict(bound.arguments), split)
            return precise(out, x.dtype)

        return run

    return decorate
