//! The prosody stage: frame-level descriptors of how speech is said rather than what its
//! spectrum looks like. [`pitch`] estimates the fundamental frequency (F0) with librosa 0.11's
//! `yin` and `pyin`, under the same names, defaults and numbers.

pub mod pitch;

pub use pitch::{pyin, yin, Pyin, PyinParams, YinParams};
