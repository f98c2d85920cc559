//! An utterance-level feature set for SER in the spirit of eGeMAPS (Eyben et al. 2016, "The
//! Geneva Minimalistic Acoustic Parameter Set", IEEE Trans. Affective Computing 7(2)): a small,
//! interpretable set of prosodic, voice-quality, spectral-balance and temporal parameters, each
//! a functional of a frame-level track. Not openSMILE's implementation and not its numbers; the
//! same families of parameters, from ser_rs's own analyses:
//!
//! - pitch: Praat-style autocorrelation F0 (75-600 Hz) in semitones re 27.5 Hz, voiced frames;
//! - loudness: Praat-style intensity (dB);
//! - voice quality: HNR (dB, voiced frames), local jitter and local shimmer (dB);
//! - spectral: MFCC 1-4, spectral centroid, flatness and roll-off, alpha ratio (dB, 1-5 kHz over
//!   50-1000 Hz, the sign openSMILE reports) and Hammarberg index (dB, strongest peak 0-2 kHz over 2-5 kHz), zero-crossing
//!   rate, on librosa's default STFT framing;
//! - temporal: voiced fraction, voiced segments per second, mean voiced and unvoiced segment
//!   lengths.

use crate::error::Result;
use crate::feature::filters::MelParams;
use crate::feature::functionals::{functionals, Stat};
use crate::feature::spectral::{dct_frames, mel_of_frames, power_to_db_in_place, spectral_centroid, spectral_flatness, spectral_rolloff, zero_crossing_rate, Input, MfccParams};
use crate::prosody::voice::{glottal_pulses, harmonicity_cc, intensity, jitter_local, pitch_ac, shimmer_local_db, PitchParams, VoiceParams};
use crate::signal::ensure_sr;
use crate::signal::stft::{spectrogram_frames, StftParams};
use ndarray::Array2;

const CONTOUR_STATS: [Stat; 7] = [Stat::Mean, Stat::Std, Stat::Percentile(20.0), Stat::Percentile(50.0), Stat::Percentile(80.0), Stat::Range, Stat::Slope];
const CONTOUR_NAMES: [&str; 7] = ["mean", "std", "p20", "p50", "p80", "range", "slope"];
const SPREAD_STATS: [Stat; 2] = [Stat::Mean, Stat::Std];
const SPREAD_NAMES: [&str; 2] = ["mean", "std"];

/// Frame-level spectral tracks and their names, in output order.
const SPECTRAL_TRACKS: [&str; 10] = ["mfcc_1", "mfcc_2", "mfcc_3", "mfcc_4", "spectral_centroid", "spectral_flatness", "spectral_rolloff", "alpha_ratio_db", "hammarberg_db", "zcr"];

/// Column names of [`egemaps_like`], in order.
pub fn egemaps_like_columns() -> Vec<String> {
    let mut names = Vec::new();
    let add = |names: &mut Vec<String>, track: &str, stats: &[&str]| names.extend(stats.iter().map(|s| format!("{track}_{s}")));
    add(&mut names, "f0_semitone", &CONTOUR_NAMES);
    add(&mut names, "intensity_db", &CONTOUR_NAMES);
    add(&mut names, "hnr_db", &SPREAD_NAMES);
    names.push("jitter_local".into());
    names.push("shimmer_local_db".into());
    for track in SPECTRAL_TRACKS {
        add(&mut names, track, &SPREAD_NAMES);
    }
    names.extend(["voiced_fraction", "voiced_segments_per_s", "voiced_segment_mean_s", "unvoiced_segment_mean_s"].map(String::from));
    names
}

/// Functionals of one track given as f64 values, NaN frames excluded.
fn track_functionals(values: &[f64], stats: &[Stat]) -> Result<Vec<f32>> {
    let row = Array2::from_shape_fn((1, values.len()), |(_, t)| values[t] as f32);
    let mask: Vec<bool> = values.iter().map(|v| v.is_finite()).collect();
    functionals(row.view(), stats, None, Some(&mask))
}

/// Per frame: alpha ratio and Hammarberg index (dB) of a magnitude spectrogram `(frames, bins)`.
fn spectral_balance(magnitude: &Array2<f32>, sr: f64, n_fft: usize) -> (Vec<f64>, Vec<f64>) {
    let bin = |hz: f64| ((hz * n_fft as f64 / sr).round() as usize).min(magnitude.ncols() - 1);
    let energy = |row: &[f32], lo: usize, hi: usize| row[lo..=hi].iter().map(|&m| m as f64 * m as f64).sum::<f64>();
    let peak = |row: &[f32], lo: usize, hi: usize| row[lo..=hi].iter().fold(0f64, |p, &m| p.max(m as f64 * m as f64));
    let db = |num: f64, den: f64| if num > 0.0 && den > 0.0 { 10.0 * (num / den).log10() } else { f64::NAN };
    let (b50, b1k, b2k, b5k) = (bin(50.0), bin(1000.0), bin(2000.0), bin(5000.0));
    magnitude
        .rows()
        .into_iter()
        .map(|row| {
            let row = row.as_slice().expect("row-major");
            (db(energy(row, b1k + 1, b5k.max(b1k + 1)), energy(row, b50, b1k)), db(peak(row, 0, b2k), peak(row, b2k + 1, b5k.max(b2k + 1))))
        })
        .unzip()
}

/// Lengths (in frames) of the runs of voiced and of unvoiced frames.
fn runs(voiced: &[bool]) -> (Vec<usize>, Vec<usize>) {
    let (mut on, mut off) = (Vec::new(), Vec::new());
    let mut start = 0;
    for t in 1..=voiced.len() {
        if t == voiced.len() || voiced[t] != voiced[start] {
            if voiced[start] { &mut on } else { &mut off }.push(t - start);
            start = t;
        }
    }
    (on, off)
}

