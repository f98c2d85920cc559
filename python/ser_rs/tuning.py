"""A hyperparameter search over :class:`~ser_rs.EmotionClassifier`'s settings with Optuna, scored
on folds of whole speakers (``ser-rs tune``).

:func:`tune` first sets aside a share of the speakers as *test speakers*: the search never sees
them. Every trial trains one network per fold of the remaining (search) speakers and scores it on
that fold's held-out search speakers (UAR); Optuna's TPE sampler proposes the next settings and
its pruner stops a trial whose running mean falls into the bottom quarter of the completed
trials' at the same fold. The study lives in a storage (an SQLite file), so a run that stops can be resumed:
``n_trials`` is the number of finished trials the study should reach. Once the search is over,
the best settings are trained once on every search speaker and scored once on the test speakers,
a figure no choice was made on. :func:`write_tuning_report` writes the trials, the best settings
(``best_params.json``, which ``ser-rs train --params`` reads), a report and plots.

Needs Optuna (``pip install "ser_rs[tune]"``) and the trainer.

Examples
--------
>>> import ser_rs
>>> corpus = ser_rs.datasets.make_demo_corpus("demo/", n_speakers=6)                    # doctest: +SKIP
>>> result = ser_rs.tuning.tune(corpus, n_trials=20, storage="study.db", epochs=10)       # doctest: +SKIP
>>> result.best_params, result.test_scores["uar"]                                        # doctest: +SKIP
>>> ser_rs.tuning.write_tuning_report(result, "tuning/")                                 # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

import numpy as np

from ser_rs import metrics
from ser_rs._jsonable import dumps
from ser_rs.exceptions import FileAccessError, InputTypeError, ParameterError
from ser_rs.model import CLASSIFIER_SEARCH_SPACE, DEFAULT_FEATURES, SearchRange, run_feature_pipeline

__all__ = ["DEFAULT_SEARCH_FOLDS", "DEFAULT_TEST_FRACTION", "PRUNE_BELOW_PERCENTILE", "STORAGE_TIMEOUT", "TuningResult", "min_speakers", "open_study", "tune",
           "write_tuning_report"]

#: Folds of search speakers each trial is scored on: three keeps a trial at three trainings
#: while each fold still tests on a third of the speakers.
DEFAULT_SEARCH_FOLDS: int = 3
#: The share of speakers set aside as test speakers, which the search never sees.
DEFAULT_TEST_FRACTION: float = 0.2
#: Seconds a study storage may stay locked by another process before :func:`open_study` gives up:
#: long enough for another worker's write, short enough that a held lock is reported, not waited on.
STORAGE_TIMEOUT: float = 5.0
#: Trials that complete before the pruner starts comparing (Optuna's ``n_startup_trials``).
PRUNER_STARTUP_TRIALS: int = 3
#: A trial stops when its running mean UAR after a fold is below this percentile of the completed
#: trials' at the same fold. Not the median: one fold of a few speakers is a noisy score (folds
#: of the same settings differ by 10-20 points of UAR), so only the bottom quarter is hopeless.
PRUNE_BELOW_PERCENTILE: float = 25.0

_SQLITE_MAGIC = b"SQLite format 3\x00"
_FINISHED = ("COMPLETE", "PRUNED")


def _optuna():
    try:
        import optuna
    except ImportError as exc:
        raise ImportError(f'the hyperparameter search needs Optuna ({exc}): pip install "ser_rs[tune]"') from exc
    return optuna


@dataclass
class TuningResult:
    """What :func:`tune` found.

    Attributes
    ----------
    study : optuna.study.Study
        The study, with every trial of this and earlier runs.
    trials : pandas.DataFrame
        One row per trial: ``number``, ``state``, ``value`` (mean search UAR), one ``params_*``
        column per tuned parameter, ``fold_uar`` (the scores of the folds it ran) and ``seconds``.
    best_params : dict
        The classifier's settings of the best trial: the fixed ones and the tuned ones, ready for
        ``EmotionClassifier(**best_params)`` (``ser-rs train --params best_params.json``).
    best_value : float
        The best trial's mean UAR over the search folds.
    test_scores : dict or None
        ``accuracy``, ``uar``, ``files`` and ``speakers`` of the best settings trained on every
        search speaker and tested once on the test speakers; None without test speakers.
    settings : dict
        Search and test speakers, folds, the search space, the fixed parameters and the storage.

    Examples
    --------
    :func:`tune` makes one; its table reads like this:

    >>> import pandas as pd
    >>> from ser_rs.tuning import TuningResult
    >>> trials = pd.DataFrame({"number": [0, 1], "state": ["COMPLETE", "PRUNED"], "value": [0.42, None]})
    >>> result = TuningResult(study=None, trials=trials, best_params={"lr": 0.002}, best_value=0.42, test_scores=None, settings={})
    >>> result.trials.state.value_counts().to_dict()
    {'COMPLETE': 1, 'PRUNED': 1}
    """

    study: Any
    trials: Any
    best_params: dict
    best_value: float
    test_scores: Optional[dict]
    settings: dict = field(default_factory=dict)


def min_speakers(search_folds: int = DEFAULT_SEARCH_FOLDS, test_fraction: float = DEFAULT_TEST_FRACTION) -> int:
    """The fewest speakers a corpus needs for :func:`tune`: one per search fold, and one test
    speaker when ``test_fraction`` is above 0.

    Parameters
    ----------
    search_folds : int
        Folds of search speakers.
    test_fraction : float
        The share of speakers kept for the final test.

    Returns
    -------
    int
        The minimum number of speakers.

    Examples
    --------
    >>> from ser_rs.tuning import min_speakers
    >>> min_speakers(3, 0.2), min_speakers(2, 0.0)
    (4, 2)
    """
    return int(search_folds) + (1 if test_fraction > 0 else 0)


def _check_int(value: Any, name: str, minimum: int, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ParameterError(f"{name}={value}: {hint}")
    return int(value)


def _check_space(space: Any, adversarial: Any) -> dict:
    """The search space as a dict of SearchRange, without ``epsilon`` for a model trained without perturbation."""
    if space is None:
        space = dict(CLASSIFIER_SEARCH_SPACE)
    elif isinstance(space, (list, tuple)):
        unknown = [n for n in space if n not in CLASSIFIER_SEARCH_SPACE]
        if unknown:
            raise ParameterError(f"space names {unknown}, which have no default range; use names of ser_rs.model.CLASSIFIER_SEARCH_SPACE "
                                 f"({list(CLASSIFIER_SEARCH_SPACE)}) or pass {{name: SearchRange(...)}}")
        space = {n: CLASSIFIER_SEARCH_SPACE[n] for n in space}
    elif isinstance(space, Mapping):
        space = dict(space)
    else:
        raise InputTypeError(f"space must be a list of parameter names or a dict of SearchRange, got {type(space).__name__}")
    for name, r in space.items():
        if not isinstance(r, SearchRange):
            raise InputTypeError(f"space[{name!r}] must be a ser_rs.model.SearchRange, got {type(r).__name__}")
        if r.choices is None and (r.low is None or r.high is None or not r.low <= r.high or (r.log and r.low <= 0)):
            raise ParameterError(f"space[{name!r}] = {r}: give low <= high (both > 0 on a log scale) or choices")
    if adversarial is None:
        space.pop("epsilon", None)
    if not space:
        raise ParameterError("the search space is empty: name at least one parameter to tune")
    return space


def _suggest(trial: Any, name: str, r: SearchRange) -> Any:
    if r.choices is not None:
        return trial.suggest_categorical(name, list(r.choices))
    if r.integer:
        return trial.suggest_int(name, int(r.low), int(r.high), log=r.log)
    return trial.suggest_float(name, float(r.low), float(r.high), log=r.log)


def _storage_url(storage: Any) -> tuple[Optional[str], Optional[Path]]:
    """An SQLAlchemy URL and, for an SQLite file, its path (None, None: in memory)."""
    if storage is None:
        return None, None
    if isinstance(storage, str) and "://" in storage:
        if storage.startswith("sqlite:///"):
            return storage, Path(storage[len("sqlite:///"):])
        return storage, None
    if not isinstance(storage, (str, os.PathLike)):
        raise InputTypeError(f"storage must be a file path or a database URL such as 'sqlite:///study.db', got {type(storage).__name__}")
    path = Path(storage)
    return f"sqlite:///{path}", path


def _check_sqlite_file(path: Path) -> None:
    """Refuse a storage file that is not an SQLite database before any library writes to it."""
    if path.is_dir():
        raise FileAccessError(f"the study storage {path} is a folder: pass a file path such as {path / 'study.db'}")
    if not path.exists() or path.stat().st_size == 0:
        if path.parent.exists() and not path.parent.is_dir():
            raise FileAccessError(f"the study storage {path} lies under {path.parent}, which is a file: pass another path")
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    try:
        with open(path, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise FileAccessError(f"the study storage {path} cannot be read ({exc})") from exc
    if head != _SQLITE_MAGIC:
        raise FileAccessError(f"the study storage {path} is not an SQLite database (corrupt, or another kind of file); it was left "
                              "as it is: move it away or pass another --storage")


def _is_locked(exc: BaseException) -> bool:
    while exc is not None:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _storage_error(exc: BaseException, where: str, timeout: float = STORAGE_TIMEOUT) -> FileAccessError:
    if _is_locked(exc):
        return FileAccessError(f"the study storage {where} is locked by another process (waited {timeout:g} s): wait for it to "
                               "finish, or pass another storage")
    return FileAccessError(f"the study storage {where} cannot be used as an Optuna study ({type(exc).__name__}: {exc}); it was left as "
                           "it is: move it away or pass another storage")


def open_study(storage: Any = None, study_name: str = "ser_rs", *, seed: int = 0, timeout: float = STORAGE_TIMEOUT) -> Any:
    """Create or load (to resume) the Optuna study ``study_name`` in ``storage``, maximising UAR
    with a seeded TPE sampler and a pruner that stops trials in the bottom quarter
    (:data:`PRUNE_BELOW_PERCENTILE`) of the completed ones at the same fold.

    Parameters
    ----------
    storage : str, os.PathLike or None
        An SQLite file (made if missing, with its folder), a database URL, or None for a study in memory.
    study_name : str
        The study's name in the storage.
    seed : int
        Seeds the sampler; mixed with the number of trials already stored, so that a resumed run
        does not propose the first run's settings again.
    timeout : float
        Seconds to wait for a storage another process has locked.

    Returns
    -------
    optuna.study.Study

    Raises
    ------
    FileAccessError
        The storage is not an SQLite database (corrupt), cannot be opened as a study, or stays
        locked for ``timeout`` seconds; the file is left untouched.
    ImportError
        Optuna is not installed.

    Examples
    --------
    >>> from ser_rs.tuning import open_study
    >>> study = open_study(None, "demo")
    >>> study.direction.name, len(study.trials)
    ('MAXIMIZE', 0)
    """
    optuna = _optuna()
    if not isinstance(study_name, str) or not study_name:
        raise InputTypeError(f"study_name must be a non-empty string, got {study_name!r}")
    url, path = _storage_url(storage)
    where = str(path if path is not None else url)
    stored = None
    if url is not None:
        if path is not None:
            _check_sqlite_file(path)
            _check_not_locked(path, timeout)
        try:
            stored = optuna.storages.RDBStorage(url, engine_kwargs={"connect_args": {"timeout": timeout}} if path is not None else {})
            done = len(stored.get_all_trials(stored.get_study_id_from_name(study_name), deepcopy=False)) \
                if study_name in {s.study_name for s in stored.get_all_studies()} else 0
        except FileAccessError:
            raise
        except Exception as exc:  # SQLAlchemy's and Optuna's errors: a database that is not a study, or locked
            raise _storage_error(exc, where, timeout) from exc
    else:
        done = 0
    sampler = optuna.samplers.TPESampler(seed=seed + done)
    # Optuna's percentile is the share kept from the top, for a maximised value.
    pruner = optuna.pruners.PercentilePruner(100.0 - PRUNE_BELOW_PERCENTILE, n_startup_trials=PRUNER_STARTUP_TRIALS, n_warmup_steps=0)
    try:
        with _quiet(optuna):
            return optuna.create_study(storage=stored, study_name=study_name, direction="maximize", sampler=sampler, pruner=pruner,
                                       load_if_exists=True)
    except Exception as exc:
        if isinstance(exc, ValueError) and "direction" in str(exc):
            raise ParameterError(f"the study {study_name!r} in {where} does not maximise one value: pass another study name") from exc
        raise _storage_error(exc, where, timeout) from exc


@contextlib.contextmanager
def _quiet(optuna: Any):
    """Optuna's own INFO lines (a line per trial) off while ser_rs reports progress its own way."""
    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(max(before, optuna.logging.WARNING))
    try:
        yield
    finally:
        optuna.logging.set_verbosity(before)


