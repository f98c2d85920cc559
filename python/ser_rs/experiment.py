"""Speaker-independent evaluation of emotion classifiers, as the field reports it.

:func:`cross_validate` extracts features once, then for every fold of whole speakers trains a
normally trained and an adversarially trained :class:`~ser_rs.EmotionClassifier` on the other
speakers (with early stopping on held-out *training* speakers, never the test ones), and tests
both: accuracy, UAR, per-class scores, confusion matrix, and robustness under FGSM and PGD in
feature space and under white noise added to the waveform. ``models=`` adds (or keeps only) the
``'svm'`` baseline, scikit-learn's SVC on utterance features, scored on the same folds. :func:`write_report` turns the result
into ``report.json``, ``report.txt`` and PNG plots. :func:`tune` (from :mod:`ser_rs.tuning`) searches
the classifier's settings on folds of the training speakers only.

Examples
--------
>>> import ser_rs
>>> manifest = ser_rs.datasets.read_corpus("RAVDESS/")                 # doctest: +SKIP
>>> result = ser_rs.experiment.cross_validate(manifest, epochs=30)     # doctest: +SKIP
>>> ser_rs.experiment.write_report(result, "ser_rs_output")           # doctest: +SKIP
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ser_rs import metrics
from ser_rs._jsonable import dumps
from ser_rs.exceptions import FileAccessError, InputTypeError, ParameterError
from ser_rs.model import CLASSIFIER_DEFAULTS, MODEL_SR, run_feature_pipeline
from ser_rs.tuning import TuningResult, tune, write_tuning_report

__all__ = ["BASELINES", "BASELINE_FEATURES", "DEFAULT_EPSILONS", "DEFAULT_SNR_DB", "ExperimentResult", "MODELS", "NO_SPEAKER", "SCORINGS",
           "TuningResult", "augmented_copies", "cross_validate", "default_augmentation", "robustness_targets", "score_model", "score_text",
           "tune", "write_report", "write_score_report", "write_tuning_report"]

#: PGD/FGSM radii, in units of each standardised feature's training std.
DEFAULT_EPSILONS: tuple = (0.025, 0.05, 0.075, 0.1, 0.2, 0.3)
#: White-noise levels for the waveform robustness test (SNR in dB).
DEFAULT_SNR_DB: tuple = (20, 10, 5, 0)

#: The normally and the adversarially trained networks.
MODELS = ("standard", "adversarial")
#: Models :func:`cross_validate` can score beside (or instead of) the networks: scikit-learn
#: estimators on one vector of utterance features per file (``'svm'``: :func:`ser_rs.sklearn.svm_baseline`).
BASELINES = ("svm",)
#: The feature sets the baselines read, side by side, at the feature pipeline's ``sr``: the
#: eGeMAPS-style parameters and the 162 spectral means (the functionals ``'mel+functionals'``
#: gives the networks).
BASELINE_FEATURES = ("egemaps_like", "ser162")


@dataclass
class ExperimentResult:
    """What :func:`cross_validate` measured.

    Attributes
    ----------
    predictions : pandas.DataFrame
        One row per tested file: ``path``, ``speaker``, ``fold``, ``emotion`` and each model's
        prediction (``pred_standard``, ``pred_adversarial``, ``pred_svm``).
    folds : pandas.DataFrame
        Per fold and model: test speakers, files, accuracy, UAR, best epoch, seconds.
    robustness : pandas.DataFrame
        Per fold, model and condition (``clean``, ``fgsm``, ``pgd-k`` at ``epsilon``, ``noise``
        at ``snr_db``): accuracy and UAR.
    histories : pandas.DataFrame
        The training history of every fold and network (columns ``fold``, ``model`` + the
        classifier's ``history_``).
    settings : dict
        Models, features, classifier parameters, splitter and the attack grid.
    errors : list of (path, error type, message)
        Files that could not be read; the others were used.
    model : EmotionClassifier or None
        With ``cross_validate(refit=...)``, that model trained on every file; else None.

    Examples
    --------
    :func:`cross_validate` makes one (``result = cross_validate(corpus)``); here one is made by
    hand to show the robustness check it feeds:

    >>> import pandas as pd
    >>> from ser_rs.experiment import ExperimentResult, robustness_targets
    >>> rows = pd.DataFrame({"model": ["standard"] * 3 + ["adversarial"] * 3, "attack": ["clean", "pgd-3", "pgd-3"] * 2,
    ...                      "epsilon": [0.0, 0.05, 0.1] * 2, "snr_db": [None] * 6, "files": 10,
    ...                      "accuracy": [0.6, 0.4, 0.2, 0.62, 0.5, 0.4], "uar": [0.6, 0.4, 0.2, 0.62, 0.5, 0.4]})
    >>> result = ExperimentResult(predictions=None, folds=None, robustness=rows, histories=None, settings={})
    >>> round(robustness_targets(result)["half_accuracy_epsilon"], 3)
    0.075
    """

    predictions: Any
    folds: Any
    robustness: Any
    histories: Any
    settings: dict
    errors: list = field(default_factory=list)
    model: Any = None

    def summary(self) -> dict:
        """Pooled out-of-fold scores per model and the robustness table averaged over folds.

        Returns
        -------
        dict
            ``files``, ``speakers``, ``labels``; ``models``: per model ``accuracy``, ``uar``,
            ``macro_f1``, ``confusion_matrix`` and ``report``; ``robustness`` (the fold-averaged table
            as records) and ``targets`` (:func:`robustness_targets`).

        Examples
        --------
        >>> import pandas as pd
        >>> from ser_rs.experiment import ExperimentResult
        >>> predictions = pd.DataFrame({"speaker": [1, 1, 2, 2], "emotion": ["sad", "calm", "sad", "calm"],
        ...                             "pred_standard": ["sad", "sad", "sad", "calm"], "pred_adversarial": ["sad", "calm", "sad", "calm"]})
        >>> rows = pd.DataFrame({"model": ["standard", "adversarial"], "attack": "clean", "epsilon": 0.0, "snr_db": None,
        ...                      "files": 4, "accuracy": [0.75, 1.0], "uar": [0.75, 1.0]})
        >>> summary = ExperimentResult(predictions, folds=None, robustness=rows, histories=None, settings={}).summary()
        >>> summary["models"]["standard"]["uar"], summary["models"]["adversarial"]["accuracy"]
        (0.75, 1.0)
        """
        labels = sorted(self.predictions["emotion"].unique())
        out: dict = {"files": int(len(self.predictions)), "speakers": int(self.predictions["speaker"].nunique()), "labels": labels, "models": {}}
        for model in _result_models(self):
            y, p = self.predictions["emotion"].to_numpy(), self.predictions[f"pred_{model}"].to_numpy()
            out["models"][model] = {
                "accuracy": metrics.accuracy_score(y, p),
                "uar": metrics.balanced_accuracy_score(y, p),
                "macro_f1": metrics.f1_score(y, p, average="macro", zero_division=0),
                "confusion_matrix": metrics.confusion_matrix(y, p, labels=labels).tolist(),
                "report": metrics.classification_report(y, p, labels=labels, output_dict=True, zero_division=0),
            }
        out["robustness"] = robustness_table(self.robustness).to_dict(orient="records")
        out["targets"] = robustness_targets(self)
        return out


def _result_models(result: ExperimentResult) -> list:
    """The models a result scored, in order (results made before ``models=`` existed scored the networks)."""
    return list(result.settings.get("models", MODELS))


def _check_models(models: Any) -> tuple:
    chosen = (models,) if isinstance(models, str) else models
    try:
        chosen = tuple(chosen)
    except TypeError:
        chosen = None
    if not chosen or any(m not in MODELS + BASELINES for m in chosen) or len(set(chosen)) < len(chosen):
        raise ParameterError(f"models={models!r} must name one or more distinct models among {list(MODELS + BASELINES)}")
    return chosen


def _baseline_vectors(items: list, names: Sequence[str], sr: int, n_jobs: Optional[int]) -> tuple[np.ndarray, list]:
    """The baselines' feature sets side by side, one row per item, and one error per failed item.

    A value a clip cannot support (the pitch of an unvoiced clip) becomes 0, as in the
    networks' utterance features, so speaker normalisation can run on every row.
    """
    from ser_rs.sklearn import feature_matrix

    blocks, errors = [], {}
    for name in names:
        values, failed = feature_matrix(items, name, sr=sr, n_jobs=n_jobs)
        blocks.append(values)
        for e in failed:
            errors.setdefault(e.index, e)
    return np.nan_to_num(np.hstack(blocks), nan=0.0, posinf=0.0, neginf=0.0), [errors[i] for i in sorted(errors)]


def _log(progress: bool) -> Callable[[str], None]:
    return print if progress else (lambda message: None)


def _speaker_splitter(manifest: Any, splitter: Any):
    from ser_rs.datasets import RavdessActorFolds, SpeakerKFold

    if splitter is not None:
        return splitter
    if manifest.attrs.get("corpus") == "ravdess" or ("corpus" in manifest and set(manifest["corpus"]) == {"ravdess"}):
        return RavdessActorFolds()
    return SpeakerKFold(min(5, manifest["speaker"].nunique()), seed=0)


def _extract(paths: list, features: dict, n_jobs: Optional[int], progress: bool) -> tuple[list, list]:
    """Each file's sequence (None where it could not be read) and the errors."""
    seqs, errors = run_feature_pipeline(paths, features, strict=False, n_jobs=n_jobs, progress=progress)
    return seqs, [(e.path, e.error_type, e.message) for e in errors]


def default_augmentation() -> Any:
    """The waveform augmentation :func:`cross_validate` applies to training speakers'
    ``augment_copies``: a pitch shift of up to 2 semitones and a tempo change of up to 10% (each
    copy's speaker-dependent cues, F0 level, formants and rate, move, so a copy acts as a new
    speaker), and light white noise (20-40 dB SNR) on half of them.

    Returns
    -------
    ser_rs.effects.Compose
        PitchShift(+-2 semitones), TimeStretch(0.9-1.1) and, with p=0.5, AddGaussianSNR(20-40 dB).

    Examples
    --------
    >>> import ser_rs
    >>> ser_rs.experiment.default_augmentation()
    Compose([PitchShift(min_semitones=-2, max_semitones=2, p=1), TimeStretch(min_rate=0.9, max_rate=1.1, p=1), AddGaussianSNR(min_snr_db=20, max_snr_db=40, p=0.5)])
    """
    from ser_rs.effects import AddGaussianSNR, Compose, PitchShift, TimeStretch

    return Compose([PitchShift(-2.0, 2.0, p=1.0), TimeStretch(0.9, 1.1, p=1.0), AddGaussianSNR(20.0, 40.0, p=0.5)])


def _check_augmentation(copies: Any, pipeline: Any) -> None:
    if isinstance(copies, bool) or not isinstance(copies, (int, np.integer)) or not 0 <= copies <= 100:
        raise ParameterError(f"augment_copies={copies!r} must be an integer from 0 to 100")
    if pipeline is not None and not hasattr(pipeline, "apply_batch"):
        raise InputTypeError(f"augment must be a ser_rs.effects.Compose (e.g. ser_rs.experiment.default_augmentation()), got {type(pipeline).__name__}")


def augmented_copies(
    signals: Sequence[np.ndarray],
    features: dict,
    copies: int,
    *,
    pipeline: Any = None,
    seed: int = 0,
    n_jobs: Optional[int] = None,
) -> tuple[list, np.ndarray, np.ndarray]:
    """Feature sequences of ``copies`` augmented versions of every signal (at ``features['sr']``).

    Returns the sequences, the input each came from and its copy number (1 to ``copies``). An
    input the augmentation or the features fail on loses that copy only, with a warning.

    Parameters
    ----------
    signals : sequence of np.ndarray
        Mono signals at ``features['sr']``.
    features : dict
        The feature pipeline (see :func:`ser_rs.model.extract_sequences`).
    copies : int >= 1
        Augmented copies per signal.
    pipeline : ser_rs.effects.Compose, optional
        The augmentation; default :func:`default_augmentation`.
    seed : int, default 0
        Seed of the augmentation; copy ``k`` of signal ``i`` is reproducible from it.
    n_jobs : int, optional
        Worker threads; None uses every core.

    Returns
    -------
    sequences : list of np.ndarray
        One ``(frames, features)`` array per copy made.
    source : np.ndarray of int
        The index of the signal each copy came from.
    copy : np.ndarray of int
        Its copy number, 1 to ``copies``.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> tone = np.sin(np.arange(16000) * 0.1).astype(np.float32)
    >>> feats = {"feature": "mfcc", "sr": 16000, "n_mfcc": 13}
    >>> seqs, source, copy = ser_rs.experiment.augmented_copies([tone, tone], feats, 2, seed=1)
    >>> source.tolist(), copy.tolist()
    ([0, 1, 0, 1], [1, 1, 2, 2])
    """
    _check_augmentation(copies, pipeline)
    pipeline = default_augmentation() if pipeline is None else pipeline
    sr = features.get("sr", MODEL_SR)
    seqs: list = []
    source, copy_no = [], []
    for c in range(1, copies + 1):
        batch = pipeline.apply_batch(list(signals), sr, seed=seed * 1009 + c)
        kept = [i for i, s in enumerate(batch.signals) if s is not None]
        out, errors = run_feature_pipeline([batch.signals[i] for i in kept], features, strict=False, n_jobs=n_jobs)
        failed = [(e.index, e) for e in batch.errors] + [(kept[e.index], e) for e in errors]
        for i, e in failed:
            warnings.warn(f"augmented copy {c} of signal {i} was dropped: {e.error_type}: {e.message}", stacklevel=2)
        for i, s in zip(kept, out):
            if s is not None:
                seqs.append(s)
                source.append(i)
                copy_no.append(c)
    return seqs, np.asarray(source, dtype=int), np.asarray(copy_no, dtype=int)


def _load_signals(paths: Sequence[Any], features: dict) -> list:
    """The files at ``paths`` decoded at the pipeline's analysis rate."""
    from ser_rs.audio import load

    return [load(p, sr=features.get("sr", MODEL_SR))[0] for p in paths]


def _with_augmented_copies(paths: Sequence[Any], X: list, y: np.ndarray, speakers: np.ndarray, features: dict, copies: int, *,
                           pipeline: Any = None, seed: int = 0, n_jobs: Optional[int] = None) -> tuple[list, np.ndarray, np.ndarray]:
    """A training set ``(X, y, speakers)`` of the files at ``paths`` grown by ``copies`` augmented
    copies of each; copy ``c`` of speaker ``s`` is the speaker ``'s~copyc'``."""
    more, source, copy_no = augmented_copies(_load_signals(paths, features), features, copies, pipeline=pipeline, seed=seed, n_jobs=n_jobs)
    copy_speakers = [f"{s}~copy{c}" for s, c in zip(speakers[source], copy_no)]
    return list(X) + more, np.concatenate([y, y[source]]), np.concatenate([speakers.astype(object), np.asarray(copy_speakers, dtype=object)])


def _validation_speakers(train_speakers: np.ndarray, fraction: float, rng: np.random.Generator) -> set:
    unique = np.unique(train_speakers)
    n = max(1, int(round(fraction * len(unique)))) if len(unique) > 2 else 0
    return set(rng.choice(unique, size=n, replace=False).tolist()) if n else set()


def _check_early_stopping(models: Any) -> tuple:
    chosen = (models,) if isinstance(models, str) else models
    try:
        chosen = tuple(chosen)
    except TypeError:
        chosen = None
    if chosen is None or any(m not in MODELS for m in chosen):
        raise ParameterError(f"early_stopping={models!r} must name models among {list(MODELS)} (an empty tuple for none)")
    return chosen


def _clean_monitor(params: dict) -> dict:
    """The normally trained model has no perturbation to watch: an ``adv_`` monitor becomes its clean figure."""
    monitor = params.get("monitor")
    return {"monitor": monitor[len("adv_"):]} if isinstance(monitor, str) and monitor.startswith("adv_") else {}


def cross_validate(
    manifest: Any,
    *,
    features: Optional[dict] = None,
    splitter: Any = None,
    adversarial: str = "pgd",
    epsilon: float = CLASSIFIER_DEFAULTS["epsilon"],
    epsilons: Sequence[float] = DEFAULT_EPSILONS,
    snr_db: Sequence[float] = DEFAULT_SNR_DB,
    validation_speakers: float = 0.15,
    early_stopping: Sequence[str] = MODELS,
    augment_copies: int = 0,
    augment: Any = None,
    models: Sequence[str] = MODELS,
    baseline_features: Sequence[str] = BASELINE_FEATURES,
    svm: Any = None,
    n_jobs: Optional[int] = None,
    fit_jobs: int = 1,
    refit: Optional[str] = None,
    seed: int = 0,
    progress: bool = True,
    **classifier_params: Any,
) -> ExperimentResult:
    """Speaker-independent cross-validation of a normally and an adversarially trained classifier,
    and of the SVM baseline on the same folds.

    Parameters
    ----------
    manifest : pandas.DataFrame
        Columns ``path``, ``emotion`` and ``speaker`` (as :mod:`ser_rs.datasets` readers return).
    features : dict, optional
        The feature pipeline (see :func:`ser_rs.model.extract_sequences`); default
        :data:`ser_rs.model.DEFAULT_FEATURES`.
    splitter : optional
        A speaker-grouped splitter with ``split(X, y, groups)``; default RAVDESS's actor folds
        for RAVDESS and 5 speaker folds otherwise.
    adversarial : {'pgd', 'fgsm', 'trades', 'noise'}
        How the second model is trained; ``epsilon`` is its radius, by default the classifier's
        (:data:`ser_rs.model.CLASSIFIER_DEFAULTS`, the radius of the README's results).
    epsilons : sequence of float
        Attack radii of the robustness table.
    snr_db : sequence of float
        White-noise levels of the waveform robustness test (features re-extracted).
    validation_speakers : float
        Share of each fold's training speakers held out for early stopping.
    early_stopping : sequence of {'standard', 'adversarial'}
        The models that stop early on the held-out speakers. The others train for the full
        ``epochs`` on every training speaker, the held-out ones included.
    augment_copies : int
        Augmented copies of every file a model trains on (never of the test speakers, nor of
        the held-out ones for a model that stops early) added to its training set; each copy
        of a speaker is standardised as a speaker of its own under ``speaker_norm``. Training
        takes ``1 + augment_copies`` times as long.
    augment : ser_rs.effects.Compose, optional
        The augmentation; default :func:`default_augmentation`.
    models : sequence of {'standard', 'adversarial', 'svm'}
        The models to score, on the same folds and the same files (a file one model cannot
        read is left out for all): the networks (:data:`MODELS`) and the baselines
        (:data:`BASELINES`). ``'svm'`` fits ``svm`` on the fold's training speakers (all of
        them: it has no early stopping, nor augmented copies) and is tested clean and under the
        waveform noise (the feature-space attacks are the networks'). Needs scikit-learn.
    baseline_features : sequence of str
        The feature sets, in :data:`ser_rs.FEATURES`, the baselines read side by side at
        ``features['sr']`` (a frame-level one is summarised by
        :data:`ser_rs.feature.DEFAULT_STATS`). With ``speaker_norm=True`` they are standardised
        by speaker like the networks' features.
    svm : scikit-learn classifier, optional
        The estimator ``'svm'`` clones in each fold; default
        :func:`ser_rs.sklearn.svm_baseline`.
    n_jobs : int, optional
        Feature-extraction threads.
    fit_jobs : int >= 1
        Networks trained at once, each in a worker process of its own (libtorch at the
        classifier's ``n_threads``, 1 by default, in each): 2 on 2 cores halves the training's
        wall time. Every fit and attack is seeded, so the results do not depend on it. The
        workers show no progress bars; a line per model is logged as it finishes.
    refit : {'standard', 'adversarial'}, optional
        Also train this model, as it was trained in the folds, on every file (with the
        classifier's own early stopping on ``validation_fraction`` of them), beside the folds'
        models when ``fit_jobs`` > 1, from the features already extracted; it is the result's
        ``model``, ready to ``save`` and to predict files.
    seed : int
        Seeds the classifiers and the choice of validation speakers.
    progress : bool
        Progress messages and bars.
    **classifier_params
        Passed to both :class:`~ser_rs.EmotionClassifier` (e.g. ``epochs=30``); the normally
        trained model watches ``monitor='uar'`` where the adversarial one watches ``'adv_uar'``
        (likewise ``'loss'`` for ``'adv_loss'``). With
        ``speaker_norm=True`` every speaker, test speakers included, is standardised by their
        own statistics, computed without labels (test speakers' from their test files).

    Returns
    -------
    ExperimentResult

    Raises
    ------
    ParameterError
        A manifest without ``path``/``emotion``/``speaker``, empty, with one emotion or too few
        speakers for the splitter; an unknown ``adversarial`` method or model; a
        ``validation_speakers`` share outside (0, 1); ``fit_jobs`` not a whole number from 1 to
        64; ``refit`` not one of the networks scored; no readable file.
    SerError
        With ``strict=True``, the first unreadable file's own error.
    TrainerNotInstalledError
        The trainer is not installed (``pip install "ser_rs[train]"``).

    Examples
    --------
    >>> import ser_rs
    >>> corpus = ser_rs.datasets.make_demo_corpus("demo/", n_speakers=4)     # doctest: +SKIP
    >>> result = ser_rs.experiment.cross_validate(corpus, epochs=10)         # doctest: +SKIP
    >>> result.summary()["models"]["adversarial"]["uar"]                     # doctest: +SKIP
    >>> two = ser_rs.experiment.cross_validate(corpus, epochs=10, fit_jobs=2, refit="adversarial")  # doctest: +SKIP
    >>> two.model.save("demo_model")                                            # doctest: +SKIP
    >>> svm = ser_rs.experiment.cross_validate(corpus, models=["svm"])         # doctest: +SKIP
    >>> svm.folds[["fold", "test_speakers", "accuracy", "uar"]]               # doctest: +SKIP
    """
    import pandas as pd

    from ser_rs.effects import add_noise_snr
    from ser_rs.model import DEFAULT_FEATURES, TRAINING_PERTURBATIONS, extract_sequences, standardize_by_speaker

    missing = [c for c in ("path", "emotion", "speaker") if c not in getattr(manifest, "columns", ())]
    if missing:
        raise ParameterError(f"the manifest lacks the column(s) {missing}: read it with ser_rs.datasets.read_corpus")
    if len(manifest) == 0:
        raise ParameterError("the manifest is empty: no audio files to evaluate")
    if manifest["emotion"].nunique() < 2:
        raise ParameterError(f"the corpus has one emotion only ({manifest['emotion'].iloc[0]!r}): a classifier needs at least two")
    if adversarial not in TRAINING_PERTURBATIONS:
        raise ParameterError(f"adversarial={adversarial!r} must be one of {list(TRAINING_PERTURBATIONS)}")
    _check_augmentation(augment_copies, augment)
    early_stopping = _check_early_stopping(early_stopping)
    models = _check_models(models)
    networks, baselines = [m for m in models if m in MODELS], [m for m in models if m in BASELINES]
    if baselines:
        if isinstance(baseline_features, str) or not baseline_features:
            raise ParameterError(f"baseline_features={baseline_features!r} must be a non-empty list of feature names such as {list(BASELINE_FEATURES)}")
        from sklearn.base import clone

        from ser_rs.sklearn import svm_baseline

        svm = svm_baseline() if svm is None else svm
    if isinstance(validation_speakers, bool) or not isinstance(validation_speakers, (int, float)) or not 0 < validation_speakers < 1:
        raise ParameterError(f"validation_speakers={validation_speakers!r} must be a share in (0, 1); "
                             "to train without early stopping pass early_stopping=()")
    if isinstance(fit_jobs, bool) or not isinstance(fit_jobs, (int, np.integer)) or not 1 <= fit_jobs <= 64:
        raise ParameterError(f"fit_jobs={fit_jobs!r} must be a whole number of worker processes from 1 to 64, e.g. 2 on 2 cores")
    if refit is not None and refit not in networks:
        raise ParameterError(f"refit={refit!r} must be one of the networks scored, {networks}, or None")
    augment = default_augmentation() if augment_copies and augment is None else augment
    log = _log(progress)
    features = dict(DEFAULT_FEATURES if features is None else features)
    manifest = manifest.reset_index(drop=True)

    started = time.perf_counter()
    paths = manifest["path"].astype(str).tolist()
    rate = features.get("sr", 16000)  # the rate _run_pipeline analyses at
    ok = np.ones(len(paths), dtype=bool)
    errors: list = []
    if networks:
        log(f"Extracting {features['feature']} features from {len(manifest)} files ...")
        seqs, errors = _extract(paths, features, n_jobs, progress)
        ok &= np.array([s is not None for s in seqs])
    if baselines:
        log(f"Extracting the baseline's {', '.join(baseline_features)} features from {len(manifest)} files ...")
        vectors, failed = _baseline_vectors(paths, baseline_features, rate, n_jobs)
        errors += [(e.path, e.error_type, e.message) for e in failed if ok[e.index]]  # one error per file
        ok[[e.index for e in failed]] = False
        vectors = vectors[ok]
    for path, kind, message in errors:
        log(f"  skipped {path}: {kind}: {message}")
    if not ok.any():
        raise ParameterError("no file could be read: check the paths in the manifest")
    data = manifest[ok].reset_index(drop=True)
    seqs = [s for s, good in zip(seqs, ok) if good] if networks else []
    log(f"  {len(data)} files in {time.perf_counter() - started:.1f} s")

    y = data["emotion"].astype(str).to_numpy()
    speakers = data["speaker"].astype(str).to_numpy()
    splitter = _speaker_splitter(data, splitter)
    rng = np.random.default_rng(seed)
    pred = {m: np.empty(len(data), dtype=object) for m in models}
    fold_of = np.full(len(data), -1)
    fold_rows, robust_rows, histories = [], [], []
    params = {"seed": seed, "progress": progress, **classifier_params, "features": features}
    by_speaker = bool(params.get("speaker_norm", False))

    def ids(rows: np.ndarray) -> Optional[np.ndarray]:
        """The speakers of ``rows`` when the classifiers normalise by speaker."""
        return speakers[rows] if by_speaker else None

    def by_speaker_if_asked(X: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Baseline vectors of ``rows``, standardised by speaker when the networks' features are."""
        return np.vstack(standardize_by_speaker(X, speakers[rows], name="the baseline features")) if by_speaker else X

    if baselines:
        vectors = by_speaker_if_asked(vectors, np.arange(len(data)))

    def record(k: int, model: str, test: np.ndarray, test_speakers: list, seconds: float, best_epoch: Any) -> None:
        acc = metrics.accuracy_score(y[test], pred[model][test])
        uar = metrics.balanced_accuracy_score(y[test], pred[model][test])
        fold_rows.append({"fold": k, "model": model, "test_speakers": " ".join(test_speakers), "files": len(test),
                          "accuracy": acc, "uar": uar, "best_epoch": best_epoch, "seconds": seconds})
        if best_epoch is None:  # a baseline: the networks are logged as they finish
            log(f"  fold {k} {model:11s} accuracy {acc:.3f}  UAR {uar:.3f}  ({seconds:.0f} s)")

    def record_noise(k: int, model: str, test: np.ndarray, snr: float, p: np.ndarray) -> None:
        robust_rows.append({"fold": k, "model": model, "files": len(test), "attack": "noise", "epsilon": np.nan, "snr_db": float(snr),
                            "accuracy": metrics.accuracy_score(y[test], p), "uar": metrics.balanced_accuracy_score(y[test], p)})

    splits = list(splitter.split(data, y, speakers))
    # Each (fold, model) becomes an outcome: the baselines' at once, the networks' from _run_network,
    # in this process or (fit_jobs > 1) in worker processes. They are recorded in (fold, model) order.
    entries: list = []
    final_model = None
    with _TaskRunner(fit_jobs, log) as runner:
        refit_task = None
        if refit is not None:  # the longest fit: it starts first, while the folds' test sets are made
            extra = {"adversarial": adversarial, "epsilon": epsilon} if refit == "adversarial" else {"adversarial": None, **_clean_monitor(params)}
            refit_task = {"params": {**params, **extra}, "X": seqs, "y": y, "speakers": ids(np.arange(len(data))), "early_stopping": "own",
                          "features": features}
            refit_handle = runner.submit(_run_network, refit_task)
        for k, (train, test) in enumerate(splits, start=1):
            val_set = _validation_speakers(speakers[train], validation_speakers, rng)
            is_val = np.isin(speakers[train], list(val_set))
            fit_idx, val_idx = train[~is_val], train[is_val]
            test_speakers = sorted(set(speakers[test]))
            log(f"Fold {k}/{len(splits)}: test speakers {', '.join(test_speakers)} ({len(test)} files), validation {sorted(val_set)}")
            fold_of[test] = k
            training_sets = {}

            def training_set(every_speaker: bool) -> tuple[list, np.ndarray, np.ndarray]:
                """The fold's training files (the held-out speakers' too with ``every_speaker``) and their augmented copies, built once per fold."""
                if every_speaker not in training_sets:
                    rows = train if every_speaker else fit_idx
                    X_rows, y_rows, spk_rows = [seqs[i] for i in rows], y[rows], speakers[rows]
                    if augment_copies:
                        X_rows, y_rows, spk_rows = _with_augmented_copies(data["path"].iloc[rows], X_rows, y_rows, spk_rows, features, augment_copies,
                                                                          pipeline=augment, seed=seed + k, n_jobs=n_jobs)
                        log(f"  + {len(X_rows) - len(rows)} augmented copies of the training speakers' files")
                    training_sets[every_speaker] = X_rows, y_rows, spk_rows
                return training_sets[every_speaker]

            test_signals = _load_signals(data["path"].iloc[test], features)
            noisy, noisy_vectors = {}, {}
            for snr in snr_db:
                signals = [add_noise_snr(s, snr_db=snr, seed=seed + int(i)) for i, s in zip(test, test_signals)]
                if networks:
                    noisy[snr] = extract_sequences([], features, signals=signals, n_jobs=n_jobs)
                if baselines:
                    X_noisy, failed = _baseline_vectors(signals, baseline_features, rate, n_jobs)
                    if failed:
                        raise failed[0].exception()
                    noisy_vectors[snr] = by_speaker_if_asked(X_noisy, test)
            for model in models:
                if model in BASELINES:
                    t0 = time.perf_counter()
                    estimator = clone(svm).fit(vectors[train], y[train])
                    outcome = {"pred": estimator.predict(vectors[test]), "best_epoch": None, "robustness": [],
                               "noise": {snr: estimator.predict(X_noisy) for snr, X_noisy in noisy_vectors.items()}}
                    outcome["seconds"] = time.perf_counter() - t0
                    entries.append((k, model, test, test_speakers, outcome))
                    continue
                extra = {"adversarial": adversarial, "epsilon": epsilon} if model == "adversarial" else {"adversarial": None, **_clean_monitor(params)}
                stops_early = model in early_stopping and len(val_idx) > 0
                fit_X, fit_y, fit_speakers = training_set(every_speaker=not stops_early)
                task = {"params": {**params, **extra}, "X": fit_X, "y": fit_y, "speakers": fit_speakers if by_speaker else None,
                        "early_stopping": "held-out" if stops_early else "none", "X_test": [seqs[i] for i in test], "y_test": y[test],
                        "speakers_test": ids(test), "noise": noisy, "epsilons": epsilons}
                if stops_early:
                    task.update(X_val=[seqs[i] for i in val_idx], y_val=y[val_idx], speakers_val=ids(val_idx))
                entries.append((k, model, test, test_speakers, task))

        # The longest fits start first, so that no worker is left with a long one at the end.
        handles = {i: runner.submit(_run_network, entries[i][4]) for i in sorted(
            (i for i, entry in enumerate(entries) if "X" in entry[4]), key=lambda i: -_fit_cost(entries[i][4]))}
        outcomes = {i: job for i, (_, _, _, _, job) in enumerate(entries) if i not in handles}
        for i, outcome in runner.as_completed(handles):  # logged as each finishes, recorded below in order
            outcomes[i] = outcome
            k, model, test = entries[i][:3]
            log(f"  fold {k} {model:11s} accuracy {metrics.accuracy_score(y[test], outcome['pred']):.3f}  "
                f"UAR {metrics.balanced_accuracy_score(y[test], outcome['pred']):.3f}  ({outcome['seconds']:.0f} s, best epoch {outcome['best_epoch']})")
        for i, (k, model, test, test_speakers, _) in enumerate(entries):
            outcome = outcomes[i]
            pred[model][test] = outcome["pred"]
            record(k, model, test, test_speakers, outcome["seconds"], outcome["best_epoch"])
            if model in BASELINES:
                robust_rows.append({"fold": k, "model": model, "files": len(test), "attack": "clean", "epsilon": 0.0, "snr_db": np.nan,
                                    "accuracy": fold_rows[-1]["accuracy"], "uar": fold_rows[-1]["uar"]})
            for attack, eps, acc, uar in outcome["robustness"]:
                robust_rows.append({"fold": k, "model": model, "files": len(test), "attack": attack, "epsilon": eps,
                                    "snr_db": np.nan, "accuracy": acc, "uar": uar})
            for snr, p in outcome["noise"].items():
                record_noise(k, model, test, snr, p)
            if "history" in outcome:
                h = outcome["history"].copy()
                h.insert(0, "model", model)
                h.insert(0, "fold", k)
                histories.append(h)
        if refit_task is not None:
            outcome = runner.result(refit_handle)
            final_model = outcome["model"].set_params(progress=progress)
            log(f"  final {refit} model on all {len(data)} files ({outcome['seconds']:.0f} s, best epoch {outcome['best_epoch']})")

    tested = fold_of > 0
    predictions = pd.DataFrame({"path": data["path"].astype(str), "speaker": speakers, "fold": fold_of, "emotion": y,
                                **{f"pred_{m}": pred[m] for m in models}})[tested].reset_index(drop=True)
    settings = {"models": list(models), "features": features, "classifier": {k: v for k, v in params.items() if k != "progress"}, "adversarial": adversarial,
                "epsilon": epsilon, "epsilons": list(epsilons), "snr_db": list(snr_db), "splitter": repr(splitter),
                "validation_speakers": validation_speakers, "early_stopping": list(early_stopping), "augment_copies": augment_copies,
                "augment": repr(augment) if augment_copies else None, "refit": refit, "seconds": round(time.perf_counter() - started, 1)}
    if baselines:
        settings.update(baseline_features=list(baseline_features), svm=repr(svm))
    history = pd.concat(histories, ignore_index=True) if histories else pd.DataFrame(columns=["fold", "model", "epoch"])
    return ExperimentResult(predictions, pd.DataFrame(fold_rows), pd.DataFrame(robust_rows), history, settings, list(errors), final_model)


def _fit_cost(task: dict) -> float:
    """A fit's rough cost: its files, times the forward-backward passes of a perturbed step."""
    perturbed = task["params"].get("adversarial")
    passes = 2 + task["params"].get("pgd_steps", CLASSIFIER_DEFAULTS["pgd_steps"]) if perturbed == "pgd" else 3 if perturbed else 1
    return len(task["X"]) * passes


def _run_network(task: dict) -> dict:
    """Fit one network as ``task`` describes and, when it has test files, test it: predictions,
    the feature-space attacks, and the noisy copies of the test files. Runs in this process or in
    a worker process; libtorch seeds every fit and attack, so the result is the same in both."""
    from ser_rs.model import EmotionClassifier

    clf = EmotionClassifier(**task["params"])
    t0 = time.perf_counter()
    X, y, speakers = task["X"], task["y"], task["speakers"]
    if task["early_stopping"] == "held-out":
        clf.fit(X, y, X_val=task["X_val"], y_val=task["y_val"], speakers=speakers, speakers_val=task["speakers_val"])
    elif task["early_stopping"] == "none":  # the full epochs on every training speaker
        clf.set_params(patience=None).fit(X, y, speakers=speakers)
    else:  # the classifier's own early stopping, on a share of the files it is given
        clf.fit(X, y, speakers=speakers)
    out: dict = {"seconds": time.perf_counter() - t0, "best_epoch": clf.best_epoch_, "history": clf.history_}
    if "X_test" not in task:
        clf.features_ = dict(task["features"])  # the sequences came from this pipeline: predict(paths) re-runs it
        out["model"] = clf
        return out
    X_test, spk_test = task["X_test"], task["speakers_test"]
    out["pred"] = clf.predict(X_test, speakers=spk_test)
    table = clf.robustness(X_test, task["y_test"], attacks=("fgsm", "pgd"), epsilons=task["epsilons"], speakers=spk_test)
    out["robustness"] = [(r.attack, r.epsilon, r.accuracy, r.uar) for r in table.itertuples()]
    out["noise"] = {snr: clf.predict(X_noisy, speakers=spk_test) for snr, X_noisy in task["noise"].items()}
    return out


class _TaskRunner:
    """Runs tasks in this process (``jobs`` 1), or in ``jobs`` worker processes started fresh
    ('spawn': the parent's libtorch and rayon threads do not survive a fork)."""

    def __init__(self, jobs: int, log: Callable[[str], None]) -> None:
        self.jobs, self.log, self.pool = jobs, log, None

    def __enter__(self) -> "_TaskRunner":
        if self.jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.log(f"Training in {self.jobs} worker processes ...")
            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("spawn"))
        return self

    def submit(self, fn: Callable[[dict], dict], task: dict) -> Any:
        """A future of ``fn(task)`` in a worker, or (one job) the task itself, run when its result is asked for."""
        if self.pool is None:
            return (fn, task)
        task = {**task, "params": {**task["params"], "progress": False}}  # bars from parallel workers would overwrite each other
        return self.pool.submit(fn, task)

    def as_completed(self, handles: dict) -> Any:
        """``(key, outcome)`` of every handle in ``handles``, in the order they finish (one job: by key)."""
        if self.pool is None:
            for key in sorted(handles):
                yield key, self.result(handles[key])
            return
        from concurrent.futures import as_completed

        keys = {future: key for key, future in handles.items()}
        for future in as_completed(keys):
            yield keys[future], future.result()

    def result(self, handle: Any) -> dict:
        """The outcome of what :meth:`submit` returned (or an outcome already computed)."""
        if isinstance(handle, dict):
            return handle
        if isinstance(handle, tuple):
            fn, task = handle
            return fn(task)
        return handle.result()

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=kind is None, cancel_futures=True)


