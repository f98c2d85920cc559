//! The augmentation and preprocessing stage: `librosa.effects`' stretch, pitch shift, trim and
//! pre-emphasis with librosa's numbers; noise, shift, gain and level normalisation; random
//! pipelines that are reproducible per item; and noise reduction by spectral gating.

pub mod denoise;
pub mod edit;
pub mod noise;
pub mod pipeline;
pub mod vocoder;

pub use denoise::{reduce_noise, DenoiseParams};
pub use edit::{gain, normalize_peak, normalize_rms, preemphasis, shift, trim_bounds, TrimParams};
pub use noise::{add_noise, add_noise_snr};
pub use pipeline::{Pipeline, Step, Transform};
pub use vocoder::{phase_vocoder, pitch_shift, time_stretch};
