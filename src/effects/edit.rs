//! Level, timing and emphasis edits of a signal: gain, shift, normalisation, pre-emphasis and
//! silence trimming (`librosa.effects.trim`, `librosa.effects.preemphasis`).

use crate::error::{ensure, Result};
use crate::signal::validate_audio;
use crate::feature::spectral::{amplitude_to_db, rms};
use crate::signal::PadMode;

/// Gains beyond this many dB either way are not augmentation but a unit mistake (e.g. a linear
/// factor passed as dB).
pub const MAX_GAIN_DB: f64 = 120.0;

/// `y * 10^(gain_db / 20)`.
pub fn gain(y: &[f32], gain_db: f64) -> Result<Vec<f32>> {
    validate_audio(y)?;
    ensure(gain_db.is_finite() && gain_db.abs() <= MAX_GAIN_DB, || {
        format!("gain_db={gain_db} must be a finite number of dB within +-{MAX_GAIN_DB}")
    })?;
    let factor = 10f64.powf(gain_db / 20.0) as f32;
    Ok(y.iter().map(|&v| v * factor).collect())
}

/// Moves the signal `shift` samples later (earlier when negative). With `rollover` the samples
/// pushed off one end come back at the other (`np.roll`); without, the gap is filled with zeros.
pub fn shift(y: &[f32], shift: i64, rollover: bool) -> Result<Vec<f32>> {
    validate_audio(y)?;
    let n = y.len() as i64;
    if rollover {
        let k = shift.rem_euclid(n) as usize;
        let mut out = Vec::with_capacity(y.len());
        out.extend_from_slice(&y[y.len() - k..]);
        out.extend_from_slice(&y[..y.len() - k]);
        return Ok(out);
    }
    let mut out = vec![0f32; y.len()];
    let k = shift.clamp(-n, n);
    if k >= 0 {
        out[k as usize..].copy_from_slice(&y[..(n - k) as usize]);
    } else {
        out[..(n + k) as usize].copy_from_slice(&y[(-k) as usize..]);
    }
    Ok(out)
}

fn ensure_positive_level(value: f64, name: &str) -> Result<()> {
    ensure(value.is_finite() && value > 0.0, || format!("{name}={value} must be a positive, finite level"))
}

fn scaled(y: &[f32], factor: f64) -> Vec<f32> {
    y.iter().map(|&v| (v as f64 * factor) as f32).collect()
}

/// Scales the signal so that its largest absolute sample is `peak`. A silent signal (all
/// zeros) has no level to scale and is returned unchanged.
pub fn normalize_peak(y: &[f32], peak: f64) -> Result<Vec<f32>> {
    validate_audio(y)?;
    ensure_positive_level(peak, "level")?;
    let current = y.iter().fold(0f32, |m, &v| m.max(v.abs())) as f64;
    Ok(if current > 0.0 { scaled(y, peak / current) } else { y.to_vec() })
}

/// Root mean square of a signal, accumulated in f64.
pub fn signal_rms(y: &[f32]) -> f64 {
    (y.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>() / y.len().max(1) as f64).sqrt()
}

/// Scales the signal so that its RMS level is `rms` (linear, e.g. 0.1 for -20 dBFS). A silent
/// signal is returned unchanged.
pub fn normalize_rms(y: &[f32], target_rms: f64) -> Result<Vec<f32>> {
    validate_audio(y)?;
    ensure_positive_level(target_rms, "level")?;
    let current = signal_rms(y);
    Ok(if current > 0.0 { scaled(y, target_rms / current) } else { y.to_vec() })
}

/// `librosa.effects.preemphasis(y, coef=coef, zi=zi, return_zf=True)`: `y[n] - coef * y[n-1]`
/// in f32, as scipy's `lfilter` computes it for f32 input. The initial state defaults to
/// librosa's `2 * y[0] - y[1]`. Returns the filtered signal and the final state.
pub fn preemphasis(y: &[f32], coef: f64, zi: Option<f64>) -> Result<(Vec<f32>, f32)> {
    validate_audio(y)?;
    ensure(coef.is_finite(), || format!("coef={coef} must be a finite number (librosa's default is 0.97)"))?;
    let state = match zi {
        Some(z) => {
            ensure(z.is_finite(), || format!("zi={z} must be finite"))?;
            z as f32
        }
        None => {
            ensure(y.len() >= 2, || "preemphasis needs at least 2 samples to form its initial state; pass zi".to_string())?;
            2.0 * y[0] - y[1]
        }
    };
    let b1 = -(coef as f32);
    let mut out = Vec::with_capacity(y.len());
    out.push(y[0] + state);
    out.extend(y.windows(2).map(|w| w[1] + b1 * w[0]));
    Ok((out, b1 * y[y.len() - 1]))
}

