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

__all__ = ["confusion_matrix", "experiment_plots", "robustness_curves", "training_curves"]


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
