//! Batches: features over many files or arrays in parallel, errors collected per item.

use super::errors::{internal_error, parameter_error, to_py, type_error, PyObj};
use pyo3::prelude::*;
use super::feature::feature_config;
use super::progress::run_watched;
use super::audio::load_options;
use super::effects::{pipeline, StepSpec};
use crate::batch::{self, Augmentation, BatchOptions, Item, Progress};
use crate::recipe::{FeatureKind, FeatureOutput};
use ndarray::Array2;
use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::types::{PyDict, PyList, PyString};
use std::path::PathBuf;

/// A batch's items, borrowed from Python: path strings, or float32 arrays kept alive here.
enum Held<'py> {
    Path(PathBuf),
    Array(PyReadonlyArray1<'py, f32>),
}

fn hold_items<'py>(items: &Bound<'py, PyList>) -> PyResult<Vec<Held<'py>>> {
    items
        .iter()
        .map(|it| {
            if it.is_instance_of::<PyString>() {
                Ok(Held::Path(PathBuf::from(it.extract::<String>()?)))
            } else {
                it.extract::<PyReadonlyArray1<f32>>().map(Held::Array).map_err(|_| type_error("each item", "a path string or a 1-D float32 array", &it))
            }
        })
        .collect()
}

/// Extracts a feature for every item in parallel with the GIL released, calling
/// `progress(done)` about ten times a second and honouring Ctrl-C.
///
/// Returns `(ok_index, values, errors)`: `values` is a 2-D array (fixed-length features) or a
/// list of 2-D arrays (frame-level), one per index in `ok_index`; `errors` holds
/// `(index, exception name, message)`.
#[pyfunction]
#[pyo3(signature = (items, name, params, *, sr, array_sr, mono, offset, duration, n_jobs, fail_fast, augment=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn extract(
    py: Python<'_>,
    items: &Bound<PyList>,
    name: &str,
    params: &Bound<PyDict>,
    sr: Option<i64>,
    array_sr: Option<i64>,
    mono: bool,
    offset: f64,
    duration: Option<f64>,
    n_jobs: Option<usize>,
    fail_fast: bool,
    augment: Option<(Vec<Vec<StepSpec>>, u64, Vec<u64>)>,
    progress: Option<Bound<PyAny>>,
) -> PyResult<(Vec<usize>, PyObj, Vec<(usize, String, String)>)> {
    let kind = FeatureKind::from_name(name).map_err(to_py)?;
    let config = feature_config(kind, params)?;
    let augment = match augment {
        None => None,
        Some((copies, seed, item_ids)) => Some(Augmentation { copies: copies.iter().map(|c| pipeline(c)).collect::<PyResult<_>>()?, seed, item_ids: Some(item_ids) }),
    };
    let opts = BatchOptions { load: load_options(sr, mono, offset, duration)?, n_jobs, fail_fast, augment };
    let held = hold_items(items)?;
    let array_rate = array_sr.map(|r| load_options(Some(r), true, 0.0, None)).transpose()?.and_then(|o| o.sr);
    let mut batch_items = Vec::with_capacity(held.len());
    for h in &held {
        batch_items.push(match h {
            Held::Path(p) => Item::Path(p.as_path()),
            Held::Array(a) => {
                let rate = array_rate.ok_or_else(|| parameter_error("arrays in a batch need their sampling rate: pass sr_in=..."))?;
                Item::Samples { y: a.as_slice()?, sr: rate }
            }
        });
    }
    let state = Progress::default();
    let results = run_watched(py, &state, progress.as_ref(), || batch::extract(&batch_items, &config, &opts, &state))?;
    collect_results(py, results.map_err(to_py)?, kind.is_fixed_length())
}

/// Runs `work` on a helper thread while this thread, between GIL-free waits, reports progress
/// and checks for Ctrl-C; an interrupt or a failing callback cancels the remaining items.
fn collect_results(py: Python<'_>, results: Vec<crate::Result<FeatureOutput>>, fixed: bool) -> PyResult<(Vec<usize>, PyObj, Vec<(usize, String, String)>)> {
    let mut ok_index = Vec::new();
    let mut errors = Vec::new();
    let mut vectors: Vec<Vec<f32>> = Vec::new();
    let mut frames = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(FeatureOutput::Vector(v)) => {
                ok_index.push(i);
                vectors.push(v);
            }
            Ok(FeatureOutput::Frames(m)) => {
                ok_index.push(i);
                frames.push(m.into_pyarray(py).into_any().unbind());
            }
            Err(e) => errors.push((i, e.type_name().to_string(), e.message().to_string())),
        }
    }
    let values = if fixed {
        let width = vectors.first().map_or(0, Vec::len);
        let flat: Vec<f32> = vectors.concat();
        Array2::from_shape_vec((ok_index.len(), width), flat).map_err(|e| internal_error(e.to_string()))?.into_pyarray(py).into_any().unbind()
    } else {
        PyList::new(py, frames)?.into_any().unbind()
    };
    Ok((ok_index, values, errors))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    Ok(())
}