def robustness_table(rows: Any):
    """Accuracy and UAR per model and condition, averaged over folds weighted by test files."""
    import pandas as pd

    df = rows.copy()
    df["condition"] = np.where(df["attack"] == "noise", "noise", df["attack"])
    df["level"] = np.where(df["attack"] == "noise", df["snr_db"], df["epsilon"])
    df["acc_w"], df["uar_w"] = df["accuracy"] * df["files"], df["uar"] * df["files"]
    g = df.groupby(["model", "condition", "level"], dropna=False, sort=False)[["acc_w", "uar_w", "files"]].sum().reset_index()
    g["accuracy"], g["uar"] = g["acc_w"] / g["files"], g["uar_w"] / g["files"]
    return pd.DataFrame(g[["model", "condition", "level", "accuracy", "uar"]])


def robustness_targets(result: ExperimentResult) -> dict:
    """The issue's robustness check: the PGD radius where the standard model has lost half its
    clean accuracy, the share of its clean accuracy the adversarial model keeps there, and what
    adversarial training cost in clean accuracy.

    The radius is found on each model's fold-mean accuracy curve (clean accuracy at radius 0,
    then the PGD grid) by linear interpolation between the two grid radii around the halving
    point; the first grid radius at or below half is reported beside it. Without interpolation a
    coarse grid would overshoot the halving point and ask the adversarial model for more.

    Parameters
    ----------
    result : ExperimentResult
        A result that scored both the ``'standard'`` and the ``'adversarial'`` model under PGD.

    Returns
    -------
    dict
        ``clean_accuracy`` (per model), ``clean_cost_points``, ``half_accuracy_epsilon``,
        ``adversarial_accuracy_at_epsilon``, ``adversarial_kept_share``, and the same at the first
        grid radius at or below half (``grid_epsilon``, ...). ``half_accuracy_epsilon`` is None,
        with a ``note``, when a model is missing or the standard model never lost half.

    Examples
    --------
    >>> import pandas as pd
    >>> from ser_rs.experiment import ExperimentResult, robustness_targets
    >>> rows = pd.DataFrame({"model": ["standard"] * 3 + ["adversarial"] * 3, "attack": ["clean", "pgd-3", "pgd-3"] * 2,
    ...                      "epsilon": [0.0, 0.05, 0.1] * 2, "snr_db": [None] * 6, "files": 10,
    ...                      "accuracy": [0.6, 0.4, 0.2, 0.62, 0.5, 0.4], "uar": [0.6, 0.4, 0.2, 0.62, 0.5, 0.4]})
    >>> result = ExperimentResult(predictions=None, folds=None, robustness=rows, histories=None, settings={})
    >>> targets = robustness_targets(result)
    >>> round(targets["half_accuracy_epsilon"], 3), round(targets["adversarial_kept_share"], 3)
    (0.075, 0.726)
    """
    table = robustness_table(result.robustness)
    if not all((table.model == m).any() for m in MODELS):
        return {"half_accuracy_epsilon": None, "note": f"the robustness targets compare the {' and '.join(MODELS)} models: score both"}
    clean = {m: float(table[(table.model == m) & (table.condition == "clean")].accuracy.iloc[0]) for m in MODELS}
    pgd = table[table.condition.str.startswith("pgd")]
    out: dict = {"clean_accuracy": clean, "clean_cost_points": 100 * (clean["standard"] - clean["adversarial"])}
    curves = {}
    for m in MODELS:
        rows = pgd[pgd.model == m].sort_values("level")
        curves[m] = (np.r_[0.0, rows.level.to_numpy(float)], np.r_[clean[m], rows.accuracy.to_numpy(float)])
    eps, acc = curves["standard"]
    half = 0.5 * clean["standard"]
    below = np.flatnonzero(acc[1:] <= half) + 1
    if not len(below):
        out.update(half_accuracy_epsilon=None, note="the standard model never lost half its accuracy on the PGD grid: widen epsilons")
        return out
    i = int(below[0])
    fraction = (acc[i - 1] - half) / (acc[i - 1] - acc[i]) if acc[i - 1] > acc[i] else 1.0
    at = float(eps[i - 1] + fraction * (eps[i] - eps[i - 1]))
    adv_eps, adv_acc = curves["adversarial"]
    adv_at, adv_grid = float(np.interp(at, adv_eps, adv_acc)), float(np.interp(eps[i], adv_eps, adv_acc))
    share = (lambda a: a / clean["adversarial"] if clean["adversarial"] > 0 else 0.0)
    out.update(half_accuracy_epsilon=at, adversarial_accuracy_at_epsilon=adv_at, adversarial_kept_share=share(adv_at),
               grid_epsilon=float(eps[i]), standard_accuracy_at_grid_epsilon=float(acc[i]),
               adversarial_accuracy_at_grid_epsilon=adv_grid, adversarial_kept_share_at_grid_epsilon=share(adv_grid))
    return out


