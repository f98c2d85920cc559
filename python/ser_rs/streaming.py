"""Live emotion recognition: push audio as it arrives, get an emotion for the latest window
after every hop.

A :class:`StreamingRecognizer` wraps a loaded :class:`~ser_rs.inference.Recognizer`. Chunks of
any length, at any sampling rate, go in through :meth:`~StreamingRecognizer.push`; every time
the stream passes the end of a hop (``hop`` seconds, by default 0.5 s) the last ``window``
seconds (by default 3 s) are analysed and a :class:`StreamResult` comes back. Memory stays
bounded however long the stream: the recogniser keeps one window of audio (plus the frames
computed for it) and the running speaker statistics, a vector per statistic.

How each window is analysed, and how exactly it matches the offline model
-------------------------------------------------------------------------
Each window's probabilities are those of :meth:`Recognizer.predict_array` on the window's
samples at the model's rate (the test suite checks it within 1e-4), with two documented
exceptions below.

- Input at another rate is resampled in a streaming fashion: each block is resampled with 50 ms
  of audio on either side of it and only its middle is kept, which gives the samples of
  resampling the whole stream at once to float precision (about 1e-8), at the cost of 50 ms of
  look-ahead.
- Incremental features. For the ``'melspectrogram'`` and ``'mfcc'`` pipelines (every model of
  the ``ser-rs`` command) with librosa's centred frames and a hop that is a whole number of the
  pipeline's ``hop_length`` (0.496 s rather than 0.5 s at 16 kHz and a 256-sample hop: the
  default hop is rounded to the nearest whole number of feature hops, and an explicit hop that
  is not a whole number turns this off), the mel power of a frame whose analysis window lies
  inside two consecutive windows is computed once and reused; only the frames of the new hop
  and the few frames at each window edge (where centring pads with zeros differently) are
  computed per hop. The conversion to dB (whose 80 dB floor depends on the whole window's
  loudest bin) and the DCT of the MFCCs are redone per window, as they must be. The result is
  bit-identical to analysing the window from scratch.
- Recomputed per window: utterance functionals (``features['utterance']``, such as
  ``egemaps_like`` and ``ser162``: pitch tracking and statistics over the whole window cannot be
  updated frame by frame), every other frame feature, and the recurrent network itself (the
  ``ser-rs`` models are bidirectional, so every window is read again from both ends).
- Speaker normalisation (a model trained with ``speaker_norm``) is the first exception: offline,
  each speaker's features are standardised by that speaker's statistics, and a live speaker has
  none. The stream standardises by its own running statistics instead: the mean and standard
  deviation (Welford's algorithm, in float64) of every feature frame the stream has produced so
  far, each frame counted once (the frames of each new hop). Until those frames cover ``warmup``
  seconds of audio (3 s by default; silences count, as they do in the training statistics),
  each window is standardised by its own statistics, exactly as :meth:`Recognizer.predict_array`
  does, and the result says ``warm=False``. The statistics keep growing for the whole stream;
  call :meth:`StreamingRecognizer.reset` when the speaker changes.
- The second exception is :meth:`StreamingRecognizer.flush`'s last window, which is shorter
  than ``window`` when the stream is (see there).

Threads
-------
One :class:`StreamingRecognizer` is one stream: its methods take a lock, so calls from several
threads are safe, but pushing one stream's chunks from several threads at once has no meaningful
order. Make one per stream: many may share one :class:`~ser_rs.inference.Recognizer` (and so
one loaded model), which is safe to use from many threads.

Examples
--------
>>> import ser_rs.streaming
>>> stream = ser_rs.streaming.StreamingRecognizer("ser_rs_output/demo/model")   # doctest: +SKIP
>>> for chunk in microphone_chunks():                                            # doctest: +SKIP
...     for result in stream.push(chunk, sr=48000):
...         print(f"{result.time:6.2f} s  {result.emotion}")
>>> stream.flush()                                                               # doctest: +SKIP
"""

from __future__ import annotations

