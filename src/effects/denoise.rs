//! Noise reduction by spectral gating: each STFT bin is attenuated by how far its energy stands
//! above the noise floor of its frequency. The floor comes from a noise-only clip when one is
//! given, else from the quietest frames of the signal itself (speech recordings start and end
//! in pauses, and there the signal is the noise).

use crate::error::{ensure, Result};
use crate::signal::stft::{istft_frames, stft_frames, StftParams};
use ndarray::Array2;
use num_complex::Complex32;

/// Settings of [`reduce_noise`].
#[derive(Debug, Clone, PartialEq)]
pub struct DenoiseParams {
    pub stft: StftParams,
    /// How much of the estimated noise to remove: 1 removes it all, 0 leaves the signal as is.
    pub prop_decrease: f64,
    /// Share of the quietest frames that estimate the noise floor when no noise clip is given.
    pub noise_quantile: f64,
    /// Half-width, in frames and in bins, of the box the energy is averaged over before gating:
    /// averaging steadies the gain, which otherwise flickers into "musical noise".
    pub smooth_frames: usize,
    pub smooth_bins: usize,
}

impl Default for DenoiseParams {
    fn default() -> Self {
        DenoiseParams {
            stft: StftParams { n_fft: 1024, hop_length: Some(256), ..StftParams::default() },
            prop_decrease: 1.0,
            noise_quantile: 0.1,
            smooth_frames: 1,
            smooth_bins: 1,
        }
    }
}

fn power(frames: &Array2<Complex32>) -> Array2<f64> {
    frames.mapv(|z| z.re as f64 * z.re as f64 + z.im as f64 * z.im as f64)
}

/// Mean power per bin over the `quantile` share of frames with the least energy.
fn floor_from_quiet_frames(p: &Array2<f64>, quantile: f64) -> Vec<f64> {
    let mut order: Vec<(f64, usize)> = p.rows().into_iter().enumerate().map(|(t, row)| (row.sum(), t)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let count = ((p.nrows() as f64 * quantile).ceil() as usize).clamp(1, p.nrows());
    let mut floor = vec![0f64; p.ncols()];
    for &(_, t) in &order[..count] {
        floor.iter_mut().zip(p.row(t)).for_each(|(f, &v)| *f += v / count as f64);
    }
    floor
}

/// Box average of `p` over `±half_t` frames and `±half_f` bins (clipped at the edges), by
/// running sums along each axis.
fn box_average(p: &Array2<f64>, half_t: usize, half_f: usize) -> Array2<f64> {
    let along = |m: &Array2<f64>, axis: usize, half: usize| -> Array2<f64> {
        let mut out = m.clone();
        for (mut o, lane) in out.lanes_mut(ndarray::Axis(axis)).into_iter().zip(m.lanes(ndarray::Axis(axis))) {
            let n = lane.len();
            let mut prefix = vec![0f64; n + 1];
            for i in 0..n {
                prefix[i + 1] = prefix[i] + lane[i];
            }
            for i in 0..n {
                let (lo, hi) = (i.saturating_sub(half), (i + half + 1).min(n));
                o[i] = (prefix[hi] - prefix[lo]) / (hi - lo) as f64;
            }
        }
        out
    };
    along(&along(p, 0, half_t), 1, half_f)
}

/// Removes stationary noise from `y`. `noise` is an optional noise-only recording at the same
/// rate; without it the floor is estimated from the signal's quietest frames. Each bin is
/// scaled by the Wiener gain `snr / (1 + snr)` of its locally averaged a-posteriori SNR, eased
/// by `prop_decrease`. The output has the input's length.
pub fn reduce_noise(y: &[f32], noise: Option<&[f32]>, p: &DenoiseParams) -> Result<Vec<f32>> {
    ensure(p.prop_decrease.is_finite() && (0.0..=1.0).contains(&p.prop_decrease), || {
        format!("prop_decrease={} must be between 0 and 1", p.prop_decrease)
    })?;
    ensure(p.noise_quantile.is_finite() && p.noise_quantile > 0.0 && p.noise_quantile <= 1.0, || {
        format!("noise_quantile={} must be in (0, 1]", p.noise_quantile)
    })?;
    let spectrum = stft_frames(y, &p.stft)?;
    let energy = power(&spectrum);
    let floor = match noise {
        Some(clip) => floor_from_quiet_frames(&power(&stft_frames(clip, &p.stft)?), 1.0),
        None => floor_from_quiet_frames(&energy, p.noise_quantile),
    };
    let smoothed = box_average(&energy, p.smooth_frames, p.smooth_bins);
    let mut gated = spectrum;
    for (mut row, smooth_row) in gated.rows_mut().into_iter().zip(smoothed.rows()) {
        for ((z, &e), &n) in row.iter_mut().zip(smooth_row).zip(&floor) {
            let snr = if n > 0.0 { (e / n - 1.0).max(0.0) } else { f64::INFINITY };
            let wiener = if snr.is_infinite() { 1.0 } else { snr / (1.0 + snr) };
            let gain = 1.0 - p.prop_decrease * (1.0 - wiener);
            *z = *z * gain as f32;
        }
    }
    istft_frames(gated.view(), &p.stft, Some(y.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::effects::add_noise_snr;
    use crate::effects::pipeline::Pipeline;

    fn snr_db(clean: &[f32], test: &[f32]) -> f64 {
        let s: f64 = clean.iter().map(|&v| (v as f64).powi(2)).sum();
        let e: f64 = clean.iter().zip(test).map(|(&a, &b)| (a as f64 - b as f64).powi(2)).sum();
        10.0 * (s / e).log10()
    }

    /// A syllable-like test signal: harmonic bursts separated by pauses.
    fn bursts() -> Vec<f32> {
        (0..48000)
            .map(|i| {
                let t = i as f64 / 16000.0;
                let on = if (t * 2.0).fract() < 0.6 { 1.0 } else { 0.0 };
                let f0 = 140.0 + 20.0 * (t * 3.0).sin();
                (on * (1..8).map(|h| (2.0 * std::f64::consts::PI * f0 * h as f64 * t).sin() / h as f64).sum::<f64>() * 0.2) as f32
            })
            .collect()
    }

    #[test]
    fn white_noise_is_reduced() {
        let clean = bursts();
        for snr_in in [5.0, 10.0] {
            let noisy = add_noise_snr(&clean, snr_in, &mut Pipeline::rng_for(1, 0, 0)).unwrap();
            let out = reduce_noise(&noisy, None, &DenoiseParams::default()).unwrap();
            assert_eq!(out.len(), clean.len());
            let gain = snr_db(&clean, &out) - snr_db(&clean, &noisy);
            assert!(gain > 5.0, "input {snr_in} dB: improved by only {gain:.1} dB");
        }
    }

    #[test]
    fn nothing_removed_when_prop_decrease_is_zero() {
        let clean = bursts();
        let out = reduce_noise(&clean, None, &DenoiseParams { prop_decrease: 0.0, ..Default::default() }).unwrap();
        assert!(snr_db(&clean, &out) > 100.0);
        assert!(reduce_noise(&clean, None, &DenoiseParams { prop_decrease: 2.0, ..Default::default() }).is_err());
        assert!(reduce_noise(&[], None, &DenoiseParams::default()).is_err());
        assert!(reduce_noise(&clean, Some(&[f32::NAN; 4096]), &DenoiseParams::default()).is_err());
    }
}
