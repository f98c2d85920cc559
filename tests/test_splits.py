"""Speaker-independent splits: no speaker on both sides, augmented copies with their source,
deterministic by seed, usable as scikit-learn cv= objects, and clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import data_folder
from ser_rs import ParameterError
from ser_rs.datasets import (
    RAVDESS_ACTOR_FOLDS,
    LeaveSpeakersOut,
    RavdessActorFolds,
    SpeakerKFold,
    read_ravdess,
    speaker_groups,
)


def uneven_speakers(seed=0, n_speakers=11):
    """Speakers with 1..40 rows each, shuffled, so balance and coverage are not trivial."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 40, n_speakers)
    speakers = np.repeat([f"s{i:02d}" for i in range(n_speakers)], sizes)
    rng.shuffle(speakers)
    labels = rng.choice(["angry", "happy", "sad", "neutral"], len(speakers))
    return speakers, labels


def check_partition(splits, speakers, n_rows):
    """Speaker-disjoint folds; each row is in exactly one test set; train is the rest."""
    seen = np.zeros(n_rows, dtype=int)
    for train, test in splits:
        assert train.dtype.kind == "i" and test.dtype.kind == "i"
        assert not set(speakers[train]) & set(speakers[test])
        assert len(np.intersect1d(train, test)) == 0
        assert len(train) + len(test) == n_rows
        seen[test] += 1
    assert (seen == 1).all()


@pytest.mark.parametrize("n_splits", [2, 3, 5])
def test_speaker_kfold_partitions_by_speaker_and_balances(n_splits):
    speakers, y = uneven_speakers()
    cv = SpeakerKFold(n_splits=n_splits, seed=3)
    splits = list(cv.split(np.zeros(len(speakers)), y, groups=speakers))
    assert len(splits) == n_splits == cv.get_n_splits()
    check_partition(splits, speakers, len(speakers))
    # Greedy largest-first into the lightest fold: fold sizes differ by at most the largest speaker.
    sizes = [len(test) for _, test in splits]
    assert max(sizes) - min(sizes) <= max(np.unique(speakers, return_counts=True)[1])


def test_speaker_kfold_is_deterministic_by_seed():
    speakers = np.repeat(np.arange(12), 5)  # equal sizes: only the seed orders them
    folds = lambda seed: [sorted(set(speakers[t].tolist())) for _, t in SpeakerKFold(3, seed=seed).split(speakers, groups=speakers)]
    assert folds(7) == folds(7)
    assert len({str(folds(seed)) for seed in range(6)}) > 1
    unshuffled = [sorted(set(speakers[t].tolist())) for _, t in SpeakerKFold(3, shuffle=False).split(speakers, groups=speakers)]
    assert unshuffled == [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]  # dealt round-robin in id order


def test_leave_one_speaker_out():
    speakers, y = uneven_speakers(1, n_speakers=6)
    splits = list(LeaveSpeakersOut().split(speakers, y, groups=speakers))
    assert [set(speakers[t]) for _, t in splits] == [{s} for s in sorted(set(speakers))]
    check_partition(splits, speakers, len(speakers))
    assert LeaveSpeakersOut().get_n_splits(groups=speakers) == 6


def test_leave_speakers_out_blocks_and_explicit_sets():
    speakers, _ = uneven_speakers(2, n_speakers=7)
    splits = list(LeaveSpeakersOut(n_speakers=3, seed=4).split(speakers, groups=speakers))
    assert sorted(len(set(speakers[t])) for _, t in splits) == [1, 3, 3]
    check_partition(splits, speakers, len(speakers))
    explicit = LeaveSpeakersOut(test_speakers=[["s00", "s01"], ["s05"]])
    tests = [set(speakers[t]) for _, t in explicit.split(speakers, groups=speakers)]
    assert tests == [{"s00", "s01"}, {"s05"}] and explicit.get_n_splits() == 2
    assert [set(speakers[t]) for _, t in LeaveSpeakersOut(test_speakers=["s03"]).split(speakers, groups=speakers)] == [{"s03"}]