import math
import numbers
import os
import threading
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from ser_rs._validate import as_rate
from ser_rs.audio import resample
from ser_rs.batch import extract, feature_params
from ser_rs.exceptions import InputTypeError, ParameterError
from ser_rs import feature
from ser_rs.feature import melspectrogram, mfcc, power_to_db
from ser_rs.inference import Recognizer, load_model
from ser_rs.model import feature_call, run_feature_pipeline

__all__ = ["DEFAULT_HOP", "DEFAULT_WARMUP", "DEFAULT_WINDOW", "MAX_WINDOW", "StreamResult", "StreamingRecognizer"]

#: Seconds of audio each result is computed from.
DEFAULT_WINDOW: float = 3.0
#: Seconds between results (rounded to a whole number of the pipeline's feature hops).
DEFAULT_HOP: float = 0.5
#: Seconds of audio a speaker-normalised model's running statistics need before they are used.
DEFAULT_WARMUP: float = 3.0
#: The longest window (seconds): longer ones are no longer "live", and would hold minutes of audio.
MAX_WINDOW: float = 60.0
#: Seconds of input on each side of a block that streaming resampling reads; 20 ms already
#: reproduces whole-signal resampling to float precision for 8-48 kHz inputs.
_RESAMPLE_CONTEXT = 0.05
#: int16 PCM is scaled to [-1, 1) by this, as soundfile and :func:`ser_rs.load` scale it.
_INT16_SCALE = 32768.0
#: The frame features whose frames are reused between windows.
_INCREMENTAL = ("melspectrogram", "mfcc")
#: The keyword arguments of :func:`ser_rs.feature.mfcc` that are its own, not the mel spectrogram's.
_MFCC_ONLY = ("n_mfcc", "dct_type", "norm", "lifter", "mel_norm")


@dataclass(frozen=True)
class StreamResult:
    """The emotion of one window of a stream.

    Attributes
    ----------
    time : float
        Seconds of stream (at the model's rate) at the window's end.
    emotion
        The most probable label.
    probabilities : dict
        Each label's probability, in the model's label order.
    warm : bool
        False while a speaker-normalised model still standardises by the window's own
        statistics (see :mod:`ser_rs.streaming`); always True for other models.
    duration : float
        Seconds of audio in the window (shorter than ``window`` only for a flushed stream that
        was shorter than one window).

    Examples
    --------
    :meth:`StreamingRecognizer.push` makes them; one made by hand:

    >>> from ser_rs.streaming import StreamResult
    >>> r = StreamResult(time=3.5, emotion="calm", probabilities={"calm": 0.8, "angry": 0.2}, warm=True, duration=3.0)
    >>> r.emotion, r.to_dict()["time"]
    ('calm', 3.5)
    """

    time: float
    emotion: Any
    probabilities: dict
    warm: bool
    duration: float

    @property
    def probability(self) -> float:
        """The probability of :attr:`emotion`."""
        return self.probabilities[self.emotion]

    def to_dict(self) -> dict:
        """JSON-ready values: the lines of ``ser-rs stream --json``.

        Returns
        -------
        dict
            ``time``, ``emotion``, ``probability``, ``probabilities``, ``warm`` and ``duration``.

        Examples
        --------
        >>> from ser_rs.streaming import StreamResult
        >>> StreamResult(3.5, "sad", {"angry": 0.25, "sad": 0.75}, True, 3.0).to_dict()
        {'time': 3.5, 'emotion': 'sad', 'probability': 0.75, 'probabilities': {'angry': 0.25, 'sad': 0.75}, 'warm': True, 'duration': 3.0}
        """
        emotion = self.emotion.item() if isinstance(self.emotion, np.generic) else self.emotion
        return {"time": float(self.time), "emotion": emotion, "probability": float(self.probability),
                "probabilities": {str(k): float(v) for k, v in self.probabilities.items()}, "warm": bool(self.warm),
                "duration": float(self.duration)}


# -- the parts of a stream ----------------------------------------------------------------------


