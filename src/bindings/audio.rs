//! Audio: load (files or bytes) and resample.

use super::errors::{detached, internal_error, parameter_error, PyObj};
use pyo3::prelude::*;
use crate::audio::{self, LoadOptions};
use crate::error::SerError;
use ndarray::Array2;
use numpy::{IntoPyArray, PyReadonlyArray1};
use std::path::PathBuf;

pub(crate) fn load_options(sr: Option<i64>, mono: bool, offset: f64, duration: Option<f64>) -> PyResult<LoadOptions> {
    let sr = match sr {
        None => None,
        Some(s) if s > 0 && s <= u32::MAX as i64 => Some(s as u32),
        Some(s) => return Err(parameter_error(format!("sr={s} must be a positive sampling rate in Hz, or None to keep the file's rate"))),
    };
    Ok(LoadOptions { sr, mono, offset, duration })
}

#[pyfunction]
#[pyo3(signature = (path=None, data=None, *, sr=Some(22050), mono=true, offset=0.0, duration=None))]
fn load(py: Python<'_>, path: Option<PathBuf>, data: Option<Vec<u8>>, sr: Option<i64>, mono: bool, offset: f64, duration: Option<f64>) -> PyResult<(PyObj, u32)> {
    let opts = load_options(sr, mono, offset, duration)?;
    let audio = detached(py, || match (path, data) {
        (Some(p), _) => audio::load(&p, &opts),
        (None, Some(bytes)) => audio::load_bytes(bytes, &opts),
        (None, None) => Err(SerError::parameter("pass a path or the file's bytes")),
    })?;
    let rate = audio.sr;
    let samples = if audio.channels.len() == 1 {
        audio.into_mono().into_pyarray(py).into_any().unbind()
    } else {
        let n = audio.n_frames();
        let flat: Vec<f32> = audio.channels.concat();
        Array2::from_shape_vec((flat.len() / n.max(1), n), flat)
            .map_err(|e| internal_error(e.to_string()))?
            .into_pyarray(py)
            .into_any()
            .unbind()
    };
    Ok((samples, rate))
}

#[pyfunction]
fn resample(py: Python<'_>, y: PyReadonlyArray1<f32>, orig_sr: i64, target_sr: i64) -> PyResult<PyObj> {
    let rate = |name: &str, r: i64| -> PyResult<u32> {
        if r > 0 && r <= u32::MAX as i64 {
            Ok(r as u32)
        } else {
            Err(parameter_error(format!("{name}={r} must be a positive sampling rate in Hz")))
        }
    };
    let (orig, target) = (rate("orig_sr", orig_sr)?, rate("target_sr", target_sr)?);
    let y = y.as_slice()?;
    let out = detached(py, || audio::resample(y, orig, target))?;
    Ok(out.into_pyarray(py).into_any().unbind())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(resample, m)?)?;
    Ok(())
}
