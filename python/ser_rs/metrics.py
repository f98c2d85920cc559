"""Classification metrics with scikit-learn's names, defaults and numbers.

The counting and division run in Rust (the same code scores the trainer's history); this module
maps label names to class indices the way scikit-learn does: the sorted union of ``y_true`` and
``y_pred`` unless ``labels`` is given.

In speech emotion recognition the headline figure is usually the unweighted average recall
(UAR), :func:`balanced_accuracy_score`, because emotion classes are rarely balanced.

Examples
--------
>>> from ser_rs import metrics
>>> y_true = ["angry", "angry", "sad", "happy", "happy", "happy"]
>>> y_pred = ["angry", "sad", "sad", "happy", "angry", "happy"]
>>> round(metrics.balanced_accuracy_score(y_true, y_pred), 4)
0.7222
"""

from __future__ import annotations

import warnings
from typing import Any, Optional, Sequence, Union

import numpy as np

from ser_rs import _native
from ser_rs.exceptions import InputTypeError, ParameterError

__all__ = [
    "UndefinedMetricWarning",
    "accuracy_score",
    "balanced_accuracy_score",
    "classification_report",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "precision_recall_fscore_support",
    "precision_score",
    "recall_score",
]

_AVERAGES = (None, "binary", "micro", "macro", "weighted")


class UndefinedMetricWarning(UserWarning):
    """A precision, recall or F-score had a zero denominator and was set by ``zero_division``.

    Examples
    --------
    >>> import warnings
    >>> from ser_rs.metrics import UndefinedMetricWarning, precision_score
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     precision_score(["a", "b"], ["a", "a"], average="macro")
    0.25
    >>> caught[0].category is UndefinedMetricWarning
    True
    """


def _as_labels(y: Any, name: str) -> np.ndarray:
    if y is None:
        raise InputTypeError(f"{name} must be a sequence of labels, got None")
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ParameterError(f"{name} must be 1-D (one label per sample), got shape {arr.shape}")
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ParameterError(f"{name} contains NaN: every sample needs a label")
    if arr.dtype.kind not in "biufUSO":
        raise InputTypeError(f"{name} must hold labels (numbers or strings), got dtype {arr.dtype}")
    return arr


