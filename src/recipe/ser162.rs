//! [`ser162`]: the common SER recipe that reduces an utterance to one fixed-length vector.

use crate::error::Result;
use crate::feature::filters::MelParams;
use crate::feature::spectral::{chroma_of_frames, dct_frames, mel_of_frames, power_to_db_in_place, rms, zero_crossing_rate, FrameNorm, MfccParams};
use crate::signal::ensure_sr;
use crate::signal::frame::PadMode;
use crate::signal::stft::{magnitude_and_power_frames, StftParams};
use ndarray::{ArrayView2, Axis};

/// Length of the [`ser162`] vector.
pub const SER162_LEN: usize = 162;

const PITCH_CLASSES: [&str; 12] = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

/// Column names of [`ser162`], in order.
pub fn ser162_columns() -> Vec<String> {
    let mut names = vec!["zcr_mean".to_string()];
    names.extend(PITCH_CLASSES.iter().map(|p| format!("chroma_{p}_mean")));
    names.extend((1..=20).map(|k| format!("mfcc_{k}_mean")));
    names.push("rms_mean".to_string());
    names.extend((1..=128).map(|k| format!("mel_{k}_mean")));
    names
}

/// Mean over frames of a `(n_features, n_frames)` matrix.
fn frame_means(m: ArrayView2<f32>) -> Vec<f32> {
    m.axis_iter(Axis(0)).map(|row| (row.iter().map(|&v| v as f64).sum::<f64>() / row.len() as f64) as f32).collect()
}

/// The common SER utterance vector (162 values): per-utterance means of zero-crossing rate (1),
/// `chroma_stft` of the STFT magnitude (12), MFCC (20), RMS (1) and mel spectrogram (128), all
/// with librosa's defaults. Equals, in librosa,
/// `np.hstack([np.mean(f, axis=1) for f in (zero_crossing_rate(y=y), chroma_stft(S=np.abs(stft(y)), sr=sr),
/// mfcc(y=y, sr=sr), rms(y=y), melspectrogram(y=y, sr=sr))])`.
/// One STFT serves every spectral part.
pub fn ser162(y: &[f32], sr: f64) -> Result<Vec<f32>> {
    ensure_sr(sr)?;
    let stft = StftParams::default();
    let (magnitude, power) = magnitude_and_power_frames(y, &stft)?;
    let chroma = chroma_of_frames(magnitude.view(), sr, stft.n_fft, None, 12, FrameNorm::Max)?;
    let mel = mel_of_frames(power.view(), sr, stft.n_fft, &MelParams::default())?;
    let mut mel_db = mel.clone();
    power_to_db_in_place(mel_db.as_slice_mut().expect("row-major"), 1.0, 1e-10, Some(80.0));
    let mfcc = dct_frames(mel_db.view(), &MfccParams::default());
    let zcr = zero_crossing_rate(y, 2048, 512, true)?;
    let rms = rms(y, 2048, 512, true, PadMode::Constant)?;

    let mut out = Vec::with_capacity(SER162_LEN);
    out.extend(frame_means(zcr.view()));
    out.extend(frame_means(chroma.t()));
    out.extend(frame_means(mfcc.t()));
    out.extend(frame_means(rms.view()));
    out.extend(frame_means(mel.t()));
    debug_assert_eq!(out.len(), SER162_LEN);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_values() {
        let y: Vec<f32> = (0..22050).map(|n| (n as f32 * 0.05).sin() * 0.3).collect();
        let v = ser162(&y, 22050.0).unwrap();
        assert_eq!(v.len(), SER162_LEN);
        assert_eq!(ser162_columns().len(), SER162_LEN);
        assert!(v.iter().all(|x| x.is_finite()));
    }
}