/// Settings of [`trim`], with `librosa.effects.trim`'s defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrimParams {
    /// Frames quieter than the reference by more than this many dB are silence.
    pub top_db: f64,
    /// The reference amplitude; `None` means the loudest frame's RMS (librosa's `ref=np.max`).
    pub reference: Option<f64>,
    pub frame_length: usize,
    pub hop_length: usize,
}

impl Default for TrimParams {
    fn default() -> Self {
        TrimParams { top_db: 60.0, reference: None, frame_length: 2048, hop_length: 512 }
    }
}

/// `librosa.effects.trim`'s interval `[start, end)` of non-silent audio: from the first to just
/// past the last frame whose RMS is within `top_db` of the reference, in samples. `(0, 0)` when
/// every frame is silent.
pub fn trim_bounds(y: &[f32], p: &TrimParams) -> Result<(usize, usize)> {
    validate_audio(y)?;
    ensure(p.top_db.is_finite() && p.top_db >= 0.0, || format!("top_db={} must be a non-negative number of dB", p.top_db))?;
    let frame_rms = rms(y, p.frame_length, p.hop_length, true, PadMode::Constant)?;
    let reference = match p.reference {
        Some(r) => {
            ensure(r.is_finite() && r >= 0.0, || format!("ref={r} must be a non-negative amplitude"))?;
            r
        }
        None => frame_rms.iter().fold(0f32, |m, &v| m.max(v)) as f64,
    };
    let db = amplitude_to_db(frame_rms.view(), reference, 1e-5, None)?;
    let loud: Vec<usize> = db.iter().enumerate().filter(|(_, &d)| d as f64 > -p.top_db).map(|(t, _)| t).collect();
    Ok(match (loud.first(), loud.last()) {
        (Some(&first), Some(&last)) => (first * p.hop_length, ((last + 1) * p.hop_length).min(y.len())),
        _ => (0, 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_rolls_or_fills() {
        let y = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(shift(&y, 1, true).unwrap(), vec![4.0, 1.0, 2.0, 3.0]);
        assert_eq!(shift(&y, -1, true).unwrap(), vec![2.0, 3.0, 4.0, 1.0]);
        assert_eq!(shift(&y, 1, false).unwrap(), vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(shift(&y, -2, false).unwrap(), vec![3.0, 4.0, 0.0, 0.0]);
        assert_eq!(shift(&y, 9, false).unwrap(), vec![0.0; 4]);
    }

    #[test]
    fn levels() {
        let y = [0.5, -0.25, 0.1];
        assert_eq!(normalize_peak(&y, 1.0).unwrap()[0], 1.0);
        assert!((signal_rms(&normalize_rms(&y, 0.1).unwrap()) - 0.1).abs() < 1e-7);
        assert_eq!(normalize_peak(&[0.0; 4], 1.0).unwrap(), vec![0.0; 4]);
        assert!((gain(&y, 20.0).unwrap()[0] - 5.0).abs() < 1e-6);
        assert!(gain(&y, f64::NAN).is_err() && gain(&y, 1e4).is_err());
        assert!(normalize_rms(&y, 0.0).is_err() && normalize_peak(&y, f64::INFINITY).is_err());
    }

    #[test]
    fn preemphasis_like_lfilter() {
        let y = [1.0f32, 0.5, -0.5];
        let (out, zf) = preemphasis(&y, 0.97, None).unwrap();
        let b1 = -0.97f32;
        assert_eq!(out, vec![1.0 + (2.0 * 1.0 - 0.5), 0.5 + b1 * 1.0, -0.5 + b1 * 0.5]);
        assert_eq!(zf, b1 * -0.5);
        assert!(preemphasis(&[1.0], 0.97, None).is_err());
        assert!(preemphasis(&y, f64::NAN, None).is_err());
    }

    #[test]
    fn trim_finds_the_loud_part() {
        let mut y = vec![0f32; 22050];
        for (i, v) in y[8000..14000].iter_mut().enumerate() {
            *v = (i as f32 * 0.05).sin() * 0.5;
        }
        let (start, end) = trim_bounds(&y, &TrimParams::default()).unwrap();
        assert!(start <= 8000 && start >= 8000 - 2048, "{start}");
        assert!(end >= 14000 && end <= 14000 + 2048, "{end}");
        assert!(trim_bounds(&y, &TrimParams { top_db: -1.0, ..Default::default() }).is_err());
    }
}
