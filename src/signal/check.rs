//! Input checks shared by every stage: each names what is wrong and what to pass instead.

use crate::error::{ensure, Result, SerError};
use ndarray::ArrayView2;

/// librosa's `util.valid_audio`, plus an explicit refusal of empty signals (librosa would
/// silently return a frame of zeros).
pub fn validate_audio(y: &[f32]) -> Result<()> {
    ensure(!y.is_empty(), || {
        "the audio signal is empty (0 samples); check the file, offset and duration".to_string()
    })?;
    if let Some(i) = first_non_finite(y) {
        return Err(SerError::parameter(format!(
            "the audio signal is not finite everywhere (sample {i} is {}); \
             replace NaN/inf first, e.g. np.nan_to_num(y)",
            y[i]
        )));
    }
    Ok(())
}

/// The index of the first NaN or infinity. Whole chunks are screened with a branch-free fold,
/// which vectorises (a plain `position` stops to branch on every sample, and this check runs
/// on every signal).
fn first_non_finite(y: &[f32]) -> Option<usize> {
    const CHUNK: usize = 256;
    y.chunks(CHUNK)
        .position(|chunk| !chunk.iter().fold(true, |ok, v| ok & v.is_finite()))
        .and_then(|c| {
            let start = c * CHUNK;
            y[start..]
                .iter()
                .position(|v| !v.is_finite())
                .map(|i| start + i)
        })
}

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

/// Whether every value is finite (the vectorised scan of [`validate_audio`]).
pub fn all_finite(values: &[f32]) -> bool {
    first_non_finite(values).is_none()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_non_finite_sample_is_named() {
        for (i, bad) in [
            (0, f32::NAN),
            (255, f32::INFINITY),
            (256, f32::NAN),
            (2047, -f32::INFINITY),
        ] {
            let mut y = vec![0.25f32; 2048];
            y[i] = bad;
            if i < 2047 {
                // A later bad sample must not be the one reported.
                y[2047] = f32::NAN;
            }
            let err = validate_audio(&y).unwrap_err();
            assert!(
                err.message().contains(&format!("sample {i} is {bad}")),
                "{}",
                err.message()
            );
        }
        assert!(validate_audio(&[0.5; 1000]).is_ok());
    }
}
