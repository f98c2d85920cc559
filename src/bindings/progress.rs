//! Long work on a worker thread while this thread keeps the GIL free, reports progress and
//! honours Ctrl-C.

use super::errors::internal_error;
use crate::batch::Progress;
use pyo3::prelude::*;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub(crate) fn run_watched<T: Send>(py: Python<'_>, state: &Progress, callback: Option<&Bound<PyAny>>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    let watcher = std::thread::current();
    // Set by the worker before it wakes the watcher: `is_finished` would lag behind the wake-up
    // and cost a whole wait.
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let out = work();
            done.store(true, Ordering::Release);
            watcher.unpark();
            out
        });
        let mut interrupted: Option<PyErr> = None;
        loop {
            let finished = done.load(Ordering::Acquire);
            if interrupted.is_none() {
                let report = match callback {
                    Some(cb) => cb.call1((state.done.load(Ordering::Relaxed),)).map(|_| ()),
                    None => Ok(()),
                };
                if let Err(e) = report.and_then(|_| py.check_signals()) {
                    state.cancel.store(true, Ordering::Relaxed);
                    interrupted = Some(e);
                }
            }
            if finished {
                break;
            }
            py.detach(|| std::thread::park_timeout(Duration::from_millis(100)));
        }
        let out = py.detach(|| worker.join()).map_err(|_| internal_error("a batch worker thread panicked"))?;
        match interrupted {
            Some(e) => Err(e),
            None => Ok(out),
        }
    })
}