class _StreamResampler:
    """Resamples a stream block by block to the samples of resampling it whole.

    Output sample ``j`` lies at input time ``j * p / q`` (``p / q`` the reduced rate ratio), so a
    block that starts at an input sample divisible by ``p`` starts on the output grid. Each block
    is resampled with ``context`` input samples on either side, and only its middle is kept.
    """

    def __init__(self, rate_in: int, rate_out: int) -> None:
        g = math.gcd(rate_in, rate_out)
        self.rate_in, self.rate_out = rate_in, rate_out
        self.p, self.q = rate_in // g, rate_out // g
        self.context = self.p * max(1, math.ceil(_RESAMPLE_CONTEXT * rate_in / self.p))
        self.history = np.zeros(0, np.float32)  # up to `context` input samples before `pending`
        self.pending = np.zeros(0, np.float32)

    def push(self, x: np.ndarray) -> np.ndarray:
        if self.p == self.q:
            return x
        self.pending = np.concatenate([self.pending, x])
        ready = (len(self.pending) - self.context) // self.p * self.p  # input samples whose look-ahead has arrived
        if ready <= 0:
            return np.zeros(0, np.float32)
        return self._emit(ready, len(self.pending))

    def flush(self) -> np.ndarray:
        """The rest, as resampling the whole stream ends it (its end padded as the resampler pads)."""
        if self.p == self.q or len(self.pending) == 0:
            return np.zeros(0, np.float32)
        return self._emit(len(self.pending), len(self.pending), last=True)

    def _emit(self, ready: int, available: int, last: bool = False) -> np.ndarray:
        block = np.concatenate([self.history, self.pending[:available]])
        out = resample(block, orig_sr=self.rate_in, target_sr=self.rate_out)
        skip = len(self.history) * self.q // self.p
        n_out = math.ceil(ready * self.q / self.p) if last else ready * self.q // self.p
        emitted = out[skip:skip + n_out]
        consumed = np.concatenate([self.history, self.pending[:ready]])
        self.history = consumed[len(consumed) - min(len(consumed), self.context):]
        self.pending = self.pending[ready:]
        return emitted


class _RunningStats:
    """Per-feature mean and variance of every frame added (Chan et al.'s parallel form of
    Welford's algorithm, in float64), and the seconds of audio they cover."""

    def __init__(self) -> None:
        self.count = 0
        self.mean: Optional[np.ndarray] = None
        self.m2: Optional[np.ndarray] = None
        self.seconds = 0.0

    def add(self, frames: np.ndarray, seconds: float) -> None:
        x = np.asarray(frames, dtype=np.float64)
        n = len(x)
        self.seconds += seconds
        if n == 0:
            return
        batch_mean = x.mean(axis=0)
        batch_m2 = ((x - batch_mean) ** 2).sum(axis=0)
        if self.count == 0:
            self.count, self.mean, self.m2 = n, batch_mean, batch_m2
            return
        total = self.count + n
        delta = batch_mean - self.mean
        self.mean = self.mean + delta * (n / total)
        self.m2 = self.m2 + batch_m2 + delta**2 * (self.count * n / total)
        self.count = total

    def std(self) -> np.ndarray:
        return np.sqrt(self.m2 / self.count)  # the population std, as standardize_by_speaker's


