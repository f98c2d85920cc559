"""scikit-learn building blocks: :class:`FeatureExtractor`, a transformer from audio files or
signals to one row of utterance features each, and :func:`svm_baseline`, the classic SER
baseline (standardised utterance features into an RBF support-vector machine).

Needs scikit-learn (``pip install scikit-learn``, or ``pip install 'ser_rs[sklearn]'``); the
rest of ser_rs does not.

What the extractor takes as ``X``, one utterance per row:

- a list (or 1-D array, or pandas Series) of audio file paths, decoded and resampled to ``sr``;
- a list of 1-D float arrays, signals already at ``sr`` Hz, of any lengths;
- a 2-D float array: a batch of equally long signals, **one signal per row** (the rule that lets
  scikit-learn's checks and ``ColumnTransformer`` hand it numeric arrays);
- a ``(n, 1)`` array or one-column DataFrame of paths (what ``ColumnTransformer`` passes for a
  ``["path"]`` column).

Examples
--------
>>> import ser_rs.sklearn
>>> from sklearn.model_selection import GroupKFold, cross_val_score
>>> from sklearn.pipeline import make_pipeline
>>> model = make_pipeline(ser_rs.sklearn.FeatureExtractor("egemaps_like"), ser_rs.sklearn.svm_baseline())
>>> cross_val_score(model, paths, emotions, groups=speakers, cv=GroupKFold(5))   # doctest: +SKIP
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Optional, Sequence

import numpy as np

try:
    from sklearn.base import BaseEstimator, TransformerMixin
    from sklearn.utils.validation import check_is_fitted
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError(f"ser_rs.sklearn needs scikit-learn ({exc}): install it with `pip install scikit-learn`") from exc

from ser_rs import _native
from ser_rs._validate import as_n_jobs, is_sparse
from ser_rs.batch import FEATURES, extract, pad_frames
from ser_rs.batch import feature_params as checked_feature_params
from ser_rs.exceptions import InputTypeError, ParameterError
from ser_rs.feature import DEFAULT_STATS, functional_names, functionals, power_to_db
from ser_rs.model import DEFAULT_FEATURES

__all__ = ["FeatureExtractor", "ON_ERROR", "feature_columns", "feature_matrix", "svm_baseline"]

#: What :class:`FeatureExtractor` does with an item it cannot read: raise its error, or give it a
#: row of NaN (with a RuntimeWarning naming it) so the other rows stay aligned with ``y``.
ON_ERROR: tuple[str, ...] = ("raise", "nan")

# A frame-level feature's row count depends on its parameters (n_mfcc, n_mels, n_bands, ...):
# it is read off the feature of this much seeded noise rather than restated here.
_PROBE_SAMPLES = 2**16


def _is_fixed_length(feature: str) -> bool:
    return bool(_native.feature_columns(feature))


def _check_feature(feature: Any) -> str:
    if not isinstance(feature, str):
        raise InputTypeError(f"feature must be a feature name (a string) such as 'ser162', got {type(feature).__name__}")
    if feature not in FEATURES:
        raise ParameterError(f"unknown feature {feature!r}; choose one of {list(FEATURES)}")
    return feature


def _call(feature: str, sr: Any, feature_params: Optional[dict]) -> tuple[int, bool, dict]:
    """The analysis rate, whether to convert to dB, and the feature's checked keyword arguments."""
    from ser_rs._validate import as_rate
    from ser_rs.model import feature_call

    if feature_params is not None and not isinstance(feature_params, dict):
        raise InputTypeError(f"feature_params must be a dict of the feature's keyword arguments, e.g. {{'n_mfcc': 13}}, got {type(feature_params).__name__}")
    misplaced = sorted({"feature", "sr", "utterance"} & set(feature_params or {}))
    if misplaced:
        raise ParameterError(f"feature_params holds {misplaced}: pass the feature and sr as their own parameters; it takes the feature's keyword arguments and db")
    rate = as_rate(sr)
    if rate <= 0:
        raise ParameterError(f"sr={sr} must be a positive rate in Hz")
    _, _, db, params = feature_call({"feature": feature, "sr": rate, **(feature_params or {})})
    checked_feature_params(feature, params)  # unknown keyword arguments are a TypeError now, not per item later
    return rate, db, params


