//! The trainer (tch): fit, predict, robustness, checkpoints. Built with the `train` feature into
//! the companion module `ser_rs_train._trainer`.

use super::args::{config_from, to_python};
use super::errors::{detached, parameter_error, to_py, PyObj};
use pyo3::prelude::*;
use crate::batch::Progress;
use crate::error::{contain_bug, SerError};
use crate::model;
use ndarray::ArrayView2;
use numpy::{IntoPyArray, PyReadonlyArray2};
use pyo3::types::PyDict;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[pyfunction]
fn backend_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let info = py.detach(model::backend_info);
    let d = PyDict::new(py);
    d.set_item("cuda_available", info.cuda_available)?;
    d.set_item("cuda_devices", info.cuda_devices)?;
    d.set_item("threads", info.threads)?;
    Ok(d)
}

/// Per-column mean and standard deviation computed by libtorch (a tensor round trip).
#[pyfunction]
fn column_stats(py: Python<'_>, x: PyReadonlyArray2<f32>) -> PyResult<(PyObj, PyObj)> {
    let x = x.as_array();
    let (mean, std) = detached(py, || model::column_stats(x))?;
    Ok((mean.into_pyarray(py).into_any().unbind(), std.into_pyarray(py).into_any().unbind()))
}

/// A trained network behind a lock: `tch::Tensor` is Send but not Sync.
#[pyclass(module = "ser_rs_train._trainer", name = "NativeClassifier")]
struct NativeClassifier {
    inner: std::sync::Mutex<model::Classifier>,
}

impl NativeClassifier {
    fn new(c: model::Classifier) -> Self {
        NativeClassifier { inner: std::sync::Mutex::new(c) }
    }

    fn with<T>(&self, f: impl FnOnce(&model::Classifier) -> crate::Result<T>) -> crate::Result<T> {
        let guard = self.inner.lock().map_err(|_| SerError::Internal("the model's lock was poisoned by an earlier failure".into()))?;
        f(&guard)
    }
}

fn views<'a>(x: &'a [PyReadonlyArray2<'_, f32>]) -> Vec<ArrayView2<'a, f32>> {
    x.iter().map(|a| a.as_array()).collect()
}

fn history_to_py<'py>(py: Python<'py>, history: &[model::EpochRecord]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let col = |f: fn(&model::EpochRecord) -> Option<f64>| -> Vec<Option<f64>> { history.iter().map(f).collect() };
    d.set_item("epoch", history.iter().map(|r| r.epoch).collect::<Vec<_>>())?;
    d.set_item("lr", col(|r| Some(r.lr)))?;
    d.set_item("train_loss", col(|r| Some(r.train_loss)))?;
    d.set_item("train_accuracy", col(|r| Some(r.train_accuracy)))?;
    d.set_item("train_uar", col(|r| Some(r.train_uar)))?;
    d.set_item("train_adv_loss", col(|r| r.train_adv_loss))?;
    d.set_item("val_loss", col(|r| r.val_loss))?;
    d.set_item("val_accuracy", col(|r| r.val_accuracy))?;
    d.set_item("val_uar", col(|r| r.val_uar))?;
    d.set_item("val_adv_loss", col(|r| r.val_adv_loss))?;
    d.set_item("val_adv_accuracy", col(|r| r.val_adv_accuracy))?;
    d.set_item("val_adv_uar", col(|r| r.val_adv_uar))?;
    d.set_item("seconds", col(|r| Some(r.seconds)))?;
    Ok(d)
}

/// Trains on frame sequences `x` (each `(T_i, F)` float32) with class indices `y` on this thread
/// with the GIL released, re-taking it about ten times a second to report `progress(steps_done)`
/// and honour Ctrl-C. (A helper thread would be simpler, but there libtorch allocates from a
/// secondary glibc arena and trains measurably slower.)
/// `config` is a `FitConfig` as a dict. Returns `(model, history columns, best_epoch, total_steps)`.
#[pyfunction]
#[pyo3(signature = (config, x, y, x_val=None, y_val=None, progress=None))]
fn fit_classifier<'py>(
    py: Python<'py>,
    config: &Bound<'py, PyAny>,
    x: Vec<PyReadonlyArray2<'py, f32>>,
    y: Vec<usize>,
    x_val: Option<Vec<PyReadonlyArray2<'py, f32>>>,
    y_val: Option<Vec<usize>>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<(NativeClassifier, Bound<'py, PyDict>, usize)> {
    let cfg: model::FitConfig = config_from(config, "training settings")?;
    let (xs, xv) = (views(&x), x_val.as_deref().map(views));
    let val = match (&xv, &y_val) {
        (Some(xv), Some(yv)) => Some(model::Labelled { x: xv, y: yv }),
        (None, None) => None,
        _ => return Err(parameter_error("pass both X_val and y_val, or neither")),
    };
    let state = Progress::default();
    let train = model::Labelled { x: &xs, y: &y };
    let callback = progress.map(Bound::unbind);
    let mut stopped: Option<PyErr> = None;
    let fitted = py.detach(|| {
        let mut last_report = Instant::now();
        let mut report = |p: &Progress| {
            if stopped.is_some() || last_report.elapsed() < Duration::from_millis(100) {
                return;
            }
            last_report = Instant::now();
            Python::attach(|py| {
                let reported = match &callback {
                    Some(cb) => cb.call1(py, (p.done.load(Ordering::Relaxed),)).map(drop),
                    None => Ok(()),
                };
                if let Err(e) = reported.and_then(|_| py.check_signals()) {
                    p.cancel.store(true, Ordering::Relaxed);
                    stopped = Some(e);
                }
            });
        };
        contain_bug(|| model::train::fit_observed(&cfg, train, val, &state, &mut report))
    });
    if let Some(e) = stopped {
        return Err(e);
    }
    let fitted = fitted.map_err(to_py)?;
    let history = history_to_py(py, &fitted.history)?;
    Ok((NativeClassifier::new(fitted.model), history, fitted.best_epoch))
}

