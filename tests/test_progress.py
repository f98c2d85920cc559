"""Progress is a tqdm bar where someone watches it (a terminal, a notebook), and one line per stage
where output goes to a file or a pipe: a log of `ser-rs demo` must not fill with redrawn bars."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import types

import pytest

from ser_rs import _progress
from ser_rs._progress import ProgressBar, live_output

from conftest import ROOT


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _count(bar: ProgressBar, n: int) -> None:
    with bar:
        for _ in range(n):
            bar.update()


def test_a_pipe_or_file_gets_one_line_when_the_stage_ends():
    out = io.StringIO()
    _count(ProgressBar(500, desc="extract", unit="file", file=out), 500)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("extract: 500 files in ") and lines[0].endswith(" s")
    assert "\r" not in out.getvalue()


def test_a_terminal_gets_a_tqdm_bar():
    out = _Terminal()
    _count(ProgressBar(500, desc="extract", unit="file", file=out), 500)
    assert "\r" in out.getvalue() and "100%" in out.getvalue() and "500/500" in out.getvalue()


def test_disabled_prints_nothing_and_a_failed_stage_prints_no_summary():
    out = io.StringIO()
    _count(ProgressBar(5, desc="x", disable=True, file=out), 5)
    with pytest.raises(KeyError), ProgressBar(5, desc="x", file=out) as bar:
        bar.update(2)
        raise KeyError("boom")
    assert out.getvalue() == ""


def test_bytes_are_summed_up_in_mib_from_where_a_resumed_transfer_started():
    out = io.StringIO()
    with ProgressBar(3 * 2**20, desc="archive.zip", unit="B", initial=2**20, file=out) as bar:
        bar.update(2**20)
    assert out.getvalue().startswith("archive.zip: 1.0 MiB in ")


@pytest.mark.parametrize("kernel, expected", [(True, True), (False, False)])
def test_a_notebook_kernel_counts_as_watched_and_a_plain_ipython_does_not(monkeypatch, kernel, expected):
    shell = types.SimpleNamespace(config={"IPKernelApp": {}} if kernel else {"TerminalInteractiveShell": {}})
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    assert live_output(io.StringIO()) is expected
    assert live_output(_Terminal()) is True


def test_no_ipython_and_odd_streams_are_not_watched(monkeypatch):
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert _progress._in_notebook() is False
    closed = io.StringIO()
    closed.close()
    assert live_output(closed) is False and live_output(object()) is False


def _stage_output(code: str, stderr: int) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "python")}
    done = subprocess.run([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=stderr, env=env, timeout=300)
    assert done.returncode == 0
    return done.stderr.decode() if done.stderr is not None else ""


def test_extraction_into_a_pipe_prints_one_line_per_stage():
    code = ("import numpy as np, ser_rs; from ser_rs.effects import Compose, Gain\n"
            "ys = [np.random.default_rng(i).standard_normal(8000).astype(np.float32) for i in range(40)]\n"
            "ser_rs.extract(ys, 'mfcc', sr=16000, progress=True)\n"
            "Compose([Gain(p=1.0)]).apply_batch(ys, 16000, progress=True)\n"
            "import tempfile; ser_rs.datasets.make_demo_corpus(tempfile.mkdtemp(), n_speakers=2, n_per_emotion=1, emotions=['sad'], progress=True)\n")
    lines = _stage_output(code, subprocess.PIPE).splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith("mfcc: 40 items in ") and lines[1].startswith("augment: 40 items in ")
    assert lines[2].startswith("demo corpus: 2 utterances in ")


@pytest.mark.skipif(not hasattr(os, "openpty") or sys.platform == "win32", reason="no pseudo-terminal on this system")
def test_extraction_on_a_terminal_draws_a_bar():
    import fcntl
    import struct
    import termios

    main, tty = os.openpty()
    fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a new terminal is 0 columns wide: no room for a bar
    try:
        code = "import numpy as np, ser_rs\nser_rs.extract([np.zeros(8000, np.float32) + 0.1] * 10, 'mfcc', sr=16000, progress=True)\n"
        _stage_output(code, tty)
        os.close(tty)
        tty = -1
        written = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal's other end is closed: everything was read
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(main)
        if tty >= 0:
            os.close(tty)
    assert b"\r" in written and b"100%" in written