def _check_not_locked(path: Path, timeout: float) -> None:
    """Fail fast when another process holds the SQLite file's lock (Optuna's engine would retry silently)."""
    if not path.exists():
        return
    try:
        con = sqlite3.connect(path, timeout=timeout)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.rollback()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise _storage_error(exc, str(path), timeout) from exc


def _choose_test_speakers(unique: list, fraction: float, seed: int) -> list:
    if fraction <= 0:
        return []
    n = max(1, int(round(fraction * len(unique))))
    rng = np.random.default_rng(seed)
    return sorted(rng.choice(np.asarray(unique, dtype=object), size=n, replace=False).tolist())


def _split_speakers(speakers: np.ndarray, test_fraction: Any, test_speakers: Any, search_folds: int, seed: int) -> tuple[list, list]:
    unique = sorted(set(speakers.tolist()))
    if test_speakers is not None:
        if isinstance(test_speakers, (str, bytes)) or not hasattr(test_speakers, "__iter__"):
            raise InputTypeError(f"test_speakers must be a list of speaker ids, got {type(test_speakers).__name__}")
        test = sorted({str(s) for s in test_speakers})
        unknown = [s for s in test if s not in unique]
        if unknown:
            raise ParameterError(f"test_speakers {unknown} are not speakers of the corpus ({unique})")
    else:
        if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float)) or not 0 <= test_fraction < 1:
            raise ParameterError(f"test_fraction={test_fraction!r} must be a share in [0, 1), e.g. {DEFAULT_TEST_FRACTION}")
        needed = min_speakers(search_folds, test_fraction)
        if len(unique) < needed:
            raise ParameterError(f"the corpus has {len(unique)} speaker(s), and a speaker-independent search over {search_folds} folds "
                                 f"{'with held-out test speakers ' if test_fraction > 0 else ''}needs at least {needed}: "
                                 "add speakers, or lower search_folds (--search-folds, at least 2)")
        test = _choose_test_speakers(unique, float(test_fraction), seed)
    search = [s for s in unique if s not in test]
    if len(search) < search_folds:
        raise ParameterError(f"{len(search)} search speaker(s) left after the {len(test)} test speaker(s): {search_folds} folds need at "
                             f"least {search_folds}; add speakers, or lower search_folds or the test share")
    return search, test


