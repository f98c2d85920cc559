//! Synthetic emotional speech: the embedded demo corpus, so the whole pipeline runs, and is
//! tested, with no recordings at all.
//!
//! A source-filter model ([`source`]) says one of two fixed sentences ([`script`]) with the
//! pitch level and range, speaking rate, intensity, jitter, shimmer, breathiness, spectral tilt
//! and articulation an emotion calls for ([`profile`], with the literature it follows), in the
//! voice of one of any number of synthetic speakers (pitch level, vocal-tract length,
//! habitual breathiness). How strongly the emotion is expressed varies from utterance to
//! utterance, and all parameters scatter a little, so the classes overlap as real ones do.
//!
//! Every utterance is a pure function of `(seed, speaker, emotion, take)` and the sampling
//! rate: its random stream is keyed by those numbers alone, so a corpus is identical for any
//! thread count and any subset generated.

pub mod profile;
mod script;
mod source;

pub use profile::{voice, Emotion, Profile, Sex, Voice};

use crate::batch::{run_parallel, Progress};
use crate::error::{ensure, Result};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use script::Delivery;
use source::Phonation;

/// Sampling rates we synthesize at: below 4 kHz not even F2 fits; above 192 kHz is no audio
/// format in use.
pub const SR_RANGE: (u32, u32) = (4000, 192_000);

/// Expression strengths beyond this are caricatures the profiles were not meant for.
pub const MAX_STRENGTH: f64 = 1.5;

/// RMS level in dBFS of a neutral utterance's voiced part, for a speaker of average loudness:
/// leaves headroom for anger's +8 dB and its peaks.
const NEUTRAL_LEVEL_DBFS: f64 = -26.0;

/// Background noise level in dBFS: no sample of a real recording is digital silence.
const FLOOR_DBFS: f64 = -72.0;

/// One utterance to synthesize.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Utterance {
    pub emotion: Emotion,
    /// The speaker, numbered from 1 (odd: male, even: female).
    pub speaker: u32,
    /// Which repetition of this emotion by this speaker; even takes say sentence 1, odd ones
    /// sentence 2.
    pub take: u32,
    /// How strongly the emotion is expressed (0: neutral delivery, 1: the full profile);
    /// `None` draws it from U(0.5, 1).
    pub strength: Option<f64>,
}

/// A synthesized utterance and what it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Synthesized {
    pub samples: Vec<f32>,
    pub sr: u32,
    /// 0 or 1: which sentence was said.
    pub sentence: usize,
    /// The expression strength used, after the speaker's expressiveness.
    pub strength: f64,
    /// The pitch level asked for, before accents and declination (Hz).
    pub f0_hz: f64,
    /// Speaking-rate ratio used (1 is the neutral rate of about five syllables a second).
    pub rate: f64,
    /// Voiced level asked for, dBFS RMS.
    pub level_dbfs: f64,
}

/// A ChaCha8 stream keyed by `(tag, a, b, c)`; the tag keeps the synthesizer's streams apart
/// from the augmentation's ([`crate::effects::Pipeline::rng_for`]) under the same seed.
fn stream(tag: u64, a: u64, b: u64, c: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    for (i, v) in [tag, a, b, c].into_iter().enumerate() {
        key[8 * i..8 * i + 8].copy_from_slice(&v.to_le_bytes());
    }
    ChaCha8Rng::from_seed(key)
}

const VOICE_TAG: u64 = 0x5645_4943_4500_0001;
const UTTERANCE_TAG: u64 = 0x5554_5445_5200_0001;

/// The voice of speaker `speaker` (numbered from 1); the same in every corpus.
pub fn speaker_voice(speaker: u32) -> Result<Voice> {
    check_speaker(speaker)?;
    Ok(voice(speaker, &mut stream(VOICE_TAG, speaker as u64, 0, 0)))
}

fn check_speaker(speaker: u32) -> Result<()> {
    ensure(speaker >= 1, || "speaker=0: speakers are numbered from 1".to_string())
}

/// Checks the sampling rate.
pub fn check_sr(sr: u32) -> Result<()> {
    ensure((SR_RANGE.0..=SR_RANGE.1).contains(&sr), || {
        format!("sr={sr} must be a sampling rate between {} and {} Hz (16000 is typical for speech)", SR_RANGE.0, SR_RANGE.1)
    })
}

