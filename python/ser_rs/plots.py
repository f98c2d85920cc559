"""Plots of training and evaluation (matplotlib and seaborn; written as PNG files).

Importing this module needs matplotlib and seaborn (``pip install 'ser_rs[plots]'``); the rest of
ser_rs does not.

Examples
--------
>>> import pandas as pd, ser_rs.plots
>>> history = pd.DataFrame({"epoch": [1, 2], "train_loss": [1.0, 0.5], "val_uar": [0.4, 0.6]})
>>> fig = ser_rs.plots.training_curves(history)
>>> [ax.get_title() for ax in fig.axes]
['loss', 'UAR']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import matplotlib

# Files only: no display is needed on a server or in CI. In Jupyter the inline backend stays, so
# that the figures these functions return are shown in the notebook.
if "inline" not in matplotlib.get_backend():
    matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

__all__ = ["confusion_matrix", "experiment_plots", "optimization_history", "param_importance", "param_slices", "robustness_curves",
           "training_curves", "tuning_plots"]


def training_curves(history: Any, *, hue: str | None = None):
    """Loss and UAR per epoch (train and validation, clean and adversarial when present).

    ``history`` is an ``EmotionClassifier.history_`` frame, or several stacked with a ``hue``
    column (e.g. ``'model'``) drawn in different colours.

    Parameters
    ----------
    history : pandas.DataFrame
        An ``epoch`` column and ``*loss`` / ``*uar`` columns (``train_loss``, ``val_uar``, ...).
    hue : str, optional
        A column whose values get a colour each, e.g. ``'model'``.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: loss and UAR against the epoch.

    Examples
    --------
    >>> import pandas as pd, ser_rs.plots
    >>> history = pd.DataFrame({"epoch": [1, 2, 3], "train_loss": [1.2, 0.9, 0.7], "val_loss": [1.3, 1.1, 1.0],
    ...                         "train_uar": [0.3, 0.5, 0.6], "val_uar": [0.25, 0.4, 0.45]})
    >>> fig = ser_rs.plots.training_curves(history)
    >>> [ax.get_title() for ax in fig.axes]
    ['loss', 'UAR']
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, metric, title in ((axes[0], "loss", "loss"), (axes[1], "uar", "UAR")):
        columns = [c for c in history.columns if c.endswith(metric) and c not in ("fold", "model")]
        long = history.melt(id_vars=[c for c in ("epoch", hue) if c], value_vars=columns, var_name="curve", value_name=metric)
        sns.lineplot(data=long, x="epoch", y=metric, hue=hue, style="curve", ax=ax, errorbar="sd")
        ax.set_title(title)
    fig.tight_layout()
    return fig