def _encode(y_true: Any, y_pred: Any, labels: Optional[Sequence] = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(classes, true indices, predicted indices, label indices, present classes) for the metrics."""
    t, p = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    if len(t) != len(p):
        raise ParameterError(f"y_true has {len(t)} labels but y_pred has {len(p)}: pass one prediction per sample")
    if len(t) == 0:
        raise ParameterError("y_true is empty: metrics need at least one sample")
    kinds = {a.dtype.kind in "US" or (a.dtype.kind == "O" and any(isinstance(v, str) for v in a)) for a in (t, p)}
    if len(kinds) > 1:
        raise ParameterError("Mix of label input types (string and number): give y_true and y_pred labels of one type")
    present = np.unique(np.concatenate([t, p]))
    wanted = present if labels is None else np.asarray(labels)
    if wanted.ndim != 1 or len(wanted) == 0:
        raise ParameterError("labels must be a non-empty 1-D list of class labels")
    classes = np.unique(np.concatenate([present, wanted]))
    index = lambda a: np.searchsorted(classes, a).astype(np.int64)  # noqa: E731 - classes is sorted
    return classes, index(t), index(p), index(wanted), present


def _zero_division_value(zero_division: Union[str, float]) -> float:
    if isinstance(zero_division, str):
        if zero_division != "warn":
            raise ParameterError(f"zero_division={zero_division!r} must be 'warn', 0, 1 or np.nan")
        return 0.0
    if isinstance(zero_division, bool) or not isinstance(zero_division, (int, float, np.number)):
        raise InputTypeError(f"zero_division must be 'warn', 0, 1 or np.nan, got {type(zero_division).__name__}")
    return float(zero_division)


def _warn_undefined(metrics: Sequence[str], denominators: dict, zero_division) -> None:
    if not (isinstance(zero_division, str) and zero_division == "warn"):
        return
    kinds = {"precision": "predicted", "recall": "true", "f-score": "true nor predicted"}
    for metric in metrics:
        if np.any(denominators[metric] == 0):
            warnings.warn(
                f"{metric.capitalize()} is ill-defined and being set to 0.0 in labels with no {kinds[metric]} samples. "
                "Use `zero_division` parameter to control this behavior.",
                UndefinedMetricWarning,
                stacklevel=3,
            )


def _resolve_binary(classes: np.ndarray, present: np.ndarray, average: Optional[str], pos_label, label_idx: np.ndarray) -> tuple[Optional[str], np.ndarray]:
    if average not in _AVERAGES:
        raise ParameterError(f"average={average!r} must be one of {list(_AVERAGES)}")
    if average != "binary":
        return average, label_idx
    if len(present) > 2:
        raise ParameterError(
            "Target is multiclass but average='binary'. Please choose another average setting, "
            "one of [None, 'micro', 'macro', 'weighted']."
        )
    if pos_label not in list(present):
        if len(present) >= 2:
            raise ParameterError(f"pos_label={pos_label!r} is not a valid label. It should be one of {list(present)}")
        # sklearn scores a pos_label absent from the data as an empty class.
        return "macro", np.array([len(classes)], dtype=np.int64)
    return "macro", np.array([int(np.searchsorted(classes, pos_label))], dtype=np.int64)


def precision_recall_fscore_support(
    y_true,
    y_pred,
    *,
    beta: float = 1.0,
    labels: Optional[Sequence] = None,
    pos_label=1,
    average: Optional[str] = None,
    warn_for=("precision", "recall", "f-score"),
    zero_division: Union[str, float] = "warn",
):
    """Precision, recall, F-beta and support per class, or averaged (``sklearn.metrics`` meaning).

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    beta : float >= 0
        Weight of recall in the F-score (1 gives F1).
    labels : array-like, optional
        The classes to score, in this order; default: the sorted union of both label arrays.
    pos_label : label
        The positive class when ``average='binary'``.
    average : {None, 'binary', 'micro', 'macro', 'weighted'}
        None returns one value per class; the others summarise them.
    zero_division : {'warn', 0, 1, np.nan}
        The value of a score whose denominator is zero ('warn' gives 0 and warns).

    Returns
    -------
    precision, recall, fbeta, support
        Arrays with one value per class, or three floats and None when averaged.

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import precision_recall_fscore_support
    >>> p, r, f, s = precision_recall_fscore_support(["a", "a", "b"], ["a", "b", "b"])
    >>> p.tolist(), r.tolist(), s.tolist()
    ([1.0, 0.5], [0.5, 1.0], [2, 1])
    >>> precision_recall_fscore_support(["a", "a", "b"], ["a", "b", "b"], average="macro")[:3]
    (0.75, 0.75, 0.6666666666666666)
    """
    if isinstance(beta, bool) or not isinstance(beta, (int, float, np.number)) or not beta >= 0:
        raise ParameterError(f"beta={beta!r} must be a number >= 0 (1 gives F1)")
    zd = _zero_division_value(zero_division)
    classes, t, p, label_idx, present = _encode(y_true, y_pred, labels)
    average, label_idx = _resolve_binary(classes, present, average, pos_label, label_idx)
    n_classes = len(classes) + int(label_idx.max() >= len(classes))
    per_class = _native.precision_recall_fscore(t, p, n_classes, label_idx, float(beta), zd, None)
    support = per_class[3]
    predicted = _native.confusion_matrix(t, p, n_classes).sum(axis=0)[label_idx]
    denominators = {"precision": predicted, "recall": support, "f-score": predicted + support}
    _warn_undefined([m for m in warn_for if m in denominators], denominators, zero_division)
    if average is None:
        return per_class
    averaged = _native.precision_recall_fscore(t, p, n_classes, label_idx, float(beta), zd, average)
    return float(averaged[0]), float(averaged[1]), float(averaged[2]), None


def _one_score(which: int, y_true, y_pred, *, beta=1.0, labels=None, pos_label=1, average="binary", zero_division="warn"):
    warn_for = (("precision",), ("recall",), ("f-score",))[which]
    out = precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average, warn_for=warn_for, zero_division=zero_division
    )
    return out[2 if which == 2 else which]


def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average: Optional[str] = "binary", zero_division="warn"):
    """Precision, tp / (tp + fp), per class or averaged (``sklearn.metrics.precision_score``).

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    labels : array-like, optional
        The classes to score; default: the sorted union of both label arrays.
    pos_label : label, default 1
        The positive class when ``average='binary'``.
    average : {'binary', None, 'micro', 'macro', 'weighted'}, default 'binary'
        None returns one value per class; the others summarise them.
    zero_division : {'warn', 0, 1, np.nan}, default 'warn'
        The value of a score whose denominator is zero ('warn' gives 0 and warns).

    Returns
    -------
    float or np.ndarray
        The precision, or one per class when ``average=None``.

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import precision_score
    >>> precision_score(["a", "a", "b"], ["a", "b", "b"], average="macro")
    0.75
    """
    return _one_score(0, y_true, y_pred, labels=labels, pos_label=pos_label, average=average, zero_division=zero_division)


def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average: Optional[str] = "binary", zero_division="warn"):
    """Recall, tp / (tp + fn), per class or averaged (``sklearn.metrics.recall_score``).

    ``average='macro'`` is the unweighted average recall (UAR) over the scored classes.

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    labels : array-like, optional
        The classes to score; default: the sorted union of both label arrays.
    pos_label : label, default 1
        The positive class when ``average='binary'``.
    average : {'binary', None, 'micro', 'macro', 'weighted'}, default 'binary'
        None returns one value per class; the others summarise them.
    zero_division : {'warn', 0, 1, np.nan}, default 'warn'
        The value of a score whose denominator is zero ('warn' gives 0 and warns).

    Returns
    -------
    float or np.ndarray
        The recall, or one per class when ``average=None``.

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import recall_score
    >>> recall_score([0, 0, 1, 1], [0, 1, 1, 1])
    1.0
    """
    return _one_score(1, y_true, y_pred, labels=labels, pos_label=pos_label, average=average, zero_division=zero_division)


def fbeta_score(y_true, y_pred, *, beta: float, labels=None, pos_label=1, average: Optional[str] = "binary", zero_division="warn"):
    """F-beta, the weighted harmonic mean of precision and recall (``sklearn.metrics.fbeta_score``).

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    beta : float >= 0
        Weight of recall against precision (1 gives F1).
    labels : array-like, optional
        The classes to score; default: the sorted union of both label arrays.
    pos_label : label, default 1
        The positive class when ``average='binary'``.
    average : {'binary', None, 'micro', 'macro', 'weighted'}, default 'binary'
        None returns one value per class; the others summarise them.
    zero_division : {'warn', 0, 1, np.nan}, default 'warn'
        The value of a score whose denominator is zero ('warn' gives 0 and warns).

    Returns
    -------
    float or np.ndarray
        The F-beta score, or one per class when ``average=None``.

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import fbeta_score
    >>> round(fbeta_score([0, 0, 1, 1], [0, 1, 1, 1], beta=2.0), 4)
    0.9091
    """
    return _one_score(2, y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average, zero_division=zero_division)


def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average: Optional[str] = "binary", zero_division="warn"):
    """F1, the harmonic mean of precision and recall (``sklearn.metrics.f1_score``).

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    labels : array-like, optional
        The classes to score; default: the sorted union of both label arrays.
    pos_label : label, default 1
        The positive class when ``average='binary'``.
    average : {'binary', None, 'micro', 'macro', 'weighted'}, default 'binary'
        None returns one value per class; the others summarise them.
    zero_division : {'warn', 0, 1, np.nan}, default 'warn'
        The value of a score whose denominator is zero ('warn' gives 0 and warns).

    Returns
    -------
    float or np.ndarray
        The F1 score, or one per class when ``average=None``.

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import f1_score
    >>> round(f1_score(["a", "a", "b"], ["a", "b", "b"], average="weighted"), 4)
    0.6667
    """
    return _one_score(2, y_true, y_pred, labels=labels, pos_label=pos_label, average=average, zero_division=zero_division)


def accuracy_score(y_true, y_pred, *, normalize: bool = True) -> float:
    """The fraction (or, with ``normalize=False``, the number) of correct predictions.

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    normalize : bool, default True
        Return the fraction; False returns the count (as a float, like scikit-learn).

    Returns
    -------
    float
        The fraction or number of samples whose prediction equals the truth.

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import accuracy_score
    >>> accuracy_score(["a", "b", "b"], ["a", "b", "a"])
    0.6666666666666666
    >>> accuracy_score(["a", "b", "b"], ["a", "b", "a"], normalize=False)
    2.0
    """
    classes, t, p, _, _ = _encode(y_true, y_pred)
    score = _native.accuracy_score(t, p, len(classes), False)
    return float(score) if normalize else float(round(score * len(t)))


def balanced_accuracy_score(y_true, y_pred, *, adjusted: bool = False) -> float:
    """Balanced accuracy: the mean recall over the classes in ``y_true`` (UAR).

    With ``adjusted=True`` chance maps to 0 and perfect to 1, as in scikit-learn.

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    adjusted : bool, default False
        Rescale so that chance is 0 and a perfect score 1.

    Returns
    -------
    float
        The mean over the classes present in ``y_true`` of their recall.

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import balanced_accuracy_score
    >>> balanced_accuracy_score(["a", "a", "a", "b"], ["a", "a", "b", "b"])
    0.8333333333333333
    """
    classes, t, p, _, _ = _encode(y_true, y_pred)
    score = _native.accuracy_score(t, p, len(classes), True)
    if adjusted:
        n_present = len(np.unique(t))
        chance = 1.0 / n_present
        if chance == 1.0:
            raise ParameterError("adjusted=True needs at least two classes in y_true")
        score = (score - chance) / (1.0 - chance)
    return float(score)


def confusion_matrix(y_true, y_pred, *, labels: Optional[Sequence] = None, normalize: Optional[str] = None) -> np.ndarray:
    """``C[i, j]``: samples of class ``labels[i]`` predicted as ``labels[j]``.

    Samples whose true or predicted label is not in ``labels`` are left out, as in scikit-learn.
    ``normalize`` is None (counts), 'true' (rows sum to 1), 'pred' (columns) or 'all'.

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    labels : array-like, optional
        The classes, in the order of the rows and columns; default: the sorted union of both.
    normalize : {None, 'true', 'pred', 'all'}, default None
        Counts, or shares of each row, of each column, or of the whole.

    Returns
    -------
    np.ndarray [shape=(n_classes, n_classes)]
        Counts (int) or shares (float).

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import confusion_matrix
    >>> confusion_matrix(["a", "a", "b"], ["a", "b", "b"])
    array([[1, 1],
           [0, 1]])
    """
    if normalize not in (None, "true", "pred", "all"):
        raise ParameterError(f"normalize={normalize!r} must be None, 'true', 'pred' or 'all'")
    classes, t, p, label_idx, _ = _encode(y_true, y_pred, labels)
    if labels is not None and len(np.unique(label_idx)) != len(label_idx):
        raise ParameterError("labels holds a class twice: list each class once")
    full = _native.confusion_matrix(t, p, len(classes))
    cm = full[np.ix_(label_idx, label_idx)]
    if normalize is None:
        return cm
    with np.errstate(divide="ignore", invalid="ignore"):
        if normalize == "true":
            out = cm / cm.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            out = cm / cm.sum(axis=0, keepdims=True)
        else:
            out = cm / cm.sum()
    return np.nan_to_num(out)


def classification_report(
    y_true,
    y_pred,
    *,
    labels: Optional[Sequence] = None,
    target_names: Optional[Sequence[str]] = None,
    digits: int = 2,
    output_dict: bool = False,
    zero_division: Union[str, float] = "warn",
):
    """Precision, recall, F1 and support per class with the accuracy and the macro and weighted
    averages: scikit-learn's text table (or its dict with ``output_dict=True``).

    Parameters
    ----------
    y_true, y_pred : array-like of labels
        True and predicted labels, numbers or strings, one per sample.
    labels : array-like, optional
        The classes to report, in order; default: those in the data.
    target_names : sequence of str, optional
        Display names of ``labels``.
    digits : int >= 0, default 2
        Digits of the text table's scores.
    output_dict : bool, default False
        Return a dict of dicts instead of the text table.
    zero_division : {'warn', 0, 1, np.nan}, default 'warn'
        The value of a score whose denominator is zero.

    Returns
    -------
    str or dict
        The table, or ``{class: {'precision': ..., 'recall': ..., 'f1-score': ..., 'support': ...}, 'accuracy': ..., ...}``.

    Raises
    ------
    ParameterError
        Label arrays of different lengths, empty, not 1-D, holding NaN or mixing strings and
        numbers; ``average='binary'`` on more than two classes; an unknown ``average``.
    InputTypeError
        Labels that are neither numbers nor strings.

    Examples
    --------
    >>> from ser_rs.metrics import classification_report
    >>> print(classification_report(["a", "a", "b"], ["a", "b", "b"]))
                  precision    recall  f1-score   support
    <BLANKLINE>
               a       1.00      0.50      0.67         2
               b       0.50      1.00      0.67         1
    <BLANKLINE>
        accuracy                           0.67         3
       macro avg       0.75      0.75      0.67         3
    weighted avg       0.83      0.67      0.67         3
    <BLANKLINE>
    """
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 0:
        raise ParameterError(f"digits={digits!r} must be a whole number >= 0")
    classes, _, _, label_idx, present = _encode(y_true, y_pred, labels)
    label_values = present if labels is None else np.asarray(labels)
    if target_names is not None and len(target_names) != len(label_values):
        if labels is None:
            raise ParameterError(
                f"Number of classes, {len(label_values)}, does not match size of target_names, {len(target_names)}. "
                "Try specifying the labels parameter"
            )
        warnings.warn(f"labels size, {len(label_values)}, does not match size of target_names, {len(target_names)}")
    names = [str(v) for v in label_values] if target_names is None else [str(n) for n in target_names]
    scored = dict(labels=label_values, zero_division=zero_division)
    p, r, f1, support = precision_recall_fscore_support(y_true, y_pred, average=None, **scored)
    micro_is_accuracy = labels is None or set(np.asarray(labels).tolist()) >= set(present.tolist())
    headers = ["precision", "recall", "f1-score", "support"]
    rows = list(zip(names, p, r, f1, support))
    averages = []
    for average in ("micro", "macro", "weighted"):
        heading = "accuracy" if average == "micro" and micro_is_accuracy else f"{average} avg"
        avg_p, avg_r, avg_f1, _ = precision_recall_fscore_support(y_true, y_pred, average=average, **scored)
        averages.append((heading, avg_p, avg_r, avg_f1, int(np.sum(support))))
    if output_dict:
        report = {name: dict(zip(headers, [float(v) for v in row])) for name, *row in rows}
        for heading, *row in averages:
            report[heading] = float(row[2]) if heading == "accuracy" else dict(zip(headers, [float(v) for v in row]))
        return report
    width = max(max(len(n) for n in names), len("weighted avg"), digits)
    text = "{:>{width}s} ".format("", width=width) + "".join(f" {h:>9}" for h in headers) + "\n\n"
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    for row in rows:
        text += row_fmt.format(*row, width=width, digits=digits)
    text += "\n"
    for heading, *row in averages:
        if heading == "accuracy":
            text += ("{:>{width}s} " + " {:>9}" * 2 + " {:>9.{digits}f} {:>9}\n").format(heading, "", "", row[2], row[3], width=width, digits=digits)
        else:
            text += row_fmt.format(heading, *row, width=width, digits=digits)
    return text