fn mean_or_nan(v: &[usize], scale: f64) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<usize>() as f64 * scale / v.len() as f64
    }
}

/// The [`egemaps_like_columns`] values of one utterance. Values a clip cannot support (pitch
/// statistics of a clip with no voiced frame, say) are NaN.
pub fn egemaps_like(y: &[f32], sr: f64) -> Result<Vec<f32>> {
    ensure_sr(sr)?;
    let voice = VoiceParams::default();
    let pitch = pitch_ac(y, sr, &PitchParams { pitch_floor: voice.pitch_floor, pitch_ceiling: voice.pitch_ceiling, ..PitchParams::default() })?;
    let semitones: Vec<f64> = pitch.f0.iter().map(|&f| if f.is_finite() && f > 0.0 { 12.0 * (f / 27.5).log2() } else { f64::NAN }).collect();
    let loudness = intensity(y, sr, &voice.intensity)?;
    let hnr = harmonicity_cc(y, sr, &voice.harmonicity)?;
    let pulses = glottal_pulses(y, sr, &pitch)?;

    let mut out = track_functionals(&semitones, &CONTOUR_STATS)?;
    out.extend(track_functionals(&loudness.values, &CONTOUR_STATS)?);
    out.extend(track_functionals(&hnr.values, &SPREAD_STATS)?);
    out.push(jitter_local(&pulses, &voice.periods) as f32);
    out.push(shimmer_local_db(y, sr, &pulses, &voice.periods, voice.max_amplitude_factor)? as f32);

    // One STFT serves every spectral track, MFCC included (as in ser162).
    let stft = StftParams::default();
    let magnitude = spectrogram_frames(y, &stft, 1.0)?;
    let mut log_mel = mel_of_frames(magnitude.mapv(|m| m * m).view(), sr, stft.n_fft, &MelParams::default())?;
    power_to_db_in_place(log_mel.as_slice_mut().expect("row-major"), 1.0, 1e-10, Some(80.0));
    let coefficients = dct_frames(log_mel.view(), &MfccParams { n_mfcc: 5, ..MfccParams::default() });
    let spectrum = Input::Spectrogram(magnitude.t());
    let (alpha, hammarberg) = spectral_balance(&magnitude, sr, stft.n_fft);
    let as_f64 = |a: Array2<f32>| a.iter().map(|&v| v as f64).collect::<Vec<f64>>();
    let mut spectral: Vec<Vec<f64>> = (1..5).map(|k| coefficients.column(k).iter().map(|&v| v as f64).collect()).collect();
    spectral.push(as_f64(spectral_centroid(spectrum, sr, &stft, None)?));
    spectral.push(as_f64(spectral_flatness(spectrum, &stft, 1e-10, 2.0)?));
    spectral.push(as_f64(spectral_rolloff(spectrum, sr, &stft, None, 0.85)?));
    spectral.push(alpha);
    spectral.push(hammarberg);
    spectral.push(as_f64(zero_crossing_rate(y, 2048, 512, true)?));
    for track in &spectral {
        out.extend(track_functionals(track, &SPREAD_STATS)?);
    }

    let voiced: Vec<bool> = semitones.iter().map(|v| v.is_finite()).collect();
    let (on, off) = runs(&voiced);
    let duration = y.len() as f64 / sr;
    let voiced_fraction = if voiced.is_empty() { 0.0 } else { voiced.iter().filter(|&&v| v).count() as f64 / voiced.len() as f64 };
    out.extend([voiced_fraction, on.len() as f64 / duration, mean_or_nan(&on, pitch.time_step), mean_or_nan(&off, pitch.time_step)].map(|v| v as f32));
    debug_assert_eq!(out.len(), egemaps_like_columns().len());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vowel(f0: f64, sr: f64, seconds: f64) -> Vec<f32> {
        (0..(sr * seconds) as usize)
            .map(|i| {
                let t = i as f64 / sr;
                let on = if (t * 2.0).fract() < 0.7 { 1.0 } else { 0.0 };
                (on * (1..10).map(|h| (2.0 * std::f64::consts::PI * f0 * h as f64 * t).sin() / h as f64).sum::<f64>() * 0.1) as f32
            })
            .collect()
    }

    #[test]
    fn names_and_values_line_up() {
        let v = egemaps_like(&vowel(200.0, 16000.0, 2.0), 16000.0).unwrap();
        let names = egemaps_like_columns();
        assert_eq!(v.len(), names.len());
        let get = |n: &str| v[names.iter().position(|c| c == n).unwrap()];
        let expected = 12.0 * (200.0f64 / 27.5).log2();
        assert!((get("f0_semitone_mean") as f64 - expected).abs() < 0.2, "{}", get("f0_semitone_mean"));
        assert!(get("f0_semitone_std") < 0.2);
        assert!(get("hnr_db_mean") > 15.0);
        assert!((get("voiced_fraction") - 0.7).abs() < 0.1, "{}", get("voiced_fraction"));
        assert!((get("voiced_segments_per_s") - 2.0).abs() < 0.6);
    }

    #[test]
    fn silence_gives_nan_prosody_not_an_error() {
        let v = egemaps_like(&vec![0.0; 16000], 16000.0).unwrap();
        assert!(v[0].is_nan());
        assert!(egemaps_like(&[], 16000.0).is_err());
        assert!(egemaps_like(&vowel(200.0, 16000.0, 1.0), 0.0).is_err());
    }
}