def confusion_matrix(matrix: Any, labels: Sequence[str], *, title: str = "confusion matrix (rows: true, normalised)"):
    """A heatmap of a confusion matrix, each row normalised to the class's recall.

    Parameters
    ----------
    matrix : array-like [shape=(n_classes, n_classes)]
        Counts, rows the true classes (as :func:`ser_rs.metrics.confusion_matrix` gives them).
    labels : sequence of str
        The class names, in the matrix's order.
    title : str
        The plot's title.

    Returns
    -------
    matplotlib.figure.Figure
        The annotated heatmap.

    Examples
    --------
    >>> import ser_rs.plots
    >>> fig = ser_rs.plots.confusion_matrix([[3, 1], [0, 4]], ["angry", "sad"])
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['0.75', '0.25', '0.00', '1.00']
    """
    m = np.asarray(matrix, dtype=float)
    rows = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * len(labels), 0.8 + 0.65 * len(labels)))
    sns.heatmap(rows, annot=True, fmt=".2f", cmap="Blues", vmin=0, vmax=1, xticklabels=labels, yticklabels=labels, ax=ax, cbar=False)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def robustness_curves(table: Any):
    """Accuracy against attack radius (FGSM, PGD) and against waveform SNR, per model.

    ``table`` is :func:`ser_rs.experiment.robustness_table`'s frame: one row per model, condition
    (``'clean'``, ``'fgsm'``, ``'pgd-3'``, ``'noise'``) and level (epsilon or SNR in dB).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``model``, ``condition``, ``level`` and ``accuracy``.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels: feature-space attacks and waveform noise.

    Examples
    --------
    >>> import pandas as pd, ser_rs.plots
    >>> table = pd.DataFrame({"model": ["standard"] * 3, "condition": ["clean", "pgd-3", "noise"],
    ...                       "level": [0.0, 0.1, 10.0], "accuracy": [0.6, 0.3, 0.5]})
    >>> fig = ser_rs.plots.robustness_curves(table)
    >>> [ax.get_title() for ax in fig.axes]
    ['feature-space attacks', 'waveform noise']
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    # Each attack's curve starts from the clean accuracy at radius 0.
    names = [c for c in table.condition.unique() if c == "fgsm" or c.startswith("pgd")]
    clean = table[table.condition == "clean"]
    attacks = pd.concat([table[table.condition == a] for a in names] + [clean.assign(condition=a, level=0.0) for a in names]) if names else table.iloc[:0]
    if len(attacks):
        sns.lineplot(data=attacks, x="level", y="accuracy", hue="model", style="condition", markers=True, ax=axes[0])
    axes[0].set_xlabel("epsilon (standardised-feature stds)")
    axes[0].set_title("feature-space attacks")
    noise = table[table.condition == "noise"]
    if len(noise):
        sns.lineplot(data=noise, x="level", y="accuracy", hue="model", markers=True, marker="o", ax=axes[1])
        axes[1].invert_xaxis()
    axes[1].set_xlabel("SNR of added white noise (dB)")
    axes[1].set_title("waveform noise")
    for ax in axes:
        ax.set_ylim(0, 1)
    fig.tight_layout()
    return fig


def experiment_plots(out_dir: Any, *, histories: Any, robustness: Any, confusion: Any, labels: Sequence[str],
                     confusion_title: str = "adversarially trained model (rows: true, normalised)") -> dict:
    """Write the plots of an evaluation as PNG files into ``out_dir``: ``training_curves.png``
    (:func:`training_curves` of ``histories`` by model; none when empty, as for a baseline alone),
    ``confusion_matrix.png`` and
    ``robustness.png`` (:func:`robustness_curves`).

    The data comes in as frames and arrays, so that this module depends on no other part of
    ser_rs (:func:`ser_rs.experiment.write_report` passes its result's).

    Parameters
    ----------
    out_dir : str or os.PathLike
        An existing folder.
    histories : pandas.DataFrame
        Training histories stacked with a ``model`` column.
    robustness : pandas.DataFrame
        A robustness table as :func:`robustness_curves` takes it.
    confusion : array-like of shape (n_labels, n_labels)
        Counts, rows true and columns predicted labels.
    labels : sequence of str
        The labels of the confusion matrix's rows and columns.
    confusion_title : str
        The confusion matrix's title.

    Returns
    -------
    dict
        The path written, by plot name.

    Examples
    --------
    >>> import tempfile, pandas as pd, ser_rs.plots
    >>> history = pd.DataFrame({"model": "standard", "epoch": [1, 2], "train_loss": [1.0, 0.5], "val_uar": [0.4, 0.6]})
    >>> table = pd.DataFrame({"model": ["standard"] * 2, "condition": ["clean", "pgd-3"], "level": [0.0, 0.1], "accuracy": [0.6, 0.3]})
    >>> paths = ser_rs.plots.experiment_plots(tempfile.mkdtemp(), histories=history, robustness=table,
    ...                                       confusion=[[3, 1], [0, 4]], labels=["angry", "sad"])
    >>> sorted(p.name for p in paths.values())
    ['confusion_matrix.png', 'robustness.png', 'training_curves.png']
    """
    out = Path(out_dir)
    paths = {}
    figures = {
        "confusion_matrix": confusion_matrix(confusion, labels, title=confusion_title),
        "robustness": robustness_curves(robustness),
    }
    if len(histories):  # baselines have no training history
        figures["training_curves"] = training_curves(histories, hue="model")
    for name, fig in figures.items():
        paths[name] = out / f"{name}.png"
        fig.savefig(paths[name], dpi=120)
        plt.close(fig)
    return paths


def optimization_history(trials: Any):
    """Each trial's score against its number, pruned trials marked at their last reported score
    (where the table has it), and the best score so far.

    Parameters
    ----------
    trials : pandas.DataFrame
        Columns ``number``, ``state`` (``'COMPLETE'``, ``'PRUNED'``, ...) and ``value``; a
        ``fold_uar`` column of space-separated fold scores places the pruned trials.

    Returns
    -------
    matplotlib.figure.Figure
        One panel.

    Examples
    --------
    >>> import pandas as pd, ser_rs.plots
    >>> trials = pd.DataFrame({"number": [0, 1, 2], "state": ["COMPLETE", "PRUNED", "COMPLETE"],
    ...                        "value": [0.4, None, 0.5], "fold_uar": ["0.4 0.4", "0.2", "0.5 0.5"]})
    >>> fig = ser_rs.plots.optimization_history(trials)
    >>> fig.axes[0].get_title()
    'optimisation history'
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    done = trials[trials.state == "COMPLETE"].sort_values("number")
    ax.scatter(done.number, done.value, color="tab:blue", label="completed trial (mean UAR)", zorder=3)
    if len(done):
        ax.step(done.number, done.value.cummax(), where="post", color="tab:red", label="best so far")
    pruned = trials[trials.state == "PRUNED"]
    if len(pruned):
        last = [np.mean([float(v) for v in str(f).split()]) if "fold_uar" in pruned and str(f).split() else np.nan
                for f in (pruned.fold_uar if "fold_uar" in pruned else [""] * len(pruned))]
        ax.scatter(pruned.number, last, marker="x", color="tab:gray", label="pruned (mean UAR when stopped)", zorder=3)
    ax.set_xlabel("trial")
    ax.set_ylabel("UAR on held-out search speakers")
    ax.set_title("optimisation history")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return fig


def param_importance(importance: Any):
    """A bar per tuned parameter: its share of the score's variance (Optuna's fANOVA importances).

    Parameters
    ----------
    importance : dict of str to float
        Importance by parameter name.

    Returns
    -------
    matplotlib.figure.Figure
        One panel of horizontal bars, the most important on top.

    Examples
    --------
    >>> import ser_rs.plots
    >>> fig = ser_rs.plots.param_importance({"lr": 0.7, "dropout": 0.3})
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['dropout', 'lr']
    """
    items = sorted(importance.items(), key=lambda kv: kv[1])
    fig, ax = plt.subplots(figsize=(6, 0.6 + 0.45 * max(1, len(items))))
    ax.barh([k for k, _ in items], [v for _, v in items], color="tab:blue")
    ax.set_xlabel("importance (share of the score's variance)")
    ax.set_title("parameter importance")
    fig.tight_layout()
    return fig


def param_slices(trials: Any):
    """One panel per tuned parameter (``params_*`` columns): each completed trial's score against
    the parameter's value, coloured by trial number.

    Parameters
    ----------
    trials : pandas.DataFrame
        Columns ``state``, ``value``, ``number`` and ``params_*``.

    Returns
    -------
    matplotlib.figure.Figure
        A row of panels (one per parameter).

    Examples
    --------
    >>> import pandas as pd, ser_rs.plots
    >>> trials = pd.DataFrame({"number": [0, 1], "state": ["COMPLETE"] * 2, "value": [0.4, 0.5],
    ...                        "params_lr": [0.001, 0.003], "params_pooling": ["mean", "stats"]})
    >>> fig = ser_rs.plots.param_slices(trials)
    >>> [ax.get_xlabel() for ax in fig.axes[:2]]
    ['lr', 'pooling']
    """
    columns = [c for c in trials.columns if c.startswith("params_")]
    done = trials[trials.state == "COMPLETE"]
    fig, axes = plt.subplots(1, max(1, len(columns)), figsize=(2.8 * max(1, len(columns)), 3.2), sharey=True, squeeze=False)
    for ax, column in zip(axes[0], columns):
        values = done[column]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        x = values if numeric else values.astype(str)
        ax.scatter(x, done.value, c=done.number, cmap="viridis", s=18)
        name = column[len("params_"):]
        if numeric and name in ("lr", "weight_decay") and (values > 0).all():
            ax.set_xscale("log")
        ax.set_xlabel(name)
    axes[0][0].set_ylabel("mean UAR")
    fig.suptitle("score against each parameter (colour: trial number)")
    fig.tight_layout()
    return fig


def tuning_plots(out_dir: Any, *, trials: Any, importance: Any) -> dict:
    """Write the plots of a hyperparameter search as PNG files into ``out_dir``:
    ``optimization_history.png``, ``param_slices.png`` and, when ``importance`` holds any,
    ``param_importance.png``.

    Parameters
    ----------
    out_dir : str or os.PathLike
        An existing folder.
    trials : pandas.DataFrame
        The trial table (:func:`optimization_history`, :func:`param_slices`).
    importance : dict of str to float
        Parameter importances; empty draws no importance plot.

    Returns
    -------
    dict
        The path written, by plot name.

    Examples
    --------
    >>> import tempfile, pandas as pd, ser_rs.plots
    >>> trials = pd.DataFrame({"number": [0, 1], "state": ["COMPLETE"] * 2, "value": [0.4, 0.5], "params_lr": [0.001, 0.003]})
    >>> paths = ser_rs.plots.tuning_plots(tempfile.mkdtemp(), trials=trials, importance={"lr": 1.0})
    >>> sorted(p.name for p in paths.values())
    ['optimization_history.png', 'param_importance.png', 'param_slices.png']
    """
    out = Path(out_dir)
    figures = {"optimization_history": optimization_history(trials), "param_slices": param_slices(trials)}
    if importance:
        figures["param_importance"] = param_importance(importance)
    paths = {}
    for name, fig in figures.items():
        paths[name] = out / f"{name}.png"
        fig.savefig(paths[name], dpi=120)
        plt.close(fig)
    return paths
