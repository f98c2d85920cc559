//! The PyO3 layer, one file per stage like the Python package: each converts Python values to the
//! stage's types and back, maps errors to `ser_rs.exceptions`, and releases the GIL around every
//! piece of real work. No algorithm here.
//!
//! Two modules come out of this crate: `ser_rs._native` (everything but the trainer; no libtorch)
//! and, with the `train` feature, `ser_rs_train._trainer` (the tch trainer, in its own wheel).

mod args;
mod audio;
mod batch;
mod effects;
mod errors;
mod feature;
mod metrics;
mod progress;
mod prosody;
mod synth;
#[cfg(feature = "train")]
mod train;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    audio::register(m)?;
    feature::register(m)?;
    prosody::register(m)?;
    effects::register(m)?;
    batch::register(m)?;
    metrics::register(m)?;
    synth::register(m)
}

#[cfg(feature = "train")]
#[pymodule]
fn _trainer(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    train::register(m)
}
