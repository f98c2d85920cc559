//! A named feature with all of its settings: the one route by which both single calls and
//! corpus-wide batches compute features.

use super::ser162::ser162;
use crate::error::{Result, SerError};
use crate::feature::filters::MelParams;
use crate::feature::spectral::{
    chroma_stft, melspectrogram, mfcc, mfcc_from_log_mel, rms, rms_from_spectrogram, spectral_bandwidth, spectral_centroid, spectral_contrast,
    spectral_flatness, spectral_rolloff, zero_crossing_rate, ContrastParams, FrameNorm, Input, MfccParams,
};
use crate::signal::StftParams;
use ndarray::Array2;

/// The features that can be computed by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeatureKind {
    Ser162,
    EgemapsLike,
    Melspectrogram,
    Mfcc,
    ChromaStft,
    ZeroCrossingRate,
    Rms,
    SpectralCentroid,
    SpectralBandwidth,
    SpectralRolloff,
    SpectralContrast,
    SpectralFlatness,
}

impl FeatureKind {
    /// Every named feature, by the name Python uses (librosa's, where librosa has it): the one
    /// list that `ser_rs.FEATURES`, name lookups and their error messages all read.
    pub const REGISTRY: [(&'static str, FeatureKind); 12] = [
        ("ser162", FeatureKind::Ser162),
        ("egemaps_like", FeatureKind::EgemapsLike),
        ("melspectrogram", FeatureKind::Melspectrogram),
        ("mfcc", FeatureKind::Mfcc),
        ("chroma_stft", FeatureKind::ChromaStft),
        ("zero_crossing_rate", FeatureKind::ZeroCrossingRate),
        ("rms", FeatureKind::Rms),
        ("spectral_centroid", FeatureKind::SpectralCentroid),
        ("spectral_bandwidth", FeatureKind::SpectralBandwidth),
        ("spectral_rolloff", FeatureKind::SpectralRolloff),
        ("spectral_contrast", FeatureKind::SpectralContrast),
        ("spectral_flatness", FeatureKind::SpectralFlatness),
    ];

    /// The registered names, in registry order.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::REGISTRY.iter().map(|(name, _)| *name)
    }

    pub fn from_name(name: &str) -> Result<Self> {
        Self::REGISTRY.iter().find(|(n, _)| *n == name).map(|(_, kind)| *kind).ok_or_else(|| {
            SerError::parameter(format!("unknown feature '{name}'; choose one of: {}", Self::names().collect::<Vec<_>>().join(", ")))
        })
    }

    /// Whether the feature reduces an utterance to one vector (else: one column per frame).
    pub fn is_fixed_length(self) -> bool {
        matches!(self, FeatureKind::Ser162 | FeatureKind::EgemapsLike)
    }

    /// Names of a fixed-length feature's values (empty for frame-level features).
    pub fn columns(self) -> Vec<String> {
        match self {
            FeatureKind::Ser162 => super::ser162::ser162_columns(),
            FeatureKind::EgemapsLike => super::egemaps::egemaps_like_columns(),
            _ => Vec::new(),
        }
    }
}

/// Every setting any named feature reads, with librosa's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureConfig {
    pub kind: FeatureKind,
    pub stft: StftParams,
    /// Exponent of the magnitude spectrogram for mel features.
    pub power: f64,
    pub mel: MelParams,
    pub mfcc: MfccParams,
    pub tuning: Option<f64>,
    pub n_chroma: usize,
    pub chroma_norm: FrameNorm,
    /// Frame length of the time-domain features (ZCR, RMS).
    pub frame_length: usize,
    pub roll_percent: f64,
    pub contrast: ContrastParams,
    pub bandwidth_p: f64,
    pub bandwidth_norm: bool,
    pub flatness_amin: f64,
    pub flatness_power: f64,
    /// Bin frequencies for spectral statistics (default: the rfft bin centres).
    pub freq: Option<Vec<f64>>,
    /// Per-frame centroid for the bandwidth (default: computed).
    pub centroid: Option<Vec<f32>>,
}

impl FeatureConfig {
    pub fn new(kind: FeatureKind) -> Self {
        FeatureConfig {
            kind,
            stft: StftParams::default(),
            power: 2.0,
            mel: MelParams::default(),
            mfcc: MfccParams::default(),
            tuning: None,
            n_chroma: 12,
            chroma_norm: FrameNorm::Max,
            frame_length: 2048,
            roll_percent: 0.85,
            contrast: ContrastParams::default(),
            bandwidth_p: 2.0,
            bandwidth_norm: true,
            flatness_amin: 1e-10,
            flatness_power: 2.0,
            freq: None,
            centroid: None,
        }
    }
}