def test_ravdess_actor_folds_partition_the_24_actors():
    flat = [a for fold in RAVDESS_ACTOR_FOLDS for a in fold]
    assert sorted(flat) == list(range(1, 25))
    # Odd actors are male, even female: every fold has both.
    assert all({a % 2 for a in fold} == {0, 1} for fold in RAVDESS_ACTOR_FOLDS)
    actors = np.array([f"{a:02d}" for a in range(1, 25)]).repeat(3)
    splits = list(RavdessActorFolds().split(actors, groups=actors))
    assert [sorted(int(a) for a in set(actors[t])) for _, t in splits] == [sorted(f) for f in RAVDESS_ACTOR_FOLDS]
    check_partition(splits, actors, len(actors))


def test_ravdess_actor_folds_on_the_real_subset():
    m = read_ravdess(data_folder("ravdess-16k"))
    cv = RavdessActorFolds()
    splits = list(cv.split(m, m["emotion"]))
    present = set(m["actor"])
    expected = [sorted(set(f) & present) for f in RAVDESS_ACTOR_FOLDS if set(f) & present]
    assert [sorted(set(m["actor"].iloc[t])) for _, t in splits] == expected
    assert cv.get_n_splits(m) == len(expected)
    check_partition(splits, m["speaker"].to_numpy(), len(m))
    # The data README's byte-identical pair (Actor_07) always lands on the same side.
    twins = m.index[m["path"].str.contains("03-01-03-01-02-0[12]-07")].tolist()
    assert len(twins) == 2
    for train, test in splits:
        assert (twins[0] in test) == (twins[1] in test)


def test_actor_ids_in_other_spellings():
    actors = np.array(["Actor_01", "Actor_02", "Actor_05", "Actor_05"])
    tests = [t.tolist() for _, t in RavdessActorFolds().split(actors, groups=actors)]
    assert tests == [[1, 2, 3], [0]]
    with pytest.raises(ParameterError, match="not a number from 1 to 24"):
        list(RavdessActorFolds().split(np.arange(3), groups=[1, 2, 25]))


def augmented_manifest():
    """Six originals by three speakers and two noisy copies per original; copies carry no speaker."""
    rows = []
    for speaker in ["01", "02", "03"]:
        for k, emotion in enumerate(["angry", "sad"]):
            original = f"{speaker}_{k}.wav"
            rows.append(dict(path=original, speaker=speaker, emotion=emotion, source=None))
            for c in range(2):
                rows.append(dict(path=f"{speaker}_{k}_aug{c}.wav", speaker=None, emotion=emotion, source=original))
    return pd.DataFrame(rows)


@pytest.mark.parametrize("cv", [SpeakerKFold(3, seed=0), LeaveSpeakersOut()], ids=repr)
def test_augmented_copies_stay_with_their_source(cv):
    m = augmented_manifest()
    speakers, augmented = speaker_groups(m)
    assert augmented.sum() == 12 and not pd.isna(speakers).any()
    source_of = dict(zip(m["path"], m["source"].fillna(m["path"])))
    for train, test in cv.split(m, m["emotion"]):
        assert not augmented[test].any()  # scored on originals only
        train_sources = {source_of[p] for p in m["path"].iloc[train]}
        assert train_sources.isdisjoint(m["path"].iloc[test])
        # Every copy of a training original is in training; copies of test files are nowhere.
        copies = m[m["source"].isin(set(m["path"].iloc[train]))].index
        assert set(copies) <= set(train)
    with_copies = type(cv)(**({"n_splits": 3} if isinstance(cv, SpeakerKFold) else {}), augmented_in_test=True)
    assert sum(len(t) for _, t in with_copies.split(m)) == len(m)


def test_source_given_as_an_argument_for_plain_arrays():
    speakers = np.array(["a", "a", "b", "b", "c", "c"])
    source = [None, "x", None, None, None, "y"]  # rows 1 and 5 are copies
    tests = [t.tolist() for _, t in LeaveSpeakersOut().split(np.zeros(6), groups=speakers, source=source)]
    assert tests == [[0], [2, 3], [4]]


