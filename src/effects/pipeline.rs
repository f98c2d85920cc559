//! Random augmentation pipelines with audiomentations' conventions: each step has a probability
//! `p` and parameter ranges `[min, max]` drawn uniformly. An item's randomness comes from
//! `(seed, item index, copy index)` alone, so results are identical for any thread count and on
//! every run.

use super::edit::{gain, shift, MAX_GAIN_DB};
use super::noise::{add_noise, add_noise_snr, SNR_RANGE_DB};
use super::vocoder::{pitch_shift, time_stretch, RATE_RANGE};
use crate::error::{ensure, Result, SerError};
use crate::signal::StftParams;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One kind of random transform and the range each of its parameters is drawn from.
#[derive(Debug, Clone, PartialEq)]
pub enum Transform {
    /// `y + a * max|y| * N(0, 1)`, `a` in `[min_amplitude, max_amplitude]`.
    Noise { min_amplitude: f64, max_amplitude: f64 },
    /// White noise at an exact SNR in `[min_snr_db, max_snr_db]`.
    GaussianSnr { min_snr_db: f64, max_snr_db: f64 },
    /// Phase-vocoder stretch by a rate in `[min_rate, max_rate]`.
    TimeStretch { min_rate: f64, max_rate: f64 },
    /// Pitch shift by `[min_semitones, max_semitones]`.
    PitchShift { min_semitones: f64, max_semitones: f64 },
    /// Shift by a fraction of the length in `[min_shift, max_shift]`.
    Shift { min_shift: f64, max_shift: f64, rollover: bool },
    /// Gain in `[min_gain_db, max_gain_db]`.
    Gain { min_gain_db: f64, max_gain_db: f64 },
}

/// The transform names a pipeline accepts, with their parameters (besides `p`).
pub const TRANSFORMS: [(&str, &[&str]); 6] = [
    ("noise", &["min_amplitude", "max_amplitude"]),
    ("gaussian_snr", &["min_snr_db", "max_snr_db"]),
    ("time_stretch", &["min_rate", "max_rate"]),
    ("pitch_shift", &["min_semitones", "max_semitones"]),
    ("shift", &["min_shift", "max_shift", "rollover"]),
    ("gain", &["min_gain_db", "max_gain_db"]),
];

/// A transform and the probability it is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub transform: Transform,
    pub p: f64,
}

fn check_range(name: &str, lo: f64, hi: f64, bounds: (f64, f64)) -> Result<()> {
    ensure(lo.is_finite() && hi.is_finite(), || format!("{name}: the range [{lo}, {hi}] must be finite"))?;
    ensure(lo <= hi, || format!("{name}: the minimum {lo} is above the maximum {hi}; swap them"))?;
    ensure(lo >= bounds.0 && hi <= bounds.1, || format!("{name}: the range [{lo}, {hi}] must lie within [{}, {}]", bounds.0, bounds.1))
}

impl Step {
    /// A step from a transform name and its named parameters (`rollover` as 0/1).
    pub fn from_spec(name: &str, params: &[(String, f64)], p: f64) -> Result<Step> {
        let Some((_, keys)) = TRANSFORMS.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = TRANSFORMS.iter().map(|(n, _)| *n).collect();
            return Err(SerError::parameter(format!("unknown transform '{name}'; choose one of: {}", known.join(", "))));
        };
        ensure(p.is_finite() && (0.0..=1.0).contains(&p), || format!("{name}: p={p} must be a probability in [0, 1]"))?;
        if let Some((extra, _)) = params.iter().find(|(k, _)| !keys.contains(&k.as_str())) {
            return Err(SerError::parameter(format!("{name} has no parameter '{extra}'; it takes: {}", keys.join(", "))));
        }
        let get = |key: &str| -> Result<f64> {
            params.iter().find(|(k, _)| k == key).map(|(_, v)| *v).ok_or_else(|| SerError::parameter(format!("{name} needs '{key}'")))
        };
        let transform = match name {
            "noise" => {
                let (lo, hi) = (get("min_amplitude")?, get("max_amplitude")?);
                check_range("noise amplitude", lo, hi, (0.0, 10.0))?;
                Transform::Noise { min_amplitude: lo, max_amplitude: hi }
            }
            "gaussian_snr" => {
                let (lo, hi) = (get("min_snr_db")?, get("max_snr_db")?);
                check_range("gaussian_snr snr_db", lo, hi, SNR_RANGE_DB)?;
                Transform::GaussianSnr { min_snr_db: lo, max_snr_db: hi }
            }
            "time_stretch" => {
                let (lo, hi) = (get("min_rate")?, get("max_rate")?);
                check_range("time_stretch rate", lo, hi, RATE_RANGE)?;
                Transform::TimeStretch { min_rate: lo, max_rate: hi }
            }
            "pitch_shift" => {
                let (lo, hi) = (get("min_semitones")?, get("max_semitones")?);
                check_range("pitch_shift semitones", lo, hi, (-48.0, 48.0))?;
                Transform::PitchShift { min_semitones: lo, max_semitones: hi }
            }
            "shift" => {
                let (lo, hi) = (get("min_shift")?, get("max_shift")?);
                check_range("shift fraction", lo, hi, (-1.0, 1.0))?;
                Transform::Shift { min_shift: lo, max_shift: hi, rollover: get("rollover")? != 0.0 }
            }
            _ => {
                let (lo, hi) = (get("min_gain_db")?, get("max_gain_db")?);
                check_range("gain gain_db", lo, hi, (-MAX_GAIN_DB, MAX_GAIN_DB))?;
                Transform::Gain { min_gain_db: lo, max_gain_db: hi }
            }
        };
        Ok(Step { transform, p })
    }
}

