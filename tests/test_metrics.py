"""ser_rs.metrics equals scikit-learn's metrics on the same predictions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st

import ser_rs
from ser_rs import metrics

EMOTIONS = ["angry", "calm", "disgust", "fearful", "happy", "neutral", "sad", "surprised"]


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def _same(ours, theirs):
    if isinstance(theirs, tuple):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
    elif theirs is None:
        assert ours is None
    else:
        np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=0, atol=1e-12, equal_nan=True)


def _predictions(seed: int, n: int = 200, n_classes: int = 8, skill: float = 0.6):
    """Labels and imperfect predictions like a SER model's, with some classes never predicted."""
    rng = np.random.default_rng(seed)
    y_true = rng.choice(EMOTIONS[:n_classes], size=n)
    guess = rng.choice(EMOTIONS[: max(1, n_classes - 2)], size=n)
    y_pred = np.where(rng.random(n) < skill, y_true, guess)
    return y_true, y_pred


@pytest.mark.parametrize("seed", range(5))
def test_every_metric_matches_sklearn_on_classifier_like_predictions(seed):
    y_true, y_pred = _predictions(seed)
    assert metrics.accuracy_score(y_true, y_pred) == skm.accuracy_score(y_true, y_pred)
    assert metrics.accuracy_score(y_true, y_pred, normalize=False) == skm.accuracy_score(y_true, y_pred, normalize=False)
    _same(metrics.balanced_accuracy_score(y_true, y_pred), skm.balanced_accuracy_score(y_true, y_pred))
    _same(metrics.balanced_accuracy_score(y_true, y_pred, adjusted=True), skm.balanced_accuracy_score(y_true, y_pred, adjusted=True))
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred), skm.confusion_matrix(y_true, y_pred))
    for normalize in ("true", "pred", "all"):
        _same(metrics.confusion_matrix(y_true, y_pred, normalize=normalize), _quiet(skm.confusion_matrix, y_true, y_pred, normalize=normalize))
    for average in (None, "micro", "macro", "weighted"):
        for zero_division in ("warn", 0, 1, np.nan):
            kw = dict(average=average, zero_division=zero_division)
            _same(_quiet(metrics.precision_recall_fscore_support, y_true, y_pred, **kw), _quiet(skm.precision_recall_fscore_support, y_true, y_pred, **kw))
        _same(_quiet(metrics.precision_score, y_true, y_pred, average=average), _quiet(skm.precision_score, y_true, y_pred, average=average))
        _same(_quiet(metrics.recall_score, y_true, y_pred, average=average), _quiet(skm.recall_score, y_true, y_pred, average=average))
        _same(_quiet(metrics.f1_score, y_true, y_pred, average=average), _quiet(skm.f1_score, y_true, y_pred, average=average))
        _same(_quiet(metrics.fbeta_score, y_true, y_pred, beta=0.5, average=average), _quiet(skm.fbeta_score, y_true, y_pred, beta=0.5, average=average))


@pytest.mark.parametrize("digits", [2, 4])
def test_classification_report_text_and_dict_equal_sklearns(digits):
    y_true, y_pred = _predictions(7)
    assert _quiet(metrics.classification_report, y_true, y_pred, digits=digits) == _quiet(skm.classification_report, y_true, y_pred, digits=digits)
    ours = _quiet(metrics.classification_report, y_true, y_pred, output_dict=True)
    theirs = _quiet(skm.classification_report, y_true, y_pred, output_dict=True)
    assert ours.keys() == theirs.keys()
    for key in theirs:
        if isinstance(theirs[key], dict):
            assert ours[key].keys() == theirs[key].keys()
            _same(tuple(ours[key].values()), tuple(theirs[key].values()))
        else:
            _same(ours[key], theirs[key])


def test_labels_subsets_orders_and_target_names_follow_sklearn():
    y_true, y_pred = _predictions(3)
    subset = ["sad", "angry", "happy"]
    np.testing.assert_array_equal(metrics.confusion_matrix(y_true, y_pred, labels=subset), skm.confusion_matrix(y_true, y_pred, labels=subset))
    for average in (None, "micro", "macro", "weighted"):
        _same(
            _quiet(metrics.precision_recall_fscore_support, y_true, y_pred, labels=subset, average=average),
            _quiet(skm.precision_recall_fscore_support, y_true, y_pred, labels=subset, average=average),
        )
    names = ["SAD", "ANGRY", "HAPPY"]
    kw = dict(labels=subset, target_names=names, digits=3)
    assert _quiet(metrics.classification_report, y_true, y_pred, **kw) == _quiet(skm.classification_report, y_true, y_pred, **kw)
    # A label the data never uses is an empty class, as in sklearn.
    with_absent = EMOTIONS + ["bored"]
    _same(
        _quiet(metrics.precision_recall_fscore_support, y_true, y_pred, labels=with_absent),
        _quiet(skm.precision_recall_fscore_support, y_true, y_pred, labels=with_absent),
    )