def _targets_sentence(t: dict) -> str:
    if t.get("half_accuracy_epsilon") is None:
        return f"Targets: {t.get('note')}"
    return (f"At PGD epsilon {t['half_accuracy_epsilon']:.3f} (interpolated), where the standard model keeps half its clean "
            f"{t['clean_accuracy']['standard']:.3f}, the adversarial model keeps {t['adversarial_accuracy_at_epsilon']:.3f}, "
            f"{100 * t['adversarial_kept_share']:.0f}% of its clean {t['clean_accuracy']['adversarial']:.3f}; at the grid's "
            f"epsilon {t['grid_epsilon']:g} (standard {t['standard_accuracy_at_grid_epsilon']:.3f}) it keeps "
            f"{100 * t['adversarial_kept_share_at_grid_epsilon']:.0f}%. Clean cost {t['clean_cost_points']:.1f} points.")


def _text_report(result: ExperimentResult, summary: dict, plots: Optional[dict] = None, model_dir: Any = None) -> str:
    """The report: first what a reader wants (scores, plots, the saved model and what to run
    next), then the details (folds, per-class reports, the robustness table)."""
    n_labels = len(summary["labels"])
    lines = [f"ser_rs speaker-independent evaluation: {summary['files']} files, {summary['speakers']} speakers, "
             f"{n_labels} emotions (chance {1 / n_labels:.3f}); no test speaker was trained on", ""]
    for model in _result_models(result):
        s = summary["models"][model]
        lines.append(f"{model} model: accuracy {s['accuracy']:.3f}, UAR {s['uar']:.3f}, macro F1 {s['macro_f1']:.3f}")
    if "targets" in summary and all(m in summary["models"] for m in MODELS):
        lines.append(_targets_sentence(summary["targets"]))
    if plots:
        lines += ["", "Plots:"] + [f"  {path}" for path in plots.values()]
    if model_dir is not None:
        lines += ["", f"Model: {model_dir}", "", "Next:", f"  ser-rs predict {model_dir} AUDIO_FILE_OR_FOLDER   # the emotion of your recordings",
                  f"  ser-rs serve --model {model_dir}                 # a web page to upload or stream audio"]
    lines += ["", "Details", "-------", f"splits: {result.settings['splitter']}", "",
              "Per fold:", result.folds[["fold", "model", "test_speakers", "files", "accuracy", "uar", "best_epoch"]].to_string(index=False, float_format="%.3f"), ""]
    for model in _result_models(result):
        y, p = result.predictions["emotion"], result.predictions[f"pred_{model}"]
        lines += [f"Classification report ({model}):", metrics.classification_report(y, p, zero_division=0, digits=3)]
    lines += ["Robustness (mean over folds, weighted by test files; epsilon in standardised-feature stds, noise level as SNR dB):",
              robustness_table(result.robustness).to_string(index=False, float_format="%.3f")]
    if result.errors:
        lines += ["", f"{len(result.errors)} unreadable files were skipped:"] + [f"  {p}: {k}: {m}" for p, k, m in result.errors]
    return "\n".join(lines) + "\n"