fn draw(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    if lo == hi {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// Transforms applied in order, each with its probability.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pipeline {
    pub steps: Vec<Step>,
}

impl Pipeline {
    /// The random stream of copy `copy` of item `index` under `seed`: a ChaCha8 key made of the
    /// three numbers, so streams never overlap and do not depend on processing order.
    pub fn rng_for(seed: u64, index: u64, copy: u64) -> ChaCha8Rng {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&index.to_le_bytes());
        key[16..24].copy_from_slice(&copy.to_le_bytes());
        ChaCha8Rng::from_seed(key)
    }

    /// Runs the pipeline on one signal at rate `sr`.
    pub fn apply(&self, y: &[f32], sr: f64, rng: &mut ChaCha8Rng) -> Result<Vec<f32>> {
        crate::signal::validate_audio(y)?;
        let stft = StftParams::default();
        let mut y = y.to_vec();
        for step in &self.steps {
            // The coin is tossed even for p = 0 or 1, so a step's draws never shift the next's.
            if rng.random::<f64>() >= step.p {
                continue;
            }
            y = match step.transform {
                Transform::Noise { min_amplitude, max_amplitude } => {
                    let a = draw(rng, min_amplitude, max_amplitude);
                    add_noise(&y, a, rng)?
                }
                Transform::GaussianSnr { min_snr_db, max_snr_db } => {
                    let snr = draw(rng, min_snr_db, max_snr_db);
                    add_noise_snr(&y, snr, rng)?
                }
                Transform::TimeStretch { min_rate, max_rate } => time_stretch(&y, draw(rng, min_rate, max_rate), &stft)?,
                Transform::PitchShift { min_semitones, max_semitones } => pitch_shift(&y, sr, draw(rng, min_semitones, max_semitones), 12, &stft)?,
                Transform::Shift { min_shift, max_shift, rollover } => {
                    let samples = (draw(rng, min_shift, max_shift) * y.len() as f64).round() as i64;
                    shift(&y, samples, rollover)?
                }
                Transform::Gain { min_gain_db, max_gain_db } => gain(&y, draw(rng, min_gain_db, max_gain_db))?,
            };
        }
        Ok(y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn same_seed_same_result_other_seed_other_result() {
        let y: Vec<f32> = (0..16000).map(|i| (i as f32 * 0.02).sin() * 0.4).collect();
        let pipeline = Pipeline {
            steps: vec![
                Step::from_spec("gain", &spec(&[("min_gain_db", -6.0), ("max_gain_db", 6.0)]), 1.0).unwrap(),
                Step::from_spec("gaussian_snr", &spec(&[("min_snr_db", 5.0), ("max_snr_db", 20.0)]), 0.5).unwrap(),
            ],
        };
        let a = pipeline.apply(&y, 16000.0, &mut Pipeline::rng_for(7, 3, 0)).unwrap();
        let b = pipeline.apply(&y, 16000.0, &mut Pipeline::rng_for(7, 3, 0)).unwrap();
        let c = pipeline.apply(&y, 16000.0, &mut Pipeline::rng_for(7, 4, 0)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn bad_specs_name_the_problem() {
        let err = |r: Result<Step>| r.unwrap_err().to_string();
        assert!(err(Step::from_spec("reverb", &[], 0.5)).contains("unknown transform 'reverb'"));
        assert!(err(Step::from_spec("gain", &spec(&[("min_gain_db", 0.0), ("max_gain_db", 1.0)]), 1.5)).contains("p=1.5"));
        assert!(err(Step::from_spec("gain", &spec(&[("min_gain_db", 3.0), ("max_gain_db", 1.0)]), 0.5)).contains("swap"));
        assert!(err(Step::from_spec("gain", &spec(&[("min_gain_db", 0.0), ("max_gain_db", 1.0), ("db", 1.0)]), 0.5)).contains("no parameter 'db'"));
        assert!(err(Step::from_spec("time_stretch", &spec(&[("min_rate", 0.0), ("max_rate", 1.0)]), 0.5)).contains("within"));
        assert!(err(Step::from_spec("gaussian_snr", &spec(&[("min_snr_db", f64::NAN), ("max_snr_db", 1.0)]), 0.5)).contains("finite"));
    }
}