@settings(max_examples=150, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=40),
    average=st.sampled_from([None, "micro", "macro", "weighted"]),
    zero_division=st.sampled_from([0, 1, np.nan]),
    beta=st.sampled_from([0.0, 0.5, 1.0, 2.0]),
)
def test_prf_matches_sklearn_on_arbitrary_integer_labels(pairs, average, zero_division, beta):
    y_true = [t for t, _ in pairs]
    y_pred = [p for _, p in pairs]
    kw = dict(average=average, zero_division=zero_division, beta=beta)
    _same(_quiet(metrics.precision_recall_fscore_support, y_true, y_pred, **kw), _quiet(skm.precision_recall_fscore_support, y_true, y_pred, **kw))
    _same(metrics.balanced_accuracy_score(y_true, y_pred), _quiet(skm.balanced_accuracy_score, y_true, y_pred))


def test_binary_average_uses_pos_label_like_sklearn():
    y_true, y_pred = [0, 1, 1, 0, 1], [0, 1, 0, 0, 1]
    for fn in ("precision_score", "recall_score", "f1_score"):
        assert getattr(metrics, fn)(y_true, y_pred) == getattr(skm, fn)(y_true, y_pred)
        assert getattr(metrics, fn)(y_true, y_pred, pos_label=0) == getattr(skm, fn)(y_true, y_pred, pos_label=0)
    with pytest.raises(ser_rs.ParameterError, match="average='binary'"):
        metrics.f1_score(["a", "b", "c"], ["a", "b", "b"])
    with pytest.raises(ser_rs.ParameterError, match="pos_label"):
        metrics.f1_score(["a", "b"], ["a", "b"])


def test_undefined_scores_warn_unless_zero_division_is_set():
    y_true, y_pred = ["a", "b", "c"], ["a", "a", "a"]
    with pytest.warns(metrics.UndefinedMetricWarning, match="Precision is ill-defined"):
        metrics.precision_score(y_true, y_pred, average="macro")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metrics.precision_score(y_true, y_pred, average="macro", zero_division=0)
        metrics.f1_score(y_true, y_pred, average="macro")  # F is defined: every class is true or predicted


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: metrics.accuracy_score(["a", "b"], ["a"]), ser_rs.ParameterError, "y_pred has 1"),
        (lambda: metrics.accuracy_score([], []), ser_rs.ParameterError, "empty"),
        (lambda: metrics.accuracy_score(None, ["a"]), TypeError, "y_true"),
        (lambda: metrics.accuracy_score([[0, 1]], [[0, 1]]), ser_rs.ParameterError, "1-D"),
        (lambda: metrics.accuracy_score([0.0, np.nan], [0.0, 1.0]), ser_rs.ParameterError, "NaN"),
        (lambda: metrics.accuracy_score(["a", "b"], [0, 1]), ser_rs.ParameterError, "Mix of label"),
        (lambda: metrics.f1_score([0, 1], [0, 1], average="samples"), ser_rs.ParameterError, "average"),
        (lambda: metrics.fbeta_score([0, 1], [0, 1], beta=-1.0), ser_rs.ParameterError, "beta"),
        (lambda: metrics.f1_score([0, 1], [0, 1], zero_division=0.5), ser_rs.ParameterError, "zero_division"),
        (lambda: metrics.f1_score([0, 1], [0, 1], zero_division="always"), ser_rs.ParameterError, "zero_division"),
        (lambda: metrics.confusion_matrix([0, 1], [0, 1], normalize="rows"), ser_rs.ParameterError, "normalize"),
        (lambda: metrics.confusion_matrix([0, 1], [0, 1], labels=[]), ser_rs.ParameterError, "labels"),
        (lambda: metrics.confusion_matrix([0, 1], [0, 1], labels=[0, 0]), ser_rs.ParameterError, "twice"),
        (lambda: metrics.classification_report([0, 1], [0, 1], target_names=["x"]), ser_rs.ParameterError, "target_names"),
        (lambda: metrics.classification_report([0, 1], [0, 1], digits=-1), ser_rs.ParameterError, "digits"),
        (lambda: metrics.balanced_accuracy_score([0, 0], [0, 0], adjusted=True), ser_rs.ParameterError, "two classes"),
    ],
)
def test_bad_input_is_a_typed_error(call, error, match):
    with pytest.raises(error, match=match):
        call()