def write_report(result: ExperimentResult, out_dir: Any, *, plots: bool = True, model_dir: Any = None) -> dict:
    """Write ``report.json``, ``report.txt``, ``predictions.csv``, ``history.csv`` and (with
    matplotlib and seaborn installed) ``training_curves.png``, ``confusion_matrix.png`` and
    ``robustness.png`` into ``out_dir``; return the paths written by name.

    ``report.txt`` opens with the scores, the plots' paths and, given ``model_dir``, the saved
    model and the commands that use it; the per-fold scores, per-class reports and robustness
    table follow.

    Parameters
    ----------
    result : ExperimentResult
        What :func:`cross_validate` returned.
    out_dir : str or os.PathLike
        The folder to write into; made if missing.
    plots : bool, default True
        Draw the PNG plots (needs ``pip install "ser_rs[plots]"``; skipped with a warning without it).
    model_dir : str or os.PathLike, optional
        A saved model folder (``result.model`` saved, as ``ser-rs demo`` does) for the report to
        point to, with the ``ser-rs predict`` and ``ser-rs serve`` commands that use it.

    Returns
    -------
    dict of str to str
        The paths of the files written, by name (``json``, ``text``, ``predictions``, ``history``, and the plots).

    Raises
    ------
    FileAccessError
        ``out_dir`` cannot be made or written (it is a file, or not writable); also an ``OSError``.

    Examples
    --------
    >>> paths = ser_rs.experiment.write_report(result, "ser_rs_output")   # doctest: +SKIP
    >>> sorted(paths)                                                      # doctest: +SKIP
    ['confusion_matrix', 'history', 'json', 'predictions', 'robustness', 'text', 'training_curves']
    """
    out = Path(out_dir)
    try:
        return _write_report_files(result, out, plots, model_dir)
    except FileAccessError:
        raise
    except OSError as exc:
        raise FileAccessError(f"cannot write the report into {out} ({exc.strerror or exc}): pass a folder you can write to") from exc


