"""ser_rs: speech emotion recognition with the speed of Rust.

The package mirrors the pipeline:

- :mod:`ser_rs.audio`: :func:`load`, :func:`resample` (decode and resample, like librosa).
- :mod:`ser_rs.feature`: librosa-exact spectral features (``stft``, ``mfcc``, ``chroma_stft``, ...).
- :mod:`ser_rs.effects`: augmentation and preprocessing (stretch, pitch shift, noise, trim, ...).
- :mod:`ser_rs.prosody`: pitch (yin, pyin, like librosa) and voice quality as Praat measures it (jitter, shimmer, HNR, ...).
- :mod:`ser_rs.batch`: :func:`extract`, features over a corpus in parallel.
- :mod:`ser_rs.model`: the tch (libtorch) stage: :class:`EmotionClassifier` (RNN, CNN, CRNN, MLP;
  adversarial training, robustness, safetensors checkpoints).
- :mod:`ser_rs.inference`: :func:`load_model` and :class:`~ser_rs.inference.Recognizer`, emotion
  from files, uploaded bytes or signals with the model's own feature pipeline (``ser-rs predict``).
- :mod:`ser_rs.experiment`: speaker-independent cross-validation with robustness tables and reports.
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

try:
    from ser_rs import _native
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(
        f"ser_rs could not load its native extension ({exc}). It links libtorch from the "
        "torch==2.13.0 wheel: install it with `pip install torch==2.13.0`."
    ) from exc

from ser_rs import datasets, effects, experiment, feature, inference, metrics, prosody
from ser_rs.audio import load, resample
from ser_rs.batch import FEATURES, ExtractionResult, ItemError, extract
from ser_rs.exceptions import AudioDecodeError, ParameterError
from ser_rs.feature import amplitude_to_db, power_to_db, stft
from ser_rs.inference import load_model
from ser_rs.model import EmotionClassifier
from ser_rs.prosody import pyin, yin

__version__: str = _native.__version__

__all__ = [
    "AudioDecodeError",
    "EmotionClassifier",
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
    "yin",
]
