//! Spectral features with librosa 0.11's names, defaults and numbers.
//!
//! Layout convention: inside this module a spectrogram is time-major, `(n_frames, n_bins)`, so
//! that each frame is contiguous for the FFT and the filter banks. The public functions return
//! librosa's orientation, `(n_features, n_frames)`, as a transposed view of that storage.
//!
//! Precision follows librosa where it changes results: frames are windowed and transformed in
//! f64 and rounded to complex f32 (as `librosa.stft` does), magnitudes are f32, and sums that
//! librosa does in f32 but that drive a discrete choice (rolloff's cumulative energy) are done
//! in f32 too. Other accumulations run in f64 and are rounded once.

pub mod delta;
pub mod filters;
pub mod functionals;
pub mod spectral;

pub use delta::{delta, DeltaMode};
pub use filters::{chroma_filter, fft_frequencies, hz_to_mel, mel_filter, mel_frequencies, mel_to_hz, MelNorm};
pub use spectral::*;