def feature_columns(feature: str, *, sr: int = DEFAULT_FEATURES["sr"], stats: Sequence[str] = DEFAULT_STATS, feature_params: Optional[dict] = None) -> list:
    """Names of the values :func:`feature_matrix` gives per item.

    Fixed-length sets keep their own names; a frame-level feature's rows (``mfcc_1``, ...; the
    feature's name alone when it has one row, such as ``rms``) each get ``stats``.

    Parameters
    ----------
    feature : str
        A name in :data:`ser_rs.FEATURES`, as in :func:`feature_matrix`.
    sr : int
        Analysis rate (the number of rows of some features depends on it).
    stats : sequence of str
        Statistics of a frame-level feature.
    feature_params : dict, optional
        The feature's keyword arguments, as in :func:`feature_matrix`.

    Returns
    -------
    list of str
        One name per column of :func:`feature_matrix`'s values.

    Raises
    ------
    ParameterError
        An unknown feature or unusable parameters.

    Examples
    --------
    >>> import ser_rs.sklearn
    >>> ser_rs.sklearn.feature_columns("mfcc", feature_params={"n_mfcc": 2}, stats=["mean", "std"])
    ['mfcc_1_mean', 'mfcc_1_std', 'mfcc_2_mean', 'mfcc_2_std']
    >>> ser_rs.sklearn.feature_columns("ser162")[:2]
    ['zcr_mean', 'chroma_C_mean']
    """
    feature = _check_feature(feature)
    rate, _, params = _call(feature, sr, feature_params)
    if _is_fixed_length(feature):
        return list(_native.feature_columns(feature))
    probe = (0.1 * np.random.default_rng(0).standard_normal(_PROBE_SAMPLES)).astype(np.float32)
    result = extract([probe], feature, sr=rate, sr_in=rate, strict=True, **params)
    n_rows = result.features[0].shape[0]
    rows = [feature] if n_rows == 1 else [f"{feature}_{i}" for i in range(1, n_rows + 1)]
    names = functional_names(rows, stats=stats)
    functionals(np.zeros((1, 2), dtype=np.float32), stats=stats)  # unknown statistics are named now
    return names


def feature_matrix(
    items: Sequence[Any],
    feature: str,
    *,
    sr: int = DEFAULT_FEATURES["sr"],
    stats: Sequence[str] = DEFAULT_STATS,
    feature_params: Optional[dict] = None,
    n_jobs: Optional[int] = None,
) -> tuple[np.ndarray, list]:
    """One row of utterance features per item, NaN rows where an item failed, and the failures.

    Parameters
    ----------
    items : sequence of str, os.PathLike or 1-D float np.ndarray
        Audio files, or signals at ``sr``.
    feature : str
        A name in :data:`ser_rs.FEATURES`: a fixed-length set (``'ser162'``, ``'egemaps_like'``)
        or a frame-level feature (``'mfcc'``, ...) summarised per utterance by ``stats``
        (:func:`ser_rs.feature.functionals`).
    sr : int
        Analysis rate.
    stats : sequence of str
        Statistics of a frame-level feature (default :data:`ser_rs.feature.DEFAULT_STATS`).
    feature_params : dict, optional
        The feature's keyword arguments, e.g. ``{'n_mfcc': 13}``, plus ``db`` (convert a power
        spectrogram to dB first; default True for ``'melspectrogram'``, as in
        :func:`ser_rs.model.extract_sequences`).
    n_jobs : int, optional
        Worker threads; None uses every core.

    Returns
    -------
    values : np.ndarray [shape=(len(items), len(feature_columns(...)))], float64
    errors : list of ser_rs.ItemError
        One per failed item, whose row is NaN.

    Examples
    --------
    >>> import numpy as np, ser_rs.sklearn
    >>> tone = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> values, errors = ser_rs.sklearn.feature_matrix([tone, "missing.wav"], "rms", stats=["mean"])
    >>> values.shape, bool(np.isnan(values[1]).all()), errors[0].error_type
    ((2, 1), True, 'MissingFileError')
    """
    feature = _check_feature(feature)
    columns = feature_columns(feature, sr=sr, stats=stats, feature_params=feature_params)
    rate, db, params = _call(feature, sr, feature_params)
    result = extract(list(items), feature, sr=rate, sr_in=rate, n_jobs=as_n_jobs(n_jobs), **params)
    values = np.full((len(items), len(columns)), np.nan)
    if len(result.index):
        if _is_fixed_length(feature):
            values[result.index] = result.features
        else:
            frames = [power_to_db(f) if db else f for f in result.features]
            padded, lengths = pad_frames(frames)
            values[result.index] = functionals(padded, stats=stats, lengths=lengths)
    return values, list(result.errors)


