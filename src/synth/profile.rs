//! What the emotion and the speaker change in the voice: the acoustic profiles the synthesizer
//! follows.
//!
//! The directions come from published summaries of emotional speech; the magnitudes are ours,
//! chosen so that every emotion is distinguishable but overlaps its neighbours. What the sources
//! report, as directions relative to neutral speech:
//!
//! - Murray & Arnott (1993, JASA 93(2), Table 1): anger: pitch average very much higher, range
//!   much wider, rate slightly faster, intensity higher, abrupt pitch changes on stressed
//!   syllables. Happiness: pitch much higher, range much wider, intensity higher, smooth upward
//!   inflections. Sadness: pitch slightly lower, range slightly narrower, rate slightly slower,
//!   intensity lower, downward inflections, slurred articulation. Fear: pitch very much higher,
//!   range much wider, rate much faster, intensity normal, irregular voicing, precise
//!   articulation. Disgust: pitch very much lower, range slightly wider, rate very much slower,
//!   intensity lower, wide downward terminal inflections.
//! - Banse & Scherer (1996, J. Pers. Soc. Psychol. 70(3)): hot anger, panic fear and elation
//!   have higher mean f0 and energy than sadness and boredom; hot anger has relatively more
//!   energy in the high frequencies (a flatter spectrum), sadness less.
//! - Scherer (2003, Speech Communication 40) and Juslin & Laukka (2003, Psychol. Bull. 129(5))
//!   summarise the same pattern along arousal: anger and happiness raise f0 level, f0
//!   variability, intensity, rate and high-frequency energy; sadness lowers them all and ends
//!   phrases with falling contours; fear raises f0 level and rate.
//! - Gobl & Ní Chasaide (2003, Speech Communication 40): tense voice is associated with anger,
//!   breathy voice with relaxed, intimate states, whispery voice with timidity and fear.
//!   (Murray & Arnott list anger as "breathy"; we follow the tense-voice finding, with little
//!   aspiration and a flat spectrum.)
//!
//! `calm` and `surprised` (RAVDESS's two extra emotions) are not in these summaries. Calm is
//! treated as a low-arousal neutral (lower, narrower, softer, slower, breathier); surprise as
//! high arousal with the widest range and a rising end. Both are our assumptions.
//!
//! Speakers: formant frequencies scale with vocal-tract length, women's being some 15-20 %
//! higher than men's (Peterson & Barney 1952, JASA 24); women's voices are breathier on average
//! (Klatt & Klatt 1990, JASA 87).

use crate::error::{Result, SerError};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// RAVDESS's eight emotions, in its code order (01 neutral ... 08 surprised).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Emotion {
    Neutral,
    Calm,
    Happy,
    Sad,
    Angry,
    Fearful,
    Disgust,
    Surprised,
}

impl Emotion {
    pub const ALL: [Emotion; 8] =
        [Emotion::Neutral, Emotion::Calm, Emotion::Happy, Emotion::Sad, Emotion::Angry, Emotion::Fearful, Emotion::Disgust, Emotion::Surprised];