def _study_settings(study: Any, settings: dict, where: str) -> None:
    """Record the search's settings in a new study; refuse to resume one that was run with others."""
    stored = study.user_attrs.get("ser_rs")
    if stored is None:
        study.set_user_attr("ser_rs", settings)
        return
    differ = sorted(k for k in settings if json.dumps(stored.get(k), sort_keys=True) != json.dumps(settings[k], sort_keys=True))
    if differ:
        raise ParameterError(f"the study {study.study_name!r} in {where} was run with other settings ({', '.join(differ)} differ): "
                             "resume it with the same corpus and options, or pass a new study name")


def _space_record(space: dict) -> dict:
    return {name: {k: (list(v) if isinstance(v, tuple) else v) for k, v in r._asdict().items()} for name, r in space.items()}


def _fit_score(params: dict, seqs: list, y: np.ndarray, speakers: np.ndarray, train: np.ndarray, test: np.ndarray) -> tuple[Any, np.ndarray]:
    from ser_rs.model import EmotionClassifier

    clf = EmotionClassifier(**params)
    by_speaker = bool(params.get("speaker_norm", False))
    clf.fit([seqs[i] for i in train], y[train], speakers=speakers[train] if by_speaker else None)
    return clf, clf.predict([seqs[i] for i in test], speakers=speakers[test] if by_speaker else None)