def _item_kind(item: Any, i: int) -> str:
    """'path' or 'signal'; anything else is a TypeError saying what to pass."""
    if isinstance(item, (str, os.PathLike)):
        return "path"
    if isinstance(item, np.ndarray):
        if not np.issubdtype(item.dtype, np.floating):
            hint = " (16-bit PCM: x.astype(np.float32) / 32768)" if np.issubdtype(item.dtype, np.integer) else ""
            raise InputTypeError(f"X[{i}] must be a floating-point signal, got dtype {item.dtype}{hint}")
        if item.ndim != 1:
            raise ParameterError(f"X[{i}] must be a 1-D mono signal, got shape {item.shape}; downmix with x.mean(axis=0)")
        return "signal"
    if isinstance(item, (list, tuple)):
        raise InputTypeError("X is a list of lists: pass a list of 1-D float numpy signals, or np.asarray(X, dtype=np.float32) "
                        "for equally long signals, one per row")
    raise InputTypeError(f"X[{i}] is a {type(item).__name__}: pass audio file paths (str or os.PathLike) or 1-D float numpy signals at sr Hz")


def _as_items(X: Any) -> list:
    """``X`` as a list of paths or of 1-D float signals (see the module's docstring for the rule)."""
    if is_sparse(X):
        raise InputTypeError(f"X is a sparse {type(X).__name__}, and sparse input is not supported: pass paths or dense signals")
    if isinstance(X, (str, bytes, os.PathLike)):
        raise InputTypeError("X is a single path: pass a list of paths, e.g. [path]")
    if hasattr(X, "to_numpy") and not isinstance(X, np.ndarray):
        X = X.to_numpy()  # a pandas Series of paths, or a one-column DataFrame
    elif not isinstance(X, (np.ndarray, list, tuple)) and hasattr(X, "__array__"):
        X = np.asarray(X)
    if isinstance(X, np.ndarray):
        X = _array_items(X)
    elif not isinstance(X, (list, tuple)):
        raise InputTypeError(f"X must be a list of audio paths or 1-D float signals, or a 2-D float array of signals (one per row), got {type(X).__name__}")
    items = list(X)
    if not items:
        raise ParameterError("X is empty: pass at least one audio path or signal")
    kinds = {_item_kind(item, i) for i, item in enumerate(items)}
    if len(kinds) > 1:
        raise InputTypeError("X mixes file paths and signal arrays: pass only paths, or only 1-D float signals at sr Hz")
    return items


def _array_items(X: np.ndarray) -> list:
    if X.dtype.kind in "OUS":
        if X.ndim == 2 and X.shape[1] == 1:
            X = X[:, 0]  # one column of paths, as ColumnTransformer passes it
        if X.ndim != 1:
            raise ParameterError(f"an array of paths must be 1-D (or one column), got shape {X.shape}; pass signals as a float array")
        return [os.fsdecode(x) if isinstance(x, bytes) else x for x in X.tolist()]
    if np.iscomplexobj(X):
        # scikit-learn's wording and type, which its estimator checks look for
        raise ParameterError("Complex data not supported: X must hold real signals; pass np.real(X)")
    if not np.issubdtype(X.dtype, np.floating):
        hint = "; 16-bit PCM: X.astype(np.float32) / 32768" if np.issubdtype(X.dtype, np.integer) else ""
        raise InputTypeError(f"X must hold floating-point signals or paths, got dtype {X.dtype}{hint}")
    if X.ndim == 1:
        raise ParameterError("X is a 1-D array, one signal. Reshape your data: pass a list of signals, [y], or a 2-D array "
                             "with one signal per row, y.reshape(1, -1)")
    if X.ndim != 2:
        raise ParameterError(f"X must be a 2-D array with one signal per row, got shape {X.shape}")
    if X.shape[1] == 0:
        raise ParameterError(f"X has 0 feature(s) (shape={X.shape}) while a minimum of 1 is required: each row is a signal and needs samples")
    return list(X)


