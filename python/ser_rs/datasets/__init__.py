"""Corpora: audio the package makes for demos and tests, and (later) readers and splits for
published emotional-speech corpora."""

from ser_rs.datasets.demo import EMOTIONS, make_demo_audio, make_demo_corpus, speaker_voice, synthesize, write_wav

__all__ = ["EMOTIONS", "make_demo_audio", "make_demo_corpus", "speaker_voice", "synthesize", "write_wav"]