def _write_report_files(result: ExperimentResult, out: Path, plots: bool, model_dir: Any) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    summary = result.summary()
    summary["settings"] = result.settings
    summary["folds"] = result.folds.to_dict(orient="records")
    summary["errors"] = [{"path": p, "error_type": k, "message": m} for p, k, m in result.errors]
    paths = {"json": out / "report.json", "text": out / "report.txt", "predictions": out / "predictions.csv", "history": out / "history.csv"}
    paths["json"].write_text(dumps(summary))
    result.predictions.to_csv(paths["predictions"], index=False)
    result.histories.to_csv(paths["history"], index=False)
    drawn: dict = {}
    if plots:
        try:
            from ser_rs import plots as plotting
        except ImportError as exc:
            warnings.warn(f"no plots written ({exc}): install matplotlib and seaborn (pip install 'ser_rs[plots]')", stacklevel=2)
        else:
            shown = "adversarial" if "adversarial" in summary["models"] else next(iter(summary["models"]))  # e.g. the SVM baseline alone
            title = "adversarially trained model" if shown == "adversarial" else f"{shown} model"
            drawn = plotting.experiment_plots(out, histories=result.histories, robustness=robustness_table(result.robustness),
                                            confusion=summary["models"][shown]["confusion_matrix"], labels=summary["labels"],
                                            confusion_title=f"{title} (rows: true, normalised)")
    paths["text"].write_text(_text_report(result, summary, drawn, model_dir))
    paths.update(drawn)
    return {k: str(v) for k, v in paths.items()}