/// The number of optimiser steps a fit of `n_samples` takes at most (progress bar total).
#[pyfunction]
fn fit_steps(config: &Bound<PyAny>, n_samples: usize) -> PyResult<usize> {
    Ok(model::train::total_steps(&config_from(config, "training settings")?, n_samples))
}

/// The architectures `EmotionClassifier(model=...)` can build: the trainer's one list of them.
#[pyfunction]
fn architecture_names() -> Vec<&'static str> {
    model::architecture_names().to_vec()
}

/// Loads a checkpoint folder: `(model, meta dict)`.
#[pyfunction]
#[pyo3(signature = (path, device="cpu"))]
fn load_classifier<'py>(py: Python<'py>, path: PathBuf, device: &str) -> PyResult<(NativeClassifier, Bound<'py, PyAny>)> {
    let device = model::config::parse_device(device).map_err(to_py)?;
    let (m, manifest) = detached(py, || model::checkpoint::load(&path, device))?;
    let meta = to_python(py, &manifest.meta)?;
    Ok((NativeClassifier::new(m), meta))
}

fn attack_by_name(name: &str) -> PyResult<model::Attack> {
    match name {
        "fgsm" => Ok(model::Attack::Fgsm),
        "pgd" => Ok(model::Attack::Pgd),
        "noise" => Ok(model::Attack::Noise),
        _ => Err(parameter_error(format!("attack '{name}' is not supported; use 'fgsm', 'pgd' or 'noise'"))),
    }
}

#[pymethods]
impl NativeClassifier {
    /// Class probabilities `(N, n_classes)`.
    fn predict_proba(&self, py: Python<'_>, x: Vec<PyReadonlyArray2<f32>>, batch_size: usize) -> PyResult<PyObj> {
        let xs = views(&x);
        let p = detached(py, || self.with(|m| m.predict_proba(&xs, batch_size.max(1))))?;
        Ok(p.into_pyarray(py).into_any().unbind())
    }

    /// Rows `(attack, epsilon, accuracy, uar)` under each attack and epsilon, after a clean row.
    #[pyo3(signature = (x, y, attacks, epsilons, steps, step_size, batch_size, seed, n_threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn robustness(
        &self,
        py: Python<'_>,
        x: Vec<PyReadonlyArray2<f32>>,
        y: Vec<usize>,
        attacks: Vec<String>,
        epsilons: Vec<f64>,
        steps: usize,
        step_size: Option<f64>,
        batch_size: usize,
        seed: u64,
        n_threads: Option<usize>,
    ) -> PyResult<Vec<(String, f64, f64, f64)>> {
        let attacks = attacks.iter().map(|a| attack_by_name(a)).collect::<PyResult<Vec<_>>>()?;
        let xs = views(&x);
        let rows = detached(py, || {
            if let Some(n) = n_threads {
                tch::set_num_threads(n.clamp(1, 1024) as i32);
            }
            // PGD's random start draws from libtorch's generator.
            tch::manual_seed(seed as i64);
            self.with(|m| model::adversarial::robustness(m, &xs, &y, &attacks, &epsilons, steps, step_size, batch_size.max(1)))
        })?;
        Ok(rows.into_iter().map(|r| (r.attack, r.epsilon, r.accuracy, r.uar)).collect())
    }

    /// Writes the checkpoint folder `path` with `meta` (a dict of JSON values) in its model.json.
    fn save(&self, py: Python<'_>, path: PathBuf, meta: &Bound<PyAny>) -> PyResult<()> {
        let meta: serde_json::Value = config_from(meta, "model metadata")?;
        detached(py, || self.with(|m| model::checkpoint::save(&path, m, &meta)))
    }

    #[getter]
    fn n_features(&self) -> PyResult<usize> {
        self.with(|m| Ok(m.config.n_features)).map_err(to_py)
    }

    #[getter]
    fn n_classes(&self) -> PyResult<usize> {
        self.with(|m| Ok(m.config.n_classes)).map_err(to_py)
    }

    /// The model config as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let config = self.with(|m| Ok(m.config.clone())).map_err(to_py)?;
        to_python(py, &config)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClassifier>()?;
    m.add_function(wrap_pyfunction!(architecture_names, m)?)?;
    m.add_function(wrap_pyfunction!(backend_info, m)?)?;
    m.add_function(wrap_pyfunction!(column_stats, m)?)?;
    m.add_function(wrap_pyfunction!(fit_classifier, m)?)?;
    m.add_function(wrap_pyfunction!(fit_steps, m)?)?;
    m.add_function(wrap_pyfunction!(load_classifier, m)?)?;
    Ok(())
}