def tune(
    manifest: Any,
    *,
    n_trials: int,
    storage: Any = None,
    study_name: str = "ser_rs",
    space: Any = None,
    search_folds: int = DEFAULT_SEARCH_FOLDS,
    splitter: Any = None,
    test_fraction: float = DEFAULT_TEST_FRACTION,
    test_speakers: Optional[Sequence[Any]] = None,
    features: Optional[dict] = None,
    timeout: float = STORAGE_TIMEOUT,
    n_jobs: Optional[int] = None,
    seed: int = 0,
    progress: bool = True,
    **classifier_params: Any,
) -> TuningResult:
    """Search :class:`~ser_rs.EmotionClassifier`'s settings for the best mean UAR on folds of
    unseen speakers, then test the best once on speakers the search never saw.

    Parameters
    ----------
    manifest : pandas.DataFrame
        Columns ``path``, ``emotion`` and ``speaker`` (as :mod:`ser_rs.datasets` readers return).
    n_trials : int >= 1
        The number of finished (completed or pruned) trials the study should hold; a study that
        already holds some (resumed from ``storage``) runs only the rest.
    storage : str, os.PathLike or None
        An SQLite file that keeps the study, so a stopped run resumes; None keeps it in memory.
    study_name : str
        The study's name in ``storage``.
    space : list of str or dict of SearchRange, optional
        What to tune: names of :data:`ser_rs.model.CLASSIFIER_SEARCH_SPACE` or ranges of your own;
        default the whole space (``epsilon`` only with ``adversarial``).
    search_folds : int >= 2
        Folds of search speakers (:class:`~ser_rs.datasets.SpeakerKFold`, seeded).
    splitter : optional
        A speaker-grouped splitter of the search speakers instead (``split(X, y, groups)``), e.g.
        the folds a baseline was tuned on.
    test_fraction : float in [0, 1)
        The share of speakers (at least one) set aside, chosen with ``seed``; 0 tests nothing.
    test_speakers : sequence, optional
        These speakers are the test speakers instead.
    features : dict, optional
        The feature pipeline (see :func:`ser_rs.model.extract_sequences`); extracted once.
    timeout : float
        Seconds to wait for a storage locked by another process.
    n_jobs : int, optional
        Feature-extraction threads.
    seed : int
        Seeds the test speakers, the folds, the sampler and the classifiers.
    progress : bool
        A line per trial.
    **classifier_params
        Fixed settings of every classifier (e.g. ``epochs=20, adversarial="pgd", speaker_norm=True``);
        tuned ones override them. Trials train for ``epochs`` without early stopping.

    Returns
    -------
    TuningResult

    Raises
    ------
    ParameterError
        ``n_trials`` below 1; a manifest without ``path``/``emotion``/``speaker``, with one emotion,
        or with fewer speakers than :func:`min_speakers`; an unusable space or test share; a stored
        study run with other settings; no readable file; no trial completed.
    FileAccessError
        ``storage`` is corrupt, not a study, or locked by another process (see :func:`open_study`).
    ImportError
        Optuna is not installed.

    Examples
    --------
    >>> import ser_rs
    >>> corpus = ser_rs.datasets.make_demo_corpus("demo/", n_speakers=5)                     # doctest: +SKIP
    >>> result = ser_rs.tuning.tune(corpus, n_trials=10, storage="study.db", epochs=10)       # doctest: +SKIP
    >>> result.trials[["number", "state", "value"]]                                          # doctest: +SKIP
    """
    from ser_rs.datasets import SpeakerKFold

    n_trials = _check_int(n_trials, "n_trials", 1, "run at least one trial (e.g. n_trials=20)")
    search_folds = _check_int(search_folds, "search_folds", 2, "scoring on unseen speakers needs at least 2 folds")
    missing = [c for c in ("path", "emotion", "speaker") if c not in getattr(manifest, "columns", ())]
    if missing:
        raise ParameterError(f"the manifest lacks the column(s) {missing}: read it with ser_rs.datasets.read_corpus")
    if len(manifest) == 0:
        raise ParameterError("the manifest is empty: no audio files to tune on")
    if manifest["emotion"].nunique() < 2:
        raise ParameterError(f"the corpus has one emotion only ({manifest['emotion'].iloc[0]!r}): a classifier needs at least two")
    fixed = {"seed": seed, **classifier_params, "features": dict(DEFAULT_FEATURES if features is None else features),
             "patience": None, "progress": False}
    space = _check_space(space, fixed.get("adversarial"))
    manifest = manifest.reset_index(drop=True)
    search_speakers, test_set = _split_speakers(manifest["speaker"].astype(str).to_numpy(), test_fraction, test_speakers, search_folds, seed)
    log = print if progress else (lambda message: None)
    optuna = _optuna()
    url, path = _storage_url(storage)
    where = str(path if path is not None else url)
    study = open_study(storage, study_name, seed=seed, timeout=timeout)
    splitter = SpeakerKFold(search_folds, seed=seed) if splitter is None else splitter
    settings = {"search_speakers": search_speakers, "test_speakers": test_set, "space": _space_record(space),
                "fixed": {k: v for k, v in fixed.items() if k != "progress"}, "splitter": repr(splitter), "files": int(len(manifest))}
    _study_settings(study, settings, where)

    started = time.perf_counter()
    log(f"Extracting {fixed['features']['feature']} features from {len(manifest)} files ...")
    seqs, errors = run_feature_pipeline(manifest["path"].astype(str).tolist(), fixed["features"], strict=False, n_jobs=n_jobs)
    ok = np.array([s is not None for s in seqs])
    if not ok.any():
        raise ParameterError("no file could be read: check the paths in the manifest")
    data = manifest[ok].reset_index(drop=True)
    seqs = [s for s in seqs if s is not None]
    y = data["emotion"].astype(str).to_numpy()
    speakers = data["speaker"].astype(str).to_numpy()
    in_search = np.isin(speakers, search_speakers)
    search_rows, test_rows = np.flatnonzero(in_search), np.flatnonzero(~in_search)
    folds = [(search_rows[tr], search_rows[te]) for tr, te in splitter.split(data.iloc[search_rows], y[search_rows], speakers[search_rows])]
    log(f"  {len(data)} files in {time.perf_counter() - started:.1f} s; {len(search_speakers)} search speakers in {len(folds)} folds, "
        f"{len(test_set)} test speakers kept out of the search ({', '.join(test_set) or 'none'})")

    def objective(trial: Any) -> float:
        params = {**fixed, **{name: _suggest(trial, name, r) for name, r in space.items()}}
        scores = []
        t0 = time.perf_counter()
        for k, (train, test) in enumerate(folds):
            _, pred = _fit_score(params, seqs, y, speakers, train, test)
            scores.append(metrics.balanced_accuracy_score(y[test], pred))
            trial.set_user_attr("fold_uar", [float(s) for s in scores])
            trial.set_user_attr("seconds", round(time.perf_counter() - t0, 1))
            trial.report(float(np.mean(scores)), k)
            if k + 1 < len(folds) and trial.should_prune():
                log(f"  trial {trial.number}: pruned after fold {k + 1} (mean UAR {np.mean(scores):.3f})")
                raise optuna.TrialPruned()
        shown = ", ".join(f"{n}={params[n]:.3g}" if isinstance(params[n], float) else f"{n}={params[n]}" for n in space)
        log(f"  trial {trial.number}: mean UAR {np.mean(scores):.3f} ({', '.join(f'{s:.3f}' for s in scores)})  {shown}")
        return float(np.mean(scores))

    finished = sum(t.state.name in _FINISHED for t in study.trials)
    remaining = n_trials - finished
    if remaining > 0:
        log(f"Running {remaining} trial(s) ({finished} already in the study) ...")
        try:
            with _quiet(optuna):
                study.optimize(objective, n_trials=remaining, catch=())
        except Exception as exc:
            if url is not None and type(exc).__module__.startswith(("sqlalchemy", "sqlite3")):
                raise _storage_error(exc, where, timeout) from exc
            raise
    else:
        log(f"The study already holds {finished} finished trial(s): nothing to run")
    completed = [t for t in study.trials if t.state.name == "COMPLETE"]
    if not completed:
        raise ParameterError(f"no trial of the study {study_name!r} completed: run more trials")
    best = study.best_trial
    best_params = {k: v for k, v in {**fixed, **best.params}.items() if k not in ("progress", "patience")}

    test_scores = None
    if len(test_rows):
        log(f"Training the best settings (trial {best.number}) on every search speaker and testing once on {', '.join(test_set)} ...")
        _, pred = _fit_score({**fixed, **best.params}, seqs, y, speakers, search_rows, test_rows)
        test_scores = {"accuracy": metrics.accuracy_score(y[test_rows], pred), "uar": metrics.balanced_accuracy_score(y[test_rows], pred),
                       "files": int(len(test_rows)), "speakers": test_set}
    trials = _trial_table(study)
    settings.update(storage=where if url is not None else None, study_name=study_name, n_trials=n_trials, folds=len(folds),
                    sampler=f"TPESampler(seed={seed} + trials already stored)",
                    pruner=f"a trial stops when its running mean UAR after a fold is below the {PRUNE_BELOW_PERCENTILE:g}th percentile of the "
                           f"completed trials' at that fold (Optuna's PercentilePruner, after {PRUNER_STARTUP_TRIALS} completed trials)",
                    errors=[{"path": e.path, "error_type": e.error_type, "message": e.message} for e in errors],
                    seconds=round(time.perf_counter() - started, 1))
    return TuningResult(study, trials, best_params, float(best.value), test_scores, settings)