# -- scoring a saved model on another corpus ------------------------------------------------------

#: The speaker id given to a corpus's files that have none, so that a speaker-normalised model
#: standardises them together, as one speaker.
NO_SPEAKER = "(no speaker id)"
#: The two ways :func:`score_model` scores, in the order it reports them: the model's own answer
#: over all its labels, then its answer restricted to the labels the corpus has.
SCORINGS = ("as_is", "restricted")


def _as_recognizer(model: Any) -> Any:
    from ser_rs.inference import Recognizer, load_model
    from ser_rs.model import EmotionClassifier

    if isinstance(model, Recognizer):
        return model
    if isinstance(model, EmotionClassifier):
        return Recognizer(model)
    if isinstance(model, (str, Path)) or hasattr(model, "__fspath__"):
        return load_model(model)
    raise InputTypeError(f"model must be a model folder (str or os.PathLike), a ser_rs.inference.Recognizer or a fitted "
                         f"EmotionClassifier, got {type(model).__name__}")


def _as_manifest(corpus: Any) -> Any:
    import pandas as pd

    from ser_rs.datasets import read_corpus

    if isinstance(corpus, (str, Path)) or hasattr(corpus, "__fspath__"):
        corpus = read_corpus(corpus)
    if not isinstance(corpus, pd.DataFrame):
        raise InputTypeError(f"corpus must be a corpus folder or a manifest DataFrame (ser_rs.datasets.read_corpus), got {type(corpus).__name__}")
    missing = [c for c in ("path", "emotion") if c not in corpus.columns]
    if missing:
        raise ParameterError(f"the corpus manifest lacks the column(s) {missing}: pass one with 'path' and 'emotion' "
                             "(and 'speaker'), as ser_rs.datasets.read_corpus returns")
    if len(corpus) == 0:
        raise ParameterError("the corpus holds no files: pass a folder or manifest with labelled audio files")
    if corpus["emotion"].isna().any():
        raise ParameterError(f"{int(corpus['emotion'].isna().sum())} files of the corpus have no emotion: label every file or drop those rows")
    return corpus.reset_index(drop=True)