def test_speaker_errors():
    m = augmented_manifest()
    bad = m.copy()
    bad.loc[1, "speaker"] = "02"  # a copy of speaker 01's file claims speaker 02
    with pytest.raises(ParameterError, match="must have its source file's speaker"):
        list(SpeakerKFold(3).split(bad))
    orphan = m.drop(columns="source")
    with pytest.raises(ParameterError, match="have no speaker"):
        list(SpeakerKFold(3).split(orphan))
    with pytest.raises(ParameterError, match="no speakers: pass groups="):
        list(SpeakerKFold(3).split(np.zeros(5)))
    with pytest.raises(ParameterError, match="3 entries but X has 5"):
        list(SpeakerKFold(2).split(np.zeros(5), groups=["a", "b", "c"]))
    with pytest.raises(TypeError, match="groups"):
        list(SpeakerKFold(2).split(np.zeros(5), groups="abcde"))


@pytest.mark.parametrize("cv", [SpeakerKFold(2), LeaveSpeakersOut(), RavdessActorFolds()], ids=repr)
def test_one_class_raises(cv):
    groups = np.array([1, 1, 2, 2, 3, 3, 8, 8])
    with pytest.raises(ParameterError, match="single class"):
        list(cv.split(np.zeros(8), ["sad"] * 8, groups=groups))


def test_a_class_missing_from_a_training_set_raises():
    groups = np.array(["a", "a", "b", "b"])
    y = ["sad", "sad", "angry", "angry"]  # leaving either speaker out leaves one class
    with pytest.raises(ParameterError, match="training set .* single class"):
        list(LeaveSpeakersOut().split(np.zeros(4), y, groups=groups))


def test_one_speaker_and_too_many_folds_raise():
    with pytest.raises(ParameterError, match="one speaker"):
        list(SpeakerKFold(2).split(np.zeros(4), groups=["a"] * 4))
    with pytest.raises(ParameterError, match="n_splits=5 is more than the 3 speakers"):
        list(SpeakerKFold(5).split(np.zeros(6), groups=list("aabbcc")))
    with pytest.raises(ParameterError, match="n_speakers=3 leaves no training speaker"):
        list(LeaveSpeakersOut(n_speakers=3).split(np.zeros(6), groups=list("aabbcc")))
    with pytest.raises(ParameterError, match=r"test_speakers \['z'\] are not in the data"):
        list(LeaveSpeakersOut(test_speakers=["z"]).split(np.zeros(6), groups=list("aabbcc")))


def test_bad_parameters():
    with pytest.raises(ParameterError, match="n_splits=1 must be >= 2"):
        SpeakerKFold(1)
    with pytest.raises(TypeError, match="n_splits must be an integer"):
        SpeakerKFold("3")
    with pytest.raises(ParameterError, match="seed=-1"):
        SpeakerKFold(3, seed=-1)
    with pytest.raises(ParameterError, match="n_speakers=0"):
        LeaveSpeakersOut(0)
    with pytest.raises(ParameterError, match="non-empty list"):
        LeaveSpeakersOut(test_speakers=[])
    with pytest.raises(ParameterError, match="empty test set"):
        LeaveSpeakersOut(test_speakers=[["a"], []])
    with pytest.raises(ParameterError, match="X is None"):
        list(SpeakerKFold(2).split(None, groups=[1, 2]))


def test_works_as_sklearn_cv():
    sklearn = pytest.importorskip("sklearn")
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score, cross_validate

    speakers, y = uneven_speakers(5, n_speakers=8)
    X = np.random.default_rng(0).standard_normal((len(y), 4))
    scores = cross_val_score(LogisticRegression(max_iter=200), X, y, groups=speakers, cv=SpeakerKFold(4))
    assert len(scores) == 4 and np.all((scores >= 0) & (scores <= 1))
    actors = (np.arange(len(y)) % 24) + 1
    result = cross_validate(LogisticRegression(max_iter=200), X, y, groups=actors, cv=RavdessActorFolds(), return_indices=True)
    assert len(result["test_score"]) == 5
    for train, test in zip(result["indices"]["train"], result["indices"]["test"]):
        assert not set(actors[train]) & set(actors[test])
    assert sklearn.__version__
