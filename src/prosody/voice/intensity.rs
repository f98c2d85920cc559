//! Intensity contour as Praat's "Sound: To Intensity" (manual, "Intro 6.2 Intensity"): the
//! squared signal is weighted by a Kaiser window (beta = 2 pi^2 + 0.5, "Kaiser-20") lasting
//! 6.4 / minimum pitch, whose effective duration is 3.2 / minimum pitch, so that the contour
//! does not ripple at the pitch period; values are dB re the auditory threshold 2e-5 Pa.

use super::{check_signal, ensure_positive, frame_layout, nearest_sample, Contour};
use crate::error::Result;
use crate::signal::window::kaiser;

/// Reference pressure of the dB scale: (2e-5 Pa)^2.
const REFERENCE_POWER: f64 = 4e-10;
/// Praat's Kaiser-20 shape parameter, 2 pi^2 + 0.5.
const KAISER_BETA: f64 = 2.0 * std::f64::consts::PI * std::f64::consts::PI + 0.5;

/// Settings of [`intensity`], with Praat's defaults: minimum pitch 100 Hz, time step
/// 0.8 / minimum pitch (four frames per effective window), local mean subtracted.
#[derive(Debug, Clone, PartialEq)]
pub struct IntensityParams {
    /// Lowest pitch (Hz) the contour must not ripple at; sets the window (6.4 / min_pitch s).
    pub min_pitch: f64,
    /// Seconds between frames; `None` means 0.8 / min_pitch.
    pub time_step: Option<f64>,
    /// Remove each window's mean (DC offset) before squaring.
    pub subtract_mean: bool,
}

impl Default for IntensityParams {
    fn default() -> Self {
        IntensityParams { min_pitch: 100.0, time_step: None, subtract_mean: true }
    }
}

impl IntensityParams {
    fn time_step(&self) -> f64 {
        self.time_step.unwrap_or(0.8 / self.min_pitch)
    }

    fn validate(&self, sr: f64) -> Result<()> {
        ensure_positive(self.min_pitch, "min_pitch", "Praat's default is 100 Hz")?;
        crate::error::ensure(self.min_pitch < sr / 2.0, || {
            format!("min_pitch={} Hz is not below the Nyquist frequency {} Hz", self.min_pitch, sr / 2.0)
        })?;
        if let Some(dt) = self.time_step {
            ensure_positive(dt, "time_step", "pass None for 0.8 / min_pitch")?;
        }
        Ok(())
    }
}

/// The intensity contour (dB re 2e-5 Pa, samples read as pascals). A frame of digital silence
/// has no finite level and reads NaN. Errors when `y` is shorter than one window
/// (6.4 / min_pitch s).
pub fn intensity(y: &[f32], sr: f64, p: &IntensityParams) -> Result<Contour> {
    check_signal(y, sr)?;
    p.validate(sr)?;
    let window_duration = 6.4 / p.min_pitch;
    let dt = p.time_step();
    let (count, first) = frame_layout(y.len(), sr, window_duration, dt, "intensity")?;
    let half = (0.5 * window_duration * sr).floor() as i64;
    let window: Vec<f64> = (-half..=half).map(|i| kaiser(i as f64 / (0.5 * window_duration * sr), KAISER_BETA)).collect();
    let mut out = Contour { times: Vec::with_capacity(count), values: Vec::with_capacity(count) };
    for k in 0..count {
        let t = first + k as f64 * dt;
        out.times.push(t);
        out.values.push(frame_level(y, nearest_sample(t, sr), half, &window, p.subtract_mean));
    }
    Ok(out)
}

/// Window-weighted mean square around sample `mid`, in dB; samples outside the signal are skipped.
fn frame_level(y: &[f32], mid: i64, half: i64, window: &[f64], subtract_mean: bool) -> f64 {
    let lo = (mid - half).max(0);
    let hi = (mid + half).min(y.len() as i64 - 1);
    if hi < lo {
        return f64::NAN;
    }
    let span = &y[lo as usize..=hi as usize];
    let mean = if subtract_mean { span.iter().map(|&v| v as f64).sum::<f64>() / span.len() as f64 } else { 0.0 };
    let offset = (lo - (mid - half)) as usize;
    let (mut power, mut weight) = (0.0, 0.0);
    for (v, w) in span.iter().zip(&window[offset..]) {
        let x = *v as f64 - mean;
        power += x * x * w;
        weight += w;
    }
    let energy = power / weight;
    if energy > 0.0 {
        10.0 * (energy / REFERENCE_POWER).log10()
    } else {
        f64::NAN
    }
}

/// Mean of an intensity contour averaged as energy (Praat's "Get mean... energy"):
/// `10 log10(mean(10^(dB/10)))`, with silent (NaN) frames counted as zero energy. NaN when
/// every frame is silent or the contour is empty.
pub fn mean_intensity_db(values_db: &[f64]) -> f64 {
    if values_db.is_empty() {
        return f64::NAN;
    }
    let energy: f64 = values_db.iter().filter(|v| v.is_finite()).map(|v| 10f64.powf(v / 10.0)).sum::<f64>() / values_db.len() as f64;
    if energy > 0.0 {
        10.0 * energy.log10()
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prosody::voice::tests::tone;

    #[test]
    fn a_sine_has_the_level_of_its_mean_square() {
        let y = tone(440.0, 16000.0, 0.5, 1.0);
        let c = intensity(&y, 16000.0, &IntensityParams::default()).unwrap();
        // Mean square 0.5 Pa^2 -> 10 log10(0.5 / 4e-10) = 90.97 dB.
        for v in &c.values {
            assert!((v - 90.97).abs() < 0.02, "{v}");
        }
        assert!((mean_intensity_db(&c.values) - 90.97).abs() < 0.02);
        // Halving the amplitude lowers the level by 6.02 dB.
        let quiet: Vec<f32> = y.iter().map(|v| v * 0.5).collect();
        let q = intensity(&quiet, 16000.0, &IntensityParams::default()).unwrap();
        assert!((mean_intensity_db(&c.values) - mean_intensity_db(&q.values) - 6.02).abs() < 0.01);
    }

    #[test]
    fn energy_mean_is_dominated_by_loud_frames() {
        assert!((mean_intensity_db(&[60.0, 80.0]) - 77.03).abs() < 0.01);
        assert!((mean_intensity_db(&[80.0, f64::NAN]) - 76.99).abs() < 0.01);
        assert!(mean_intensity_db(&[f64::NAN]).is_nan());
    }

    #[test]
    fn bad_parameters_are_rejected() {
        let y = vec![0.1f32; 16000];
        for p in [
            IntensityParams { min_pitch: 0.0, ..Default::default() },
            IntensityParams { min_pitch: f64::NAN, ..Default::default() },
            IntensityParams { min_pitch: 9000.0, ..Default::default() },
            IntensityParams { time_step: Some(-1.0), ..Default::default() },
        ] {
            assert!(intensity(&y, 16000.0, &p).is_err(), "{p:?}");
        }
    }
}
