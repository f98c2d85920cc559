"""Emotion recognition with a trained model: load it once, then predict from audio files, from
the bytes of an uploaded file, or from signals in memory, with the feature pipeline the model
was trained with.

A :class:`Recognizer` is made for a server or a stream: it is immutable once loaded, and its
predict methods may be called from many threads at once (decoding, features and the network run
in Rust with the GIL released; the network sits behind a lock). ``ser-rs predict`` is a loop
over :meth:`Recognizer.predict_files`.

Examples
--------
>>> import ser_rs.inference
>>> recognizer = ser_rs.inference.load_model("ser_rs_output/model")    # doctest: +SKIP
>>> recognizer.predict_file("speech.wav").emotion                      # doctest: +SKIP
'happy'
>>> recognizer.predict_bytes(request_body).to_dict()                   # doctest: +SKIP
{'path': None, 'emotion': 'happy', 'probability': 0.71, 'probabilities': {...}, 'duration': 3.2}
"""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from ser_rs._validate import as_audio, as_n_jobs, as_rate
from ser_rs.audio import load, resample
from ser_rs.exceptions import InputTypeError, ItemError, ParameterError, exception_class
from ser_rs.model import MODEL_SR, EmotionClassifier, run_feature_pipeline, standardize

__all__ = ["Prediction", "PredictionBatch", "Recognizer", "load_model"]

#: The files a model folder holds (written by :meth:`EmotionClassifier.save`).
_CHECKPOINT_FILES = ("model.json", "weights.safetensors")


@dataclass(frozen=True)
class Prediction:
    """The emotion recognised in one recording.

    Attributes
    ----------
    emotion
        The most probable label.
    probabilities : dict
        Each label's probability, in the model's label order; they sum to 1.
    duration : float
        Seconds of audio analysed.
    path : str or None
        The file it came from (None for bytes and arrays).
    index : int
        Its position in the inputs of a batch (0 for a single prediction).

    Examples
    --------
    :meth:`Recognizer.predict_file` and its siblings make them; one made by hand:

    >>> from ser_rs.inference import Prediction
    >>> p = Prediction("happy", {"happy": 0.7, "sad": 0.3}, duration=3.2, path="a.wav")
    >>> p.emotion, p.probability
    ('happy', 0.7)
    >>> p.to_dict()["probabilities"]
    {'happy': 0.7, 'sad': 0.3}
    """

    emotion: Any
    probabilities: dict
    duration: float
    path: Optional[str] = None
    index: int = 0

    @property
    def probability(self) -> float:
        """The probability of :attr:`emotion`."""
        return self.probabilities[self.emotion]

    def to_dict(self) -> dict:
        """The prediction as JSON-ready values: the lines of ``ser-rs predict --json``.

        Returns
        -------
        dict
            ``path``, ``emotion``, ``probability``, ``probabilities`` and ``duration``, as plain Python values.

        Examples
        --------
        >>> from ser_rs.inference import Prediction
        >>> Prediction("sad", {"angry": 0.25, "sad": 0.75}, 2.5).to_dict()
        {'path': None, 'emotion': 'sad', 'probability': 0.75, 'probabilities': {'angry': 0.25, 'sad': 0.75}, 'duration': 2.5}
        """
        return {"path": self.path, "emotion": _plain(self.emotion), "probability": float(self.probability),
                "probabilities": {str(k): float(v) for k, v in self.probabilities.items()}, "duration": float(self.duration)}


class PredictionBatch(NamedTuple):
    """What :meth:`Recognizer.predict_files` returns: a prediction per good input, in input
    order, and an error per input that could not be read.

    Attributes
    ----------
    predictions : list of Prediction
        One per input that could be read, in input order; ``Prediction.index`` is its position.
    errors : list of ser_rs.ItemError
        One per input that could not.

    Examples
    --------
    >>> from ser_rs.exceptions import ItemError
    >>> from ser_rs.inference import Prediction, PredictionBatch
    >>> batch = PredictionBatch([Prediction("sad", {"sad": 1.0}, 2.0, "a.wav", 0)],
    ...                         [ItemError(1, "b.wav", "AudioDecodeError", "not audio")])
    >>> [p.path for p in batch.predictions], [e.path for e in batch.errors]
    (['a.wav'], ['b.wav'])
    """

    predictions: list
    errors: list


