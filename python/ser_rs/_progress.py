"""Progress for long batch stages: a tqdm bar where someone watches it live (a terminal or a
Jupyter notebook), otherwise one plain line per stage when it ends.

A tqdm bar redrawn into a log file or a pipe leaves thousands of partial lines; a log wants to
know that a stage ran, over how many items and for how long: ``extract: 288 files in 41.2 s``.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Optional, TextIO


def _in_notebook() -> bool:
    """True inside a Jupyter kernel, where tqdm draws a widget rather than a text bar."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except Exception:  # an IPython too old or too broken to ask: no widget either
        return False
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def live_output(stream: Optional[TextIO] = None) -> bool:
    """Whether progress written to ``stream`` (default: stderr, where tqdm writes) is watched live:
    a terminal or a notebook. A file, a pipe or a closed stream is not."""
    if _in_notebook():
        return True
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class ProgressBar:
    """A context manager counting a stage's items, drawn as tqdm draws it on a terminal or in a
    notebook, else summed up in one line when the stage ends.

    ``unit`` names one item (``'file'``; ``'B'`` counts bytes, summed up in MiB); the line says
    ``DESC: N UNITs in T s``. Disabled, it prints nothing. ``update``, ``n``, ``total`` and
    ``initial`` behave as tqdm's; other keyword arguments go to the tqdm bar. ``live`` forces the
    choice (default: :func:`live_output` of ``file``).
    """

    def __init__(self, total: Optional[int] = None, *, desc: str = "", unit: str = "item", disable: bool = False,
                 initial: int = 0, file: Optional[TextIO] = None, live: Optional[bool] = None, **tqdm_options: Any) -> None:
        self.total, self.desc, self.unit, self.disable = total, desc, unit, disable
        self.n = self._initial = initial
        self._file = file
        self._live = live_output(file) if live is None else live
        self._options = tqdm_options
        self._bar: Any = None
        self._started = 0.0

    def __enter__(self) -> "ProgressBar":
        self._started = time.perf_counter()
        if self._live and not self.disable:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=self.total, desc=self.desc, unit=self.unit, initial=self._initial, file=self._file, **self._options)
        return self

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done."""
        self.n += n
        if self._bar is not None:
            self._bar.update(n)

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if self._bar is not None:
            self._bar.close()
            return
        if self.disable or kind is not None:  # an interrupted stage reports itself through its exception
            return
        done = self.n - self._initial
        amount = f"{done / 2**20:.1f} MiB" if self.unit == "B" else f"{done} {self.unit}{'' if done == 1 else 's'}"
        print(f"{self.desc}: {amount} in {time.perf_counter() - self._started:.1f} s",
              file=sys.stderr if self._file is None else self._file, flush=True)
