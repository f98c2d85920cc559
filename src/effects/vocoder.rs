//! Time stretching and pitch shifting by phase vocoder, as `librosa.effects`.

use crate::audio::resample_any;
use crate::error::{ensure, Result};
use crate::signal::simd;
use crate::signal::stft::{istft_frames, stft_frames, StftParams};
use ndarray::{Array2, ArrayView2};
use num_complex::Complex32;
use std::f64::consts::PI;

/// Stretch factors beyond this range would make outputs 100 times longer or shorter than their
/// input: far outside augmentation practice, and a runaway allocation for a typo like 1e-9.
pub const RATE_RANGE: (f64, f64) = (0.01, 100.0);

fn ensure_rate(rate: f64, name: &str) -> Result<()> {
    ensure(rate.is_finite() && rate > 0.0, || format!("{name}={rate} must be a positive number (1 keeps the speed)"))?;
    ensure((RATE_RANGE.0..=RATE_RANGE.1).contains(&rate), || {
        format!("{name}={rate} is outside [{}, {}], which ser_rs accepts as a stretch factor", RATE_RANGE.0, RATE_RANGE.1)
    })
}

/// `librosa.phase_vocoder(D, rate=rate, hop_length=hop)` on a time-major STFT
/// `(n_frames, 1 + n_fft / 2)`. Follows librosa's arithmetic, including its f32 phase
/// accumulator: after hundreds of frames the accumulated phase of high bins is large, and its
/// rounding is part of librosa's output. (The per-bin work is in [`simd::vocoder_frame`].)
pub fn phase_vocoder(d: ArrayView2<Complex32>, rate: f64, hop_length: usize) -> Result<Array2<Complex32>> {
    ensure_rate(rate, "rate")?;
    let (n_frames, bins) = d.dim();
    ensure(n_frames > 0 && bins > 1, || format!("the STFT has shape {:?}; it needs at least one frame and two bins", d.dim()))?;
    let n_fft = 2 * (bins - 1);
    // np.arange(0, n_frames, rate): ceil(n_frames / rate) steps of i * rate.
    let n_steps = (n_frames as f64 / rate).ceil() as usize;
    let advance: Vec<f64> = (0..bins).map(|k| hop_length as f64 * 2.0 * PI * k as f64 / n_fft as f64).collect();
    // Each input frame's angles and magnitudes, computed once (each is read by about 2 / rate
    // output frames), with librosa's two columns of zero padding at the end.
    let padded_frames = n_frames + 2;
    let mut angles = vec![0f32; padded_frames * bins];
    let mut mags = vec![0f32; padded_frames * bins];
    for (t, row) in d.rows().into_iter().enumerate() {
        // Rows of an STFT from stft_frames are contiguous; another caller's view may not be.
        let row = row.as_slice().map_or_else(|| std::borrow::Cow::Owned(row.to_vec()), std::borrow::Cow::Borrowed);
        simd::polar(&row, &mut angles[t * bins..(t + 1) * bins], &mut mags[t * bins..(t + 1) * bins]);
    }
    let frame = |t: usize| (&angles[t * bins..(t + 1) * bins], &mags[t * bins..(t + 1) * bins]);
    let mut phase: Vec<f32> = angles[..bins].to_vec();
    let mut out = Array2::<Complex32>::zeros((n_steps, bins));
    for (t, mut row) in out.rows_mut().into_iter().enumerate() {
        let step = t as f64 * rate;
        let (left, alpha) = (step as usize, step % 1.0);
        simd::vocoder_frame(&mut phase, [frame(left), frame(left + 1)], alpha, &advance, row.as_slice_mut().expect("row-major"));
    }
    Ok(out)
}

/// `librosa.effects.time_stretch(y, rate=rate)`: `rate > 1` speeds up, `rate < 1` slows down;
/// the output has `round(len(y) / rate)` samples.
pub fn time_stretch(y: &[f32], rate: f64, params: &StftParams) -> Result<Vec<f32>> {
    ensure_rate(rate, "rate")?;
    // librosa's f64 transforms: single precision saved under a fifth of the FFTs' instructions
    // (rustfft's f32 path is not twice as fast) but cost ~10 dB of agreement (78 -> 68 dB SNR).
    let d = stft_frames(y, params)?;
    let stretched = phase_vocoder(d.view(), rate, params.hop_length())?;
    let length = (y.len() as f64 / rate).round_ties_even() as usize;
    istft_frames(stretched.view(), params, Some(length))
}

/// `librosa.effects.pitch_shift(y, sr=sr, n_steps=n_steps, bins_per_octave=...)`: stretch by
/// `2^(-n_steps / bins_per_octave)`, resample back to the original duration (soxr HQ's response),
/// and trim or zero-pad to `len(y)`.
pub fn pitch_shift(y: &[f32], sr: f64, n_steps: f64, bins_per_octave: usize, params: &StftParams) -> Result<Vec<f32>> {
    crate::signal::ensure_sr(sr)?;
    ensure(n_steps.is_finite(), || format!("n_steps={n_steps} must be a finite number of steps"))?;
    ensure(bins_per_octave >= 1, || format!("bins_per_octave={bins_per_octave} must be a positive integer"))?;
    let rate = 2f64.powf(-n_steps / bins_per_octave as f64);
    ensure_rate(rate, "2 ** (-n_steps / bins_per_octave)")?;
    let stretched = time_stretch(y, rate, params)?;
    let mut shifted = resample_any(&stretched, sr / rate, sr)?;
    shifted.resize(y.len(), 0.0);
    Ok(shifted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(f: f64, sr: f64, n: usize) -> Vec<f32> {
        (0..n).map(|i| (0.5 * (2.0 * PI * f * i as f64 / sr).sin()) as f32).collect()
    }

    /// Frequency of the strongest bin of the middle frame.
    fn peak_hz(y: &[f32], sr: f64) -> f64 {
        let s = crate::signal::stft::spectrogram_frames(y, &StftParams::default(), 1.0).unwrap();
        let row = s.row(s.nrows() / 2);
        let k = row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        k as f64 * sr / 2048.0
    }

    #[test]
    fn stretch_changes_length_not_pitch() {
        let y = tone(440.0, 22050.0, 22050);
        for rate in [0.8, 1.25] {
            let out = time_stretch(&y, rate, &StftParams::default()).unwrap();
            assert_eq!(out.len(), (22050.0f64 / rate).round_ties_even() as usize);
            assert!((peak_hz(&out, 22050.0) - 440.0).abs() < 11.0);
        }
    }

    #[test]
    fn shift_changes_pitch_not_length() {
        let y = tone(440.0, 22050.0, 22050);
        let out = pitch_shift(&y, 22050.0, 12.0, 12, &StftParams::default()).unwrap();
        assert_eq!(out.len(), y.len());
        assert!((peak_hz(&out, 22050.0) - 880.0).abs() < 11.0, "{}", peak_hz(&out, 22050.0));
    }

    #[test]
    fn absurd_parameters_are_errors() {
        let y = tone(440.0, 22050.0, 8192);
        let p = StftParams::default();
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e-9, 1e9] {
            assert!(time_stretch(&y, rate, &p).is_err(), "rate {rate}");
        }
        assert!(pitch_shift(&y, 22050.0, f64::NAN, 12, &p).is_err());
        assert!(pitch_shift(&y, 0.0, 1.0, 12, &p).is_err());
        assert!(pitch_shift(&y, 22050.0, 1.0, 0, &p).is_err());
        assert!(pitch_shift(&y, 22050.0, 1e4, 12, &p).is_err());
        assert!(time_stretch(&[], 1.0, &p).is_err());
    }
}