    pub fn name(self) -> &'static str {
        match self {
            Emotion::Neutral => "neutral",
            Emotion::Calm => "calm",
            Emotion::Happy => "happy",
            Emotion::Sad => "sad",
            Emotion::Angry => "angry",
            Emotion::Fearful => "fearful",
            Emotion::Disgust => "disgust",
            Emotion::Surprised => "surprised",
        }
    }

    /// The emotion with this name (RAVDESS's spelling, any case).
    pub fn from_name(name: &str) -> Result<Emotion> {
        let wanted = name.trim().to_ascii_lowercase();
        Emotion::ALL.into_iter().find(|e| e.name() == wanted).ok_or_else(|| {
            let names: Vec<&str> = Emotion::ALL.iter().map(|e| e.name()).collect();
            SerError::parameter(format!("emotion='{name}' is not known; use one of: {}", names.join(", ")))
        })
    }

    /// Position in [`Emotion::ALL`] (RAVDESS code minus one).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The fully expressed profile of this emotion (see the module documentation for sources).
    pub fn profile(self) -> Profile {
        let p = |f0_ratio, range_st, rate, level_db, jitter, shimmer, breathiness, tilt_hz, articulation, terminal_st, accent_width, declination_st| Profile {
            f0_ratio,
            range_st,
            rate,
            level_db,
            jitter,
            shimmer,
            breathiness,
            tilt_hz,
            articulation,
            terminal_st,
            accent_width,
            declination_st,
        };
        //            f0    range  rate  level  jitter  shimmer breath tilt   artic  end   accent decl
        match self {
            Emotion::Neutral => p(1.00, 4.0, 1.00, 0.0, 0.006, 0.035, 0.06, 1400.0, 0.85, -2.0, 1.0, -2.0),
            Emotion::Calm => p(0.95, 3.0, 0.90, -3.0, 0.006, 0.035, 0.12, 1000.0, 0.78, -2.0, 1.2, -1.5),
            Emotion::Happy => p(1.28, 8.0, 1.08, 4.0, 0.007, 0.040, 0.08, 2200.0, 0.88, 1.5, 1.1, -1.5),
            Emotion::Sad => p(0.92, 1.8, 0.80, -5.0, 0.011, 0.055, 0.16, 700.0, 0.68, -2.5, 1.2, -1.5),
            Emotion::Angry => p(1.30, 7.0, 1.10, 8.0, 0.011, 0.060, 0.03, 3500.0, 0.95, -5.0, 0.55, -3.0),
            Emotion::Fearful => p(1.45, 5.0, 1.22, 1.0, 0.020, 0.075, 0.20, 1500.0, 0.92, 2.5, 0.8, -1.0),
            Emotion::Disgust => p(0.88, 5.0, 0.76, -2.0, 0.011, 0.055, 0.10, 1100.0, 0.85, -6.0, 1.0, -2.5),
            Emotion::Surprised => p(1.40, 9.0, 1.04, 4.0, 0.007, 0.040, 0.08, 2200.0, 0.90, 5.0, 1.0, -0.5),
        }
    }
}

/// How an emotion shapes one utterance, relative to the speaker's neutral voice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// Pitch level, as a ratio of the speaker's neutral f0.
    pub f0_ratio: f64,
    /// Height of the pitch accents in semitones: the pitch range.
    pub range_st: f64,
    /// Speaking rate, as a ratio of the neutral syllable rate.
    pub rate: f64,
    /// Level in dB relative to neutral.
    pub level_db: f64,
    /// Period-to-period perturbation of the glottal period (standard deviation, a fraction).
    pub jitter: f64,
    /// Cycle-to-cycle perturbation of the pulse amplitude (standard deviation of its log).
    pub shimmer: f64,
    /// Aspiration noise relative to the voiced source (RMS ratio): breathiness.
    pub breathiness: f64,
    /// Corner of the source's one-pole low-pass in Hz: lower means a steeper spectral tilt,
    /// less high-frequency energy.
    pub tilt_hz: f64,
    /// How far vowels reach their formant targets from a central schwa (1 = fully).
    pub articulation: f64,
    /// Pitch movement over the final syllable in semitones (negative: a fall).
    pub terminal_st: f64,
    /// Width of the pitch accents relative to their vowel (small: abrupt).
    pub accent_width: f64,
    /// Fall of the pitch baseline over the utterance in semitones.
    pub declination_st: f64,
}

