"""The tch (libtorch) stage: :class:`EmotionClassifier`, a speech emotion classifier trained in
Rust (RNN, CNN, CRNN or MLP), with adversarial training, robustness evaluation and
safetensors checkpoints; plus what the linked libtorch offers and the feature statistics a
scaler is fitted with.

Examples
--------
>>> import numpy as np, ser_rs
>>> rng = np.random.default_rng(0)
>>> y = ["calm", "angry"] * 20
>>> X = [rng.normal(size=(int(rng.integers(5, 15)), 4)) + (label == "angry") for label in y]
>>> clf = ser_rs.EmotionClassifier(hidden_size=8, num_layers=1, epochs=15, patience=None, lr=0.01)
>>> clf.fit(X, y).score(X, y) > 0.9
True
"""

from __future__ import annotations

import inspect
import json
import math
import numbers
import os
import tempfile
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple, Optional, Sequence

import numpy as np

from ser_rs import _native
from ser_rs._backend import trainer
from ser_rs._progress import ProgressBar
from ser_rs._validate import as_spectrogram, is_sparse
from ser_rs import exceptions
from ser_rs.exceptions import InputTypeError, ParameterError

__all__ = ["EmotionClassifier", "CLASSIFIER_DEFAULTS", "CLASSIFIER_SEARCH_SPACE", "SearchRange", "DEFAULT_FEATURES", "MODEL_SR", "TRAINING_PERTURBATIONS", "as_sequences", "backend_info",
           "column_stats", "extract_sequences", "run_feature_pipeline", "standardize", "standardize_by_speaker"]

#: The sampling rate (Hz) the classifier's feature pipelines analyse at, unless a pipeline names
#: its own ``sr``. Not :data:`ser_rs.audio.LIBROSA_SR` (22050 Hz), which the librosa-mirroring
#: functions keep so that they give librosa's numbers: speech corpora are recorded or shared at
#: 16 kHz (RAVDESS's speech copy here, CREMA-D, EmoDB), the cues of emotion in speech (pitch,
#: formants, energy) lie well below its 8 kHz Nyquist limit, and upsampling to 22050 Hz would add
#: 38% more samples to analyse and no information.
MODEL_SR: int = 16000

#: The feature pipeline used when ``X`` are file paths and ``features`` is None: 40 MFCCs at
#: 16 kHz with 64 ms windows and a 16 ms hop (about 60 frames a second), a common SER front end.
DEFAULT_FEATURES: dict = {"feature": "mfcc", "sr": MODEL_SR, "n_mfcc": 40, "n_fft": 1024, "hop_length": 256}

_ATTACKS = ("fgsm", "pgd", "noise")
#: What ``EmotionClassifier(adversarial=...)`` can train against: the attacks, and TRADES.
TRAINING_PERTURBATIONS: tuple = _ATTACKS + ("trades",)



def backend_info() -> dict:
    """Facts about the linked libtorch: ``cuda_available``, ``cuda_devices``, ``threads``.

    Returns
    -------
    dict
        ``cuda_available`` (bool), ``cuda_devices`` (int) and ``threads`` (int, libtorch's intra-op threads).

    Raises
    ------
    TrainerNotInstalledError
        The trainer (``pip install "ser_rs[train]"``) is not installed.

    Examples
    --------
    >>> import ser_rs.model
    >>> sorted(ser_rs.model.backend_info())
    ['cuda_available', 'cuda_devices', 'threads']
    """
    return trainer().backend_info()


