//! Keyword arguments as the Python wrappers pass them (their whole signature, as a dict), read
//! field by field into the stages' typed parameters, keeping librosa's defaults for missing keys.

#[cfg(feature = "train")]
use super::errors::internal_error;
use super::errors::{parameter_error, to_py, type_error, PyObj};
use crate::signal::{PadMode, StftParams, Window};
use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;
#[cfg(feature = "train")]
use serde::{de::DeserializeOwned, Serialize};

pub(crate) fn get_any<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(d.get_item(key)?.filter(|v| !v.is_none()))
}

pub(crate) fn get_count(d: &Bound<PyDict>, key: &str) -> PyResult<Option<usize>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(type_error(key, "an integer", &v));
    }
    let n: i64 = v.extract().map_err(|_| type_error(key, "an integer", &v))?;
    if n < 0 {
        return Err(parameter_error(format!("{key}={n} must be a positive integer")));
    }
    Ok(Some(n as usize))
}

pub(crate) fn get_f64(d: &Bound<PyDict>, key: &str) -> PyResult<Option<f64>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(type_error(key, "a number", &v));
    }
    v.extract::<f64>().map(Some).map_err(|_| type_error(key, "a number", &v))
}

pub(crate) fn get_bool(d: &Bound<PyDict>, key: &str) -> PyResult<Option<bool>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    v.extract::<bool>().map(Some).map_err(|_| type_error(key, "True or False", &v))
}

pub(crate) fn get_str(d: &Bound<PyDict>, key: &str) -> PyResult<Option<String>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    v.extract::<String>().map(Some).map_err(|_| type_error(key, "a string", &v))
}

pub(crate) fn get_vec<T: for<'a, 'py> FromPyObject<'a, 'py>>(d: &Bound<PyDict>, key: &str) -> PyResult<Option<Vec<T>>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    v.extract::<Vec<T>>().map(Some).map_err(|_| type_error(key, "a 1-D array of numbers", &v))
}

pub(crate) fn window_param(d: &Bound<PyDict>) -> PyResult<Option<Window>> {
    let Some(v) = get_any(d, "window")? else { return Ok(None) };
    if let Ok(name) = v.extract::<String>() {
        return Window::from_name(&name).map(Some).map_err(to_py);
    }
    v.extract::<Vec<f64>>().map(|w| Some(Window::Custom(w))).map_err(|_| type_error("window", "a window name or a 1-D array", &v))
}

/// Missing keys keep librosa's defaults; `hop_length=None` means `win_length // 4`.
pub(crate) fn stft_params(d: &Bound<PyDict>) -> PyResult<StftParams> {
    let mut p = StftParams { hop_length: None, ..StftParams::default() };
    if let Some(n) = get_count(d, "n_fft")? {
        p.n_fft = n;
    }
    p.hop_length = get_count(d, "hop_length")?;
    p.win_length = get_count(d, "win_length")?;
    if let Some(w) = window_param(d)? {
        p.window = w;
    }
    if let Some(c) = get_bool(d, "center")? {
        p.center = c;
    }
    if let Some(m) = get_str(d, "pad_mode")? {
        p.pad_mode = PadMode::from_name(&m).map_err(to_py)?;
    }
    Ok(p)
}

pub(crate) fn named<T>(d: &Bound<PyDict>, key: &str, choices: &[(&str, T)], none: Option<T>) -> PyResult<Option<T>>
where
    T: Copy,
{
    match get_any(d, key)? {
        None => Ok(none),
        Some(v) => {
            let s: String = v.extract().map_err(|_| type_error(key, "a string or None", &v))?;
            let names: Vec<&str> = choices.iter().map(|c| c.0).collect();
            choices.iter().find(|c| c.0 == s).map(|c| Some(c.1)).ok_or_else(|| {
                parameter_error(format!("{key}='{s}' is not supported; use one of {names:?} or None"))
            })
        }
    }
}



/// A non-negative integer argument; the Python wrappers have already checked it is an int.
pub(crate) fn count_arg(name: &str, v: i64) -> PyResult<usize> {
    usize::try_from(v).map_err(|_| parameter_error(format!("{name}={v} must be a positive integer")))
}

pub(crate) fn hop_arg(hop_length: Option<i64>) -> PyResult<Option<usize>> {
    hop_length.map(|h| count_arg("hop_length", h)).transpose()
}

pub(crate) fn array_out(py: Python<'_>, y: Vec<f32>) -> PyObj {
    y.into_pyarray(py).into_any().unbind()
}

#[cfg(feature = "train")]
/// A serde config from a Python dict (missing fields take the struct's defaults, unknown ones are
/// refused); a malformed field is a ParameterError naming `what` and the field.
pub(crate) fn config_from<T: DeserializeOwned>(d: &Bound<PyAny>, what: &str) -> PyResult<T> {
    pythonize::depythonize(d).map_err(|e| parameter_error(format!("invalid {what}: {e}")))
}

#[cfg(feature = "train")]
/// A serde value as plain Python objects (dicts, lists, numbers, strings).
pub(crate) fn to_python<'py, T: Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(internal_error)
}