def _trial_table(study: Any):
    import pandas as pd

    rows = []
    for t in study.trials:
        rows.append({"number": t.number, "state": t.state.name, "value": t.value, **{f"params_{k}": v for k, v in t.params.items()},
                     "fold_uar": " ".join(f"{s:.4f}" for s in t.user_attrs.get("fold_uar", [])), "seconds": t.user_attrs.get("seconds")})
    return pd.DataFrame(rows)


def _importance(study: Any) -> dict:
    """Optuna's parameter importances, or {} where they cannot be computed (too few trials, one value each)."""
    optuna = _optuna()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {k: float(v) for k, v in optuna.importance.get_param_importances(study).items()}
    except Exception:  # fewer than two completed trials, or no parameter that varied
        return {}


def _text_report(result: TuningResult, importance: dict) -> str:
    s, t = result.settings, result.trials
    counts = t.state.value_counts().to_dict() if len(t) else {}
    lines = [
        f"ser_rs hyperparameter search: study {s.get('study_name')!r}, {len(t)} trials "
        f"({', '.join(f'{n} {k.lower()}' for k, n in counts.items())}), storage {s.get('storage') or 'in memory'}",
        f"Search speakers ({len(s['search_speakers'])}): {' '.join(s['search_speakers'])}; each trial scored by mean UAR over "
        f"{s.get('folds')} folds of them ({s['splitter']}).",
        f"Test speakers ({len(s['test_speakers'])}): {' '.join(s['test_speakers']) or 'none'}. Nothing was tuned on them: the search never "
        "saw their files; the best settings were scored on them once, at the end.",
        f"Sampler {s.get('sampler')}; pruner {s.get('pruner')}.",
        "",
        f"Best trial: mean search UAR {result.best_value:.3f}",
    ]
    lines += [f"  {k} = {v}" for k, v in result.best_params.items() if f"params_{k}" in t.columns]
    if result.test_scores is not None:
        lines.append(f"On the test speakers (trained on every search speaker): accuracy {result.test_scores['accuracy']:.3f}, "
                     f"UAR {result.test_scores['uar']:.3f} ({result.test_scores['files']} files)")
    if importance:
        lines += ["", "Parameter importance (Optuna, fANOVA):"] + [f"  {k:14s} {v:.3f}" for k, v in importance.items()]
    shown = [c for c in t.columns if c not in ("fold_uar",)]
    lines += ["", "Trials:", t[shown].to_string(index=False, float_format=lambda v: f"{v:.4g}")]
    return "\n".join(lines) + "\n"


