//! Metrics (labels arrive as class indices; the Python layer maps label names to them).

use super::errors::{detached, parameter_error, to_py, PyObj};
use pyo3::prelude::*;
use crate::metrics;
use numpy::{IntoPyArray, PyReadonlyArray1};

fn class_indices(a: PyReadonlyArray1<i64>, name: &str) -> PyResult<Vec<usize>> {
    a.as_array()
        .iter()
        .map(|&k| usize::try_from(k).map_err(|_| parameter_error(format!("{name} holds the negative class index {k}"))))
        .collect()
}

#[pyfunction]
fn confusion_matrix(py: Python<'_>, y_true: PyReadonlyArray1<i64>, y_pred: PyReadonlyArray1<i64>, n_classes: usize) -> PyResult<PyObj> {
    let (t, p) = (class_indices(y_true, "y_true")?, class_indices(y_pred, "y_pred")?);
    let c = detached(py, || metrics::confusion_matrix(&t, &p, n_classes))?;
    Ok(c.mapv(|v| v as i64).into_pyarray(py).into_any().unbind())
}

#[pyfunction]
fn accuracy_score(py: Python<'_>, y_true: PyReadonlyArray1<i64>, y_pred: PyReadonlyArray1<i64>, n_classes: usize, balanced: bool) -> PyResult<f64> {
    let (t, p) = (class_indices(y_true, "y_true")?, class_indices(y_pred, "y_pred")?);
    detached(py, || if balanced { metrics::balanced_accuracy(&t, &p, n_classes) } else { metrics::accuracy(&t, &p, n_classes) })
}

/// Per-class `(precision, recall, fscore, support)` arrays, or three floats when `average` is set.
#[pyfunction]
#[pyo3(signature = (y_true, y_pred, n_classes, labels, beta, zero_division, average=None))]
#[allow(clippy::too_many_arguments)]
fn precision_recall_fscore(
    py: Python<'_>,
    y_true: PyReadonlyArray1<i64>,
    y_pred: PyReadonlyArray1<i64>,
    n_classes: usize,
    labels: PyReadonlyArray1<i64>,
    beta: f64,
    zero_division: f64,
    average: Option<&str>,
) -> PyResult<PyObj> {
    let (t, p, l) = (class_indices(y_true, "y_true")?, class_indices(y_pred, "y_pred")?, class_indices(labels, "labels")?);
    let opts = metrics::PrfOptions { beta, zero_division };
    match average {
        Some(name) => {
            let average = metrics::Average::from_name(name).map_err(to_py)?;
            let scores = detached(py, || metrics::precision_recall_fscore_average(&t, &p, n_classes, &l, opts, average))?;
            Ok(scores.into_pyobject(py)?.into_any().unbind())
        }
        None => {
            let s = detached(py, || metrics::precision_recall_fscore(&t, &p, n_classes, &l, opts))?;
            let support: Vec<i64> = s.support.iter().map(|&v| v as i64).collect();
            let arrays = (s.precision.into_pyarray(py), s.recall.into_pyarray(py), s.fscore.into_pyarray(py), support.into_pyarray(py));
            Ok(arrays.into_pyobject(py)?.into_any().unbind())
        }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(confusion_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(accuracy_score, m)?)?;
    m.add_function(wrap_pyfunction!(precision_recall_fscore, m)?)?;
    Ok(())
}
