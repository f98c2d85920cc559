//! What is said and when: two fixed sentences (as RAVDESS has two statements), timed by the
//! speaking rate, turned into per-sample control tracks (pitch, voicing, aspiration, frication,
//! formants) for the source-filter renderer.

use super::profile::Voice;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// Formants F1-F3 in Hz of the male reference vowels, after Peterson & Barney (1952, JASA 24,
/// averages for men); F4 and F5 are Klatt's (1980, JASA 67) defaults.
const IH: [f64; 3] = [390.0, 1990.0, 2550.0];
const AA: [f64; 3] = [730.0, 1090.0, 2440.0];
const AO: [f64; 3] = [570.0, 840.0, 2410.0];
const AH: [f64; 3] = [640.0, 1190.0, 2390.0];
const ER: [f64; 3] = [490.0, 1350.0, 1690.0];
/// A uniform 17.5 cm tube: where unreached targets fall back to (vowel reduction).
const SCHWA: [f64; 3] = [500.0, 1500.0, 2500.0];
const F45: [f64; 2] = [3300.0, 3750.0];
/// Bandwidths in Hz of F1-F5 in vowels (Klatt 1980's defaults, rounded).
const VOWEL_BW: [f64; 5] = [80.0, 90.0, 150.0, 250.0, 200.0];
/// Nasals and liquids: damped, wider resonances.
const SONORANT_BW: [f64; 5] = [120.0, 200.0, 250.0, 300.0, 300.0];

/// Speech sounds, with what the renderer needs of each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Sound {
    /// A vowel moving from one formant target to another (equal for monophthongs).
    Vowel { from: [f64; 3], to: [f64; 3] },
    /// Noise through one resonance (male reference centre, bandwidth in Hz), optionally voiced.
    Fricative { hz: f64, bw: f64, gain_db: f64, voiced: bool },
    /// Closure (silence or a voice bar), then a burst at `burst_hz`, then aspiration if voiceless.
    Stop { burst_hz: f64, voiced: bool },
    /// Nasals and liquids: weak voicing through their own formants.
    Sonorant { f: [f64; 3], gain_db: f64 },
}

const fn vowel(f: [f64; 3]) -> Sound {
    Sound::Vowel { from: f, to: f }
}

const K: Sound = Sound::Stop { burst_hz: 1900.0, voiced: false };
const G: Sound = Sound::Stop { burst_hz: 1900.0, voiced: true };
const T: Sound = Sound::Stop { burst_hz: 4000.0, voiced: false };
const D: Sound = Sound::Stop { burst_hz: 4000.0, voiced: true };
const B: Sound = Sound::Stop { burst_hz: 900.0, voiced: true };
const S: Sound = Sound::Fricative { hz: 5200.0, bw: 1800.0, gain_db: -10.0, voiced: false };
const Z: Sound = Sound::Fricative { hz: 5200.0, bw: 1800.0, gain_db: -16.0, voiced: true };
const DH: Sound = Sound::Fricative { hz: 3500.0, bw: 3000.0, gain_db: -24.0, voiced: true };
const R: Sound = Sound::Sonorant { f: [420.0, 1300.0, 1600.0], gain_db: -4.0 };
const NG: Sound = Sound::Sonorant { f: [250.0, 2000.0, 2600.0], gain_db: -9.0 };
const AY: Sound = Sound::Vowel { from: AA, to: IH };

/// A syllable: its sounds, whether it is stressed, and whether a word ends after it.
struct Syllable {
    sounds: &'static [Sound],
    stressed: bool,
    word_end: bool,
}

const fn syl(sounds: &'static [Sound], stressed: bool, word_end: bool) -> Syllable {
    Syllable { sounds, stressed, word_end }
}

