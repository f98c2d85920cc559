"""Speaker-independent splits: no speaker is ever in both the training and the test set.

Random splits of an acted corpus put every speaker's voice in both sets and overstate accuracy
by 10-20 points on RAVDESS; these splitters group the rows by speaker instead. They follow
scikit-learn's splitter protocol (``split(X, y, groups)`` yields ``(train, test)`` index arrays,
``get_n_splits``), so they can be passed as ``cv=`` to ``cross_val_score`` and friends, and they
need no scikit-learn themselves.

Speakers come from ``groups``, or from the ``speaker`` column when ``X`` is a manifest
DataFrame. Augmented copies stay with their source file: give each copy its source file's path
in a ``source`` column (or the ``source=`` argument). A copy takes its source's speaker when it
has none, always lands in the same fold as its source, and is kept out of test sets (the model
is scored on original recordings only) unless ``augmented_in_test=True``.

Examples
--------
>>> import numpy as np
>>> from ser_rs.datasets import SpeakerKFold
>>> speakers = np.repeat(["a", "b", "c", "d"], 3)
>>> for train, test in SpeakerKFold(n_splits=2, seed=0).split(np.zeros(12), groups=speakers):
...     print("test:", sorted(set(speakers[test].tolist())), "train:", sorted(set(speakers[train].tolist())))
test: ['b', 'c'] train: ['a', 'd']
test: ['a', 'd'] train: ['b', 'c']
"""

from __future__ import annotations

import numbers
from typing import Any, Iterator, Optional, Sequence

import numpy as np

from ser_rs.exceptions import InputTypeError, ParameterError

__all__ = ["LeaveSpeakersOut", "RAVDESS_ACTOR_FOLDS", "RavdessActorFolds", "SpeakerKFold", "speaker_groups"]

#: RAVDESS's 5 actor folds for subject-wise cross-validation, from Luna-Jimenez et al. (2021), "A
#: Proposal for Multimodal Emotion Recognition Using Aural Transformers and Action Units on RAVDESS
#: Dataset", Applied Sciences 12(1):327 (listed in their code's README,
#: github.com/cristinalunaj/MMEmotionRecognition). Every fold holds male and female actors.
#: Actors are the numbers 1..24 of the file names.
RAVDESS_ACTOR_FOLDS: tuple[tuple[int, ...], ...] = (
    (2, 5, 14, 15, 16),
    (3, 6, 7, 13, 18),
    (10, 11, 12, 19, 20),
    (8, 17, 21, 23, 24),
    (1, 4, 9, 22),
)


def _is_missing(value: Any) -> bool:
    """None, NaN or pandas' NA (checked by type name, so pandas is not needed)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and value != value


def _column(X: Any, name: str) -> Optional[np.ndarray]:
    """Column ``name`` of a DataFrame-like ``X``, or None."""
    columns = getattr(X, "columns", None)
    if columns is not None and name in columns:
        return np.asarray(X[name].to_numpy(dtype=object, na_value=None), dtype=object)
    return None


def _n_samples(X: Any) -> int:
    if X is None:
        raise ParameterError("X is None; pass the samples (an array, or the manifest DataFrame)")
    try:
        return len(X)
    except TypeError as exc:
        raise InputTypeError(f"X must be a sequence of samples (array or DataFrame), got {type(X).__name__}") from exc


def _as_vector(values: Any, name: str, n: int) -> np.ndarray:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise InputTypeError(f"{name} must be a sequence with one entry per sample, got {type(values).__name__}")
    if hasattr(values, "to_numpy"):
        values = values.to_numpy(dtype=object)
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    if array.shape != (n,):
        raise ParameterError(f"{name} has {len(array)} entries but X has {n} samples; pass one per sample")
    return array


def speaker_groups(X: Any, groups: Any = None, *, source: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's speaker and whether it is an augmented copy, with copies tied to their source.

    Parameters
    ----------
    X : array-like or pandas.DataFrame
        The samples; a manifest DataFrame supplies ``speaker``, ``path`` and ``source`` columns.
    groups : array-like, optional
        One speaker per row (overrides the ``speaker`` column).
    source : array-like, optional
        Per row, the path of the file it was augmented from, or None/NaN for an original
        (overrides the ``source`` column). A copy whose speaker is missing takes its source's.

    Returns
    -------
    speakers : numpy.ndarray of object
        One speaker per row, none missing.
    augmented : numpy.ndarray of bool
        True for rows that are augmented copies.

    Raises
    ------
    ParameterError
        No speakers given, a row whose speaker stays unknown, a copy whose speaker differs from
        its source's, or lengths that do not match X.

    Examples
    --------
    >>> import pandas as pd
    >>> from ser_rs.datasets import speaker_groups
    >>> m = pd.DataFrame({"path": ["a.wav", "a_noisy.wav", "b.wav"],
    ...                   "speaker": ["01", None, "02"],
    ...                   "source": [None, "a.wav", None]})
    >>> speakers, augmented = speaker_groups(m)
    >>> speakers.tolist(), augmented.tolist()
    (['01', '01', '02'], [False, True, False])
    """
    n = _n_samples(X)
    speakers = _column(X, "speaker") if groups is None else _as_vector(groups, "groups", n)
    if speakers is None:
        raise ParameterError(
            "no speakers: pass groups= (one speaker id per sample), or X as a manifest DataFrame with a 'speaker' column"
        )
    speakers = speakers.copy()
    sources = _column(X, "source") if source is None else _as_vector(source, "source", n)
    paths = _column(X, "path")
    augmented = np.zeros(n, dtype=bool)
    if sources is not None:
        key_speaker: dict[Any, Any] = {}
        keys = []
        for i in range(n):
            own = None if paths is None else paths[i]
            is_copy = not _is_missing(sources[i]) and sources[i] != own
            augmented[i] = is_copy
            key = sources[i] if is_copy else own
            keys.append(key)
            if key is None or _is_missing(speakers[i]):
                continue
            known = key_speaker.setdefault(key, speakers[i])
            if known != speakers[i]:
                raise ParameterError(
                    f"row {i} (speaker {speakers[i]!r}) is tied to source {key!r}, whose speaker is {known!r}; "
                    "an augmented copy must have its source file's speaker"
                )
        for i, key in enumerate(keys):
            if _is_missing(speakers[i]) and key in key_speaker:
                speakers[i] = key_speaker[key]
    missing = [i for i in range(n) if _is_missing(speakers[i])]
    if missing:
        raise ParameterError(
            f"{len(missing)} row(s) have no speaker (first: row {missing[0]}); fill the speaker column, give "
            "augmented copies a 'source' naming their original file's path, or drop those rows"
        )
    return speakers, augmented