def _speaker_ids(manifest: Any) -> tuple[np.ndarray, int]:
    """One speaker id per file (str), files without one all :data:`NO_SPEAKER`, and how many had none."""
    if "speaker" not in manifest.columns:
        return np.full(len(manifest), NO_SPEAKER, dtype=object), len(manifest)
    raw = manifest["speaker"]
    missing = raw.isna().to_numpy()
    ids = np.where(missing, NO_SPEAKER, raw.astype(str).to_numpy()).astype(object)
    return ids, int(missing.sum())


def _scoring(y: np.ndarray, pred: np.ndarray, shared: list, predictable: list) -> dict:
    """One scoring's figures: rows are the corpus's labels, columns the labels the scoring can predict."""
    matrix = metrics.confusion_matrix(y, pred, labels=predictable)
    rows = [predictable.index(label) for label in shared]
    return {
        "labels": list(predictable),
        "accuracy": metrics.accuracy_score(y, pred),
        "uar": metrics.balanced_accuracy_score(y, pred),
        "macro_f1": metrics.f1_score(y, pred, labels=shared, average="macro", zero_division=0),
        "chance_uar": 1.0 / len(shared),
        "outside_corpus_labels": float(np.mean(~np.isin(pred, shared))),
        "confusion_matrix": matrix[rows].tolist(),
        "report": metrics.classification_report(y, pred, labels=shared, output_dict=True, zero_division=0),
    }


def _check_snr_db(snr_db: Any) -> list:
    """The noise levels as finite floats; a lone number, a string or NaN is refused."""
    if isinstance(snr_db, np.ndarray) and snr_db.ndim == 1:
        snr_db = snr_db.tolist()
    if isinstance(snr_db, (str, bytes)) or not isinstance(snr_db, Sequence):
        raise InputTypeError(f"snr_db must be a sequence of SNRs in dB, e.g. (20, 10) or () for none, got {type(snr_db).__name__}")
    if not all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and np.isfinite(v) for v in snr_db):
        raise ParameterError(f"snr_db={list(snr_db)!r} must hold finite numbers of dB, e.g. (20, 10, 5, 0)")
    return [float(v) for v in snr_db]


def _noisy(signal: np.ndarray, snr: float, seed: int) -> Any:
    from ser_rs.effects import add_noise_snr

    try:
        return add_noise_snr(signal, snr_db=snr, seed=seed)
    except ValueError:  # a silent signal has no SNR: that file drops out of this row
        return None


def score_model(
    model: Any,
    corpus: Any,
    *,
    snr_db: Sequence[float] = DEFAULT_SNR_DB,
    seed: int = 0,
    n_jobs: Optional[int] = None,
) -> dict:
    """Score a trained model on a labelled corpus, which may be another corpus than the one it
    was trained on, with a different label set, sampling rate, clip length or loudness.

    Every file goes through the model's own preprocessing (:class:`ser_rs.inference.Recognizer`):
    decoded, resampled to the model's rate, its feature pipeline run on the whole clip, and, for
    a model trained with ``speaker_norm``, each speaker's features standardised by that
    speaker's statistics (files without a speaker id together, as one speaker), which also
    removes a corpus's overall loudness. Files of emotions the model never learnt are left out,
    with a :class:`ser_rs.datasets.CorpusWarning` naming them and their count.

    The model is scored in up to two ways, reported in this order (:data:`SCORINGS`):
    ``as_is``, its most probable label among all it knows (what ``ser-rs predict`` says), and,
    when the corpus has fewer of its labels than it knows, ``restricted``, its most probable
    label among the labels the corpus has (argmax over those labels' probabilities), as a
    cross-corpus evaluation scores a model on the shared classes.

    Parameters
    ----------
    model : str, os.PathLike, ser_rs.inference.Recognizer or EmotionClassifier
        A model folder (``ser-rs train``, :meth:`EmotionClassifier.save`), or a loaded or
        fitted model (fitted on audio files).
    corpus : str, os.PathLike or pandas.DataFrame
        A corpus folder (:func:`ser_rs.datasets.read_corpus` reads it) or a manifest with
        ``path``, ``emotion`` and, optionally, ``speaker`` columns.
    snr_db : sequence of float, default :data:`DEFAULT_SNR_DB`
        White-noise levels (SNR in dB) at which both scorings are repeated on noisy copies of
        the files; empty for none.
    seed : int, default 0
        Seed of the noise.
    n_jobs : int, optional
        Decoding and feature threads (default every core).

    Returns
    -------
    dict
        ``files`` (scored), ``model_labels``, ``corpus_labels``, ``shared_labels``, ``left_out``
        (``labels`` and ``files`` of emotions the model does not know), ``speaker_norm``,
        ``speaker_groups``, ``files_without_speaker``, ``scorings`` (the names computed, in
        report order), one entry per scoring (``accuracy``, ``uar``, ``macro_f1`` over the
        shared labels, ``chance_uar``, ``outside_corpus_labels``: the share of predictions on
        labels the corpus lacks, ``labels`` (the confusion matrix's columns; its rows are
        ``shared_labels``), ``confusion_matrix``, ``report``), ``noise_robustness`` (records
        ``snr_db`` (None: clean), ``scoring``, ``files``, ``accuracy``, ``uar``), ``errors``
        (unreadable files) and ``predictions``, a DataFrame with a row per scored file (path,
        speaker, emotion, each scoring's prediction and each model label's probability).

    Raises
    ------
    MissingFileError
        The model folder, or the corpus folder, does not exist.
    ParameterError
        A corrupt model; an empty corpus, one without ``path``/``emotion`` columns or whose
        emotions share none with the model's; no file of it could be read; a NaN or infinite
        ``snr_db``.
    InputTypeError
        ``model``, ``corpus`` or ``snr_db`` of the wrong type.

    Examples
    --------
    >>> import ser_rs
    >>> ser_rs.experiment.score_model("no/such/model", "corpus/")
    Traceback (most recent call last):
    ...
    ser_rs.exceptions.MissingFileError: no/such/model/model.json: no such file or directory

    A model trained on RAVDESS's eight emotions, scored on a four-emotion corpus:

    >>> result = ser_rs.experiment.score_model("ravdess_model/", "CREMA-D/")   # doctest: +SKIP
    >>> result["scorings"], round(result["as_is"]["uar"], 3), round(result["restricted"]["uar"], 3)   # doctest: +SKIP
    (['as_is', 'restricted'], 0.365, 0.583)
    """
    import pandas as pd

    from ser_rs.audio import load
    from ser_rs.datasets import CorpusWarning

    levels = _check_snr_db(snr_db)
    recognizer = _as_recognizer(model)
    manifest = _as_manifest(corpus)
    model_labels = [str(c) for c in recognizer.classes]
    y_all = manifest["emotion"].astype(str).to_numpy()
    corpus_labels = sorted(set(y_all))
    shared = [c for c in model_labels if c in corpus_labels]
    unknown = sorted(set(corpus_labels) - set(model_labels))
    if not shared:
        raise ParameterError(f"the corpus's emotions {corpus_labels} share none with the model's {model_labels}: score it on a corpus "
                             "with some of the model's emotions (read_corpus maps each corpus's codes to the common names)")
    keep = np.isin(y_all, shared)
    if unknown:
        warnings.warn(f"{int((~keep).sum())} files of emotions the model does not know were left out: {unknown} "
                      f"(the model knows {model_labels})", CorpusWarning, stacklevel=2)
    manifest = manifest[keep].reset_index(drop=True)
    speakers, without = _speaker_ids(manifest)
    paths = manifest["path"].astype(str).tolist()
    groups = speakers.tolist() if recognizer.speaker_norm else None
    batch = recognizer.predict_files(paths, speakers=groups, n_jobs=n_jobs)
    if not batch.predictions:
        first = batch.errors[0]
        raise ParameterError(f"none of the corpus's {len(paths)} files could be read; the first, {first.path}: {first.error_type}: {first.message}")
    good = [p.index for p in batch.predictions]
    proba = np.array([[p.probabilities[c] for c in recognizer.classes] for p in batch.predictions], dtype=np.float64)
    y = y_all[keep][good]
    restrict = 2 <= len(shared) < len(model_labels)
    scorings = list(SCORINGS if restrict else SCORINGS[:1])
    columns = {"as_is": model_labels, "restricted": shared}

    def decide(p: np.ndarray, scoring: str) -> np.ndarray:
        labels = columns[scoring]
        return np.asarray(labels, dtype=object)[np.argmax(p[:, [model_labels.index(c) for c in labels]], axis=1)]

    out: dict = {"files": len(good), "model_labels": model_labels, "corpus_labels": corpus_labels, "shared_labels": shared,
                 "left_out": {"labels": unknown, "files": int((~keep).sum())}, "speaker_norm": recognizer.speaker_norm,
                 "speaker_groups": int(len(set(speakers[good].tolist()))), "files_without_speaker": without, "scorings": scorings}
    pred = {s: decide(proba, s) for s in scorings}
    for s in scorings:
        out[s] = _scoring(y, pred[s], shared, columns[s])
    rows = [{"snr_db": None, "scoring": s, "files": len(good), "accuracy": out[s]["accuracy"], "uar": out[s]["uar"]} for s in scorings]
    if levels:
        clean = [load(paths[i], sr=recognizer.sample_rate)[0] for i in good]
        ids = None if groups is None else [groups[i] for i in good]
        for snr in levels:
            noisy = recognizer.predict_arrays([_noisy(s, snr, seed + i) for i, s in enumerate(clean)], recognizer.sample_rate,
                                              speakers=ids, n_jobs=n_jobs)
            kept = [p.index for p in noisy.predictions]
            if not kept:  # every file silent: no SNR to add noise at
                continue
            p_noisy = np.array([[p.probabilities[c] for c in recognizer.classes] for p in noisy.predictions], dtype=np.float64)
            for s in scorings:
                guess = decide(p_noisy, s)
                rows.append({"snr_db": snr, "scoring": s, "files": len(kept), "accuracy": metrics.accuracy_score(y[kept], guess),
                             "uar": metrics.balanced_accuracy_score(y[kept], guess)})
    out["noise_robustness"] = rows
    out["errors"] = [{"path": e.path, "error_type": e.error_type, "message": e.message} for e in batch.errors]
    table = pd.DataFrame({"path": [paths[i] for i in good], "speaker": speakers[good], "emotion": y,
                          **{f"pred_{s}": pred[s] for s in scorings}})
    out["predictions"] = pd.concat([table, pd.DataFrame(proba, columns=[f"p_{c}" for c in model_labels])], axis=1)
    return out


