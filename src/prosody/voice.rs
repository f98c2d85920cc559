//! Voice quality as Praat measures it: mean intensity, local jitter, local shimmer (dB) and the
//! harmonics-to-noise ratio, plus the frame-level tracks behind them.
//!
//! The algorithms follow Praat's published descriptions (Boersma 1993, "Accurate short-term
//! analysis of the fundamental frequency and the harmonics-to-noise ratio of a sampled sound",
//! IFA Proceedings 17; and the Praat manual pages "Intro 6.2 Intensity", "Sound: To Pitch (ac)",
//! "PointProcess: To PointProcess (periodic, cc)", "Voice 2. Jitter", "Voice 3. Shimmer",
//! "Harmonicity"). They are re-implementations, not ports: they agree with Praat closely across
//! recordings (see tests/test_voice_quality.py) but are not bit-exact.
//!
//! Conventions, as Praat: sample `i` (0-based) lies at time `(i + 0.5) / sr`; analysis frames
//! are centred in the signal; amplitudes are read as pascals, so intensity is in dB re 2e-5 Pa.
//! A measure that the signal cannot support (no voiced frames, too few glottal pulses) is NaN,
//! never a made-up number; unusable input or parameters are a `SerError::Parameter`.

mod intensity;
mod periodicity;
mod perturbation;
mod pulses;

pub use intensity::{intensity, mean_intensity_db, IntensityParams};
pub use periodicity::{harmonicity_cc, mean_hnr_db, pitch_ac, HarmonicityParams, PitchParams, PitchTrack};
pub use perturbation::{jitter_local, shimmer_local_db, PeriodLimits, DEFAULT_MAX_AMPLITUDE_FACTOR};
pub use pulses::glottal_pulses;

use crate::error::{ensure, Result};
use crate::signal::{ensure_sr, validate_audio};

/// A frame-level track: one value per analysis frame, at the frame's centre time (s).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contour {
    pub times: Vec<f64>,
    pub values: Vec<f64>,
}

/// Settings of [`voice_report`]; the defaults are those of Praat's voice report and of the
/// reference recipe (pitch 75-600 Hz, periods 0.1-20 ms, factors 1.3 and 1.6, intensity with a
/// 100 Hz minimum pitch, HNR by cross-correlation with a 75 Hz minimum pitch).
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceParams {
    /// Pitch floor (Hz) of the pitch analysis that places the glottal pulses.
    pub pitch_floor: f64,
    /// Pitch ceiling (Hz) of that pitch analysis.
    pub pitch_ceiling: f64,
    /// Which periods count for jitter and shimmer.
    pub periods: PeriodLimits,
    /// Largest ratio between consecutive period amplitudes that counts for shimmer.
    pub max_amplitude_factor: f64,
    pub intensity: IntensityParams,
    pub harmonicity: HarmonicityParams,
}

impl Default for VoiceParams {
    fn default() -> Self {
        VoiceParams {
            pitch_floor: 75.0,
            pitch_ceiling: 600.0,
            periods: PeriodLimits::default(),
            max_amplitude_factor: DEFAULT_MAX_AMPLITUDE_FACTOR,
            intensity: IntensityParams::default(),
            harmonicity: HarmonicityParams::default(),
        }
    }
}

/// Utterance-level voice measures. NaN means "not measurable here": `jitter_local` and
/// `shimmer_local_db` need at least three glottal pulses with two valid consecutive periods,
/// `hnr_db` needs a voiced frame, `intensity_db` needs a frame that is not digital silence.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceReport {
    /// Mean intensity (dB re 2e-5 Pa), averaged as energy over all frames.
    pub intensity_db: f64,
    /// Local jitter: mean absolute difference of consecutive periods over the mean period (a ratio, not %).
    pub jitter_local: f64,
    /// Local shimmer: mean absolute dB difference between the amplitudes of consecutive periods.
    pub shimmer_local_db: f64,
    /// Mean harmonics-to-noise ratio (dB) over the voiced frames.
    pub hnr_db: f64,
    /// Number of glottal pulses found.
    pub n_pulses: usize,
    /// Fraction of pitch frames that are voiced.
    pub voiced_fraction: f64,
    /// Mean F0 (Hz) over the voiced pitch frames; NaN when none is voiced.
    pub mean_f0_hz: f64,
}