fn check(u: &Utterance, sr: u32) -> Result<()> {
    check_sr(sr)?;
    check_speaker(u.speaker)?;
    if let Some(s) = u.strength {
        ensure(s.is_finite() && (0.0..=MAX_STRENGTH).contains(&s), || {
            format!("strength={s} must be a number between 0 (neutral delivery) and {MAX_STRENGTH}, or None to draw it")
        })?;
    }
    Ok(())
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

/// Synthesizes one utterance at `sr` Hz from the stream of `seed`.
pub fn synthesize(u: &Utterance, sr: u32, seed: u64) -> Result<Synthesized> {
    check(u, sr)?;
    let voice = speaker_voice(u.speaker)?;
    let mut rng = stream(UTTERANCE_TAG, seed, u.speaker as u64, (u.emotion.index() as u64) << 32 | u.take as u64);
    let drawn = rng.random_range(0.5..1.0);
    let strength = u.strength.unwrap_or(drawn) * voice.expressiveness;
    let p = Profile::blend(&Emotion::Neutral.profile(), &u.emotion.profile(), strength);
    // Every parameter also scatters from take to take, as no two readings are alike.
    let mut scatter = |sd: f64| (sd * normal(&mut rng)).exp();
    let delivery = Delivery {
        f0_hz: voice.f0_hz * p.f0_ratio * scatter(0.04),
        range_st: p.range_st * voice.range_scale * scatter(0.15),
        declination_st: p.declination_st,
        terminal_st: p.terminal_st,
        accent_width: p.accent_width,
        rate: p.rate * voice.rate_scale * scatter(0.05),
        articulation: p.articulation,
    };
    let phonation = Phonation {
        jitter: p.jitter * voice.jitter_scale * scatter(0.15),
        shimmer: p.shimmer * voice.shimmer_scale * scatter(0.15),
        breathiness: (p.breathiness + voice.breathiness) * scatter(0.15),
        tilt_hz: p.tilt_hz * voice.tilt_scale * scatter(0.1),
    };
    let level_dbfs = NEUTRAL_LEVEL_DBFS + voice.level_db + p.level_db + normal(&mut rng);
    let sentence = (u.take as usize) % script::N_SENTENCES;
    let controls = script::plan(sentence, &voice, &delivery, sr as f64, &mut rng);
    let mut y = source::render(&controls, &phonation, &mut rng);
    let gain = 10f64.powf(level_dbfs / 20.0);
    let floor = 10f64.powf(FLOOR_DBFS / 20.0);
    for v in y.iter_mut() {
        *v = *v * gain + floor * normal(&mut rng);
    }
    // The loudest takes could clip: scale the whole utterance down instead, as a recording
    // engineer would set the gain.
    let peak = y.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if peak > 0.98 {
        y.iter_mut().for_each(|v| *v *= 0.98 / peak);
    }
    Ok(Synthesized {
        samples: y.into_iter().map(|v| v as f32).collect(),
        sr,
        sentence,
        strength,
        f0_hz: delivery.f0_hz,
        rate: delivery.rate,
        level_dbfs,
    })
}

/// Synthesizes every utterance, in input order, on `n_jobs` threads (all cores if `None`),
/// counting finished items in `progress`.
pub fn synthesize_batch(utterances: &[Utterance], sr: u32, seed: u64, n_jobs: Option<usize>, progress: &Progress) -> Result<Vec<Result<Synthesized>>> {
    check_sr(sr)?;
    run_parallel(utterances.len(), 1, n_jobs, false, progress, |i| vec![crate::error::contain_bug(|| synthesize(&utterances[i], sr, seed))])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prosody::pitch::{yin, YinParams};

    fn utt(emotion: Emotion, speaker: u32, take: u32) -> Utterance {
        Utterance { emotion, speaker, take, strength: None }
    }

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    }

    /// Median YIN f0 over frames whose estimate is confident (voiced vowels).
    fn measured_f0(s: &Synthesized) -> f64 {
        let mut p = YinParams::new(60.0, 500.0);
        p.sr = s.sr as f64;
        p.frame_length = 1024;
        let f0 = yin(&s.samples, &p).unwrap();
        let hop = 256;
        let frames: Vec<f64> = f0
            .iter()
            .enumerate()
            .filter(|(t, _)| {
                let c = (t * hop).min(s.samples.len() - 1);
                let lo = c.saturating_sub(hop);
                let hi = (c + hop).min(s.samples.len());
                let e = s.samples[lo..hi].iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / (hi - lo) as f64;
                e.sqrt() > 10f64.powf((s.level_dbfs - 6.0) / 20.0)
            })
            .map(|(_, &f)| f)
            .collect();
        median(frames)
    }

    #[test]
    fn same_seed_same_samples_and_another_seed_differs() {
        let u = utt(Emotion::Happy, 2, 3);
        let a = synthesize(&u, 16000, 7).unwrap();
        assert_eq!(a, synthesize(&u, 16000, 7).unwrap());
        assert_ne!(a.samples, synthesize(&u, 16000, 8).unwrap().samples);
        assert_ne!(a.samples, synthesize(&utt(Emotion::Happy, 2, 4), 16000, 7).unwrap().samples);
        let batch = synthesize_batch(&[u, utt(Emotion::Sad, 1, 0)], 16000, 7, Some(2), &Progress::default()).unwrap();
        assert_eq!(batch[0].as_ref().unwrap(), &a, "threads do not change the result");
    }

    #[test]
    fn output_is_finite_bounded_and_about_two_seconds() {
        for e in Emotion::ALL {
            let s = synthesize(&utt(e, 1, 0), 16000, 0).unwrap();
            let secs = s.samples.len() as f64 / 16000.0;
            assert!((1.2..3.5).contains(&secs), "{e:?}: {secs} s");
            assert!(s.samples.iter().all(|v| v.is_finite() && v.abs() <= 0.981));
            assert!(s.samples.iter().all(|&v| v != 0.0) || s.samples.iter().filter(|&&v| v == 0.0).count() < 10, "a noise floor, no digital silence");
        }
    }

    #[test]
    fn measured_f0_follows_the_requested_level() {
        for (speaker, emotion) in [(1, Emotion::Neutral), (2, Emotion::Neutral), (3, Emotion::Angry), (4, Emotion::Sad), (5, Emotion::Fearful)] {
            let s = synthesize(&Utterance { emotion, speaker, take: 0, strength: Some(1.0) }, 16000, 1).unwrap();
            let f0 = measured_f0(&s);
            // Accents lift the median above the baseline, declination lowers it: within ~4 st.
            let st = 12.0 * (f0 / s.f0_hz).log2();
            assert!((-2.0..4.5).contains(&st), "speaker {speaker} {emotion:?}: measured {f0:.0} Hz for {:.0} Hz ({st:.1} st)", s.f0_hz);
        }
    }

    #[test]
    fn emotions_move_pitch_rate_and_level_the_reported_way() {
        let mean = |e: Emotion, f: &dyn Fn(&Synthesized) -> f64| -> f64 {
            let vals: Vec<f64> = (1..=4).flat_map(|spk| (0..2).map(move |t| (spk, t))).map(|(spk, t)| f(&synthesize(&utt(e, spk, t), 16000, 3).unwrap())).collect();
            vals.iter().sum::<f64>() / vals.len() as f64
        };
        let f0 = |s: &Synthesized| 12.0 * measured_f0(s).log2();
        let secs = |s: &Synthesized| s.samples.len() as f64;
        let rms = |s: &Synthesized| (s.samples.iter().map(|v| (*v as f64).powi(2)).sum::<f64>() / s.samples.len() as f64).sqrt();
        assert!(mean(Emotion::Angry, &f0) > mean(Emotion::Sad, &f0) + 3.0);
        assert!(mean(Emotion::Happy, &f0) > mean(Emotion::Sad, &f0) + 3.0);
        assert!(mean(Emotion::Sad, &secs) > mean(Emotion::Angry, &secs) * 1.15, "sad speech is slower");
        assert!(mean(Emotion::Angry, &rms) > 2.0 * mean(Emotion::Sad, &rms), "angry speech is louder");
    }

    #[test]
    fn speakers_differ_and_alternate_sex() {
        let v: Vec<Voice> = (1..=8).map(|s| speaker_voice(s).unwrap()).collect();
        assert!(v.iter().step_by(2).all(|v| v.sex == Sex::Male && v.f0_hz < 150.0));
        assert!(v.iter().skip(1).step_by(2).all(|v| v.sex == Sex::Female && v.f0_hz > 160.0 && v.formant_scale > 1.05));
        assert_eq!(speaker_voice(3).unwrap(), speaker_voice(3).unwrap());
        let mut f0s: Vec<f64> = v.iter().map(|v| v.f0_hz).collect();
        f0s.sort_by(|a, b| a.total_cmp(b));
        assert!(f0s.windows(2).all(|w| w[1] > w[0] * 1.01), "distinct pitch levels {f0s:?}");
    }

    #[test]
    fn other_rates_work_and_bad_parameters_are_named() {
        for sr in [8000, 22050, 48000] {
            let s = synthesize(&utt(Emotion::Calm, 6, 1), sr, 0).unwrap();
            assert!(s.samples.iter().all(|v| v.is_finite()) && s.samples.len() > sr as usize);
        }
        let msg = |r: Result<Synthesized>| r.unwrap_err().message().to_string();
        assert!(msg(synthesize(&utt(Emotion::Calm, 1, 0), 100, 0)).contains("sr=100"));
        assert!(msg(synthesize(&utt(Emotion::Calm, 0, 0), 16000, 0)).contains("speaker=0"));
        for bad in [f64::NAN, -0.1, 9.0, f64::INFINITY] {
            let u = Utterance { strength: Some(bad), ..utt(Emotion::Sad, 1, 0) };
            assert!(msg(synthesize(&u, 16000, 0)).contains("strength="));
        }
    }
}