def _plain(value: Any) -> Any:
    """A numpy scalar label as the Python value JSON can hold."""
    return value.item() if isinstance(value, np.generic) else value


class Recognizer:
    """A trained emotion classifier ready to predict from audio.

    Every input goes through the feature pipeline recorded in the model (its ``features_``):
    decoded, resampled to the pipeline's rate and analysed exactly as the training files were.

    A model trained with ``speaker_norm`` standardises each speaker's features by that speaker's
    own statistics. :meth:`predict_files` takes ``speakers`` for that (all files are one
    speaker's when it is None); a single prediction is standardised by its own statistics,
    which is rough: give a speaker-normalised model several utterances of each speaker.

    Parameters
    ----------
    classifier : EmotionClassifier
        A fitted classifier that was trained on audio files (so it knows its feature pipeline).

    Raises
    ------
    TypeError
        ``classifier`` is not an EmotionClassifier.
    ParameterError
        It is not fitted, or was fitted on feature arrays rather than audio.

    Examples
    --------
    >>> import ser_rs
    >>> recognizer = ser_rs.inference.Recognizer(ser_rs.EmotionClassifier())
    Traceback (most recent call last):
    ...
    ser_rs.exceptions.ParameterError: this EmotionClassifier is not fitted: fit it on audio files, or load a saved model with ser_rs.inference.load_model

    A classifier fitted on audio files (tiny here, to run quickly) predicts from files, bytes
    and arrays:

    >>> import tempfile, ser_rs
    >>> paths = ser_rs.datasets.make_demo_audio(tempfile.mkdtemp(), n_per_style=1)   # 6 synthetic clips
    >>> labels = [p.name.split("_")[1] for p in paths]                                 # 'calm' or 'lively'
    >>> clf = ser_rs.EmotionClassifier("rnn", hidden_size=8, num_layers=1, epochs=2, patience=None,
    ...                                features={"feature": "mfcc", "sr": 16000, "n_mfcc": 13})
    >>> clf = clf.fit([str(p) for p in paths], labels)
    >>> recognizer = ser_rs.inference.Recognizer(clf)
    >>> prediction = recognizer.predict_file(paths[0])
    >>> prediction.emotion in ("calm", "lively"), round(sum(prediction.probabilities.values()), 6)
    (True, 1.0)
    >>> recognizer.predict_bytes(paths[0].read_bytes()).probabilities == prediction.probabilities
    True
    """

    __slots__ = ("_classifier", "_classes", "_features", "_rate")

    def __init__(self, classifier: EmotionClassifier) -> None:
        if not isinstance(classifier, EmotionClassifier):
            raise InputTypeError(f"classifier must be a fitted ser_rs.EmotionClassifier, got {type(classifier).__name__}")
        if getattr(classifier, "classes_", None) is None:
            raise ParameterError("this EmotionClassifier is not fitted: fit it on audio files, or load a saved model with ser_rs.inference.load_model")
        if getattr(classifier, "features_", None) is None:
            raise ParameterError("this model was trained on feature arrays, not audio, so it cannot predict from audio: "
                                 "predict with EmotionClassifier.predict on the same kind of features")
        self._classifier = classifier
        self._classes = tuple(_plain(c) for c in classifier.classes_)
        self._features = dict(classifier.features_)
        self._rate = as_rate(self._features.get("sr", MODEL_SR), "the model's features['sr']")

    @property
    def classes(self) -> tuple:
        """The labels the model can predict, in its output order."""
        return self._classes

    @property
    def sample_rate(self) -> int:
        """The rate (Hz) the model's features are computed at; inputs are resampled to it."""
        return self._rate

    @property
    def features(self) -> dict:
        """A copy of the model's feature pipeline (see :func:`ser_rs.model.extract_sequences`)."""
        return dict(self._features)

    @property
    def speaker_norm(self) -> bool:
        """Whether the model standardises each speaker's features by that speaker's statistics."""
        return bool(self._classifier.speaker_norm)

    def __repr__(self) -> str:
        return f"Recognizer(classes={list(self._classes)}, features={self._features})"

    # -- single inputs -------------------------------------------------------------------------

    def predict_file(self, path: Any) -> Prediction:
        """The emotion in one audio file (WAV, FLAC, MP3, OGG).

        Parameters
        ----------
        path : str or os.PathLike
            The audio file.

        Returns
        -------
        Prediction
            The emotion, each label's probability, the seconds analysed and ``path``.

        Raises
        ------
        TypeError
            ``path`` is not a str or os.PathLike.
        FileNotFoundError, AudioDecodeError, ParameterError
            The file is missing, not decodable audio (corrupt, truncated) or unusable (too short).

        Examples
        --------
        >>> recognizer.predict_file("speech.wav").emotion     # doctest: +SKIP
        'calm'
        """
        if not isinstance(path, (str, os.PathLike)):
            raise InputTypeError(f"path must be a str or os.PathLike, got {type(path).__name__}; for file contents use predict_bytes")
        return self._single(self._decode_file(os.fspath(path)), path=os.fspath(path))

    def predict_bytes(self, data: Any) -> Prediction:
        """The emotion in the bytes of an audio file (WAV, FLAC, MP3, OGG), e.g. an upload.

        Parameters
        ----------
        data : bytes, bytearray or memoryview
            The whole file's bytes.

        Returns
        -------
        Prediction
            The emotion, each label's probability and the seconds analysed.

        Raises
        ------
        TypeError
            ``data`` is not bytes, bytearray or memoryview.
        ParameterError
            ``data`` is empty, or its audio is unusable (too short).
        AudioDecodeError
            The bytes are not decodable audio, or a truncated file.

        Examples
        --------
        >>> recognizer.predict_bytes(open("speech.wav", "rb").read()).probability   # doctest: +SKIP
        0.83
        """
        return self._single(self._decode_bytes(data))

    def predict_array(self, y: Any, sr: Any) -> Prediction:
        """The emotion in a mono signal ``y`` sampled at ``sr`` Hz (resampled to
        :attr:`sample_rate` when it differs).

        Parameters
        ----------
        y : np.ndarray [shape=(n,)], float
            The signal.
        sr : int
            Its sampling rate in Hz.

        Returns
        -------
        Prediction
            The emotion, each label's probability and the seconds analysed.

        Raises
        ------
        TypeError
            ``y`` is not a floating-point numpy array, or ``sr`` is not a number.
        ParameterError
            ``y`` is not 1-D, empty, too short or holds NaN or infinity; ``sr`` is not a positive
            whole number.

        Examples
        --------
        >>> recognizer.predict_array(y, sr=48000).duration   # doctest: +SKIP
        3.5
        """
        signal = self._at_model_rate(y, sr)
        return self._single((signal, len(signal) / self._rate if len(signal) else 0.0))

    def predict_features(self, frames: Any, duration: float, *, mean: Any = None, std: Any = None) -> Prediction:
        """The emotion of one utterance's features, ``(frames, features)`` as the model's
        pipeline computes them (:attr:`features`), for callers that compute them themselves, such
        as :class:`ser_rs.streaming.StreamingRecognizer`.

        Parameters
        ----------
        frames : np.ndarray [shape=(frames, features)]
        duration : float
            Seconds of audio the frames describe (reported in the prediction).
        mean, std : np.ndarray [shape=(features,)], optional
            A speaker-normalised model's speaker statistics (both or neither); without them the
            frames are standardised by their own, as :meth:`predict_array` does. Other models
            refuse them.

        Returns
        -------
        Prediction
            The emotion, each label's probability and ``duration``.

        Raises
        ------
        TypeError
            ``frames`` is not a real-valued numpy array.
        ParameterError
            ``frames`` is not 2-D with the model's feature count, or the statistics are given
            to a model without speaker normalisation, or only one of them.

        Examples
        --------
        >>> recognizer.predict_features(frames, 3.0).emotion    # doctest: +SKIP
        'calm'
        """
        if (mean is None) != (std is None):
            raise ParameterError("pass both mean and std (a speaker's statistics), or neither")
        if mean is not None and not self.speaker_norm:
            raise ParameterError("mean and std are speaker statistics, and this model does not normalise by speaker: drop them")
        seq = self._checked_frames(frames)
        if not self.speaker_norm:
            proba = self._classifier.predict_proba([seq])
        elif mean is None:
            proba = self._classifier.predict_proba([seq], speakers=[0])
        else:
            proba = self._classifier.predict_proba_standardized([standardize(seq, mean, std)])
        p = proba[0]
        return Prediction(self._classes[int(np.argmax(p))], dict(zip(self._classes, map(float, p))), float(duration))

    def _checked_frames(self, frames: Any) -> np.ndarray:
        if not isinstance(frames, np.ndarray) or not (np.issubdtype(frames.dtype, np.floating) or np.issubdtype(frames.dtype, np.integer)):
            raise InputTypeError(f"frames must be a real-valued numpy array of shape (frames, features), got {type(frames).__name__}")
        n_features = self._classifier.n_features_in_
        if frames.ndim != 2 or frames.shape[0] == 0 or frames.shape[1] != n_features:
            raise ParameterError(f"frames must have shape (frames >= 1, {n_features}) for this model, got {frames.shape}")
        return np.ascontiguousarray(frames, dtype=np.float32)

    # -- batches -------------------------------------------------------------------------------

    def predict_files(self, paths: Sequence[Any], *, speakers: Optional[Sequence[Any]] = None, n_jobs: Optional[int] = None) -> PredictionBatch:
        """The emotion in each of many audio files. A file that cannot be read (missing,
        corrupt, truncated, too short) becomes an error; the others are still predicted.

        Parameters
        ----------
        paths : sequence of str or os.PathLike
        speakers : sequence, optional
            One speaker id per file, for a model trained with ``speaker_norm``: each speaker's
            files are standardised by their own statistics (ten or more files a speaker give
            stable ones). None: all files are one speaker's. Unused by other models.
        n_jobs : int, optional
            Feature-extraction threads (default every core).

        Returns
        -------
        PredictionBatch
            ``predictions`` for the good files in input order (``Prediction.index`` is the
            input position) and ``errors`` (:class:`ser_rs.ItemError`) for the others.

        Raises
        ------
        InputTypeError
            ``paths`` is a single path rather than a sequence.
        ParameterError
            ``speakers`` not one id per file.

        Examples
        --------
        >>> batch = recognizer.predict_files(["a.wav", "b.wav", "missing.wav"])   # doctest: +SKIP
        >>> [p.path for p in batch.predictions], batch.errors[0].error_type       # doctest: +SKIP
        (['a.wav', 'b.wav'], 'MissingFileError')
        """
        if isinstance(paths, (str, os.PathLike)) or not isinstance(paths, Sequence):
            raise InputTypeError("paths must be a sequence of audio file paths; wrap a single path in a list")
        if speakers is not None and len(speakers) != len(paths):
            raise ParameterError(f"paths has {len(paths)} files but speakers has {len(speakers)} ids: pass one speaker id per file")
        workers = as_n_jobs(n_jobs) or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:  # decoding releases the GIL
            outcomes = list(pool.map(self._try_decode_file, paths))
        names = [os.fspath(p) if isinstance(p, (str, os.PathLike)) else None for p in paths]
        return self._batch(outcomes, names, speakers, n_jobs)

    def predict_arrays(self, signals: Sequence[Any], sr: Any, *, speakers: Optional[Sequence[Any]] = None,
                       n_jobs: Optional[int] = None) -> PredictionBatch:
        """The emotion in each of many mono signals sampled at ``sr`` Hz (resampled to
        :attr:`sample_rate` when it differs), as :meth:`predict_files` does for files: a signal
        that cannot be used (not a float array, empty, too short, NaN) becomes an error and the
        others are still predicted. For signals already in memory, such as noisy copies of a
        corpus, with one speaker's statistics shared across their signals.

        Parameters
        ----------
        signals : sequence of np.ndarray [shape=(n,)], float
            The signals, all at ``sr``.
        sr : int
            Their sampling rate in Hz.
        speakers : sequence, optional
            One speaker id per signal, for a model trained with ``speaker_norm`` (as in
            :meth:`predict_files`); None: all signals are one speaker's. Unused by other models.
        n_jobs : int, optional
            Feature-extraction threads (default every core).

        Returns
        -------
        PredictionBatch
            ``predictions`` for the good signals in input order (``Prediction.index`` is the
            input position, ``path`` None) and ``errors`` for the others.

        Raises
        ------
        InputTypeError
            ``signals`` is a single array rather than a sequence of them, or ``sr`` is not a number.
        ParameterError
            ``sr`` is not a positive whole number, or ``speakers`` is not one id per signal.

        Examples
        --------
        >>> batch = recognizer.predict_arrays([y1, y2], sr=48000, speakers=["ann", "ann"])   # doctest: +SKIP
        >>> [p.emotion for p in batch.predictions]                                            # doctest: +SKIP
        ['happy', 'sad']
        """
        if isinstance(signals, (np.ndarray, str, bytes)) or not isinstance(signals, Sequence):
            raise InputTypeError("signals must be a sequence (e.g. a list) of 1-D numpy arrays; wrap a single signal in a list")
        rate = as_rate(sr, "sr")
        if rate <= 0:
            raise ParameterError(f"sr={sr} must be a positive sampling rate in Hz, e.g. 16000")
        if speakers is not None and len(speakers) != len(signals):
            raise ParameterError(f"signals has {len(signals)} items but speakers has {len(speakers)} ids: pass one speaker id per signal")
        workers = as_n_jobs(n_jobs) or os.cpu_count() or 1
        with ThreadPoolExecutor(max_workers=workers) as pool:  # resampling releases the GIL
            outcomes = list(pool.map(lambda y: self._try_at_model_rate(y, rate), signals))
        return self._batch(outcomes, [None] * len(signals), speakers, n_jobs)

    def _batch(self, outcomes: list, names: list, speakers: Optional[Sequence[Any]], n_jobs: Optional[int]) -> PredictionBatch:
        """Predictions for the decoded ``outcomes`` (an exception where an input failed), named
        ``names``, in input order, and one error per failed input."""
        decoded = [(i, names[i], out) for i, out in enumerate(outcomes) if not isinstance(out, Exception)]
        errors = [ItemError(i, names[i], type(out).__name__, str(out)) for i, out in enumerate(outcomes) if isinstance(out, Exception)]
        groups = None if speakers is None else [speakers[i] for i, _, _ in decoded]
        predictions, failed = self._predict([d for _, _, d in decoded], groups, n_jobs)
        for e in failed:
            i, path, _ = decoded[e.index]
            errors.append(e._replace(index=i, path=path))
        out = [replace(p, index=i, path=path) for (i, path, _), p in zip(decoded, predictions) if p is not None]
        return PredictionBatch(out, sorted(errors, key=lambda e: e.index))

    # -- the shared steps ----------------------------------------------------------------------

    def _try_decode_file(self, path: Any) -> Any:
        """The decoded file, or the exception it raised: a bad file is its own error, never the batch's."""
        try:
            if not isinstance(path, (str, os.PathLike)):
                raise InputTypeError(f"each path must be a str or os.PathLike, got {type(path).__name__}")
            return self._decode_file(os.fspath(path))
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            return exc

    def _try_at_model_rate(self, y: Any, rate: int) -> Any:
        """``y`` at the model's rate with its duration, or the exception it raised."""
        try:
            signal = self._at_model_rate(y, rate)
            return signal, len(signal) / self._rate
        except (OSError, ValueError, TypeError, RuntimeError) as exc:
            return exc

    def _decode_file(self, path: str) -> tuple[np.ndarray, float]:
        y, rate = load(path, sr=self._rate)
        return y, len(y) / rate

    def _decode_bytes(self, data: Any) -> tuple[np.ndarray, float]:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InputTypeError(f"data must be the bytes of an audio file, got {type(data).__name__}; for a path use predict_file")
        if len(data) == 0:
            raise ParameterError("data is empty (0 bytes): pass the contents of an audio file (WAV, FLAC, MP3 or OGG)")
        y, rate = load(io.BytesIO(bytes(data)), sr=self._rate)
        return y, len(y) / rate

    def _at_model_rate(self, y: Any, sr: Any) -> np.ndarray:
        signal = as_audio(y, "y")
        rate = as_rate(sr, "sr")
        return signal if rate == self._rate else resample(signal, orig_sr=rate, target_sr=self._rate)

    def _single(self, decoded: tuple[np.ndarray, float], path: Optional[str] = None) -> Prediction:
        (prediction,), errors = self._predict([decoded], None, n_jobs=1)
        if errors:
            e = errors[0]
            raise exception_class(e.error_type)(f"{path}: {e.message}" if path else e.message)
        return replace(prediction, path=path)

    def _predict(self, decoded: list, speakers: Optional[list], n_jobs: Optional[int]) -> tuple[list, list]:
        """A Prediction (None where the features failed) per decoded signal, and the errors."""
        seqs, errors = run_feature_pipeline([y for y, _ in decoded], self._features, n_jobs=n_jobs)
        good = [i for i, s in enumerate(seqs) if s is not None]
        out: list = [None] * len(decoded)
        if not good:
            return out, errors
        groups = None
        if self.speaker_norm:
            groups = [0] * len(good) if speakers is None else [speakers[i] for i in good]
        proba = self._classifier.predict_proba([seqs[i] for i in good], speakers=groups)
        for i, p in zip(good, proba):
            k = int(np.argmax(p))
            out[i] = Prediction(self._classes[k], dict(zip(self._classes, map(float, p))), decoded[i][1])
        return out, errors


def load_model(path: Any, *, device: str = "cpu") -> Recognizer:
    """Load a model saved by ``ser-rs train`` or :meth:`EmotionClassifier.save`, ready to predict.

    Parameters
    ----------
    path : str or os.PathLike
        The model folder, or its ``model.json`` or ``weights.safetensors``.
    device : str
        ``'cpu'``, or ``'cuda'``/``'cuda:N'``.

    Returns
    -------
    Recognizer

    Raises
    ------
    TypeError
        ``path`` is not a str or os.PathLike.
    FileNotFoundError
        The folder or one of its files is missing.
    ParameterError
        A corrupt, truncated or mismatched checkpoint, or a model trained on feature arrays
        rather than audio.

    Examples
    --------
    >>> import ser_rs.inference
    >>> ser_rs.inference.load_model("no/such/model")
    Traceback (most recent call last):
    ...
    ser_rs.exceptions.MissingFileError: no/such/model/model.json: no such file or directory
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(f"path must be a model folder as a str or os.PathLike, got {type(path).__name__}")
    folder = Path(path)
    if folder.name in _CHECKPOINT_FILES and folder.is_file():
        folder = folder.parent
    return Recognizer(EmotionClassifier.load(folder, device=device))
