//! The prosody stage: measures of how speech is said rather than what its spectrum holds.
//!
//! [`pitch`] estimates the fundamental frequency (F0) with librosa 0.11's `yin` and `pyin`, under
//! the same names, defaults and numbers. [`voice`] follows Praat's voice analysis (intensity,
//! glottal pulses, jitter, shimmer and the harmonics-to-noise ratio): utterance-level measures
//! plus the frame-level tracks they are summarised from.

pub mod pitch;
pub mod voice;

pub use pitch::{pyin, yin, Pyin, PyinParams, YinParams};
