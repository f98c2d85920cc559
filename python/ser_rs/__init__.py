"""ser_rs: speech emotion recognition with the speed of Rust.

The package mirrors the pipeline:

- :mod:`ser_rs.audio`: :func:`load`, :func:`resample` (decode and resample, like librosa).
- :mod:`ser_rs.feature`: librosa-exact spectral features (``stft``, ``mfcc``, ``chroma_stft``, ...).
- :mod:`ser_rs.effects`: augmentation and preprocessing (stretch, pitch shift, noise, trim, ...).
- :mod:`ser_rs.prosody`: pitch (yin, pyin, like librosa) and voice quality as Praat measures it (jitter, shimmer, HNR, ...).
- :mod:`ser_rs.batch`: :func:`extract`, features over a corpus in parallel.
- :mod:`ser_rs.distributed`: ``extract_to_parquet``, the same over a dask cluster, into Parquet
  files (``pip install "ser_rs[dask]"``).
- :mod:`ser_rs.model`: the tch (libtorch) stage: :class:`EmotionClassifier` (RNN, CNN, CRNN, MLP;
  adversarial training, robustness, safetensors checkpoints). It needs the trainer:
  ``pip install "ser_rs[train]"``; without it, using them raises :class:`TrainerNotInstalledError`.
- :mod:`ser_rs.inference`: :func:`load_model` and :class:`~ser_rs.inference.Recognizer`, emotion
  from files, uploaded bytes or signals with the model's own feature pipeline (``ser-rs predict``).
- :mod:`ser_rs.streaming`: :class:`~ser_rs.streaming.StreamingRecognizer`, emotion over a live
  stream, a result per hop for the last window (``ser-rs stream``).
- :mod:`ser_rs.experiment`: speaker-independent cross-validation with robustness tables and reports
  (with the trainer too).
- :mod:`ser_rs.tuning`: a hyperparameter search (Optuna) scored on folds of speakers, with test
  speakers kept out of it (``pip install "ser_rs[tune]"``).
- :mod:`ser_rs.metrics`: accuracy, UAR, precision, recall, F1, confusion matrix (scikit-learn's numbers).
- :mod:`ser_rs.datasets`: corpus readers (RAVDESS, CREMA-D, TESS, SAVEE, EmoDB, your folders),
  speaker-independent splits, ``download_ravdess`` and a synthetic demo corpus.

Examples
--------
>>> import ser_rs
>>> y, sr = ser_rs.load("speech.wav")                    # doctest: +SKIP
>>> mfcc = ser_rs.feature.mfcc(y=y, sr=sr)               # doctest: +SKIP
>>> table = ser_rs.extract(paths, "ser162").to_dataframe()  # doctest: +SKIP
"""

from typing import Any

from ser_rs.exceptions import (
    AudioDecodeError,
    InputTypeError,
    MissingFileError,
    ParameterError,
    SerError,
    TrainerNotInstalledError,
)

try:
    from ser_rs import _native
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        f"ser_rs could not load its native extension ({exc}): reinstall it with `pip install --force-reinstall ser_rs`"
    ) from exc

from ser_rs import datasets, effects, feature, metrics, prosody
from ser_rs.audio import load, resample
from ser_rs.batch import FEATURES, ExtractionResult, ItemError, extract
from ser_rs.feature import amplitude_to_db, power_to_db, stft
from ser_rs.prosody import pyin, yin

__version__: str = _native.__version__

#: The trainer's names (``pip install "ser_rs[train]"``), imported on first use so that
#: ``import ser_rs`` stays light.
_TRAINER_NAMES = {
    "EmotionClassifier": "ser_rs.model",
    "load_model": "ser_rs.inference",
    "model": "ser_rs",
    "inference": "ser_rs",
    "StreamingRecognizer": "ser_rs.streaming",
    "streaming": "ser_rs",
    "experiment": "ser_rs",
    "tuning": "ser_rs",
}


def __getattr__(name: str) -> Any:
    if name not in _TRAINER_NAMES:
        raise AttributeError(f"module 'ser_rs' has no attribute {name!r}")
    import importlib

    owner = _TRAINER_NAMES[name]
    value = importlib.import_module(f"ser_rs.{name}") if owner == "ser_rs" else getattr(importlib.import_module(owner), name)
    globals()[name] = value
    return value

__all__ = [
    "AudioDecodeError",
    "EmotionClassifier",
    "InputTypeError",
    "MissingFileError",
    "SerError",
    "StreamingRecognizer",
    "TrainerNotInstalledError",
    "ExtractionResult",
    "FEATURES",
    "ItemError",
    "ParameterError",
    "amplitude_to_db",
    "datasets",
    "effects",
    "experiment",
    "extract",
    "feature",
    "inference",
    "load",
    "load_model",
    "metrics",
    "power_to_db",
    "prosody",
    "pyin",
    "resample",
    "stft",
    "streaming",
    "tuning",
    "yin",
]
