//! Errors into Python: every `SerError` becomes the class of `ser_rs.exceptions` that
//! [`SerError::type_name`] names (the exceptions live in Python, so they import without this
//! module and one base, `ser_rs.SerError`, catches them all); work runs with the GIL released.

use crate::error::{contain_bug, SerError};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

pub(crate) type PyObj = Py<PyAny>;

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The Python exception for `e`. Should `ser_rs.exceptions` itself fail to import (a broken
/// install), the message still reaches the user as a RuntimeError that says so.
pub(crate) fn to_py(e: SerError) -> PyErr {
    Python::attach(|py| {
        let class = EXCEPTIONS
            .get_or_try_init(py, || PyModule::import(py, "ser_rs.exceptions").map(Bound::unbind))
            .and_then(|m| m.bind(py).getattr(e.type_name()));
        match class {
            Ok(class) => match class.call1((e.message(),)) {
                Ok(instance) => PyErr::from_value(instance),
                Err(err) => err,
            },
            Err(err) => PyRuntimeError::new_err(format!("{} (ser_rs.exceptions could not be loaded: {err})", e.message())),
        }
    })
}

pub(crate) fn parameter_error(msg: impl Into<String>) -> PyErr {
    to_py(SerError::Parameter(msg.into()))
}

pub(crate) fn internal_error(msg: impl ToString) -> PyErr {
    to_py(SerError::Internal(msg.to_string()))
}

/// Runs `work` without the GIL; a panic in it becomes an InternalError, never a PanicException.
pub(crate) fn detached<T: Send>(py: Python<'_>, work: impl FnOnce() -> crate::Result<T> + Send) -> PyResult<T> {
    py.detach(|| contain_bug(work)).map_err(to_py)
}

/// An InputTypeError saying what `key` must be and what it was.
pub(crate) fn type_error(key: &str, expected: &str, v: &Bound<PyAny>) -> PyErr {
    let ty = v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    to_py(SerError::Type(format!("{key} must be {expected}, got {ty}")))
}