def _check_labels(y: Any, n: int) -> Optional[np.ndarray]:
    if y is None:
        return None
    labels = _as_vector(y, "y", n)
    classes = {str(v) for v in labels}
    if len(classes) < 2:
        raise ParameterError(
            f"y has a single class {sorted(classes)}; a classifier needs at least two: "
            "select more emotions (select_emotions) or check the manifest's emotion column"
        )
    return labels


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ParameterError(f"{name}={value} must be >= {minimum}")
    return int(value)


class _SpeakerSplitter:
    """Shared ``split``: resolves speakers, asks the subclass for test speaker sets, checks folds."""

    augmented_in_test: bool = False

    def _test_sets(self, unique: list, speakers: np.ndarray) -> list[set]:  # pragma: no cover - abstract
        """The test speaker sets, from the distinct speakers and every row's speaker."""
        raise NotImplementedError

    def split(self, X: Any, y: Any = None, groups: Any = None, *, source: Any = None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield ``(train, test)`` index arrays, no speaker on both sides.

        Parameters
        ----------
        X : array-like or pandas.DataFrame
            The samples; only its length is used, plus the ``speaker``/``path``/``source``
            columns of a manifest DataFrame.
        y : array-like, optional
            Labels; checked to hold at least two classes overall and in every training set.
        groups : array-like, optional
            One speaker per sample (default: ``X["speaker"]``).
        source : array-like, optional
            Source file per sample for augmented copies (default: ``X["source"]`` if present).

        Yields
        ------
        train, test : numpy.ndarray of int
            Row positions, sorted.
        """
        n = _n_samples(X)
        labels = _check_labels(y, n)
        speakers, augmented = speaker_groups(X, groups, source=source)
        unique = sorted(set(speakers.tolist()), key=lambda s: (str(type(s)), s))
        if len(unique) < 2:
            raise ParameterError(
                f"all samples belong to one speaker ({unique[0]!r}); a speaker-independent split needs at least two"
            )
        for test_speakers in self._test_sets(unique, speakers):
            in_test = np.fromiter((s in test_speakers for s in speakers), dtype=bool, count=n)
            train = np.flatnonzero(~in_test)
            test = np.flatnonzero(in_test if self.augmented_in_test else in_test & ~augmented)
            if len(test) == 0 or len(train) == 0:
                continue
            if labels is not None and len({str(v) for v in labels[train]}) < 2:
                raise ParameterError(
                    f"the training set without speakers {sorted(map(str, test_speakers))} holds a single class; "
                    "use fewer test speakers or more emotions"
                )
            yield train, test


class SpeakerKFold(_SpeakerSplitter):
    """K folds of whole speakers (group k-fold), balanced by number of samples.

    Speakers are dealt, largest first, to the fold with the fewest samples so far; ties between
    equally large speakers are broken by a seeded shuffle, so the folds depend only on ``seed``.

    Parameters
    ----------
    n_splits : int
        Number of folds, at least 2 and at most the number of speakers.
    shuffle : bool
        Break ties between speakers of equal size at random (by ``seed``); False: by speaker id.
    seed : int
        Seed of the shuffle.
    augmented_in_test : bool
        Keep augmented copies in the test sets (default False: originals only).

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.datasets import SpeakerKFold
    >>> speakers = np.repeat(np.arange(6), 4)
    >>> cv = SpeakerKFold(n_splits=3, seed=1)
    >>> [sorted(set(speakers[test].tolist())) for _, test in cv.split(speakers, groups=speakers)]
    [[1, 4], [0, 5], [2, 3]]
    """

    def __init__(self, n_splits: int = 5, *, shuffle: bool = True, seed: int = 0, augmented_in_test: bool = False) -> None:
        self.n_splits = _check_int(n_splits, "n_splits", 2)
        self.shuffle = bool(shuffle)
        self.seed = _check_int(seed, "seed", 0)
        self.augmented_in_test = bool(augmented_in_test)

    def __repr__(self) -> str:
        return f"SpeakerKFold(n_splits={self.n_splits}, shuffle={self.shuffle}, seed={self.seed})"

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of folds.

        Parameters
        ----------
        X : array-like or pandas.DataFrame, optional
            The samples, or a manifest with a ``speaker`` column.
        y : ignored
        groups : array-like, optional
            One speaker id per sample.

        Returns
        -------
        int
            ``n_splits``.

        Examples
        --------
        >>> from ser_rs.datasets import SpeakerKFold
        >>> SpeakerKFold(n_splits=4).get_n_splits()
        4
        """
        return self.n_splits

    def _test_sets(self, unique: list, speakers: np.ndarray) -> list[set]:
        sizes: dict = {}
        for s in speakers:
            sizes[s] = sizes.get(s, 0) + 1
        if len(unique) < self.n_splits:
            raise ParameterError(
                f"n_splits={self.n_splits} is more than the {len(unique)} speakers; use n_splits <= {len(unique)} "
                "or LeaveSpeakersOut()"
            )
        order = list(unique)
        if self.shuffle:
            order = [order[i] for i in np.random.default_rng(self.seed).permutation(len(order))]
        order.sort(key=lambda s: -sizes[s])  # stable: ties keep the shuffled order
        folds: list[set] = [set() for _ in range(self.n_splits)]
        load = [0] * self.n_splits
        for speaker in order:
            k = int(np.argmin(load))
            folds[k].add(speaker)
            load[k] += sizes[speaker]
        return folds


class LeaveSpeakersOut(_SpeakerSplitter):
    """Each speaker (or block of ``n_speakers``) is the test set once; or given test speakers.

    Parameters
    ----------
    n_speakers : int
        Speakers per test set (1: leave-one-speaker-out). Speakers are put in blocks after a
        shuffle by ``seed``; the last block may be smaller.
    test_speakers : sequence, optional
        Explicit test sets instead: a list of speakers (one split) or a list of lists (one split
        each). Speakers not present in the data are an error.
    seed : int
        Seed of the shuffle when ``n_speakers > 1``.
    augmented_in_test : bool
        Keep augmented copies in the test sets (default False: originals only).

    Raises
    ------
    ParameterError
        ``test_speakers`` is empty or holds an empty test set.

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.datasets import LeaveSpeakersOut
    >>> speakers = np.array(["OAF", "OAF", "YAF", "YAF"])
    >>> [test.tolist() for _, test in LeaveSpeakersOut().split(speakers, groups=speakers)]
    [[0, 1], [2, 3]]
    >>> [test.tolist() for _, test in LeaveSpeakersOut(test_speakers=["YAF"]).split(speakers, groups=speakers)]
    [[2, 3]]
    """

    def __init__(
        self,
        n_speakers: int = 1,
        *,
        test_speakers: Optional[Sequence[Any]] = None,
        seed: int = 0,
        augmented_in_test: bool = False,
    ) -> None:
        self.n_speakers = _check_int(n_speakers, "n_speakers", 1)
        self.seed = _check_int(seed, "seed", 0)
        self.augmented_in_test = bool(augmented_in_test)
        self.test_speakers = None
        if test_speakers is not None:
            if isinstance(test_speakers, (str, bytes)) or not hasattr(test_speakers, "__len__") or len(test_speakers) == 0:
                raise ParameterError("test_speakers must be a non-empty list of speakers, or a list of such lists")
            nested = all(isinstance(t, (list, tuple, set, frozenset, np.ndarray)) for t in test_speakers)
            sets = [set(t) for t in test_speakers] if nested else [set(test_speakers)]
            if any(len(s) == 0 for s in sets):
                raise ParameterError("test_speakers holds an empty test set; every test set needs a speaker")
            self.test_speakers = sets

    def __repr__(self) -> str:
        return f"LeaveSpeakersOut(n_speakers={self.n_speakers}, test_speakers={self.test_speakers}, seed={self.seed})"

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Number of splits; needs the speakers (``groups`` or a manifest ``X``) unless test_speakers was given.

        Parameters
        ----------
        X : array-like or pandas.DataFrame, optional
            The samples, or a manifest with a ``speaker`` column.
        y : ignored
        groups : array-like, optional
            One speaker id per sample.

        Returns
        -------
        int
            One split per speaker, or per listed test speaker.

        Raises
        ------
        ParameterError
            Neither ``groups`` nor a manifest ``X`` is given and no ``test_speakers`` were.

        Examples
        --------
        >>> from ser_rs.datasets import LeaveSpeakersOut
        >>> LeaveSpeakersOut().get_n_splits(groups=["a", "a", "b", "c"])
        3
        """
        if self.test_speakers is not None:
            return len(self.test_speakers)
        if groups is None and X is None:
            raise ParameterError("get_n_splits needs the speakers: pass groups= or X as a manifest DataFrame")
        speakers, _ = speaker_groups(X if X is not None else groups, groups)
        return -(-len(set(speakers.tolist())) // self.n_speakers)

    def _test_sets(self, unique: list, speakers: np.ndarray) -> list[set]:
        if self.test_speakers is not None:
            absent = sorted(map(str, set().union(*self.test_speakers) - set(unique)))
            if absent:
                raise ParameterError(f"test_speakers {absent} are not in the data; its speakers are {sorted(map(str, unique))}")
            return self.test_speakers
        if self.n_speakers >= len(unique):
            raise ParameterError(
                f"n_speakers={self.n_speakers} leaves no training speaker out of {len(unique)}; use n_speakers < {len(unique)}"
            )
        order = list(unique)
        if self.n_speakers > 1:
            order = [order[i] for i in np.random.default_rng(self.seed).permutation(len(order))]
        return [set(order[i : i + self.n_speakers]) for i in range(0, len(order), self.n_speakers)]


def _actor_number(value: Any) -> int:
    """1..24 from 3, "03", 3.0 or "Actor_03"."""
    text = str(value).strip()
    if text.lower().startswith("actor_"):
        text = text[6:]
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not number.is_integer() or not 1 <= number <= 24:
        raise ParameterError(f"RAVDESS actor {value!r} is not a number from 1 to 24; RavdessActorFolds needs RAVDESS actors as groups")
    return int(number)


class RavdessActorFolds(_SpeakerSplitter):
    """RAVDESS's five fixed actor folds (:data:`RAVDESS_ACTOR_FOLDS`), each the test set once.

    Folds whose actors are all absent (e.g. a subset of the corpus) are skipped, so a folder with
    actors 1-18 gives five folds of fewer actors; ``get_n_splits(groups=...)`` counts them.

    Parameters
    ----------
    augmented_in_test : bool
        Keep augmented copies in the test sets (default False: originals only).

    Examples
    --------
    >>> import numpy as np
    >>> from ser_rs.datasets import RavdessActorFolds
    >>> actors = np.arange(1, 25).repeat(2)
    >>> [sorted(set(actors[test].tolist())) for _, test in RavdessActorFolds().split(actors, groups=actors)][0]
    [2, 5, 14, 15, 16]
    """

    def __init__(self, *, augmented_in_test: bool = False) -> None:
        self.augmented_in_test = bool(augmented_in_test)

    def __repr__(self) -> str:
        return "RavdessActorFolds()"

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """5, or with the actors given, the number of folds that have any of them.

        Parameters
        ----------
        X : array-like or pandas.DataFrame, optional
            The samples, or a manifest with a ``speaker`` column.
        y : ignored
        groups : array-like, optional
            One speaker id per sample.

        Returns
        -------
        int
            The number of the five published folds that test any of the actors.

        Examples
        --------
        >>> from ser_rs.datasets import RavdessActorFolds
        >>> RavdessActorFolds().get_n_splits()
        5
        """
        if groups is None and X is None:
            return len(RAVDESS_ACTOR_FOLDS)
        speakers, _ = speaker_groups(X if X is not None else groups, groups)
        present = {_actor_number(s) for s in speakers}
        return sum(bool(present & set(fold)) for fold in RAVDESS_ACTOR_FOLDS)

    def _test_sets(self, unique: list, speakers: np.ndarray) -> list[set]:
        by_number: dict[int, list] = {}
        for s in unique:
            by_number.setdefault(_actor_number(s), []).append(s)
        return [{s for a in fold for s in by_number.get(a, [])} for fold in RAVDESS_ACTOR_FOLDS if any(a in by_number for a in fold)]