/// RAVDESS's two statements, "Kids are talking by the door" and "Dogs are sitting by the door",
/// roughly transcribed.
const SENTENCES: [&[Syllable]; 2] = [
    &[
        syl(&[K, vowel(IH), D, Z], true, true),
        syl(&[vowel(AA), R], false, true),
        syl(&[T, vowel(AO), K], true, false),
        syl(&[vowel(IH), NG], false, true),
        syl(&[B, AY], true, true),
        syl(&[DH, vowel(AH)], false, true),
        syl(&[D, vowel(AO), R], true, true),
    ],
    &[
        syl(&[D, vowel(AO), G, Z], true, true),
        syl(&[vowel(ER)], false, true),
        syl(&[S, vowel(IH), T], true, false),
        syl(&[vowel(IH), NG], false, true),
        syl(&[B, AY], true, true),
        syl(&[DH, vowel(AH)], false, true),
        syl(&[D, vowel(AO), R], true, true),
    ],
];

pub(crate) const N_SENTENCES: usize = SENTENCES.len();

/// Everything the plan needs about the utterance's delivery, already mixed from emotion,
/// speaker and chance.
#[derive(Debug, Clone)]
pub(crate) struct Delivery {
    pub f0_hz: f64,
    pub range_st: f64,
    pub declination_st: f64,
    pub terminal_st: f64,
    pub accent_width: f64,
    /// Speaking-rate ratio (1: about five syllables a second).
    pub rate: f64,
    pub articulation: f64,
}

/// Per-sample control tracks.
#[derive(Debug, Clone)]
pub(crate) struct Controls {
    pub sr: f64,
    pub f0: Vec<f64>,
    /// Amplitude of the voiced source (1 = a stressed vowel's level).
    pub voice: Vec<f64>,
    /// Aspiration without voicing (stop releases), relative to the vowel level.
    pub aspiration: Vec<f64>,
    /// Frication amplitude relative to the vowel level, and its resonance.
    pub frication: Vec<f64>,
    pub fric_hz: Vec<f64>,
    pub fric_bw: Vec<f64>,
    pub formants: [Vec<f64>; 5],
    pub bandwidths: [Vec<f64>; 5],
    /// Samples of each syllable's vowel, for tests and summaries.
    pub vowels: Vec<(usize, usize)>,
}

/// One stretch of the utterance with constant targets.
#[derive(Debug, Clone, Copy)]
struct Piece {
    seconds: f64,
    voice_db: Option<f64>,
    aspiration_db: Option<f64>,
    frication: Option<(f64, f64, f64)>,
    formants: Option<([f64; 3], [f64; 3])>,
    bandwidths: [f64; 5],
    /// Index of the syllable whose vowel this is.
    vowel_of: Option<usize>,
}

impl Piece {
    fn silence(seconds: f64) -> Piece {
        Piece { seconds, voice_db: None, aspiration_db: None, frication: None, formants: None, bandwidths: VOWEL_BW, vowel_of: None }
    }
}