def score_text(result: dict, *, model: Any = None, corpus: Any = None) -> str:
    """The text report of :func:`score_model`: which scoring comes first, each one's figures
    beside chance, what was left out, noise robustness and per-class reports.

    Parameters
    ----------
    result : dict
        What :func:`score_model` returned.
    model, corpus : optional
        Names for the first line (e.g. the model folder and the corpus folder).

    Returns
    -------
    str
        The report, lines ending in newlines.

    Raises
    ------
    ParameterError
        ``result`` is not a :func:`score_model` result.

    Examples
    --------
    >>> print(ser_rs.experiment.score_text(result, model="model/", corpus="CREMA-D/"))   # doctest: +SKIP
    model/ on CREMA-D/: 480 files, 6 speaker groups ...
    """
    if not isinstance(result, dict) or "scorings" not in result:
        raise ParameterError("result must be what ser_rs.experiment.score_model returned")
    import pandas as pd

    shared, labels = result["shared_labels"], result["model_labels"]
    where = f"{model or 'the model'} on {corpus or 'the corpus'}"
    lines = [f"{where}: {result['files']} files, {result['speaker_groups']} speaker group(s)"
             + (" (speaker-normalised)" if result["speaker_norm"] else ""),
             f"model labels ({len(labels)}): {', '.join(labels)}", f"corpus labels the model knows ({len(shared)}): {', '.join(shared)}"]
    if result["left_out"]["files"]:
        lines.append(f"left out: {result['left_out']['files']} files of emotions the model does not know: {', '.join(result['left_out']['labels'])}")
    if result["speaker_norm"] and result["files_without_speaker"]:
        lines.append(f"{result['files_without_speaker']} files without a speaker id were normalised together, as one speaker")
    if "restricted" in result["scorings"]:
        lines.append(f"Reported first: as is (argmax over all {len(labels)} model labels); second: restricted to the {len(shared)} labels "
                     f"the corpus has (argmax over those {len(shared)})")
    lines.append("")
    for s in result["scorings"]:
        r = result[s]
        name = "as is" if s == "as_is" else "restricted"
        lines.append(f"{name + ':':<12} accuracy {r['accuracy']:.3f}, UAR {r['uar']:.3f}, macro F1 {r['macro_f1']:.3f} "
                     f"(chance UAR {r['chance_uar']:.3f}); {100 * r['outside_corpus_labels']:.0f}% of predictions on labels the corpus lacks")
    if len(result["noise_robustness"]) > len(result["scorings"]):
        table = pd.DataFrame(result["noise_robustness"])
        table["snr_db"] = table["snr_db"].map(lambda v: "clean" if v is None or v != v else f"{v:g}")
        lines += ["", "White noise (SNR dB):", table.to_string(index=False, float_format="%.3f")]
    for s in result["scorings"]:
        report = result[s]["report"]
        rows = [f"{'':>12} {'precision':>9} {'recall':>9} {'f1-score':>9} {'support':>9}"]
        rows += [f"{c:>12} {report[c]['precision']:9.3f} {report[c]['recall']:9.3f} {report[c]['f1-score']:9.3f} {int(report[c]['support']):9d}"
                 for c in shared]
        lines += ["", f"Per class ({'as is' if s == 'as_is' else 'restricted'}):"] + rows
    if result["errors"]:
        lines += ["", f"{len(result['errors'])} unreadable files were skipped:"] + [f"  {e['path']}: {e['error_type']}: {e['message']}" for e in result["errors"]]
    return "\n".join(lines) + "\n"


def write_score_report(result: dict, out_dir: Any, *, model: Any = None, corpus: Any = None) -> dict:
    """Write :func:`score_model`'s result to ``out_dir``: ``report.json`` (everything but the
    per-file table), ``report.txt`` (:func:`score_text`) and ``predictions.csv``.

    Parameters
    ----------
    result : dict
        What :func:`score_model` returned.
    out_dir : str or os.PathLike
        The folder; made if missing.
    model, corpus : optional
        Recorded in ``report.json`` and named in ``report.txt``.

    Returns
    -------
    dict of str to str
        The paths written, by name (``json``, ``text``, ``predictions``).

    Raises
    ------
    ParameterError
        ``result`` is not a :func:`score_model` result.
    OSError
        ``out_dir`` cannot be made or written.

    Examples
    --------
    >>> paths = ser_rs.experiment.write_score_report(result, "ser_rs_output/cross")   # doctest: +SKIP
    >>> sorted(paths)                                                                 # doctest: +SKIP
    ['json', 'predictions', 'text']
    """
    text = score_text(result, model=model, corpus=corpus)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = {"model": None if model is None else str(model), "corpus": None if corpus is None else str(corpus), "first": result["scorings"][0],
               **{k: v for k, v in result.items() if k != "predictions"}}
    paths = {"json": out / "report.json", "text": out / "report.txt", "predictions": out / "predictions.csv"}
    paths["json"].write_text(dumps(summary))
    paths["text"].write_text(text)
    result["predictions"].to_csv(paths["predictions"], index=False)
    return {k: str(v) for k, v in paths.items()}
