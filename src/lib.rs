//! ser_rs: speech emotion recognition in Rust, driven from Python.
//!
//! The modules follow the pipeline: [`audio`] (decode, resample) -> [`feature`] (librosa-exact
//! spectral features) and [`prosody`] (pitch, voice quality) -> [`effects`] (augmentation,
//! preprocessing) -> [`batch`] (parallel extraction over a corpus) -> [`model`] (tch) -> [`metrics`]
//! (evaluation, scikit-learn's definitions). [`synth`] makes synthetic emotional speech, the demo
//! corpus that lets all of it run without recordings.
//! [`bindings`] is the thin PyO3 layer: type and error conversion, GIL release.

pub mod audio;
pub mod batch;
pub mod effects;
pub mod error;
pub mod feature;
pub mod metrics;
#[cfg(feature = "train")]
pub mod model;
pub mod prosody;
pub mod recipe;
pub mod signal;
pub mod synth;

#[cfg(feature = "python")]
mod bindings;

pub use error::{Result, SerError};

/// Batch workers allocate large, variously sized buffers per file and keep a small result from
/// each; with glibc's allocator those results pin holes that the next, slightly larger file
/// cannot reuse, and memory grew with the corpus. mimalloc keeps small and large blocks apart.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