impl Profile {
    /// The profile a fraction `strength` of the way from `neutral` to `full` (0: neutral,
    /// 1: full, above 1: exaggerated). Ratios move geometrically, the rest linearly.
    pub fn blend(neutral: &Profile, full: &Profile, strength: f64) -> Profile {
        let lin = |a: f64, b: f64| a + strength * (b - a);
        let geo = |a: f64, b: f64| a * (b / a).powf(strength);
        Profile {
            f0_ratio: geo(neutral.f0_ratio, full.f0_ratio),
            range_st: geo(neutral.range_st, full.range_st),
            rate: geo(neutral.rate, full.rate),
            level_db: lin(neutral.level_db, full.level_db),
            jitter: geo(neutral.jitter, full.jitter),
            shimmer: geo(neutral.shimmer, full.shimmer),
            breathiness: geo(neutral.breathiness, full.breathiness),
            tilt_hz: geo(neutral.tilt_hz, full.tilt_hz),
            articulation: lin(neutral.articulation, full.articulation).clamp(0.3, 1.0),
            terminal_st: lin(neutral.terminal_st, full.terminal_st),
            accent_width: geo(neutral.accent_width, full.accent_width),
            declination_st: lin(neutral.declination_st, full.declination_st),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn name(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// A synthetic speaker's habitual voice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Voice {
    pub sex: Sex,
    /// Neutral pitch level in Hz.
    pub f0_hz: f64,
    /// Formant frequencies relative to the male reference vowels (vocal-tract length).
    pub formant_scale: f64,
    /// Habitual aspiration, added to the emotion's breathiness.
    pub breathiness: f64,
    pub jitter_scale: f64,
    pub shimmer_scale: f64,
    pub rate_scale: f64,
    pub range_scale: f64,
    /// Habitual level in dB.
    pub level_db: f64,
    /// Scales the spectral-tilt corner.
    pub tilt_scale: f64,
    /// How strongly this speaker expresses emotions (scales the utterance's strength).
    pub expressiveness: f64,
}

/// The fractional part of `k` times the golden ratio: well-spread positions in [0, 1) for
/// successive speakers of one sex, so that even a few speakers cover the pitch range.
fn spread(k: u32, offset: f64) -> f64 {
    (offset + k as f64 * 0.618_033_988_749_895).fract()
}

fn log_uniform(u: f64, lo: f64, hi: f64) -> f64 {
    lo * (hi / lo).powf(u)
}

/// Speaker `speaker` (numbered from 1): odd numbers are men, even women, as RAVDESS's actors.
/// The voice depends on the number alone, so speaker 3 sounds the same in every corpus.
pub fn voice(speaker: u32, rng: &mut ChaCha8Rng) -> Voice {
    let sex = if speaker % 2 == 1 { Sex::Male } else { Sex::Female };
    let k = (speaker.saturating_sub(1)) / 2;
    let mut u = |lo: f64, hi: f64| rng.random_range(lo..hi);
    // Typical adult speaking f0: roughly 85-155 Hz for men and 165-255 Hz for women.
    let (f0_hz, formant_scale, breathiness) = match sex {
        Sex::Male => (log_uniform(spread(k, 0.3), 88.0, 140.0), u(0.94, 1.05), u(0.02, 0.08)),
        Sex::Female => (log_uniform(spread(k, 0.7), 170.0, 245.0), u(1.10, 1.22), u(0.05, 0.13)),
    };
    Voice {
        sex,
        f0_hz,
        formant_scale,
        breathiness,
        jitter_scale: u(0.7, 1.4),
        shimmer_scale: u(0.7, 1.4),
        rate_scale: u(0.88, 1.12),
        range_scale: u(0.8, 1.25),
        level_db: u(-3.0, 3.0),
        tilt_scale: u(0.8, 1.25),
        expressiveness: u(0.75, 1.15),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for e in Emotion::ALL {
            assert_eq!(Emotion::from_name(&e.name().to_uppercase()).unwrap(), e);
            assert_eq!(Emotion::ALL[e.index()], e);
        }
        let err = Emotion::from_name("joyful").unwrap_err();
        assert!(err.message().contains("emotion='joyful'") && err.message().contains("surprised"));
    }

    #[test]
    fn profiles_follow_the_reported_directions() {
        let p = |e: Emotion| e.profile();
        let (n, ang, hap, sad, fea, dis) = (p(Emotion::Neutral), p(Emotion::Angry), p(Emotion::Happy), p(Emotion::Sad), p(Emotion::Fearful), p(Emotion::Disgust));
        for high in [ang, hap, fea] {
            assert!(high.f0_ratio > n.f0_ratio && high.range_st > n.range_st && high.rate > n.rate);
        }
        assert!(sad.f0_ratio < n.f0_ratio && sad.range_st < n.range_st && sad.rate < n.rate && sad.level_db < n.level_db);
        assert!(dis.f0_ratio < n.f0_ratio && dis.rate < sad.rate && dis.terminal_st < n.terminal_st);
        assert!(ang.tilt_hz > n.tilt_hz && sad.tilt_hz < n.tilt_hz, "flatter spectrum for anger, steeper for sadness");
        assert!(fea.jitter > n.jitter && ang.breathiness < n.breathiness && sad.articulation < n.articulation);
    }

    #[test]
    fn blending_moves_from_neutral_to_the_full_profile() {
        let (n, a) = (Emotion::Neutral.profile(), Emotion::Angry.profile());
        assert_eq!(Profile::blend(&n, &a, 0.0), n);
        let full = Profile::blend(&n, &a, 1.0);
        assert!((full.f0_ratio - a.f0_ratio).abs() < 1e-12 && (full.level_db - a.level_db).abs() < 1e-12);
        let half = Profile::blend(&n, &a, 0.5);
        assert!(half.f0_ratio > n.f0_ratio && half.f0_ratio < a.f0_ratio);
    }
}
