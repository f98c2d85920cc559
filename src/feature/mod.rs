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

pub mod config;
pub mod delta;
pub mod egemaps;
pub mod filters;
pub mod functionals;
pub mod preset;
pub mod spectral;

pub use config::{FeatureConfig, FeatureKind, FeatureOutput};
pub use delta::{delta, DeltaMode};
pub use filters::{chroma_filter, fft_frequencies, hz_to_mel, mel_filter, mel_frequencies, mel_to_hz, MelNorm};
pub use egemaps::{egemaps_like, egemaps_like_columns};
pub use preset::{ser162, ser162_columns, SER162_LEN};
pub use spectral::*;

pub use crate::audio::validate_audio;
use crate::error::{ensure, Result};
use ndarray::ArrayView2;

/// A user-supplied spectrogram must be finite, with at least one bin and one frame.
pub fn validate_spectrogram(s: ArrayView2<f32>, name: &str) -> Result<()> {
    ensure(s.nrows() > 0 && s.ncols() > 0, || {
        format!("{name} is empty (shape {:?}); it needs at least one frequency bin and one frame", s.shape())
    })?;
    // Read in memory order when possible: a transposed view iterated logically is strided.
    let finite = match s.as_slice_memory_order() {
        Some(values) => all_finite(values),
        None => s.iter().all(|v| v.is_finite()),
    };
    ensure(finite, || {
        format!("{name} contains NaN or inf; replace them first, e.g. np.nan_to_num({name})")
    })
}

/// Whether every value is finite (the audio stage's vectorised scan).
pub fn all_finite(values: &[f32]) -> bool {
    crate::audio::first_non_finite(values).is_none()
}

/// Rejects negative energies, which spectral statistics are not defined for (as librosa).
pub fn ensure_non_negative(s: ArrayView2<f32>, what: &str) -> Result<()> {
    ensure(s.iter().all(|&v| v >= 0.0), || {
        format!("{what} is only defined with non-negative energies; pass a magnitude spectrogram, e.g. np.abs(stft)")
    })
}

pub fn ensure_sr(sr: f64) -> Result<()> {
    ensure(sr.is_finite() && sr > 0.0, || format!("sr={sr} must be a positive sampling rate in Hz"))
}
