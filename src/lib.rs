//! ser_rs: speech emotion recognition in Rust, driven from Python.
//!
//! The modules are layered: each imports only from modules listed before it, and modules of one
//! item do not import each other (`tests/test_layering.py` reads this list and holds the
//! sources to it):
//!
//! 1. [`error`]: the crate's error type and its checks.
//! 2. [`signal`]: framing, padding, windows, STFT/ISTFT, the SIMD kernels and input checks.
//! 3. [`audio`]: decoding and resampling.
//! 4. [`feature`] (librosa-exact spectral features, functionals) and [`prosody`] (pitch, voice
//!    quality).
//! 5. [`recipe`]: the named features: the utterance-level sets that combine both (`ser162`,
//!    `egemaps_like`) and `FeatureConfig`, the one route that computes any feature by name.
//! 6. [`effects`]: augmentation and preprocessing.
//! 7. [`batch`]: parallel extraction over a corpus.
//! 8. [`synth`] (synthetic emotional speech, the demo corpus that lets all of it run without
//!    recordings) and [`metrics`] (evaluation, scikit-learn's definitions).
//! 9. [`model`]: the classifiers, in tch (cargo feature `train`).
//! 10. `bindings`: the thin PyO3 layer (type and error conversion, GIL release; cargo feature
//!     `python`).

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