fn db(x: f64) -> f64 {
    10f64.powf(x / 20.0)
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

/// Neutral durations in seconds, after the segment durations of Klatt (1979, in "Frontiers of
/// Speech Communication Research"): stressed vowels ~0.14 s, unstressed ~0.07 s, consonants
/// 0.05-0.1 s; phrase-final syllables are lengthened (Klatt 1976, JASA 59).
fn pieces_of(sound: Sound, stressed: bool, last: bool, level_db: f64, next_vowel: [f64; 3]) -> Vec<Piece> {
    let lengthen = if last { 1.5 } else { 1.0 };
    match sound {
        Sound::Vowel { from, to } => {
            let base = if stressed { 0.14 } else { 0.075 } * if from == to { 1.0 } else { 1.3 };
            vec![Piece { seconds: base * lengthen, voice_db: Some(level_db), formants: Some((from, to)), ..Piece::silence(0.0) }]
        }
        Sound::Sonorant { f, gain_db } => {
            vec![Piece { seconds: 0.06 * lengthen, voice_db: Some(level_db + gain_db), formants: Some((f, f)), bandwidths: SONORANT_BW, ..Piece::silence(0.0) }]
        }
        Sound::Fricative { hz, bw, gain_db, voiced } => vec![Piece {
            seconds: 0.095 * lengthen,
            voice_db: voiced.then_some(level_db - 10.0),
            frication: Some((hz, bw, level_db + gain_db)),
            formants: Some((next_vowel, next_vowel)),
            ..Piece::silence(0.0)
        }],
        Sound::Stop { burst_hz, voiced } => {
            let closure = Piece { seconds: 0.05, voice_db: voiced.then_some(level_db - 25.0), formants: Some((next_vowel, next_vowel)), ..Piece::silence(0.0) };
            let burst = Piece { seconds: 0.012, frication: Some((burst_hz, 2500.0, level_db - 8.0)), formants: Some((next_vowel, next_vowel)), ..Piece::silence(0.0) };
            let mut out = vec![closure, burst];
            if !voiced {
                out.push(Piece { seconds: 0.035, aspiration_db: Some(level_db - 14.0), formants: Some((next_vowel, next_vowel)), ..Piece::silence(0.0) });
            }
            out
        }
    }
}

/// The formant target of the nearest vowel at or after `i` in `sounds`, else `fallback`.
fn next_vowel_target(sounds: &[Sound], i: usize, fallback: [f64; 3]) -> [f64; 3] {
    sounds[i..].iter().find_map(|s| if let Sound::Vowel { from, .. } = s { Some(*from) } else { None }).unwrap_or(fallback)
}

/// The pieces of a whole utterance: leading silence, syllables with optional pauses at word
/// ends, trailing silence. Returns them with each syllable's stress.
fn schedule(sentence: usize, d: &Delivery, rng: &mut ChaCha8Rng) -> (Vec<Piece>, Vec<bool>) {
    let syllables = SENTENCES[sentence % N_SENTENCES];
    let n = syllables.len();
    let mut pieces = vec![Piece::silence(rng.random_range(0.15..0.35))];
    let mut stress = Vec::with_capacity(n);
    let mut last_vowel = SCHWA;
    for (k, s) in syllables.iter().enumerate() {
        let last = k + 1 == n;
        // Louder stressed syllables, a falling level over the phrase, a little chance.
        let level_db = if s.stressed { 0.0 } else { -4.0 } - 3.0 * k as f64 / n as f64 + 0.8 * normal(rng);
        for (i, &sound) in s.sounds.iter().enumerate() {
            let target = next_vowel_target(s.sounds, i, last_vowel);
            for mut p in pieces_of(sound, s.stressed, last, level_db, target) {
                p.seconds *= (0.12 * normal(rng)).exp() / d.rate;
                if p.formants.is_some() && matches!(sound, Sound::Vowel { .. }) {
                    p.vowel_of = Some(k);
                }
                pieces.push(p);
            }
            if let Sound::Vowel { to, .. } = sound {
                last_vowel = to;
            }
        }
        stress.push(s.stressed);
        // Slower speech pauses more often between words.
        let pause_p = 0.08 + 0.3 * (1.0 - d.rate).max(0.0);
        if s.word_end && !last && rng.random::<f64>() < pause_p {
            pieces.push(Piece::silence(rng.random_range(0.06..0.2) / d.rate));
        }
    }
    pieces.push(Piece::silence(rng.random_range(0.2..0.4)));
    (pieces, stress)
}

/// Forward-backward one-pole smoothing with time constant `tau` seconds: zero-phase, so
/// transitions centre on the boundaries between pieces.
fn smooth(x: &mut [f64], tau: f64, sr: f64) {
    if x.is_empty() {
        return;
    }
    let a = (-1.0 / (tau * sr)).exp();
    let mut s = x[0];
    for v in x.iter_mut() {
        s = a * s + (1.0 - a) * *v;
        *v = s;
    }
    let mut s = x[x.len() - 1];
    for v in x.iter_mut().rev() {
        s = a * s + (1.0 - a) * *v;
        *v = s;
    }
}

/// Schwa plus `articulation` times the way to `target`: the undershoot of less precise speech.
fn reach(target: [f64; 3], articulation: f64) -> [f64; 3] {
    std::array::from_fn(|i| SCHWA[i] + articulation * (target[i] - SCHWA[i]))
}

/// The control tracks of sentence `sentence` said by `voice` with `delivery`, at `sr` Hz.
pub(crate) fn plan(sentence: usize, voice: &Voice, d: &Delivery, sr: f64, rng: &mut ChaCha8Rng) -> Controls {
    let (pieces, stress) = schedule(sentence, d, rng);
    let bounds: Vec<usize> = pieces
        .iter()
        .scan(0.0, |t, p| {
            *t += p.seconds;
            Some((*t * sr).round() as usize)
        })
        .collect();
    let n = *bounds.last().unwrap_or(&0);
    let zeros = || vec![0.0; n];
    let mut c = Controls {
        sr,
        f0: zeros(),
        voice: zeros(),
        aspiration: zeros(),
        frication: zeros(),
        fric_hz: vec![1000.0; n],
        fric_bw: vec![1000.0; n],
        formants: std::array::from_fn(|_| zeros()),
        bandwidths: std::array::from_fn(|_| zeros()),
        vowels: vec![(0, 0); stress.len()],
    };
    // Silences hold the formants of the nearest sound, so no transition starts from nothing.
    let mut held: Option<([f64; 3], [f64; 3])> = pieces.iter().find_map(|p| p.formants);
    let nyquist_guard = 0.45 * sr;
    let mut start = 0;
    for (p, &end) in pieces.iter().zip(&bounds) {
        if p.formants.is_some() {
            held = p.formants;
        }
        let (from, to) = held.unwrap_or((SCHWA, SCHWA));
        let (from, to) = (reach(from, d.articulation), reach(to, d.articulation));
        let len = (end - start).max(1) as f64;
        for i in start..end {
            let w = (i - start) as f64 / len;
            for f in 0..3 {
                c.formants[f][i] = voice.formant_scale * (from[f] + w * (to[f] - from[f]));
            }
            for (track, hz) in c.formants[3..].iter_mut().zip(F45) {
                track[i] = voice.formant_scale * hz;
            }
            for (track, bw) in c.bandwidths.iter_mut().zip(p.bandwidths) {
                track[i] = bw;
            }
            c.voice[i] = p.voice_db.map_or(0.0, db);
            c.aspiration[i] = p.aspiration_db.map_or(0.0, db);
            if let Some((hz, bw, level)) = p.frication {
                c.frication[i] = db(level);
                c.fric_hz[i] = (hz * voice.formant_scale).min(0.42 * sr);
                c.fric_bw[i] = bw.min(nyquist_guard - c.fric_hz[i]).max(200.0);
            }
        }
        if let Some(k) = p.vowel_of {
            c.vowels[k] = (start, end);
        }
        start = end;
    }
    // Articulators move in tens of milliseconds; amplitudes rise and fall in a few.
    for track in c.formants.iter_mut().chain(c.bandwidths.iter_mut()) {
        smooth(track, 0.012, sr);
    }
    for track in [&mut c.voice, &mut c.aspiration, &mut c.frication] {
        smooth(track, 0.004, sr);
    }
    pitch_contour(&mut c, &stress, d, rng);
    c
}

/// The f0 track in Hz: a declining baseline, an accent on every stressed syllable (the first
/// highest), a terminal rise or fall on the last vowel, and slow random drift.
fn pitch_contour(c: &mut Controls, stress: &[bool], d: &Delivery, rng: &mut ChaCha8Rng) {
    let n = c.f0.len();
    let sr = c.sr;
    let mut st = vec![0.0; n];
    let total = n.max(1) as f64;
    let drift: Vec<(f64, f64, f64)> = (0..2).map(|_| (0.3 * normal(rng), rng.random_range(0.4..1.6), rng.random_range(0.0..std::f64::consts::TAU))).collect();
    for (i, v) in st.iter_mut().enumerate() {
        let t = i as f64 / sr;
        *v = d.declination_st * i as f64 / total + drift.iter().map(|(a, f, ph)| a * (std::f64::consts::TAU * f * t + ph).sin()).sum::<f64>();
    }
    let mut first = true;
    for (k, &(a, b)) in c.vowels.iter().enumerate() {
        if !stress[k] || b <= a {
            continue;
        }
        let height = d.range_st * rng.random_range(0.55..1.0) * if first { 1.2 } else { 1.0 };
        first = false;
        let centre = (a + b) as f64 / 2.0 + (b - a) as f64 * 0.15 * normal(rng);
        let width = (d.accent_width * (b - a) as f64 * 0.45).max(0.01 * sr);
        let reach = (4.0 * width) as usize;
        let lo = (centre as usize).saturating_sub(reach);
        let hi = (centre as usize + reach).min(n);
        for (i, v) in st.iter_mut().enumerate().take(hi).skip(lo) {
            let x = (i as f64 - centre) / width;
            *v += height * (-0.5 * x * x).exp();
        }
    }
    if let Some(&(a, b)) = c.vowels.last() {
        for (i, v) in st.iter_mut().enumerate().skip(a) {
            let w = ((i - a) as f64 / (b - a).max(1) as f64).min(1.0);
            *v += d.terminal_st * w;
        }
    }
    let ceiling = (sr / 8.0).min(900.0);
    for (f, s) in c.f0.iter_mut().zip(&st) {
        *f = (d.f0_hz * 2f64.powf(s / 12.0)).clamp(40.0, ceiling);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn delivery(rate: f64) -> Delivery {
        Delivery { f0_hz: 120.0, range_st: 4.0, declination_st: -2.0, terminal_st: -3.0, accent_width: 1.0, rate, articulation: 0.85 }
    }

    fn voice() -> Voice {
        super::super::profile::voice(1, &mut ChaCha8Rng::seed_from_u64(1))
    }

    #[test]
    fn faster_speech_is_shorter_and_every_syllable_has_a_vowel() {
        let len = |rate: f64| plan(0, &voice(), &delivery(rate), 16000.0, &mut ChaCha8Rng::seed_from_u64(3)).f0.len();
        assert!(len(1.3) < len(1.0) && len(1.0) < len(0.75));
        let c = plan(1, &voice(), &delivery(1.0), 16000.0, &mut ChaCha8Rng::seed_from_u64(3));
        assert!(c.vowels.iter().all(|&(a, b)| b > a + 160), "{:?}", c.vowels);
        assert!(c.vowels.windows(2).all(|w| w[0].1 <= w[1].0));
    }

    #[test]
    fn tracks_are_finite_and_within_the_band() {
        for sr in [8000.0, 16000.0, 48000.0] {
            let c = plan(0, &voice(), &delivery(1.0), sr, &mut ChaCha8Rng::seed_from_u64(9));
            let all = c.formants.iter().chain(c.bandwidths.iter()).chain([&c.f0, &c.voice, &c.frication, &c.fric_hz]);
            assert!(all.flatten().all(|v| v.is_finite() && *v >= 0.0));
            assert!(c.fric_hz.iter().all(|&f| f < 0.45 * sr) && c.f0.iter().all(|&f| (40.0..=sr / 8.0).contains(&f)));
            // Voiceless stretches exist (silences, /k/, /t/) and so do voiced ones.
            assert!(c.voice.iter().any(|&v| v < 1e-3) && c.voice.iter().any(|&v| v > 0.5));
        }
    }

    #[test]
    fn the_first_accent_raises_pitch_above_the_baseline() {
        let c = plan(0, &voice(), &delivery(1.0), 16000.0, &mut ChaCha8Rng::seed_from_u64(5));
        let (a, b) = c.vowels[0];
        let peak = c.f0[a..b].iter().cloned().fold(0.0, f64::max);
        assert!(peak > 120.0 * 2f64.powf(1.5 / 12.0), "peak {peak}");
    }
}