/// A computed feature: one vector per utterance, or a `(n_features, n_frames)` matrix.
#[derive(Debug, Clone, PartialEq)]
pub enum FeatureOutput {
    Vector(Vec<f32>),
    Frames(Array2<f32>),
}

impl FeatureConfig {
    /// Computes the feature from a signal or (for spectral features) a spectrogram.
    ///
    /// For `mfcc` a spectrogram input is the log-power mel spectrogram, and for `rms` a
    /// magnitude spectrogram, as in librosa.
    pub fn compute(&self, input: Input, sr: f64) -> Result<FeatureOutput> {
        use FeatureKind::*;
        let frames = match (self.kind, input) {
            (Ser162, Input::Audio(y)) => return Ok(FeatureOutput::Vector(ser162(y, sr)?)),
            (Ser162, Input::Spectrogram(_)) => return Err(SerError::parameter("the ser162 vector is computed from audio, not from a spectrogram; pass y")),
            (EgemapsLike, Input::Audio(y)) => return Ok(FeatureOutput::Vector(super::egemaps::egemaps_like(y, sr)?)),
            (EgemapsLike, Input::Spectrogram(_)) => return Err(SerError::parameter("egemaps_like is computed from audio, not from a spectrogram; pass y")),
            (Melspectrogram, _) => melspectrogram(input, sr, &self.stft, self.power, &self.mel)?,
            (Mfcc, Input::Audio(y)) => mfcc(y, sr, &self.mfcc, &self.stft, self.power, &self.mel)?,
            (Mfcc, Input::Spectrogram(s)) => mfcc_from_log_mel(s, &self.mfcc)?,
            (ChromaStft, _) => chroma_stft(input, sr, &self.stft, self.tuning, self.n_chroma, self.chroma_norm)?,
            (ZeroCrossingRate, Input::Audio(y)) => zero_crossing_rate(y, self.frame_length, self.stft.hop_length(), self.stft.center)?,
            (ZeroCrossingRate, Input::Spectrogram(_)) => return Err(SerError::parameter("zero_crossing_rate is computed from audio; pass y")),
            (Rms, Input::Audio(y)) => rms(y, self.frame_length, self.stft.hop_length(), self.stft.center, self.stft.pad_mode)?,
            (Rms, Input::Spectrogram(s)) => rms_from_spectrogram(s, self.frame_length)?,
            (SpectralCentroid, _) => spectral_centroid(input, sr, &self.stft, self.freq.as_deref())?,
            (SpectralBandwidth, _) => spectral_bandwidth(input, sr, &self.stft, self.freq.as_deref(), self.centroid.as_deref(), self.bandwidth_norm, self.bandwidth_p)?,
            (SpectralRolloff, _) => spectral_rolloff(input, sr, &self.stft, self.freq.as_deref(), self.roll_percent)?,
            (SpectralContrast, _) => spectral_contrast(input, sr, &self.stft, self.freq.as_deref(), &self.contrast)?,
            (SpectralFlatness, _) => spectral_flatness(input, &self.stft, self.flatness_amin, self.flatness_power)?,
        };
        Ok(FeatureOutput::Frames(frames))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for (name, kind) in FeatureKind::REGISTRY {
            assert_eq!(FeatureKind::from_name(name).unwrap(), kind);
        }
        assert!(FeatureKind::from_name("mfccs").is_err());
        let unique: std::collections::HashSet<_> = FeatureKind::names().collect();
        assert_eq!(unique.len(), FeatureKind::REGISTRY.len(), "each name once");
    }

    #[test]
    fn mfcc_from_audio_equals_mfcc_from_its_log_mel() {
        let y: Vec<f32> = (0..16000).map(|n| ((n as f32) * 0.031).sin() * 0.2 + ((n as f32) * 0.17).cos() * 0.05).collect();
        let cfg = FeatureConfig::new(FeatureKind::Mfcc);
        let direct = cfg.compute(Input::Audio(&y), 22050.0).unwrap();
        let mel = melspectrogram(Input::Audio(&y), 22050.0, &cfg.stft, 2.0, &cfg.mel).unwrap();
        let db = crate::feature::spectral::power_to_db(mel.view(), 1.0, 1e-10, Some(80.0)).unwrap();
        let via_s = cfg.compute(Input::Spectrogram(db.view()), 22050.0).unwrap();
        assert_eq!(direct, via_s);
    }
}
