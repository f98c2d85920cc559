//! Additive Gaussian noise: at an amplitude relative to the signal's peak, or at an exact SNR.

use super::edit::signal_rms;
use crate::error::{ensure, Result};
use crate::signal::validate_audio;
use rand::Rng;
use rand_distr::StandardNormal;

/// `y + amplitude * max|y| * N(0, 1)`: the fixed-amplitude recipe common in SER notebooks
/// (there `amplitude` is drawn from `0.035 * U(0, 1)`). Silence stays silence.
pub fn add_noise(y: &[f32], amplitude: f64, rng: &mut impl Rng) -> Result<Vec<f32>> {
    validate_audio(y)?;
    ensure(amplitude.is_finite() && amplitude >= 0.0, || format!("amplitude={amplitude} must be a non-negative number"))?;
    let scale = amplitude * y.iter().fold(0f32, |m, &v| m.max(v.abs())) as f64;
    Ok(y.iter().map(|&v| (v as f64 + scale * rng.sample::<f64, _>(StandardNormal)) as f32).collect())
}

/// SNRs beyond this are below f32's resolution or drown the signal entirely.
pub const SNR_RANGE_DB: (f64, f64) = (-60.0, 150.0);

/// Adds white Gaussian noise at exactly `snr_db` (audiomentations' `AddGaussianSNR`, except that
/// the drawn noise is rescaled to the target RMS, so the SNR holds on the output itself rather
/// than in expectation).
pub fn add_noise_snr(y: &[f32], snr_db: f64, rng: &mut impl Rng) -> Result<Vec<f32>> {
    validate_audio(y)?;
    ensure(snr_db.is_finite() && (SNR_RANGE_DB.0..=SNR_RANGE_DB.1).contains(&snr_db), || {
        format!("snr_db={snr_db} must be a number of dB within [{}, {}]", SNR_RANGE_DB.0, SNR_RANGE_DB.1)
    })?;
    let signal = signal_rms(y);
    ensure(signal > 0.0, || "the signal is silent, so a signal-to-noise ratio is undefined; use add_noise or skip silent clips".to_string())?;
    let noise: Vec<f64> = (0..y.len()).map(|_| rng.sample(StandardNormal)).collect();
    let noise_rms = (noise.iter().map(|v| v * v).sum::<f64>() / noise.len() as f64).sqrt();
    let scale = signal / 10f64.powf(snr_db / 20.0) / noise_rms.max(f64::MIN_POSITIVE);
    Ok(y.iter().zip(&noise).map(|(&v, &n)| (v as f64 + scale * n) as f32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn snr_is_exact_on_the_output() {
        let y: Vec<f32> = (0..16000).map(|i| (i as f32 * 0.01).sin() * 0.3).collect();
        for snr in [0.0, 5.0, 20.0] {
            let out = add_noise_snr(&y, snr, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
            let noise: Vec<f32> = out.iter().zip(&y).map(|(a, b)| a - b).collect();
            let measured = 20.0 * (signal_rms(&y) / signal_rms(&noise)).log10();
            assert!((measured - snr).abs() < 0.01, "{measured} vs {snr}");
        }
        assert!(add_noise_snr(&[0.0; 100], 10.0, &mut ChaCha8Rng::seed_from_u64(1)).is_err());
        assert!(add_noise_snr(&y, f64::NAN, &mut ChaCha8Rng::seed_from_u64(1)).is_err());
    }

    #[test]
    fn amplitude_is_relative_to_the_peak() {
        let y: Vec<f32> = (0..16000).map(|i| (i as f32 * 0.01).sin() * 0.5).collect();
        let out = add_noise(&y, 0.1, &mut ChaCha8Rng::seed_from_u64(2)).unwrap();
        let noise: Vec<f32> = out.iter().zip(&y).map(|(a, b)| a - b).collect();
        assert!((signal_rms(&noise) - 0.05).abs() < 0.002);
        assert_eq!(add_noise(&[0.0; 10], 0.1, &mut ChaCha8Rng::seed_from_u64(2)).unwrap(), vec![0.0; 10]);
        assert!(add_noise(&y, -0.1, &mut ChaCha8Rng::seed_from_u64(2)).is_err());
    }
}