class FeatureExtractor(TransformerMixin, BaseEstimator):
    """Audio files or signals to one row of utterance features each, for scikit-learn pipelines.

    Fixed-length sets (``'ser162'``, ``'egemaps_like'``) give their values; a frame-level
    feature (``'mfcc'``, ``'melspectrogram'``, ...) is summarised per utterance by ``stats``.
    Extraction runs in Rust, in parallel. Nothing is learnt from the data: ``fit`` checks the
    parameters and names the output columns.

    Parameters
    ----------
    feature : str
        A name in :data:`ser_rs.FEATURES`.
    sr : int
        Analysis rate: files are resampled to it, and signals must already be at it. Default
        16 kHz, as :data:`ser_rs.model.DEFAULT_FEATURES`.
    stats : sequence of str
        Statistics of a frame-level feature (:func:`ser_rs.feature.functionals`).
    feature_params : dict, optional
        The feature's keyword arguments (e.g. ``{'n_mfcc': 13}``) and ``db`` (see
        :func:`feature_matrix`).
    n_jobs : int, optional
        Worker threads; None uses every core.
    on_error : {'raise', 'nan'}
        An item that cannot be read (missing, corrupt, too short, NaN samples): ``'raise'``
        raises its error, naming the item, since a dropped row would misalign ``X`` and ``y``;
        ``'nan'`` gives it a row of NaN and warns (RuntimeWarning), so the good rows stay in
        place; follow with ``SimpleImputer`` or drop those rows with their labels. Wrong types
        raise either way.

    Attributes
    ----------
    feature_names_out_ : np.ndarray of str
        The output columns (see :func:`feature_columns`).

    Examples
    --------
    >>> import numpy as np, ser_rs.sklearn
    >>> rng = np.random.default_rng(0)
    >>> signals = [rng.standard_normal(n).astype(np.float32) for n in (16000, 24000)]
    >>> ex = ser_rs.sklearn.FeatureExtractor("mfcc", feature_params={"n_mfcc": 13}, stats=["mean", "std"])
    >>> ex.fit_transform(signals).shape
    (2, 26)
    >>> ex.get_feature_names_out()[:2].tolist()
    ['mfcc_1_mean', 'mfcc_1_std']
    """

    def __init__(
        self,
        feature: str = "ser162",
        *,
        sr: int = DEFAULT_FEATURES["sr"],
        stats: Sequence[str] = DEFAULT_STATS,
        feature_params: Optional[dict] = None,
        n_jobs: Optional[int] = None,
        on_error: str = "raise",
    ):
        self.feature = feature
        self.sr = sr
        self.stats = stats
        self.feature_params = feature_params
        self.n_jobs = n_jobs
        self.on_error = on_error

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # file paths
        tags.input_tags.allow_nan = self.on_error == "nan"
        return tags

    def _check_params(self) -> None:
        if self.on_error not in ON_ERROR:
            raise ParameterError(f"on_error={self.on_error!r} is not supported; use one of {list(ON_ERROR)}")
        as_n_jobs(self.n_jobs)

    def fit(self, X: Any, y: Any = None) -> "FeatureExtractor":
        """Check the parameters and ``X``, and name the output columns.

        Parameters
        ----------
        X : list of paths or 1-D float signals, or a 2-D float array (one signal per row)
        y : ignored

        Returns
        -------
        self

        Raises
        ------
        ParameterError
            An unknown feature or statistic, absurd parameters, an empty ``X``; with
            ``on_error='raise'``, signals holding NaN or infinity.
        TypeError
            Wrong types: mixed paths and arrays, integer or complex arrays, sparse matrices.
        """
        self._check_params()
        items = _as_items(X)
        if self.on_error == "raise":
            for i, item in enumerate(items):
                if isinstance(item, np.ndarray) and (item.size == 0 or not np.all(np.isfinite(item))):
                    problem = "is an empty signal" if item.size == 0 else "holds NaN or infinite samples"
                    raise ParameterError(f"X[{i}] {problem}: pass usable audio, or on_error='nan' to give it a NaN row")
        self.feature_names_out_ = np.asarray(feature_columns(self.feature, sr=self.sr, stats=self.stats, feature_params=self.feature_params), dtype=object)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """The features of each item of ``X``, one row each, in order.

        Parameters
        ----------
        X : list of paths or 1-D float signals, or a 2-D float array (one signal per row)
            The items, as :meth:`fit` takes them.

        Returns
        -------
        np.ndarray [shape=(n_items, len(feature_names_out_))], float64
            With ``on_error='nan'``, a NaN row for each item that could not be read.

        Raises
        ------
        SerError
            With ``on_error='raise'``, the first unreadable item's own error
            (MissingFileError, AudioDecodeError, ParameterError, ...).
        InputTypeError
            Wrong types.
        NotFittedError
            Before :meth:`fit`.

        Examples
        --------
        >>> import numpy as np, ser_rs.sklearn
        >>> ex = ser_rs.sklearn.FeatureExtractor("rms", stats=["max"]).fit([np.ones(4096, np.float32)])
        >>> ex.transform([np.full(4096, 0.5, np.float32)]).round(3).tolist()
        [[0.5]]
        """
        check_is_fitted(self)
        self._check_params()
        items = _as_items(X)
        values, errors = feature_matrix(items, self.feature, sr=self.sr, stats=self.stats, feature_params=self.feature_params, n_jobs=self.n_jobs)
        if errors and self.on_error == "raise":
            raise errors[0].exception()
        if errors:
            listed = "; ".join(f"{e.index} ({e.path or 'signal'}: {e.error_type}: {e.message})" for e in errors[:5])
            warnings.warn(f"{len(errors)} of {len(items)} items could not be read and got NaN rows: {listed}", RuntimeWarning, stacklevel=2)
        return values

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The output column names (``input_features`` is ignored: columns do not come from input columns).

        Parameters
        ----------
        input_features : ignored
            Accepted for scikit-learn's API.

        Returns
        -------
        np.ndarray of str
            One name per output column.

        Raises
        ------
        NotFittedError
            Before :meth:`fit`.

        Examples
        --------
        >>> import numpy as np, ser_rs.sklearn
        >>> ex = ser_rs.sklearn.FeatureExtractor("rms", stats=["mean", "max"]).fit([np.ones(4096, np.float32)])
        >>> ex.get_feature_names_out().tolist()
        ['rms_mean', 'rms_max']
        """
        check_is_fitted(self)
        return self.feature_names_out_.copy()


def svm_baseline(**svc_params: Any):
    """The classic SER baseline on utterance vectors: median imputation of missing values (such as
    the pitch of an unvoiced clip), standardisation and an RBF ``SVC`` with
    ``class_weight='balanced'`` (each emotion counts alike, which favours UAR); ``svc_params``
    override SVC's parameters.

    Returns
    -------
    sklearn.pipeline.Pipeline
        Steps ``impute``, ``scale``, ``svc``. Put a :class:`FeatureExtractor` in front for files.

    Parameters
    ----------
    **svc_params
        Keyword arguments of ``sklearn.svm.SVC`` (``C``, ``gamma``, ...), replacing the defaults.

    Examples
    --------
    >>> import numpy as np, ser_rs.sklearn
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [np.nan, 1.0], [1.0, np.nan]] * 5)
    >>> ser_rs.sklearn.svm_baseline(C=10.0).fit(X, ["a", "b", "a", "b"] * 5).predict(X[:2]).tolist()
    ['a', 'b']
    """
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    return Pipeline([
        ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
        ("scale", StandardScaler()),
        ("svc", SVC(**{"class_weight": "balanced", **svc_params})),
    ])
