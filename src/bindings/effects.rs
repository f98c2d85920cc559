//! Effects: augmentation and preprocessing, one signal or a batch.

use super::errors::{detached, parameter_error, to_py, PyObj};
use super::args::*;
use pyo3::prelude::*;
use super::progress::run_watched;
use crate::batch::{self, Progress};
use crate::effects::{self, Pipeline, Step, TrimParams};
use crate::error::SerError;
use numpy::PyReadonlyArray1;
use pyo3::types::PyDict;

/// A pipeline step as Python describes it: `(name, [(parameter, value)], p)`.
pub(crate) type StepSpec = (String, Vec<(String, f64)>, f64);

pub(crate) fn pipeline(steps: &[StepSpec]) -> PyResult<Pipeline> {
    let steps = steps.iter().map(|(name, params, p)| Step::from_spec(name, params, *p)).collect::<crate::Result<_>>().map_err(to_py)?;
    Ok(Pipeline { steps })
}

#[pyfunction]
fn time_stretch(py: Python<'_>, y: PyReadonlyArray1<f32>, rate: f64, stft: &Bound<PyDict>) -> PyResult<PyObj> {
    let params = stft_params(stft)?;
    let y = y.as_slice()?;
    Ok(array_out(py, detached(py, || effects::time_stretch(y, rate, &params))?))
}

#[pyfunction]
fn pitch_shift(py: Python<'_>, y: PyReadonlyArray1<f32>, sr: f64, n_steps: f64, bins_per_octave: i64, stft: &Bound<PyDict>) -> PyResult<PyObj> {
    let params = stft_params(stft)?;
    let bins = usize::try_from(bins_per_octave).map_err(|_| parameter_error(format!("bins_per_octave={bins_per_octave} must be a positive integer")))?;
    let y = y.as_slice()?;
    Ok(array_out(py, detached(py, || effects::pitch_shift(y, sr, n_steps, bins, &params))?))
}

#[pyfunction]
fn trim_bounds(py: Python<'_>, y: PyReadonlyArray1<f32>, top_db: f64, ref_value: Option<f64>, frame_length: usize, hop_length: usize) -> PyResult<(usize, usize)> {
    let p = TrimParams { top_db, reference: ref_value, frame_length, hop_length };
    let y = y.as_slice()?;
    detached(py, || effects::trim_bounds(y, &p))
}

#[pyfunction]
fn preemphasis(py: Python<'_>, y: PyReadonlyArray1<f32>, coef: f64, zi: Option<f64>) -> PyResult<(PyObj, f32)> {
    let y = y.as_slice()?;
    let (out, zf) = detached(py, || effects::preemphasis(y, coef, zi))?;
    Ok((array_out(py, out), zf))
}

#[pyfunction]
#[pyo3(signature = (y, noise, prop_decrease, noise_quantile, stft))]
fn reduce_noise(py: Python<'_>, y: PyReadonlyArray1<f32>, noise: Option<PyReadonlyArray1<f32>>, prop_decrease: f64, noise_quantile: f64, stft: &Bound<PyDict>) -> PyResult<PyObj> {
    let params = effects::DenoiseParams { stft: stft_params(stft)?, prop_decrease, noise_quantile, ..Default::default() };
    let y = y.as_slice()?;
    let noise = noise.as_ref().map(|n| n.as_slice()).transpose()?;
    Ok(array_out(py, detached(py, || effects::reduce_noise(y, noise, &params))?))
}

/// Deterministic edits by name: `gain` (dB), `shift` (samples; `flag` = rollover),
/// `normalize_peak`, `normalize_rms`.
#[pyfunction]
fn edit(py: Python<'_>, y: PyReadonlyArray1<f32>, name: &str, value: f64, flag: bool) -> PyResult<PyObj> {
    let y = y.as_slice()?;
    let out = detached(py, || match name {
        "gain" => effects::gain(y, value),
        "shift" => effects::shift(y, value as i64, flag),
        "normalize_peak" => effects::normalize_peak(y, value),
        "normalize_rms" => effects::normalize_rms(y, value),
        _ => Err(SerError::Internal(format!("unknown edit '{name}'"))),
    })?;
    Ok(array_out(py, out))
}

/// Applies a pipeline to each signal in parallel; signal `j` draws from `(seed, indices[j])`.
/// Returns one array or `(exception name, message)` per signal.
#[pyfunction]
#[pyo3(signature = (signals, indices, sr, steps, seed, n_jobs, progress=None))]
#[allow(clippy::too_many_arguments)]
fn augment(py: Python<'_>, signals: Vec<PyReadonlyArray1<f32>>, indices: Vec<u64>, sr: f64, steps: Vec<StepSpec>, seed: u64, n_jobs: Option<usize>, progress: Option<Bound<PyAny>>) -> PyResult<Vec<PyObj>> {
    crate::signal::ensure_sr(sr).map_err(to_py)?;
    let pipeline = pipeline(&steps)?;
    let slices = signals.iter().map(|s| s.as_slice()).collect::<Result<Vec<_>, _>>()?;
    let state = Progress::default();
    let results = run_watched(py, &state, progress.as_ref(), || batch::augment(&slices, &indices, sr, &pipeline, seed, n_jobs, &state))?.map_err(to_py)?;
    results
        .into_iter()
        .map(|r| match r {
            Ok(y) => Ok(array_out(py, y)),
            Err(e) => Ok((e.type_name(), e.message().to_string()).into_pyobject(py)?.into_any().unbind()),
        })
        .collect()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(time_stretch, m)?)?;
    m.add_function(wrap_pyfunction!(pitch_shift, m)?)?;
    m.add_function(wrap_pyfunction!(trim_bounds, m)?)?;
    m.add_function(wrap_pyfunction!(preemphasis, m)?)?;
    m.add_function(wrap_pyfunction!(reduce_noise, m)?)?;
    m.add_function(wrap_pyfunction!(edit, m)?)?;
    m.add_function(wrap_pyfunction!(augment, m)?)?;
    Ok(())
}
