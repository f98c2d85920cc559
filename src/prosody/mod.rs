//! The prosody stage: measures of how the voice sounds rather than what the spectrum holds.
//!
//! [`voice`] follows Praat's voice analysis (intensity, glottal pulses, jitter, shimmer and the
//! harmonics-to-noise ratio): utterance-level measures plus the frame-level tracks they are
//! summarised from.

pub mod voice;