def column_stats(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and population standard deviation of a 2-D feature matrix, by libtorch.

    Parameters
    ----------
    X : np.ndarray [shape=(n_rows, n_columns)]
        A numeric matrix.

    Returns
    -------
    mean, std : np.ndarray [shape=(n_columns,)]
        Column means and population standard deviations.

    Raises
    ------
    TrainerNotInstalledError
        The trainer is not installed.

    Examples
    --------
    >>> import numpy as np, ser_rs.model
    >>> mean, std = ser_rs.model.column_stats(np.array([[1.0, 2.0], [3.0, 2.0]]))
    >>> mean.tolist(), std.tolist()
    ([2.0, 2.0], [1.0, 0.0])
    """
    return trainer().column_stats(as_spectrogram(X, "X"))


# -- argument checks (types here; values in Rust, once) ------------------------------------------


def _int(value: Any, name: str, optional: bool = False) -> Optional[int]:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(f"{name} must be an integer{' or None' if optional else ''}, got {type(value).__name__}")
    if value < 0:
        raise ParameterError(f"{name}={value} must be >= 0")
    return int(value)


def _float(value: Any, name: str, optional: bool = False) -> Optional[float]:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputTypeError(f"{name} must be a number{' or None' if optional else ''}, got {type(value).__name__}")
    # Caught here because the settings travel to Rust as JSON, which has no NaN or infinity.
    if not math.isfinite(value):
        raise ParameterError(f"{name}={value} must be a finite number")
    return float(value)


def _choice(value: Any, name: str, choices: Sequence[Optional[str]]) -> Any:
    if value not in choices:
        raise ParameterError(f"{name}={value!r} is not supported; use one of {list(choices)}")
    return value


def _is_path(item: Any) -> bool:
    return isinstance(item, (str, os.PathLike))


def _sequences(X: Any, name: str = "X") -> list:
    """``X`` as a list of float32 C-contiguous ``(T_i, F)`` arrays (a 2-D array: ``T_i = 1``)."""
    if is_sparse(X):
        raise InputTypeError(f"{name} is a sparse {type(X).__name__}, and sparse input is not supported: pass dense features, {name}.toarray()")
    if not isinstance(X, (np.ndarray, list, tuple)) and hasattr(X, "__array__"):
        X = np.asarray(X)  # a DataFrame or another array-like of vectors
    if isinstance(X, np.ndarray):
        if not (np.issubdtype(X.dtype, np.floating) or np.issubdtype(X.dtype, np.integer)):
            raise InputTypeError(f"{name} must hold real numbers, got dtype {X.dtype}")
        if X.ndim == 2:
            return [np.ascontiguousarray(row[None, :], dtype=np.float32) for row in X]
        if X.ndim == 3:
            return [np.ascontiguousarray(s, dtype=np.float32) for s in X]
        raise ParameterError(f"{name} must be a 2-D (samples, features) or 3-D (samples, frames, features) array, got shape {X.shape}")
    if not isinstance(X, (list, tuple)):
        raise InputTypeError(f"{name} must be a list of (frames, features) arrays, a 2-D array or a list of paths, got {type(X).__name__}")
    out = []
    for i, s in enumerate(X):
        if isinstance(s, (list, tuple)):
            # Refused rather than guessed: nested lists could be vectors or ragged sequences.
            raise InputTypeError(f"{name} is a list of lists: pass np.asarray({name}, dtype=np.float32) for (samples, features) vectors, "
                            f"or a list of (frames, features) numpy arrays for sequences")
        if not isinstance(s, np.ndarray):
            raise InputTypeError(f"{name}[{i}] must be a numpy array, got {type(s).__name__}")
        if not (np.issubdtype(s.dtype, np.floating) or np.issubdtype(s.dtype, np.integer)):
            raise InputTypeError(f"{name}[{i}] must hold real numbers, got dtype {s.dtype}")
        if s.ndim != 2:
            raise ParameterError(f"{name}[{i}] must be 2-D (frames, features), got shape {s.shape}; transpose librosa-style (features, frames) output with .T")
        out.append(np.ascontiguousarray(s, dtype=np.float32))
    return out


def standardize_by_speaker(X: Any, speakers: Any, *, name: str = "X") -> list:
    """Standardise each speaker's features by that speaker's own mean and standard deviation
    (over all frames of all their utterances), per feature.

    Speakers differ in pitch, loudness and timbre far more than one speaker's emotions do, and a
    model trained on some speakers meets new ones at test time. Removing each speaker's own
    offsets and scales (speaker-level normalisation, as in Busso et al., "Iterative feature
    normalization scheme for automatic emotion detection from speech", IEEE Trans. Affective
    Computing 4(4), 2013) keeps how an utterance departs from its speaker's usual voice, which is
    what emotion changes. It needs no labels: at test time, a handful of utterances of the new
    speaker (ten or more is a good start) give the statistics.

    Parameters
    ----------
    X : list of (frames, features) arrays, or a 2-D (samples, features) array
    speakers : sequence
        One speaker id per sample.
    name : str
        What ``X`` is called in error messages.

    Returns
    -------
    list of float32 (frames, features) arrays
        Features whose std is zero within a speaker are only centred.

    Raises
    ------
    ParameterError
        ``speakers`` not one id per sample, holding None or NaN, or features holding NaN or infinity.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> X = [np.array([[1.0], [3.0]]), np.array([[10.0], [30.0]])]
    >>> out = ser_rs.model.standardize_by_speaker(X, ["ann", "bob"])
    >>> [s.ravel().tolist() for s in out]
    [[-1.0, 1.0], [-1.0, 1.0]]
    """
    seqs = _sequences(X, name)
    ids = np.asarray(speakers, dtype=object)  # a lone string is 0-d, so refused below
    if ids.ndim != 1:
        raise ParameterError(f"speakers must be a 1-D sequence with one speaker id per sample of {name}")
    if len(ids) != len(seqs):
        raise ParameterError(f"{name} has {len(seqs)} samples but speakers has {len(ids)} ids: pass one speaker id per sample")
    if any(s is None or (isinstance(s, float) and np.isnan(s)) for s in ids.tolist()):
        raise ParameterError("speakers holds missing ids (None or NaN): give every sample a speaker")
    out: list = [None] * len(seqs)
    groups: dict = {}
    for i, s in enumerate(ids.tolist()):
        groups.setdefault(s, []).append(i)
    for members in groups.values():
        frames = np.concatenate([seqs[i] for i in members]).astype(np.float64)
        if not np.all(np.isfinite(frames)):
            raise ParameterError(f"{name} holds NaN or infinite values: clean the features before normalising")
        mean, std = frames.mean(axis=0), frames.std(axis=0)
        for i in members:
            out[i] = standardize(seqs[i], mean, std)
    return out


def standardize(frames: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """``(frames - mean) / std`` per feature as float32, where a feature whose ``std`` is
    (nearly) zero is only centred: the rule of :func:`standardize_by_speaker`, for statistics
    gathered elsewhere (a live stream's running ones, :mod:`ser_rs.streaming`).

    Parameters
    ----------
    frames : np.ndarray [shape=(n_frames, n_features)]
        Feature frames.
    mean, std : np.ndarray [shape=(n_features,)]
        The statistics to standardise by.

    Returns
    -------
    np.ndarray [shape=(n_frames, n_features)], float32
        The standardised frames.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> ser_rs.model.standardize(np.array([[3.0, 5.0]]), np.array([1.0, 5.0]), np.array([2.0, 0.0])).tolist()
    [[1.0, 0.0]]
    """
    mean = np.asarray(mean, dtype=np.float64)
    std = np.array(std, dtype=np.float64)
    std[std <= 1e-8 * np.maximum(1.0, np.abs(mean))] = 1.0  # a constant feature is centred, not blown up
    return ((frames - mean) / std).astype(np.float32)


def extract_sequences(paths: Sequence[Any], features: Optional[dict] = None, *, n_jobs: Optional[int] = None, signals: Optional[Sequence[np.ndarray]] = None) -> list:
    """Run a feature pipeline on files (or on ``signals`` at the pipeline's rate): a list of
    ``(frames, features)`` arrays, ``(1, n)`` for fixed-length features such as ``'ser162'``.

    ``features`` is a dict: ``feature`` (a name in :data:`ser_rs.FEATURES`), ``sr`` (analysis
    rate), ``db`` (convert a power spectrogram to dB; default True for ``'melspectrogram'``),
    ``utterance`` (optional names of fixed-length features, such as ``'egemaps_like'`` and
    ``'ser162'``, computed at ``sr`` with their defaults and appended to every frame, so a
    recurrent model sees each frame beside its utterance's functionals; a value the clip cannot
    support, such as the pitch of an unvoiced clip, becomes 0) and the frame feature's keyword
    arguments. Default: :data:`DEFAULT_FEATURES`.

    Parameters
    ----------
    paths : sequence of str or os.PathLike
        Audio files (ignored when ``signals`` is given).
    features : dict, optional
        The pipeline, as above.
    n_jobs : int, optional
        Worker threads; None uses every core.
    signals : sequence of np.ndarray, optional
        Mono signals at the pipeline's ``sr``, instead of files.

    Returns
    -------
    list of np.ndarray
        One float32 ``(frames, features)`` array per item.

    Raises
    ------
    SerError
        The first item that cannot be read or analysed (use :func:`run_feature_pipeline` to keep
        the good items of a batch); ``ParameterError`` for an unusable pipeline.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> tone = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> [s.shape for s in ser_rs.model.extract_sequences([], signals=[tone])]
    [(63, 40)]
    >>> hybrid = {"feature": "mfcc", "sr": 16000, "n_mfcc": 13, "utterance": ["ser162"]}
    >>> [s.shape for s in ser_rs.model.extract_sequences([], hybrid, signals=[tone])]
    [(32, 175)]
    """
    items = list(signals) if signals is not None else list(paths)
    seqs, _ = run_feature_pipeline(items, features, strict=True, n_jobs=n_jobs)
    return seqs


def run_feature_pipeline(items: Sequence[Any], features: Optional[dict] = None, *, strict: bool = False, n_jobs: Optional[int] = None,
                         progress: bool = False) -> tuple[list, list]:
    """Run a feature pipeline (as :func:`extract_sequences`) on a batch that may hold bad items:
    each item's sequence, None where it failed, and the failures.

    An item fails if any of the pipeline's features fails on it; the others are kept.

    Parameters
    ----------
    items : sequence of str, os.PathLike or np.ndarray
        Audio files, or 1-D float signals at the pipeline's rate ``features['sr']``.
    features : dict, optional
        The pipeline (see :func:`extract_sequences`); default :data:`DEFAULT_FEATURES`.
    strict : bool
        Raise the first bad item's error instead of collecting it.
    n_jobs : int, optional
        Worker threads (default every core).
    progress : bool
        Show progress bars.

    Returns
    -------
    seqs : list
        One ``(frames, features)`` float32 array per item, None for the failed ones.
    errors : list of ser_rs.ItemError
        One per failed item, in input order.

    Raises
    ------
    ParameterError
        An unusable pipeline; with ``strict``, a bad item's own exception.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> tone = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> seqs, errors = ser_rs.model.run_feature_pipeline([tone, "missing.wav"])
    >>> seqs[0].shape, seqs[1], errors[0].error_type
    ((63, 40), None, 'MissingFileError')
    """
    from ser_rs.batch import extract

    name, sr, _, options = feature_call(features)
    utterance = _utterance_features(features)
    result = extract(items, name, sr=sr, strict=strict, n_jobs=n_jobs, progress=progress, **options)
    seqs: list = [None] * len(items)
    for i, s in zip(result.index, as_sequences(result, features)):
        seqs[i] = s
    errors = list(result.errors)
    functionals: list = [[] for _ in items]
    for extra in utterance:
        vectors = extract(items, extra, sr=sr, strict=strict, n_jobs=n_jobs, progress=progress)
        errors += [e for e in vectors.errors if seqs[e.index] is not None]  # one error per item
        for e in vectors.errors:
            seqs[e.index] = None
        for i, row in zip(vectors.index, np.nan_to_num(np.asarray(vectors.features, dtype=np.float32), nan=0.0, posinf=0.0, neginf=0.0)):
            functionals[i].append(row)
    if utterance:
        seqs = [None if s is None else np.hstack([s, np.broadcast_to(np.concatenate(f), (len(s), sum(map(len, f))))]) for s, f in zip(seqs, functionals)]
    errors.sort(key=lambda e: e.index)
    return seqs, errors


def _utterance_features(features: Optional[dict]) -> list:
    """The fixed-length feature names a pipeline appends to every frame."""
    names = dict(DEFAULT_FEATURES if features is None else features).get("utterance") or []
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        raise ParameterError(f"features['utterance'] must be a list of feature names such as ['egemaps_like', 'ser162'], got {names!r}")
    fixed = [n for n in _native.feature_names() if _native.feature_columns(n)]
    bad = [n for n in names if n not in fixed]
    if bad:
        raise ParameterError(f"features['utterance'] holds {bad}: it takes fixed-length features, {fixed} (see ser_rs.FEATURES for every name)")
    return list(names)


def feature_call(features: Optional[dict]) -> tuple:
    """A feature pipeline (see :func:`extract_sequences`) as ``(feature name, analysis rate,
    whether to convert to dB, the feature's keyword arguments)``.

    Examples
    --------
    >>> feature_call({"feature": "melspectrogram", "sr": 16000, "n_mels": 64})
    ('melspectrogram', 16000, True, {'n_mels': 64})
    """
    cfg = dict(DEFAULT_FEATURES if features is None else features)
    if not isinstance(cfg.get("feature"), str):
        raise ParameterError("features must name its 'feature', e.g. {'feature': 'mfcc', 'sr': 16000, 'n_mfcc': 40}")
    name = cfg.pop("feature")
    sr = cfg.pop("sr", MODEL_SR)
    db = cfg.pop("db", name == "melspectrogram")
    cfg.pop("utterance", None)
    return name, sr, db, cfg


def as_sequences(result: Any, features: Optional[dict] = None) -> list:
    """The good items of an :class:`~ser_rs.ExtractionResult` as the classifier's inputs:
    ``(frames, features)`` float32 arrays (``(1, n)`` for fixed-length features), in dB where
    the pipeline ``features`` asks for it. ``result.index`` tells which input each came from.

    Parameters
    ----------
    result : ExtractionResult
        The output of :func:`ser_rs.extract`.
    features : dict, optional
        The pipeline the features came from (as in :func:`extract_sequences`); it says whether a
        power spectrogram is converted to dB. Default: :data:`DEFAULT_FEATURES`.

    Returns
    -------
    list of np.ndarray
        One float32 ``(frames, features)`` array per good item.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> tone = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> result = ser_rs.extract([tone, tone[:10]], "mfcc", sr=16000, sr_in=16000, n_mfcc=13)
    >>> [s.shape for s in ser_rs.model.as_sequences(result)], result.index.tolist()
    ([(32, 13)], [0])
    """
    from ser_rs.feature import power_to_db

    _, _, db, _ = feature_call(features)
    if result.columns is not None:
        return [np.ascontiguousarray(row[None, :], dtype=np.float32) for row in result.features]
    return [np.ascontiguousarray((power_to_db(f) if db else f).T, dtype=np.float32) for f in result.features]


class EmotionClassifier:
    """A speech emotion classifier trained in Rust with libtorch, with scikit-learn's conventions.

    Networks read zero-padded batches with masks, so padding never changes a sequence's
    prediction. Features are standardised per feature with statistics of the training frames
    only (stored with the model). Training uses mini-batches in a seeded order; the same
    ``seed`` and ``n_threads`` give identical models.

    Parameters
    ----------
    model : {'rnn', 'mlp', 'cnn1d', 'cnn2d', 'crnn'}
        ``'rnn'`` over frame sequences; ``'mlp'`` over per-utterance vectors (a 2-D ``X``);
        ``'cnn1d'`` convolutions over time; ``'cnn2d'`` over the (frames, features) plane as an
        image (e.g. log-mel); ``'crnn'`` a 1-D convolutional front and a recurrent back.
    cell : {'lstm', 'gru'}
    bidirectional : bool
        The backward direction reads each sequence reversed within its own length.
    hidden_size : int
        Recurrent units per direction, or MLP units per layer.
    num_layers : int
        Recurrent layers (RNN, CRNN) or hidden layers (MLP).
    dropout : float
        Between layers and before the output layer.
    pooling : {'attention', 'mean', 'stats'}
        How frames become one vector: additive attention, the mean, or the mean and standard
        deviation concatenated (statistics pooling), all over real frames only.
    channels : sequence of int
        Convolution widths (CNN, CRNN).
    kernel_size : int
        Odd convolution size.
    epochs, batch_size, lr, weight_decay
        The optimisation. ``lr`` is the peak learning rate.
    optimizer : {'adamw', 'adam'}
        AdamW decouples weight decay; Adam adds it to the gradient.
    schedule : {'cosine', 'step', None}
        Per epoch: cosine annealing to 0, or ``lr * gamma ** (epoch // step_size)``, or constant.
    step_size, gamma
        The step schedule.
    clip_grad_norm : float or None
        Largest global gradient norm.
    class_weight : None, 'balanced', dict or sequence
        Loss weights: sklearn's ``'balanced'`` (``n / (k * count)``), ``{label: weight}``
        (absent labels weigh 1), or one weight per class in ``classes_`` order.
    patience : int or None
        Early stopping: stop after this many epochs without a better validation ``monitor``,
        and keep the best epoch's weights. Needs ``X_val`` or ``validation_fraction``.
    monitor : {'loss', 'uar', 'adv_loss', 'adv_uar'}
        The validation figure early stopping watches: clean, or (with ``adversarial``) under
        the training perturbation, which keeps the most robust epoch rather than the best clean
        one.
    ema_decay : float or None
        Keep an exponential moving average of the weights, updated after every optimiser step
        with this decay (e.g. 0.99, about the last 100 steps), and use it for validation and as
        the fitted model; None keeps the last weights.
    validation_fraction : float
        Share of the training data held out (stratified by class, seeded) when ``patience``
        is set and no ``X_val`` is given. For speaker-independent early stopping pass
        ``X_val`` from held-out speakers instead.
    adversarial : {None, 'fgsm', 'pgd', 'trades', 'noise'}
        Perturbed copies of each batch mixed into the loss: FGSM, PGD, TRADES (PGD away from
        the clean prediction, trained as clean loss plus ``trades_beta`` times the KL divergence
        of the perturbed prediction from the clean one; Zhang et al. 2019), or Gaussian noise
        (the non-adversarial baseline), in the standardised feature space.
    epsilon : float
        Perturbation radius (noise std for ``'noise'``), in units of each feature's std.
    pgd_steps, pgd_step_size, random_start
        PGD iterations, step (None: ``2.5 * epsilon / pgd_steps``) and uniform random start.
    adv_ratio : float
        Loss weight of the perturbed copies: ``(1 - r) * clean + r * perturbed`` (FGSM, PGD,
        noise).
    trades_beta : float
        TRADES's weight of the divergence term; larger trades clean accuracy for robustness.
    features : dict or None
        The feature pipeline for file-path inputs (see :func:`extract_sequences`); recorded in
        the model, so ``predict(paths)`` re-runs it. None: :data:`DEFAULT_FEATURES`.
    speaker_norm : bool
        Standardise every speaker's features by that speaker's own statistics
        (:func:`standardize_by_speaker`) before the model sees them. The single largest gain
        for speakers unseen in training, but then ``fit``, ``predict`` and the other methods
        need ``speakers=``, one id per sample, and a new speaker needs several utterances
        (ten or more) for stable statistics. In scikit-learn's search loops, which call
        ``score(X, y)`` without extra arguments, normalise once with
        :func:`standardize_by_speaker` (it uses no labels) and leave this False.
    seed : int
        Seeds weight initialisation, batch order, dropout and perturbations. libtorch's
        generator is process-wide: fits running concurrently in one process are not
        reproducible.
    n_threads : int or None
        libtorch threads for training and attacks. Default 1: recurrent layers on small
        batches gain little from more, and on a machine busy with other work OpenMP's waiting
        threads can make training many times slower. None: every core.
        Results are reproducible at a fixed count.
    device : str
        ``'cpu'``, or ``'cuda'``/``'cuda:N'`` when a GPU is visible.
    progress : bool
        Progress over optimiser steps: a tqdm bar on a terminal or in a notebook, else one line when training ends. Ctrl-C stops training (KeyboardInterrupt).

    Attributes
    ----------
    classes_ : np.ndarray
        The labels, sorted; output column ``k`` of :meth:`predict_proba` is ``classes_[k]``.
    history_ : pandas.DataFrame
        One row per epoch: learning rate, train/validation loss, accuracy and UAR, and with
        ``adversarial`` the perturbed loss and validation accuracy/UAR under the perturbation.
    best_epoch_ : int
        The epoch whose weights were kept.
    n_features_in_ : int
    features_ : dict or None
        The feature pipeline used (file-path inputs only).

    Notes
    -----
    A fitted classifier pickles and deep-copies (the network travels as the bytes of its
    checkpoint; predictions after a round trip are identical), so joblib and scikit-learn's
    ``n_jobs`` can send it to worker processes. Used before ``fit``, it raises
    :class:`ser_rs.exceptions.NotFittedError`. ``X`` as nested Python lists or a sparse matrix is
    refused with a message saying what to pass.

    The defaults are a common, conservative SER recipe, meant as a starting point to tune: a
    2-layer bidirectional LSTM of 128 units per direction with attention pooling (attention
    lets emotionally salient frames dominate the utterance vector), dropout 0.3; AdamW at
    1e-3 with PyTorch's default decoupled weight decay 1e-2, cosine annealing, gradient-norm
    clipping at 1 (recurrent nets are prone to exploding gradients); batches of 32; up to 60
    epochs with early stopping after 10 epochs without a lower validation loss on a stratified
    10% hold-out.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> rng = np.random.default_rng(1)
    >>> y = np.array(["happy", "sad", "neutral"] * 10)
    >>> X = [rng.normal(size=(8, 3)) + 2 * (label == "happy") - 2 * (label == "sad") for label in y]
    >>> clf = ser_rs.EmotionClassifier(model="crnn", hidden_size=8, channels=(8,), epochs=10,
    ...                                patience=None, lr=0.01, seed=3)
    >>> clf.fit(X, y).predict(X[:3]).tolist()
    ['happy', 'sad', 'neutral']
    >>> clf.predict_proba(X[:1]).shape, list(clf.history_.columns[:3])
    ((1, 3), ['epoch', 'lr', 'train_loss'])
    """

    def __init__(
        self,
        model: str = "rnn",
        *,
        cell: str = "lstm",
        bidirectional: bool = True,
        hidden_size: int = 128,
        num_layers: int = 2,
        dropout: float = 0.3,
        pooling: str = "attention",
        channels: Sequence[int] = (64, 64),
        kernel_size: int = 5,
        epochs: int = 60,
        batch_size: int = 32,
        lr: float = 1e-3,
        weight_decay: float = 1e-2,
        optimizer: str = "adamw",
        schedule: Optional[str] = "cosine",
        step_size: int = 10,
        gamma: float = 0.5,
        clip_grad_norm: Optional[float] = 1.0,
        class_weight: Any = None,
        patience: Optional[int] = 10,
        monitor: str = "loss",
        ema_decay: Optional[float] = None,
        validation_fraction: float = 0.1,
        adversarial: Optional[str] = None,
        epsilon: float = 0.2,
        pgd_steps: int = 5,
        pgd_step_size: Optional[float] = None,
        random_start: bool = True,
        adv_ratio: float = 0.5,
        trades_beta: float = 6.0,
        features: Optional[dict] = None,
        speaker_norm: bool = False,
        seed: int = 0,
        n_threads: Optional[int] = 1,
        device: str = "cpu",
        progress: bool = False,
    ):
        self.model = model
        self.cell = cell
        self.bidirectional = bidirectional
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.dropout = dropout
        self.pooling = pooling
        self.channels = channels
        self.kernel_size = kernel_size
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.optimizer = optimizer
        self.schedule = schedule
        self.step_size = step_size
        self.gamma = gamma
        self.clip_grad_norm = clip_grad_norm
        self.class_weight = class_weight
        self.patience = patience
        self.monitor = monitor
        self.ema_decay = ema_decay
        self.validation_fraction = validation_fraction
        self.adversarial = adversarial
        self.epsilon = epsilon
        self.pgd_steps = pgd_steps
        self.pgd_step_size = pgd_step_size
        self.random_start = random_start
        self.adv_ratio = adv_ratio
        self.trades_beta = trades_beta
        self.features = features
        self.speaker_norm = speaker_norm
        self.seed = seed
        self.n_threads = n_threads
        self.device = device
        self.progress = progress

    # -- scikit-learn's parameter protocol ----------------------------------------------------

    @classmethod
    def _param_names(cls) -> list:
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters, as scikit-learn's ``clone`` needs them.

        Parameters
        ----------
        deep : bool, default True
            Accepted for scikit-learn; there are no nested estimators.

        Returns
        -------
        dict
            Each constructor parameter's current value.

        Examples
        --------
        >>> import ser_rs
        >>> ser_rs.EmotionClassifier(hidden_size=32).get_params()["hidden_size"]
        32
        """
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> "EmotionClassifier":
        """Set constructor parameters; unknown names are a ParameterError.

        Parameters
        ----------
        **params
            Constructor parameters and their new values.

        Returns
        -------
        EmotionClassifier
            ``self``.

        Raises
        ------
        ParameterError
            An unknown parameter name.

        Examples
        --------
        >>> import ser_rs
        >>> ser_rs.EmotionClassifier().set_params(model="mlp", num_layers=1).model
        'mlp'
        """
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ParameterError(f"EmotionClassifier has no parameter {name!r}; valid parameters: {sorted(valid)}")
            setattr(self, name, value)
        return self

    #: For scikit-learn < 1.6, which reads the estimator type from this attribute.
    _estimator_type = "classifier"

    def __sklearn_tags__(self):
        """scikit-learn (>= 1.6) tags: a classifier that validates its own inputs (lists of
        variable-length sequences or paths, which sklearn's array checks would reject)."""
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(
            estimator_type="classifier",
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags(),
            input_tags=InputTags(two_d_array=True, three_d_array=True, string=True),
            no_validation=True,
        )

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values() if p.name != "self"}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if not (v is defaults[k] or (type(v) is type(defaults[k]) and v == defaults[k]))]
        return f"EmotionClassifier({', '.join(changed)})"

    # -- configuration -------------------------------------------------------------------------

    def _config(self, n_classes: int) -> dict:
        """The FitConfig JSON the Rust trainer reads."""
        model = _choice(self.model, "model", trainer().architecture_names())
        schedule = _choice(self.schedule, "schedule", ("cosine", "step", None))
        sched: dict = {"kind": "none" if schedule is None else schedule}
        if schedule == "step":
            sched.update(step_size=_int(self.step_size, "step_size"), gamma=_float(self.gamma, "gamma"))
        channels = self.channels
        if isinstance(channels, (numbers.Integral, str)) or not isinstance(channels, Sequence):
            raise InputTypeError(f"channels must be a sequence of integers, e.g. (64, 64), got {type(channels).__name__}")
        adversarial = _choice(self.adversarial, "adversarial", (None,) + TRAINING_PERTURBATIONS)
        config = {
            "model": {
                "arch": model,
                "n_features": 0,  # taken from the data
                "n_classes": n_classes,
                "hidden_size": _int(self.hidden_size, "hidden_size"),
                "num_layers": _int(self.num_layers, "num_layers"),
                "cell": _choice(self.cell, "cell", ("lstm", "gru")),
                "bidirectional": bool(self.bidirectional),
                "dropout": _float(self.dropout, "dropout"),
                "pooling": _choice(self.pooling, "pooling", ("attention", "mean", "stats")),
                "channels": [_int(c, "channels") for c in channels],
                "kernel_size": _int(self.kernel_size, "kernel_size"),
            },
            "train": {
                "epochs": _int(self.epochs, "epochs"),
                "batch_size": _int(self.batch_size, "batch_size"),
                "lr": _float(self.lr, "lr"),
                "weight_decay": _float(self.weight_decay, "weight_decay"),
                "optimizer": _choice(self.optimizer, "optimizer", ("adamw", "adam")),
                "schedule": sched,
                "clip_grad_norm": _float(self.clip_grad_norm, "clip_grad_norm", optional=True),
                "class_weight": self._class_weight(n_classes),
                "patience": _int(self.patience, "patience", optional=True),
                "monitor": _choice(self.monitor, "monitor", ("loss", "uar", "adv_loss", "adv_uar")),
                "ema_decay": _float(self.ema_decay, "ema_decay", optional=True),
                "seed": _int(self.seed, "seed"),
                "n_threads": _int(self.n_threads, "n_threads", optional=True),
                "device": _choice_device(self.device),
            },
            "adversarial": None
            if adversarial is None
            else {
                "attack": adversarial,
                "epsilon": _float(self.epsilon, "epsilon"),
                "steps": _int(self.pgd_steps, "pgd_steps"),
                "step_size": _float(self.pgd_step_size, "pgd_step_size", optional=True),
                "random_start": bool(self.random_start),
                "ratio": _float(self.adv_ratio, "adv_ratio"),
                "beta": _float(self.trades_beta, "trades_beta"),
            },
        }
        return config

    def _class_weight(self, n_classes: int) -> dict:
        cw = self.class_weight
        if cw is None:
            return {"kind": "none"}
        if isinstance(cw, str):
            _choice(cw, "class_weight", ("balanced",))
            return {"kind": "balanced"}
        if isinstance(cw, dict):
            unknown = [k for k in cw if k not in set(self.classes_.tolist())]
            if unknown:
                raise ParameterError(f"class_weight names labels not in y: {unknown}")
            weights = [_float(cw.get(label, 1.0), f"class_weight[{label!r}]") for label in self.classes_.tolist()]
        else:
            weights = [_float(w, "class_weight") for w in cw]
        return {"kind": "explicit", "weights": weights}

    # -- inputs ----------------------------------------------------------------------------------

    def _inputs(self, X: Any, fitting: bool, speakers: Any = None, name: str = "X") -> list:
        self._check_speakers(speakers, name)
        seqs = self._raw_inputs(X, fitting)
        return standardize_by_speaker(seqs, speakers, name=name) if self.speaker_norm else seqs

    def _check_speakers(self, speakers: Any, name: str) -> None:
        """``speakers`` is given exactly when the classifier normalises by speaker."""
        if not self.speaker_norm and speakers is not None:
            raise ParameterError(f"speakers were given for {name} but speaker_norm is False: set speaker_norm=True to normalise by speaker, or drop speakers")
        if self.speaker_norm and speakers is None:
            raise ParameterError(f"this classifier normalises by speaker (speaker_norm=True): pass speakers=, one speaker id per sample of {name}")

    def _raw_inputs(self, X: Any, fitting: bool) -> list:
        if isinstance(X, (str, os.PathLike)):
            raise InputTypeError("X must be a sequence of samples; wrap a single path in a list")
        if isinstance(X, (list, tuple)) and len(X) == 0:
            raise ParameterError("X is empty: pass at least one sample")
        if isinstance(X, (list, tuple)) and all(_is_path(p) for p in X):
            if fitting:
                self.features_ = dict(DEFAULT_FEATURES if self.features is None else self.features)
            elif getattr(self, "features_", None) is None:
                raise ParameterError("this model was fitted on feature arrays, not files: pass the same kind of features to predict")
            return extract_sequences(X, self.features_)
        if fitting:
            self.features_ = None
        return _sequences(X)

    def _encode(self, y: Any, n: int, name: str = "y") -> np.ndarray:
        y = np.asarray(y)
        if y.ndim != 1:
            raise ParameterError(f"{name} must be a 1-D sequence of labels, got shape {y.shape}")
        if len(y) != n:
            raise ParameterError(f"X has {n} samples but {name} has {len(y)} labels: pass one label per sample")
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        bad = self.classes_[index] != y
        if np.any(bad):
            raise ParameterError(f"{name} holds labels unseen in training: {sorted(set(y[bad].tolist()))[:5]}")
        return index.astype(np.int64)

    def __sklearn_is_fitted__(self) -> bool:
        return getattr(self, "_native", None) is not None

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise exceptions.NotFittedError("this EmotionClassifier is not fitted yet: call fit(X, y) (or EmotionClassifier.load) first")

    # -- pickling and copying --------------------------------------------------------------------

    def __getstate__(self) -> dict:
        """The attributes, with the trained network as the bytes of its checkpoint files (the
        native model itself cannot be pickled), so ``pickle``, ``copy.deepcopy`` and joblib's
        worker processes (``cross_val_score(..., n_jobs=2)``) carry a fitted model."""
        state = self.__dict__.copy()
        native = state.pop("_native", None)
        if native is not None:
            state["_native_checkpoint"] = _checkpoint_bytes(native)
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        checkpoint = state.pop("_native_checkpoint", None)
        self.__dict__.update(state)
        if checkpoint is not None:
            self._native = _native_from_bytes(checkpoint, _choice_device(self.device))

    # -- fit / predict ---------------------------------------------------------------------------

    def fit(self, X: Any, y: Any, *, X_val: Any = None, y_val: Any = None, speakers: Any = None, speakers_val: Any = None) -> "EmotionClassifier":
        """Train on ``X`` (a list of ``(frames, features)`` arrays, a 2-D ``(samples, features)``
        array, or a list of audio paths) and labels ``y`` (any sortable hashable labels).

        Parameters
        ----------
        X, y
            Training data.
        X_val, y_val
            Validation data for the history and early stopping (else a stratified
            ``validation_fraction`` of ``X`` when ``patience`` is set).
        speakers, speakers_val
            One speaker id per sample of ``X`` and ``X_val``; needed with ``speaker_norm``.

        Returns
        -------
        self

        Raises
        ------
        ParameterError
            ``y`` not 1-D or not one label per sample, empty data, only one of ``X_val`` and ``y_val``,
            ``speakers_val`` without them, missing ``speakers`` for ``speaker_norm``, or unusable settings.
        InputTypeError
            ``X`` is none of the accepted forms.
        SerError
            Audio paths in ``X`` that cannot be read (the file's own error).

        Examples
        --------
        >>> import numpy as np, ser_rs
        >>> X = np.array([[0.0, 1.0], [1.0, 0.0]] * 10)
        >>> clf = ser_rs.EmotionClassifier("mlp", hidden_size=8, num_layers=1, epochs=30, lr=0.05, patience=None)
        >>> clf.fit(X, ["a", "b"] * 10).classes_.tolist()
        ['a', 'b']
        """
        y_arr = np.asarray(y)
        if y_arr.ndim != 1:
            raise ParameterError(f"y must be a 1-D sequence of labels, got shape {y_arr.shape}")
        n_x = len(X) if isinstance(X, (list, tuple, np.ndarray)) else None
        if n_x is not None and n_x != len(y_arr):
            raise ParameterError(f"X has {n_x} samples but y has {len(y_arr)} labels: pass one label per sample")
        if len(y_arr) == 0:
            raise ParameterError("X and y are empty: pass at least one sample per class")
        self.classes_ = np.unique(y_arr)
        seqs = self._inputs(X, fitting=True, speakers=speakers)
        codes = self._encode(y_arr, len(seqs))
        config = self._config(len(self.classes_))
        if (X_val is None) != (y_val is None):
            raise ParameterError("pass both X_val and y_val, or neither")
        val_seqs = val_codes = None
        if X_val is not None:
            val_seqs = self._inputs(X_val, fitting=False, speakers=speakers_val, name="X_val")
            val_codes = self._encode(y_val, len(val_seqs), "y_val")
        elif speakers_val is not None:
            raise ParameterError("speakers_val was given without X_val and y_val")
        elif self.patience is not None:
            seqs, codes, val_seqs, val_codes = self._split(seqs, codes)

        total = trainer().fit_steps(config, len(seqs))
        with ProgressBar(total, disable=not self.progress, unit="step", desc="training") as bar:

            def report(done: int) -> None:
                bar.update(done - bar.n)

            native, history, best = trainer().fit_classifier(config, seqs, codes.tolist(), val_seqs, None if val_codes is None else val_codes.tolist(), report)
        self._native = native
        self.history_ = _history_frame(history)
        self.best_epoch_ = best
        self.n_features_in_ = native.n_features
        return self

    def _split(self, seqs: list, codes: np.ndarray) -> tuple:
        """A seeded stratified hold-out of ``validation_fraction`` of each class (at least one
        sample of each class that has two or more)."""
        frac = _float(self.validation_fraction, "validation_fraction")
        if not 0.0 < frac < 1.0:
            raise ParameterError(f"validation_fraction={frac} must be in (0, 1) when patience is set; or pass X_val, y_val, or patience=None")
        rng = np.random.default_rng(_int(self.seed, "seed"))
        held = []
        for k in np.unique(codes):
            members = np.flatnonzero(codes == k)
            if len(members) >= 2:
                take = max(1, int(round(frac * len(members))))
                held.extend(rng.choice(members, size=min(take, len(members) - 1), replace=False).tolist())
        held_set = set(held)
        keep = [i for i in range(len(seqs)) if i not in held_set]
        held = sorted(held)
        return [seqs[i] for i in keep], codes[keep], [seqs[i] for i in held], codes[held]

    def predict_proba(self, X: Any, *, speakers: Any = None) -> np.ndarray:
        """Class probabilities, shape ``(n_samples, n_classes)``, columns in ``classes_`` order.
        ``speakers``: one id per sample, with ``speaker_norm`` only.

        Parameters
        ----------
        X : list of np.ndarray, np.ndarray or list of paths
            Samples in the form :meth:`fit` took: ``(frames, features)`` sequences, a 2-D
            ``(samples, features)`` array, or audio files (run through the recorded feature pipeline).
        speakers : sequence, optional
            One speaker id per sample, with ``speaker_norm`` only.

        Returns
        -------
        np.ndarray [shape=(n_samples, n_classes)], float
            Rows sum to 1; columns follow ``classes_``.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        ParameterError
            Samples whose shape differs from the training data's, or ``speakers`` missing for a
            ``speaker_norm`` model.

        Examples
        --------
        >>> import numpy as np, ser_rs
        >>> X = np.array([[0.0], [1.0]] * 10)
        >>> clf = ser_rs.EmotionClassifier("mlp", hidden_size=4, num_layers=1, epochs=2, patience=None)
        >>> p = clf.fit(X, [0, 1] * 10).predict_proba(X[:2])
        >>> p.shape, bool(np.allclose(p.sum(axis=1), 1))
        ((2, 2), True)
        """
        self._check_fitted()
        seqs = self._inputs(X, fitting=False, speakers=speakers)
        batch = self.batch_size if isinstance(self.batch_size, int) and self.batch_size > 0 else 64
        return self._native.predict_proba(seqs, max(batch, 64))

    def predict_proba_standardized(self, X: Any) -> np.ndarray:
        """Class probabilities of samples a caller has already standardised by speaker, for a
        ``speaker_norm`` model used with statistics it does not see, such as a live stream's
        running ones (:mod:`ser_rs.streaming`); other models take them as :meth:`predict_proba`.

        Parameters
        ----------
        X : list of np.ndarray or np.ndarray
            Feature sequences (or a 2-D array), already standardised.

        Returns
        -------
        np.ndarray [shape=(n_samples, n_classes)], float
            Rows sum to 1; columns follow ``classes_``.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.

        Examples
        --------
        >>> import numpy as np, ser_rs
        >>> X = np.array([[-1.0], [1.0]] * 10)
        >>> clf = ser_rs.EmotionClassifier("mlp", hidden_size=4, num_layers=1, epochs=2, patience=None, speaker_norm=True)
        >>> clf = clf.fit(X, [0, 1] * 10, speakers=[0] * 20)
        >>> bool(np.array_equal(clf.predict_proba_standardized(X[:2]), clf.predict_proba(X[:2], speakers=[0, 0])))
        True
        """
        self._check_fitted()
        batch = self.batch_size if isinstance(self.batch_size, int) and self.batch_size > 0 else 64
        return self._native.predict_proba(self._raw_inputs(X, fitting=False), max(batch, 64))

    def predict(self, X: Any, *, speakers: Any = None) -> np.ndarray:
        """The most probable label of each sample. ``speakers``: one id per sample, with
        ``speaker_norm`` only.

        Parameters
        ----------
        X : list of np.ndarray, np.ndarray or list of paths
            Samples in the form :meth:`fit` took: ``(frames, features)`` sequences, a 2-D
            ``(samples, features)`` array, or audio files (run through the recorded feature pipeline).
        speakers : sequence, optional
            One speaker id per sample, with ``speaker_norm`` only.

        Returns
        -------
        np.ndarray [shape=(n_samples,)]
            Labels from ``classes_``.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        ParameterError
            Samples whose shape differs from the training data's, or ``speakers`` missing for a
            ``speaker_norm`` model.

        Examples
        --------
        >>> import numpy as np, ser_rs
        >>> X = np.array([[-1.0], [1.0]] * 10)
        >>> clf = ser_rs.EmotionClassifier("mlp", hidden_size=8, num_layers=1, epochs=30, lr=0.05, patience=None)
        >>> clf.fit(X, ["low", "high"] * 10).predict(np.array([[-2.0], [2.0]])).tolist()
        ['low', 'high']
        """
        proba = self.predict_proba(X, speakers=speakers)
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X: Any, y: Any, *, speakers: Any = None) -> float:
        """Accuracy on ``(X, y)``. ``speakers``: one id per sample, with ``speaker_norm`` only.

        Parameters
        ----------
        X : list of np.ndarray, np.ndarray or list of paths
            Samples in the form :meth:`fit` took: ``(frames, features)`` sequences, a 2-D
            ``(samples, features)`` array, or audio files (run through the recorded feature pipeline).
        y : sequence
            The true labels.
        speakers : sequence, optional
            One speaker id per sample, with ``speaker_norm`` only.

        Returns
        -------
        float
            The fraction of samples predicted right.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        ParameterError
            Samples whose shape differs from the training data's, or ``speakers`` missing for a
            ``speaker_norm`` model.

        Examples
        --------
        >>> import numpy as np, ser_rs
        >>> X = np.array([[-1.0], [1.0]] * 10)
        >>> clf = ser_rs.EmotionClassifier("mlp", hidden_size=8, num_layers=1, epochs=30, lr=0.05, patience=None)
        >>> clf.fit(X, [0, 1] * 10).score(X, [0, 1] * 10)
        1.0
        """
        pred = self.predict(X, speakers=speakers)
        y = np.asarray(y)
        if len(y) != len(pred):
            raise ParameterError(f"X has {len(pred)} samples but y has {len(y)} labels")
        return float(np.mean(pred == y))

    # -- robustness ------------------------------------------------------------------------------

    def robustness(
        self,
        X: Any,
        y: Any,
        attacks: Sequence[str] = ("fgsm", "pgd"),
        epsilons: Sequence[float] = (0.05, 0.1, 0.2, 0.5),
        *,
        pgd_steps: Optional[int] = None,
        pgd_step_size: Optional[float] = None,
        speakers: Any = None,
    ):
        """Accuracy and UAR under white-box FGSM and PGD-k attacks (or Gaussian noise) in the
        standardised feature space, for each epsilon, after a clean row.

        Parameters
        ----------
        X, y
            Evaluation data.
        attacks : sequence of {'fgsm', 'pgd', 'noise'}
        epsilons : sequence of float
            Radii in units of each feature's training std.
        pgd_steps, pgd_step_size
            Default: the estimator's ``pgd_steps`` and ``2.5 * epsilon / pgd_steps``.
        speakers : sequence, optional
            One speaker id per sample, with ``speaker_norm`` only. The attack perturbs the
            speaker-normalised features.

        Returns
        -------
        pandas.DataFrame
            Columns ``attack`` (``'clean'``, ``'fgsm'``, ``'pgd-k'``, ``'noise'``), ``epsilon``,
            ``accuracy``, ``uar``.

        Examples
        --------
        >>> import numpy as np, ser_rs
        >>> X = np.array([[-1.0], [1.0]] * 10)
        >>> clf = ser_rs.EmotionClassifier("mlp", hidden_size=8, num_layers=1, epochs=30, lr=0.05, patience=None)
        >>> table = clf.fit(X, [0, 1] * 10).robustness(X, [0, 1] * 10, epsilons=(0.1, 3.0))
        >>> table.attack.tolist()
        ['clean', 'fgsm', 'fgsm', 'pgd-5', 'pgd-5']
        >>> float(table.accuracy.iloc[-1]) < float(table.accuracy.iloc[0])
        True
        """
        import pandas as pd

        self._check_fitted()
        if isinstance(attacks, str):
            attacks = (attacks,)
        for a in attacks:
            _choice(a, "attack", _ATTACKS)
        eps = [_float(e, "epsilon") for e in (epsilons if isinstance(epsilons, Sequence) or isinstance(epsilons, np.ndarray) else [epsilons])]
        seqs = self._inputs(X, fitting=False, speakers=speakers)
        codes = self._encode(y, len(seqs))
        steps = _int(self.pgd_steps if pgd_steps is None else pgd_steps, "pgd_steps")
        rows = self._native.robustness(
            seqs, codes.tolist(), list(attacks), eps, steps, _float(pgd_step_size, "pgd_step_size", optional=True),
            max(_int(self.batch_size, "batch_size"), 1), _int(self.seed, "seed"), _int(self.n_threads, "n_threads", optional=True),
        )
        return pd.DataFrame(rows, columns=["attack", "epsilon", "accuracy", "uar"])

    def noise_robustness(self, paths: Sequence[Any], y: Any, snr_db: Sequence[float] = (20, 10, 5, 0), *, seed: int = 0, speakers: Any = None):
        """Accuracy and UAR when white noise is added to the waveform at each SNR (dB) and the
        recorded feature pipeline is re-run, after a clean row (``snr_db`` inf). Needs a model
        fitted on audio files. With ``speaker_norm``, pass ``speakers``: each speaker's noisy
        features are normalised by that speaker's noisy statistics.

        Returns
        -------
        pandas.DataFrame
            Columns ``snr_db``, ``accuracy``, ``uar``.

        Parameters
        ----------
        paths : sequence of str or os.PathLike
            Audio files.
        y : sequence
            Their labels.
        snr_db : sequence of float, default (20, 10, 5, 0)
            Signal-to-noise ratios of the added noise, in dB.
        seed : int, default 0
            Seed of the noise.
        speakers : sequence, optional
            One speaker id per file, with ``speaker_norm`` only.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        ParameterError
            A model fitted on arrays rather than files (it has no pipeline to re-run).

        Examples
        --------
        >>> clf.noise_robustness(test_paths, test_labels)   # doctest: +SKIP
        """
        import pandas as pd

        from ser_rs.audio import load
        from ser_rs.effects import add_noise_snr

        self._check_fitted()
        self._check_speakers(speakers, "paths")
        if speakers is not None and len(speakers) != len(paths):
            raise ParameterError(f"paths has {len(paths)} files but speakers has {len(speakers)} ids: pass one speaker id per file")
        if getattr(self, "features_", None) is None:
            raise ParameterError("noise_robustness re-extracts features from audio: the model must be fitted on file paths")
        if not isinstance(paths, (list, tuple)) or not all(_is_path(p) for p in paths):
            raise InputTypeError("paths must be a list of audio file paths")
        codes = self._encode(y, len(paths))
        sr = self.features_.get("sr", MODEL_SR)
        signals = [load(p, sr=sr)[0] for p in paths]
        rows = []
        for snr in [np.inf] + [_float(s, "snr_db") for s in snr_db]:
            noisy = signals if np.isinf(snr) else [add_noise_snr(s, snr_db=snr, seed=seed + i) for i, s in enumerate(signals)]
            seqs = extract_sequences([], self.features_, signals=noisy)
            p = self._native.predict_proba(seqs if speakers is None else standardize_by_speaker(seqs, speakers), 64)
            pred = np.argmax(p, axis=1)
            recalls = [np.mean(pred[codes == k] == k) for k in np.unique(codes)]
            rows.append((snr, float(np.mean(pred == codes)), float(np.mean(recalls))))
        return pd.DataFrame(rows, columns=["snr_db", "accuracy", "uar"])

    # -- checkpoints -----------------------------------------------------------------------------

    def save(self, path: Any) -> None:
        """Write the model to the folder ``path``: ``weights.safetensors`` and ``model.json``
        (model config, labels, feature pipeline, scaler, parameters, history). Each file is
        replaced atomically. No pickle.

        Parameters
        ----------
        path : str or os.PathLike
            The folder; made if missing.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.
        FileAccessError, MissingFileError
            The folder cannot be made or written.

        Examples
        --------
        >>> import numpy as np, ser_rs, tempfile, os
        >>> X = np.array([[-1.0], [1.0]] * 10)
        >>> clf = ser_rs.EmotionClassifier("mlp", hidden_size=4, num_layers=1, epochs=3, patience=None).fit(X, ["a", "b"] * 10)
        >>> folder = os.path.join(tempfile.mkdtemp(), "ser-model")
        >>> clf.save(folder)
        >>> sorted(os.listdir(folder))
        ['model.json', 'weights.safetensors']
        >>> back = ser_rs.EmotionClassifier.load(folder)
        >>> bool(np.array_equal(back.predict_proba(X), clf.predict_proba(X)))
        True
        """
        self._check_fitted()
        labels = self.classes_.tolist()
        params = self.get_params()
        if isinstance(params["class_weight"], dict):
            params["class_weight"] = {"__pairs__": [[k, v] for k, v in params["class_weight"].items()]}
        if not isinstance(params["channels"], list):
            params["channels"] = list(params["channels"])
        meta = {
            "labels": labels,
            "features": getattr(self, "features_", None),
            "params": params,
            "best_epoch": getattr(self, "best_epoch_", None),
            "history": _history_lists(getattr(self, "history_", None)),
            "ser_rs_version": _native.__version__,
        }
        try:  # model.json holds plain JSON: refuse what would not read back the same
            json.dumps(meta, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise InputTypeError(f"the labels and parameters must be JSON-serialisable (str, int, float) to be saved: {exc}") from exc
        self._native.save(os.fspath(path), meta)

    @classmethod
    def load(cls, path: Any, *, device: str = "cpu") -> "EmotionClassifier":
        """Read a model written by :meth:`save`. A missing, corrupt, truncated or mismatched
        checkpoint raises FileNotFoundError or ParameterError saying what is wrong.

        Parameters
        ----------
        path : str or os.PathLike
            The folder :meth:`save` wrote.
        device : str, default 'cpu'
            Where the weights go (``'cpu'`` or ``'cuda'``, ``'cuda:N'`` where libtorch sees a GPU).

        Returns
        -------
        EmotionClassifier
            A fitted classifier, with the recorded feature pipeline and history.

        Raises
        ------
        MissingFileError
            No ``model.json`` or weights in ``path``.
        ParameterError
            A corrupt, truncated or mismatched checkpoint.

        Examples
        --------
        >>> import ser_rs
        >>> ser_rs.EmotionClassifier.load("no/such/folder")
        Traceback (most recent call last):
        ...
        ser_rs.exceptions.MissingFileError: no/such/folder/model.json: no such file or directory
        """
        import pandas as pd

        native, meta = trainer().load_classifier(os.fspath(path), _choice_device(device))
        if not isinstance(meta, dict) or "labels" not in meta or "params" not in meta:
            raise ParameterError(f"{os.fspath(path)} is not a usable ser_rs checkpoint: model.json lacks the classifier's labels or parameters")
        params = {k: v for k, v in meta["params"].items() if k in cls._param_names()}
        if isinstance(params.get("class_weight"), dict) and "__pairs__" in params["class_weight"]:
            params["class_weight"] = {k: v for k, v in params["class_weight"]["__pairs__"]}
        params["device"] = device
        est = cls(**params)
        est._native = native
        est.classes_ = np.asarray(meta["labels"])
        if len(est.classes_) != native.n_classes:
            raise ParameterError(f"{os.fspath(path)} is not a usable ser_rs checkpoint: {len(est.classes_)} labels for {native.n_classes} outputs")
        est.features_ = meta.get("features")
        est.best_epoch_ = meta.get("best_epoch")
        est.history_ = None if meta.get("history") is None else pd.DataFrame(meta["history"])
        est.n_features_in_ = native.n_features
        return est


#: EmotionClassifier's default parameters by name, read from its signature, where each is written
#: once. :func:`ser_rs.experiment.cross_validate` and the ``ser-rs`` command take theirs from here
#: (the command's deliberate differences are ``ser_rs.cli.COMMAND_DEFAULTS``).
CLASSIFIER_DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {p.name: p.default for p in inspect.signature(EmotionClassifier.__init__).parameters.values() if p.name != "self"}
)


class SearchRange(NamedTuple):
    """The values a hyperparameter search may try for one :class:`EmotionClassifier` parameter:
    numbers from ``low`` to ``high`` (on a log scale with ``log``, integers with ``integer``), or
    one of ``choices``.

    Attributes
    ----------
    low, high : float or None
        The bounds of a numeric range, both included.
    log : bool
        Sample the range on a log scale (learning rates, weight decay).
    integer : bool
        Integers only.
    choices : tuple or None
        The values of a categorical parameter, instead of a range.

    Examples
    --------
    >>> from ser_rs.model import CLASSIFIER_SEARCH_SPACE, SearchRange
    >>> CLASSIFIER_SEARCH_SPACE["lr"]
    SearchRange(low=0.0003, high=0.01, log=True, integer=False, choices=None)
    >>> SearchRange(choices=(32, 64)).choices
    (32, 64)
    """

    low: Optional[float] = None
    high: Optional[float] = None
    log: bool = False
    integer: bool = False
    choices: Optional[tuple] = None


#: What ``ser_rs.tuning.tune`` (``ser-rs tune``) searches by default, declared once. The ranges
#: bracket the command's recipe (``ser_rs.cli.COMMAND_DEFAULTS``: lr 2e-3, 64 units, 1 layer,
#: dropout 0.5, epsilon 0.2) by about a factor of 3-5 each way: the learning rate and weight
#: decay on a log scale, as their effect is multiplicative; sizes as choices, because a few
#: widths are all a short study can tell apart; ``epsilon`` (in standardised-feature stds) is
#: searched only when the model trains adversarially.
CLASSIFIER_SEARCH_SPACE: Mapping[str, SearchRange] = MappingProxyType({
    "lr": SearchRange(3e-4, 1e-2, log=True),
    "hidden_size": SearchRange(choices=(32, 64, 128)),
    "num_layers": SearchRange(1, 2, integer=True),
    "dropout": SearchRange(0.0, 0.6),
    "weight_decay": SearchRange(1e-4, 1e-1, log=True),
    "pooling": SearchRange(choices=("mean", "attention", "stats")),
    "epsilon": SearchRange(0.05, 0.4),
})


def _checkpoint_bytes(native: Any) -> dict:
    """A trained network's checkpoint files (as :meth:`EmotionClassifier.save` writes them), by name."""
    with tempfile.TemporaryDirectory(prefix="ser_rs_pickle_") as folder:
        native.save(folder, {})  # the Python attributes travel in the pickle itself
        return {name: (Path(folder) / name).read_bytes() for name in sorted(os.listdir(folder))}


def _native_from_bytes(files: dict, device: str) -> Any:
    """The trained network of :func:`_checkpoint_bytes`'s files, on ``device``."""
    with tempfile.TemporaryDirectory(prefix="ser_rs_pickle_") as folder:
        for name, data in files.items():
            (Path(folder) / os.path.basename(name)).write_bytes(data)
        native, _ = trainer().load_classifier(folder, device)
    return native


def _choice_device(device: Any) -> str:
    if not isinstance(device, str):
        raise InputTypeError(f"device must be a string such as 'cpu' or 'cuda', got {type(device).__name__}")
    return device


def _history_lists(df: Any) -> Optional[dict]:
    """The history as JSON-ready column lists (NaN becomes null)."""
    if df is None:
        return None
    return {c: [None if isinstance(v, float) and np.isnan(v) else v for v in df[c].tolist()] for c in df.columns}


def _history_frame(history: dict):
    """The per-epoch history as a DataFrame, without columns that stayed empty."""
    import pandas as pd

    df = pd.DataFrame(history)
    empty = [c for c in df.columns if df[c].isna().all()]
    return df.drop(columns=empty)
