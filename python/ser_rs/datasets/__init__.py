"""Corpora: audio the package makes for demos and tests, and (later) readers and splits for
published emotional-speech corpora."""

from ser_rs.datasets.demo import make_demo_audio, write_wav

__all__ = ["make_demo_audio", "write_wav"]