def write_tuning_report(result: TuningResult, out_dir: Any, *, plots: bool = True) -> dict:
    """Write ``trials.csv``, ``best_params.json`` (the classifier settings ``ser-rs train --params``
    reads), ``report.json``, ``report.txt`` and, with matplotlib, ``optimization_history.png``,
    ``param_importance.png`` and ``param_slices.png`` into ``out_dir``.

    Everything is first written to a temporary folder beside ``out_dir`` and moved in only when
    all of it was written, so a failure leaves no half-written report (and any earlier one whole).

    Parameters
    ----------
    result : TuningResult
        What :func:`tune` returned.
    out_dir : str or os.PathLike
        The folder to write into; made if missing (other files in it are kept).
    plots : bool
        Draw the PNG plots (needs ``pip install "ser_rs[plots]"``; skipped with a warning without it).

    Returns
    -------
    dict of str to str
        The paths written, by name (``trials``, ``best_params``, ``json``, ``text`` and the plots).

    Raises
    ------
    OSError
        ``out_dir`` cannot be made or written.

    Examples
    --------
    >>> paths = ser_rs.tuning.write_tuning_report(result, "tuning/")     # doctest: +SKIP
    >>> sorted(paths)                                                    # doctest: +SKIP
    ['best_params', 'json', 'optimization_history', 'param_importance', 'param_slices', 'text', 'trials']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    importance = _importance(result.study) if result.study is not None else {}
    staging = Path(tempfile.mkdtemp(prefix=".tuning-", dir=out))
    try:
        names = {"trials": "trials.csv", "best_params": "best_params.json", "json": "report.json", "text": "report.txt"}
        result.trials.to_csv(staging / names["trials"], index=False)
        tuned = [c[len("params_"):] for c in result.trials.columns if c.startswith("params_")]
        best = {"params": result.best_params, "tuned": tuned, "search_uar": result.best_value,
                "test_scores": result.test_scores, "study_name": result.settings.get("study_name")}
        (staging / names["best_params"]).write_text(dumps(best))
        report = {"best_value": result.best_value, "best_params": result.best_params, "test_scores": result.test_scores,
                  "importance": importance, "settings": result.settings,
                  "trials": result.trials.astype(object).where(result.trials.notna(), None).to_dict(orient="records"),
                  "note": "The search used the search speakers' folds only; the test speakers were scored once, with the best settings."}
        (staging / names["json"]).write_text(dumps(report))
        (staging / names["text"]).write_text(_text_report(result, importance))
        if plots:
            try:
                from ser_rs import plots as plotting
            except ImportError as exc:
                warnings.warn(f"no plots written ({exc}): install matplotlib and seaborn (pip install 'ser_rs[plots]')", stacklevel=2)
            else:
                for name, p in plotting.tuning_plots(staging, trials=result.trials, importance=importance).items():
                    names[name] = Path(p).name
        for name in names.values():
            os.replace(staging / name, out / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {k: str(out / v) for k, v in names.items()}