/// Every measure of [`VoiceReport`] in one pass over `y`.
pub fn voice_report(y: &[f32], sr: f64, p: &VoiceParams) -> Result<VoiceReport> {
    check_signal(y, sr)?;
    p.periods.validate()?;
    ensure(p.max_amplitude_factor.is_finite() && p.max_amplitude_factor >= 1.0, || {
        format!("max_amplitude_factor={} must be a number >= 1 (Praat's default is 1.6)", p.max_amplitude_factor)
    })?;
    let pitch_params = PitchParams { pitch_floor: p.pitch_floor, pitch_ceiling: p.pitch_ceiling, ..PitchParams::default() };
    let pitch = pitch_ac(y, sr, &pitch_params)?;
    let pulses = glottal_pulses(y, sr, &pitch)?;
    let intensity_track = intensity(y, sr, &p.intensity)?;
    let hnr_track = harmonicity_cc(y, sr, &p.harmonicity)?;
    let voiced: Vec<f64> = pitch.f0.iter().copied().filter(|f| f.is_finite()).collect();
    Ok(VoiceReport {
        intensity_db: mean_intensity_db(&intensity_track.values),
        jitter_local: jitter_local(&pulses, &p.periods),
        shimmer_local_db: shimmer_local_db(y, sr, &pulses, &p.periods, p.max_amplitude_factor)?,
        hnr_db: mean_hnr_db(&hnr_track.values),
        n_pulses: pulses.len(),
        voiced_fraction: if pitch.f0.is_empty() { 0.0 } else { voiced.len() as f64 / pitch.f0.len() as f64 },
        mean_f0_hz: if voiced.is_empty() { f64::NAN } else { voiced.iter().sum::<f64>() / voiced.len() as f64 },
    })
}

/// The checks every analysis here starts with: finite, non-empty audio at a positive rate.
pub(crate) fn check_signal(y: &[f32], sr: f64) -> Result<()> {
    ensure_sr(sr)?;
    validate_audio(y)
}

/// Number of frames and the first frame's centre time for frames of `span` seconds every `dt`
/// seconds, centred in a signal of `n` samples (Praat's short-term analysis layout). An error
/// naming `what` when the signal is shorter than one frame.
pub(crate) fn frame_layout(n: usize, sr: f64, span: f64, dt: f64, what: &str) -> Result<(usize, f64)> {
    let duration = n as f64 / sr;
    ensure(duration >= span, || {
        format!(
            "the signal lasts {duration:.4} s, shorter than one {what} frame of {span:.4} s; \
             pass a longer signal or a higher minimum pitch"
        )
    })?;
    let count = ((duration - span) / dt + 1e-9).floor() as usize + 1;
    let first = 0.5 * duration - 0.5 * count as f64 * dt + 0.5 * dt;
    Ok((count, first))
}

/// The sample nearest to time `t` (may lie outside the signal).
pub(crate) fn nearest_sample(t: f64, sr: f64) -> i64 {
    (t * sr - 0.5).round() as i64
}

/// Validates a positive, finite time or frequency parameter.
pub(crate) fn ensure_positive(value: f64, name: &str, hint: &str) -> Result<()> {
    ensure(value.is_finite() && value > 0.0, || format!("{name}={value} must be a positive number; {hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn tone(freq: f64, sr: f64, seconds: f64, amp: f64) -> Vec<f32> {
        (0..(sr * seconds) as usize).map(|i| (amp * (2.0 * std::f64::consts::PI * freq * i as f64 / sr).sin()) as f32).collect()
    }

    #[test]
    fn layout_centres_frames() {
        let (count, first) = frame_layout(16000, 16000.0, 0.064, 0.008, "intensity").unwrap();
        assert_eq!(count, 118);
        let last = first + (count - 1) as f64 * 0.008;
        assert!((first - (1.0 - last)).abs() < 1e-9, "frames should be symmetric: {first} {last}");
        assert!(frame_layout(100, 16000.0, 0.064, 0.008, "intensity").is_err());
    }

    #[test]
    fn report_of_a_voiced_tone_and_of_silence() {
        let sr = 16000.0;
        let y = tone(150.0, sr, 1.0, 0.1);
        let r = voice_report(&y, sr, &VoiceParams::default()).unwrap();
        assert!(r.jitter_local < 0.002 && r.shimmer_local_db < 0.05, "{r:?}");
        assert!(r.hnr_db > 30.0, "{r:?}");
        assert!((r.mean_f0_hz - 150.0).abs() < 1.5, "{r:?}");
        // A 0.1-amplitude sine has mean square 0.005 Pa^2: 10 log10(0.005 / 4e-10) = 70.97 dB.
        assert!((r.intensity_db - 70.97).abs() < 0.1, "{r:?}");
        let silent = voice_report(&vec![0.0; 16000], sr, &VoiceParams::default()).unwrap();
        assert!(silent.intensity_db.is_nan() && silent.jitter_local.is_nan() && silent.hnr_db.is_nan());
        assert_eq!(silent.n_pulses, 0);
    }

    #[test]
    fn bad_input_is_a_parameter_error() {
        let p = VoiceParams::default();
        assert!(voice_report(&[], 16000.0, &p).is_err());
        assert!(voice_report(&[0.0, f32::NAN], 16000.0, &p).is_err());
        assert!(voice_report(&vec![0.0; 16000], 0.0, &p).is_err());
        assert!(voice_report(&vec![0.0; 100], 16000.0, &p).is_err());
        let bad = VoiceParams { pitch_floor: 700.0, ..VoiceParams::default() };
        assert!(voice_report(&vec![0.0; 16000], 16000.0, &bad).is_err());
    }
}