class _MelFrames:
    """The mel power spectrogram of a stream's windows, reusing the frames two windows share.

    Stream frame ``a`` is centred on stream sample ``a * hop_length``. A window starting at a
    multiple of ``hop_length`` holds stream frames; those whose analysis window lies inside the
    window ("interior") do not depend on the window, so they are cached by stream frame; the
    first and last few are padded by centring and are computed for each window.
    """

    def __init__(self, mel_kwargs: dict, sr: int) -> None:
        self.kwargs = {k: v for k, v in mel_kwargs.items() if k not in ("center", "pad_mode")}  # centred, zero-padded
        self.kwargs["sr"] = sr
        self.n_fft = int(mel_kwargs["n_fft"])
        self.hop = int(mel_kwargs["hop_length"])
        self.half = self.n_fft // 2
        self.cache: dict = {}

    def window(self, signal: np.ndarray, start: int) -> np.ndarray:
        """The mel power ``(n_mels, frames)`` of ``signal``, which begins at stream sample
        ``start`` (a multiple of ``hop_length``), exactly as ``melspectrogram(y=signal)``."""
        n = len(signal)
        n_frames = 1 + n // self.hop
        first = -(-self.half // self.hop)  # the first frame whose analysis window starts inside
        last = (n - (self.n_fft - self.half)) // self.hop  # the last whose analysis window ends inside
        if last < first:
            return melspectrogram(y=signal, **self.kwargs)
        base = start // self.hop
        self.cache = {a: c for a, c in self.cache.items() if a >= base + first}  # older frames are never needed again
        missing = [t for t in range(first, last + 1) if base + t not in self.cache]
        if missing:
            lo, hi = missing[0], missing[-1]
            segment = signal[lo * self.hop - self.half: hi * self.hop - self.half + self.n_fft]
            fresh = melspectrogram(y=segment, center=False, **self.kwargs)
            for k, t in enumerate(range(lo, hi + 1)):
                self.cache[base + t] = fresh[:, k]
        # The edge frames, from the shortest segments that pad them as the whole window does
        # (at least n_fft samples long, which the analysis requires).
        head = melspectrogram(y=signal[: max(self.n_fft, (first - 1) * self.hop + self.n_fft - self.half)], **self.kwargs)[:, :first]
        tail_frame = min(last + 1 - first, (n - self.n_fft) // self.hop)  # a segment from a frame's centre keeps the frame grid
        tail = melspectrogram(y=signal[tail_frame * self.hop:], **self.kwargs)[:, last + 1 - tail_frame:]
        interior = np.stack([self.cache[base + t] for t in range(first, last + 1)], axis=1)
        out = np.concatenate([head, interior, tail], axis=1)
        assert out.shape[1] == n_frames
        return out

    def clear(self) -> None:
        self.cache = {}


# -- the recogniser -----------------------------------------------------------------------------


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(f"{name}={value} must be a positive, finite number of seconds")
    return value


def _recognizer(model: Any) -> Recognizer:
    if isinstance(model, Recognizer):
        return model
    if isinstance(model, (str, os.PathLike)):
        return load_model(model)
    raise InputTypeError(f"model must be a ser_rs.inference.Recognizer or a model folder (str or os.PathLike), got {type(model).__name__}")


class StreamingRecognizer:
    """Emotion recognition on a live stream: a result for the last ``window`` seconds after
    every ``hop`` seconds of audio (see :mod:`ser_rs.streaming` for how it is computed, how it
    matches the offline model and how a speaker-normalised model warms up).

    The first result comes when one whole window has arrived (at ``time == window``), then one
    per hop. Results are timed in seconds of stream at the model's rate.

    Parameters
    ----------
    model : Recognizer, str or os.PathLike
        A loaded model, or a model folder to load (``ser-rs train``/``ser-rs demo`` output).
    window : float
        Seconds of audio each result is computed from; at least what the model's features can
        analyse (e.g. one ``n_fft``).
    hop : float
        Seconds between results, at most ``window``. For the mel and MFCC pipelines the default
        is rounded to a whole number of the pipeline's feature hops (0.496 s at 16 kHz with a
        256-sample hop), which lets consecutive windows share their frames.
    sr : int, optional
        The input's sampling rate; default: the rate of the first :meth:`push` that names one,
        else the model's.
    warmup : float
        Seconds of audio a speaker-normalised model's running statistics need before they
        standardise the windows (until then ``warm`` is False).

    Raises
    ------
    TypeError
        ``model`` is neither a Recognizer nor a path, or a duration is not a number.
    ParameterError
        ``window``, ``hop`` or ``warmup`` is not positive and finite, ``hop > window``, the
        window is shorter than the model's features can analyse or longer than
        :data:`MAX_WINDOW`, or ``sr`` is not a positive whole number.
    FileNotFoundError
        ``model`` names a folder without a model.

    Examples
    --------
    A tiny model trained on synthetic clips (so that the example runs quickly), then a clip
    pushed in half-second chunks:

    >>> import tempfile, ser_rs
    >>> paths = ser_rs.datasets.make_demo_audio(tempfile.mkdtemp(), n_per_style=1)   # 6 synthetic clips
    >>> labels = [p.name.split("_")[1] for p in paths]                                 # 'calm' or 'lively'
    >>> clf = ser_rs.EmotionClassifier("rnn", hidden_size=8, num_layers=1, epochs=2, patience=None,
    ...                                features={"feature": "mfcc", "sr": 16000, "n_mfcc": 13})
    >>> clf = clf.fit([str(p) for p in paths], labels)
    >>> stream = ser_rs.streaming.StreamingRecognizer(ser_rs.inference.Recognizer(clf), window=1.0, hop=0.5)
    >>> y, sr = ser_rs.load(paths[0], sr=16000)
    >>> results = [r for start in range(0, 32000, 8000) for r in stream.push(y[start:start + 8000], sr=sr)]
    >>> [r.time for r in results], results[0].emotion in ("calm", "lively")
    ([1.0, 1.5, 2.0], True)
    """

    def __init__(self, model: Any, *, window: Any = DEFAULT_WINDOW, hop: Any = None, sr: Any = None, warmup: Any = DEFAULT_WARMUP) -> None:
        self._recognizer = _recognizer(model)
        self._rate = self._recognizer.sample_rate
        features = self._recognizer.features
        name, _, self._db, options = feature_call(features)
        window_s = _seconds(window, "window")
        if window_s > MAX_WINDOW:
            raise ParameterError(f"window={window_s} s is longer than {MAX_WINDOW:g} s: a live window is a few seconds, e.g. window=3.0")
        hop_s = min(DEFAULT_HOP, window_s) if hop is None else _seconds(hop, "hop")
        if hop_s > window_s:
            raise ParameterError(f"hop={hop_s} s is longer than window={window_s} s: the hop must be at most the window (e.g. window=3.0, hop=0.5)")
        self._warmup = _seconds(warmup, "warmup")
        self._window = int(round(window_s * self._rate))
        self._hop = max(1, int(round(hop_s * self._rate)))
        self._mel: Optional[_MelFrames] = None
        self._mfcc: Optional[dict] = None
        self._utterance = list(features.get("utterance") or [])
        self._frame_hop = feature_params(name, options).get("hop_length")  # None for fixed-length features
        self._setup_incremental(name, options, explicit_hop=hop is not None)
        self._check_window_is_usable()
        self._rate_given = None if sr is None else self._positive_rate(sr)
        self._lock = threading.Lock()
        self.reset()

    # -- configuration ---------------------------------------------------------------------------

    def _setup_incremental(self, name: str, options: dict, explicit_hop: bool) -> None:
        """Turn on frame reuse where it is exact (see the module's docstring)."""
        if name not in _INCREMENTAL:
            return
        params = feature_params(name, options)
        if not params.get("center", True) or params.get("pad_mode", "constant") != "constant":
            return
        frame_hop = int(params["hop_length"])
        if not explicit_hop:
            self._hop = max(frame_hop, int(round(self._hop / frame_hop)) * frame_hop)
            self._hop = min(self._hop, self._window // frame_hop * frame_hop or frame_hop)
        if self._hop % frame_hop:
            return
        mel_kwargs = {k: v for k, v in params.items() if k not in _MFCC_ONLY}
        if name == "mfcc":
            mel_kwargs["norm"] = params["mel_norm"]
            self._mfcc = {k: params[k] for k in ("n_mfcc", "dct_type", "norm", "lifter")}
        self._mel = _MelFrames(mel_kwargs, self._rate)

    def _check_window_is_usable(self) -> None:
        probe = np.random.default_rng(0).standard_normal(self._window).astype(np.float32) * np.float32(0.01)
        try:
            run_feature_pipeline([probe], self._recognizer.features, strict=True, n_jobs=1)
        except ParameterError as exc:
            raise ParameterError(f"window={self._window / self._rate} s is shorter than this model's features can analyse ({exc}): "
                                 "use a longer window, e.g. window=3.0") from None

    @staticmethod
    def _positive_rate(sr: Any) -> int:
        rate = as_rate(sr, "sr")
        if rate <= 0:
            raise ParameterError(f"sr={rate} must be a positive sampling rate in Hz, e.g. 16000")
        return rate

    @property
    def recognizer(self) -> Recognizer:
        """The model (shared; safe to use from other threads)."""
        return self._recognizer

    @property
    def window(self) -> float:
        """Seconds of audio each result is computed from."""
        return self._window / self._rate

    @property
    def hop(self) -> float:
        """Seconds between results (after rounding to whole feature hops)."""
        return self._hop / self._rate

    @property
    def incremental(self) -> bool:
        """Whether frames shared by consecutive windows are computed once."""
        return self._mel is not None

    @property
    def sample_rate(self) -> Optional[int]:
        """The input's sampling rate, once fixed (by the constructor or the first push)."""
        return self._rate_in

    def __repr__(self) -> str:
        return f"StreamingRecognizer(window={self.window}, hop={self.hop}, incremental={self.incremental}, classes={list(self._recognizer.classes)})"

    # -- the stream ------------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the stream: its audio, frames, running speaker statistics, time and input rate
        (back to the constructor's ``sr``, if any)."""
        with self._lock:
            self._rate_in = self._rate_given
            self._resampler: Optional[_StreamResampler] = None
            self._buffer = np.zeros(0, np.float32)  # model-rate samples from stream sample _buffer_start on
            self._buffer_start = 0
            self._next_end = self._window
            self._last_end = 0  # end of the last window a result was given for
            self._stats = _RunningStats()
            if self._mel is not None:
                self._mel.clear()

    def push(self, chunk: Any, sr: Any = None) -> list:
        """Add audio to the stream; a :class:`StreamResult` for each hop it completes.

        Parameters
        ----------
        chunk : np.ndarray [shape=(n,)]
            Mono samples: float32/float64 in [-1, 1], or int16 PCM (scaled by 1/32768). Any
            length; an empty chunk changes nothing.
        sr : int, optional
            Its sampling rate; resampled to the model's. The stream's rate is fixed by the
            constructor or the first push, and may not change until :meth:`reset`.

        Returns
        -------
        list of StreamResult
            In time order; empty while the hop is still incomplete.

        Raises
        ------
        TypeError
            ``chunk`` is not a numpy array of float32, float64 or int16 samples.
        ParameterError
            ``chunk`` is not 1-D or holds NaN or infinity (the stream is left as it was), or
            ``sr`` differs from the stream's rate or is not a positive whole number.

        Examples
        --------
        >>> results = stream.push(np.zeros(8000, np.int16), sr=16000)   # doctest: +SKIP
        """
        samples = self._as_samples(chunk)
        with self._lock:
            self._fix_rate(sr)
            if len(samples) == 0:
                return []
            return self._advance(self._resampler.push(samples))

    def flush(self) -> list:
        """End the stream: the rest of the resampler's output, then a result for the last
        window if audio has arrived since the last result's window ended and that window (the
        last ``window`` seconds, or the whole stream if it is shorter) is long enough for the
        model's features (a one-``n_fft`` window at least); else nothing. Call :meth:`reset`
        before using the recogniser for another stream.

        Returns
        -------
        list of StreamResult
        """
        with self._lock:
            if self._resampler is None:
                return []
            results = self._advance(self._resampler.flush())
            end = self._buffer_start + len(self._buffer)
            if end <= self._last_end:
                return results
            signal = self._buffer[max(0, len(self._buffer) - self._window):]
            try:
                results.append(self._result(signal, end - len(signal), end, incremental=False))
            except ParameterError:
                pass  # too short for the model's features: documented as no result
            return results

    # -- the work --------------------------------------------------------------------------------

    def _as_samples(self, chunk: Any) -> np.ndarray:
        if not isinstance(chunk, np.ndarray):
            raise InputTypeError(f"chunk must be a numpy array of samples (float32, float64 or int16), got {type(chunk).__name__}; "
                                 "use np.asarray(chunk, dtype=np.float32)")
        kind, size = chunk.dtype.kind, chunk.dtype.itemsize  # by kind and size, so either byte order is taken
        if (kind, size) == ("i", 2):
            samples = chunk.astype(np.float32) / np.float32(_INT16_SCALE)
        elif kind == "f" and size in (4, 8):
            samples = chunk.astype(np.float32, copy=False)
        else:
            raise InputTypeError(f"chunk must hold float32, float64 or int16 samples, got dtype {chunk.dtype}; "
                                 "convert other PCM to float in [-1, 1], e.g. chunk.astype(np.float32) / 2**31 for int32")
        if chunk.ndim != 1:
            raise ParameterError(f"chunk must be a 1-D mono signal, got shape {chunk.shape}; downmix with chunk.mean(axis=1) for (n, channels)")
        if not np.all(np.isfinite(samples)):
            raise ParameterError("chunk holds NaN or infinite samples; it was not added to the stream: clean it (np.nan_to_num) and push it again")
        return samples

    def _fix_rate(self, sr: Any) -> None:
        rate = None if sr is None else self._positive_rate(sr)
        if self._rate_in is None:
            self._rate_in = self._rate if rate is None else rate
        elif rate is not None and rate != self._rate_in:
            raise ParameterError(f"sr={rate} Hz, but this stream's rate is {self._rate_in} Hz: a stream keeps one rate; "
                                 "call reset() (or make another StreamingRecognizer) for a stream at another rate")
        if self._resampler is None:
            self._resampler = _StreamResampler(self._rate_in, self._rate)

    def _advance(self, samples: np.ndarray) -> list:
        """Append model-rate samples; a result per window they complete. Keeps the last window's
        samples only (the next window's start is later, and flush needs no more)."""
        if len(samples):
            self._buffer = np.concatenate([self._buffer, samples])
        results = []
        end = self._buffer_start + len(self._buffer)
        while end >= self._next_end:
            start = self._next_end - self._window
            signal = self._buffer[start - self._buffer_start: self._next_end - self._buffer_start]
            results.append(self._result(signal, start, self._next_end, incremental=True))
            self._next_end += self._hop
        keep_from = max(self._buffer_start, end - self._window)
        self._buffer = self._buffer[keep_from - self._buffer_start:].copy()
        self._buffer_start = keep_from
        return results

    def _result(self, signal: np.ndarray, start: int, end: int, incremental: bool) -> StreamResult:
        frames = self._frames(signal, start, incremental)
        warm = True
        if self._recognizer.speaker_norm:
            self._count_new_frames(frames, start, end)
            warm = self._stats.seconds >= self._warmup - 1e-9
        stats = dict(mean=self._stats.mean, std=self._stats.std()) if self._recognizer.speaker_norm and warm else {}
        p = self._recognizer.predict_features(frames, len(signal) / self._rate, **stats)
        self._last_end = end
        return StreamResult(end / self._rate, p.emotion, p.probabilities, warm, p.duration)

    def _frames(self, signal: np.ndarray, start: int, incremental: bool) -> np.ndarray:
        """The window's features, ``(frames, features)``, as the model's pipeline computes them."""
        if self._mel is None or not incremental:
            seqs, _ = run_feature_pipeline([signal], self._recognizer.features, strict=True, n_jobs=1)
            return seqs[0]
        power = self._mel.window(signal, start)
        if self._mfcc is not None:
            values = mfcc(S=power_to_db(power), **self._mfcc)
        else:
            values = power_to_db(power) if self._db else power
        seq = np.ascontiguousarray(values.T, dtype=np.float32)
        if not self._utterance:
            return seq
        functionals = np.concatenate([self._functionals(signal, name) for name in self._utterance])
        return np.hstack([seq, np.broadcast_to(functionals, (len(seq), len(functionals)))])

    def _functionals(self, signal: np.ndarray, name: str) -> np.ndarray:
        """The utterance feature ``name`` of the window as the pipeline appends it (NaN and
        infinity as 0). Called directly where :mod:`ser_rs.feature` has it (the same Rust as
        :func:`ser_rs.extract`, without a batch's thread pool), else through extract."""
        direct = getattr(feature, name, None)
        values = direct(signal, sr=self._rate) if direct is not None else extract([signal], name, sr=self._rate, strict=True, n_jobs=1).features[0]
        return np.nan_to_num(np.asarray(values, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)

    def _count_new_frames(self, frames: np.ndarray, start: int, end: int) -> None:
        """Add to the running statistics the frames of the audio after the last result's window."""
        new_from = max(self._last_end, start)
        seconds = (end - new_from) / self._rate
        if new_from == start or self._frame_hop is None or len(frames) == 1:
            fresh = frames
        else:
            first = -(-(new_from - start) // self._frame_hop)  # frames centred at or after new_from
            fresh = frames[first:]
        self._stats.add(fresh, seconds)
