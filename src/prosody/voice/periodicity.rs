//! Short-term periodicity after Boersma (1993): per frame, the peaks of the normalised
//! autocorrelation (pitch, "Sound: To Pitch (ac)") or of the normalised cross-correlation
//! (harmonicity, "Sound: To Harmonicity (cc)") are the voiced candidates, one unvoiced
//! candidate stands for silence or noise, and a Viterbi path picks one candidate per frame.
//!
//! Boersma's key step for autocorrelation: the windowed frame's autocorrelation is divided by
//! the window's own autocorrelation, which removes the window's taper from the peak heights so
//! that a periodic signal scores close to 1 at its period. A peak of height r then means a
//! harmonics-to-noise ratio of 10 log10(r / (1 - r)) dB.

use super::{check_signal, ensure_positive, frame_layout, nearest_sample, Contour};
use crate::error::{ensure, Result};
use num_complex::Complex64;
use realfft::RealFftPlanner;

/// One way to explain a frame: a period (frequency > 0) or unvoiced (frequency 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Candidate {
    pub frequency: f64,
    pub strength: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    /// Hann-windowed autocorrelation, normalised by the window's (3 periods per window).
    Autocorrelation,
    /// Cross-correlation of a window with its lagged copy (1 period per window), unwindowed,
    /// so it resolves fast perturbations (what harmonicity wants).
    CrossCorrelation,
}

/// Frame analysis settings common to both methods.
struct Analysis {
    method: Method,
    time_step: f64,
    floor: f64,
    ceiling: f64,
    max_candidates: usize,
    silence_threshold: f64,
    voicing_threshold: f64,
    octave_cost: f64,
    periods_per_window: f64,
}

/// Transition costs of the path finder, per 10 ms (Praat scales them by 0.01 / time step).
struct PathCosts {
    octave_cost: f64,
    octave_jump_cost: f64,
    voiced_unvoiced_cost: f64,
}

/// Settings of [`pitch_ac`], with Praat's "To Pitch (ac)" defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct PitchParams {
    /// Seconds between frames; `None` means 0.75 / pitch_floor.
    pub time_step: Option<f64>,
    pub pitch_floor: f64,
    pub pitch_ceiling: f64,
    /// Candidates kept per frame, the unvoiced one included.
    pub max_candidates: usize,
    /// Frames whose peak is below this fraction of the signal's peak lean to unvoiced.
    pub silence_threshold: f64,
    /// Correlation a candidate must beat to be voiced.
    pub voicing_threshold: f64,
    /// Preference for higher frequencies, per octave (guards against octave-down errors).
    pub octave_cost: f64,
    /// Cost of a one-octave jump between consecutive frames.
    pub octave_jump_cost: f64,
    /// Cost of a voiced/unvoiced transition.
    pub voiced_unvoiced_cost: f64,
}

impl Default for PitchParams {
    fn default() -> Self {
        PitchParams {
            time_step: None,
            pitch_floor: 75.0,
            pitch_ceiling: 600.0,
            max_candidates: 15,
            silence_threshold: 0.03,
            voicing_threshold: 0.45,
            octave_cost: 0.01,
            octave_jump_cost: 0.35,
            voiced_unvoiced_cost: 0.14,
        }
    }
}

/// A pitch contour: frames every `time_step` seconds from `times[0]`; `f0` is NaN where the
/// frame is unvoiced; `strength` is the chosen candidate's correlation (voiced frames).
#[derive(Debug, Clone, PartialEq)]
pub struct PitchTrack {
    pub times: Vec<f64>,
    pub time_step: f64,
    pub f0: Vec<f64>,
    pub strength: Vec<f64>,
}

/// Settings of [`harmonicity_cc`], with Praat's "To Harmonicity (cc)" defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct HarmonicityParams {
    pub time_step: f64,
    pub min_pitch: f64,
    pub silence_threshold: f64,
    pub periods_per_window: f64,
}

impl Default for HarmonicityParams {
    fn default() -> Self {
        HarmonicityParams { time_step: 0.01, min_pitch: 75.0, silence_threshold: 0.1, periods_per_window: 1.0 }
    }
}

/// Pitch by autocorrelation with Viterbi path finding (Praat's "To Pitch (ac)").
pub fn pitch_ac(y: &[f32], sr: f64, p: &PitchParams) -> Result<PitchTrack> {
    check_signal(y, sr)?;
    ensure_positive(p.pitch_floor, "pitch_floor", "Praat's default is 75 Hz")?;
    ensure_positive(p.pitch_ceiling, "pitch_ceiling", "Praat's default is 600 Hz")?;
    ensure(p.pitch_ceiling > p.pitch_floor, || {
        format!("pitch_ceiling={} must be above pitch_floor={}", p.pitch_ceiling, p.pitch_floor)
    })?;
    ensure(p.pitch_ceiling <= sr / 2.0, || {
        format!("pitch_ceiling={} Hz is above the Nyquist frequency {} Hz", p.pitch_ceiling, sr / 2.0)
    })?;
    ensure(p.max_candidates >= 2, || format!("max_candidates={} must be at least 2", p.max_candidates))?;
    for (name, v) in [("silence_threshold", p.silence_threshold), ("voicing_threshold", p.voicing_threshold), ("octave_cost", p.octave_cost), ("octave_jump_cost", p.octave_jump_cost), ("voiced_unvoiced_cost", p.voiced_unvoiced_cost)] {
        ensure(v.is_finite() && v >= 0.0, || format!("{name}={v} must be a non-negative number"))?;
    }
    if let Some(dt) = p.time_step {
        ensure_positive(dt, "time_step", "pass None for 0.75 / pitch_floor")?;
    }
    let analysis = Analysis {
        method: Method::Autocorrelation,
        time_step: p.time_step.unwrap_or(0.75 / p.pitch_floor),
        floor: p.pitch_floor,
        ceiling: p.pitch_ceiling,
        max_candidates: p.max_candidates,
        silence_threshold: p.silence_threshold,
        voicing_threshold: p.voicing_threshold,
        octave_cost: p.octave_cost,
        periods_per_window: 3.0,
    };
    let costs = PathCosts { octave_cost: p.octave_cost, octave_jump_cost: p.octave_jump_cost, voiced_unvoiced_cost: p.voiced_unvoiced_cost };
    let (times, frames) = candidates(y, sr, &analysis)?;
    let chosen = best_path(&frames, &costs, analysis.time_step, analysis.ceiling);
    let voiced = |c: &Candidate| c.frequency > 0.0 && c.frequency <= analysis.ceiling;
    Ok(PitchTrack {
        times,
        time_step: analysis.time_step,
        f0: chosen.iter().map(|c| if voiced(c) { c.frequency } else { f64::NAN }).collect(),
        strength: chosen.iter().map(|c| if voiced(c) { c.strength } else { f64::NAN }).collect(),
    })
}

/// Harmonics-to-noise ratio contour (dB) by cross-correlation (Praat's "To Harmonicity (cc)"):
/// the strongest periodicity peak r of each frame becomes 10 log10(r / (1 - r)). Frames judged
/// silent or unvoiced are NaN. The search reaches up to the Nyquist frequency, as Praat's.
pub fn harmonicity_cc(y: &[f32], sr: f64, p: &HarmonicityParams) -> Result<Contour> {
    check_signal(y, sr)?;
    ensure_positive(p.time_step, "time_step", "Praat's default is 0.01 s")?;
    ensure_positive(p.min_pitch, "min_pitch", "Praat's default is 75 Hz")?;
    ensure_positive(p.periods_per_window, "periods_per_window", "Praat's default is 1.0")?;
    ensure(p.min_pitch < sr / 4.0, || format!("min_pitch={} Hz is too high for sr={sr}; use at most sr / 4", p.min_pitch))?;
    ensure(p.silence_threshold.is_finite() && p.silence_threshold >= 0.0, || {
        format!("silence_threshold={} must be a non-negative number (Praat's default is 0.1)", p.silence_threshold)
    })?;
    let analysis = Analysis {
        method: Method::CrossCorrelation,
        time_step: p.time_step,
        floor: p.min_pitch,
        ceiling: sr / 2.0,
        max_candidates: 15,
        silence_threshold: p.silence_threshold,
        voicing_threshold: 0.0,
        octave_cost: 0.0,
        periods_per_window: p.periods_per_window,
    };
    let (times, frames) = candidates(y, sr, &analysis)?;
    // With every cost zero the best path is each frame's strongest candidate.
    let costs = PathCosts { octave_cost: 0.0, octave_jump_cost: 0.0, voiced_unvoiced_cost: 0.0 };
    let chosen = best_path(&frames, &costs, analysis.time_step, analysis.ceiling);
    let values = chosen.iter().map(|c| if c.frequency > 0.0 { hnr_db(c.strength) } else { f64::NAN }).collect();
    Ok(Contour { times, values })
}

/// A correlation peak as a harmonics-to-noise ratio, bounded to +-150 dB as Praat bounds it.
fn hnr_db(r: f64) -> f64 {
    if r <= 1e-15 {
        -150.0
    } else if r >= 1.0 - 1e-15 {
        150.0
    } else {
        10.0 * (r / (1.0 - r)).log10()
    }
}

/// Mean HNR (dB) over the voiced (finite) frames; NaN when none is voiced.
pub fn mean_hnr_db(values_db: &[f64]) -> f64 {
    let voiced: Vec<f64> = values_db.iter().copied().filter(|v| v.is_finite()).collect();
    if voiced.is_empty() {
        f64::NAN
    } else {
        voiced.iter().sum::<f64>() / voiced.len() as f64
    }
}

/// Frame geometry in samples.
struct Geometry {
    /// Samples correlated per lag (even).
    window: usize,
    /// Samples in the longest period (1 / floor).
    period: usize,
    min_lag: usize,
    /// Largest lag examined (exclusive bound of the peak search).
    search_end: usize,
}

impl Geometry {
    fn new(a: &Analysis, sr: f64) -> Result<Self> {
        let half = ((a.periods_per_window / a.floor * sr).floor() as i64) / 2 - 1;
        ensure(half >= 2, || {
            format!("the pitch floor {} Hz is too high for sr={sr}: one analysis window would hold fewer than 6 samples", a.floor)
        })?;
        let window = 2 * half as usize;
        let period = (sr / a.floor).floor() as usize;
        let min_lag = ((sr / a.ceiling).floor() as usize).max(2);
        let max_lag = (((window as f64 / a.periods_per_window).round() as usize) + 2).min(window);
        // Boersma (1993): beyond half the window the autocorrelation estimate is too unreliable
        // to look for peaks; cross-correlation keeps its full window at every lag.
        let reliable = match a.method {
            Method::Autocorrelation => window / 2,
            Method::CrossCorrelation => window,
        };
        Ok(Geometry { window, period, min_lag, search_end: max_lag.min(reliable) })
    }
}

/// The candidates of every frame, and the frames' centre times.
fn candidates(y: &[f32], sr: f64, a: &Analysis) -> Result<(Vec<f64>, Vec<Vec<Candidate>>)> {
    let g = Geometry::new(a, sr)?;
    ensure(g.min_lag + 2 < g.search_end, || {
        format!("pitch range {}-{} Hz leaves no lags to search at sr={sr}; widen it", a.floor, a.ceiling)
    })?;
    let window_seconds = a.periods_per_window / a.floor;
    let span = match a.method {
        Method::Autocorrelation => window_seconds,
        Method::CrossCorrelation => window_seconds + 1.0 / a.floor,
    };
    let (count, first) = frame_layout(y.len(), sr, span, a.time_step, "pitch analysis")?;
    let mean = y.iter().map(|&v| v as f64).sum::<f64>() / y.len() as f64;
    let global_peak = y.iter().fold(0.0f64, |m, &v| m.max((v as f64 - mean).abs()));
    let mut correlator = Correlator::new(a.method, &g);
    let mut times = Vec::with_capacity(count);
    let mut frames = Vec::with_capacity(count);
    for k in 0..count {
        let t = first + k as f64 * a.time_step;
        times.push(t);
        let centre = nearest_sample(t, sr);
        let local_mean = mean_around(y, centre, g.period as i64);
        let half = (g.window / 2) as i64;
        // The frame's loudness is its peak as the correlation sees it, i.e. after the taper:
        // this matches the frame intensities Praat reports (checked through parselmouth).
        let local_peak = (0..g.window).map(|i| (sample(y, centre - half + i as i64) - local_mean).abs() * correlator.taper(i)).fold(0.0, f64::max);
        let loudness = if global_peak > 0.0 { local_peak / global_peak } else { 0.0 };
        let unvoiced = a.voicing_threshold + (2.0 - loudness / (a.silence_threshold / (1.0 + a.voicing_threshold))).max(0.0);
        let mut frame = vec![Candidate { frequency: 0.0, strength: unvoiced }];
        if local_peak > 0.0 {
            let r = correlator.run(y, centre, local_mean);
            frame.extend(peaks(r, &g, a, sr));
        }
        frames.push(frame);
    }
    Ok((times, frames))
}

/// `y[i]`, or 0 outside the signal.
fn sample(y: &[f32], i: i64) -> f64 {
    if i >= 0 && (i as usize) < y.len() {
        y[i as usize] as f64
    } else {
        0.0
    }
}

/// Mean of `y` within `reach` samples of `centre`, clipped to the signal.
fn mean_around(y: &[f32], centre: i64, reach: i64) -> f64 {
    let lo = (centre - reach).max(0) as usize;
    let hi = ((centre + reach).min(y.len() as i64 - 1)).max(lo as i64) as usize;
    y[lo..=hi].iter().map(|&v| v as f64).sum::<f64>() / (hi - lo + 1) as f64
}

/// The up to `max_candidates - 1` strongest local maxima of `r` in the lag search range, as
/// frequency and (parabolically interpolated) height.
fn peaks(r: &[f64], g: &Geometry, a: &Analysis, sr: f64) -> Vec<Candidate> {
    let mut found: Vec<Candidate> = Vec::new();
    for i in g.min_lag.max(1)..g.search_end.min(r.len() - 1) {
        if !(r[i] > 0.5 * a.voicing_threshold && r[i] > r[i - 1] && r[i] >= r[i + 1]) {
            continue;
        }
        let dr = 0.5 * (r[i + 1] - r[i - 1]);
        let d2r = 2.0 * r[i] - r[i - 1] - r[i + 1];
        let (offset, mut height) = if d2r > 0.0 { (dr / d2r, r[i] + 0.5 * dr * dr / d2r) } else { (0.0, r[i]) };
        // An interpolated peak above 1 is an overshoot: reflect it (Praat does the same).
        if height > 1.0 {
            height = 1.0 / height;
        }
        found.push(Candidate { frequency: sr / (i as f64 + offset), strength: height });
    }
    let rank = |c: &Candidate| c.strength + a.octave_cost * (c.frequency / a.floor).log2();
    found.sort_by(|x, y| rank(y).total_cmp(&rank(x)));
    found.truncate(a.max_candidates - 1);
    found
}

/// Normalised correlation of one frame at lags 0..=search_end, with its scratch buffers.
struct Correlator {
    method: Method,
    window: usize,
    lags: usize,
    frame: Vec<f64>,
    r: Vec<f64>,
    /// Autocorrelation of the Hann window, normalised to 1 at lag 0 (autocorrelation only).
    window_ac: Vec<f64>,
    hann: Vec<f64>,
    fft: Option<Fft>,
}

struct Fft {
    forward: std::sync::Arc<dyn realfft::RealToComplex<f64>>,
    inverse: std::sync::Arc<dyn realfft::ComplexToReal<f64>>,
    spectrum: Vec<Complex64>,
    /// Second spectrum (the lagged signal's), for cross-correlation.
    other: Vec<Complex64>,
    scratch: Vec<f64>,
}

impl Fft {
    fn new(n_fft: usize) -> Self {
        let mut planner = RealFftPlanner::<f64>::new();
        let forward = planner.plan_fft_forward(n_fft);
        let inverse = planner.plan_fft_inverse(n_fft);
        let spectrum = forward.make_output_vec();
        let other = forward.make_output_vec();
        Fft { forward, inverse, spectrum, other, scratch: vec![0.0; n_fft] }
    }
}

impl Correlator {
    fn new(method: Method, g: &Geometry) -> Self {
        let lags = g.search_end + 1;
        let mut c = Correlator { method, window: g.window, lags, frame: Vec::new(), r: vec![0.0; lags], window_ac: Vec::new(), hann: Vec::new(), fft: None };
        if method == Method::Autocorrelation {
            // Boersma (1993): zero-pad by half a window so the circular autocorrelation equals
            // the linear one at every lag searched.
            let n_fft = ((g.window as f64 * 1.5).ceil() as usize).next_power_of_two();
            c.fft = Some(Fft::new(n_fft));
            c.frame = vec![0.0; n_fft];
            let n = g.window;
            c.hann = (1..=n).map(|i| 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / (n + 1) as f64).cos()).collect();
            c.frame[..n].copy_from_slice(&c.hann);
            c.window_ac = c.autocorrelate();
        } else {
            // Every product x[j] * x[j + lag] with j < window lies inside window + lags samples,
            // so a circular correlation of that length has no wrap-around at the lags used.
            c.fft = Some(Fft::new((g.window + lags).next_power_of_two()));
            c.frame = vec![0.0; g.window + lags];
        }
        c
    }

    /// sum_j frame[j] * frame[j + lag] over j < window, for lags 0..lags (by FFT).
    fn lagged_products(&mut self) -> &[f64] {
        let n = self.window;
        let fft = self.fft.as_mut().expect("cross-correlation has an FFT plan");
        fft.scratch.fill(0.0);
        fft.scratch[..n].copy_from_slice(&self.frame[..n]);
        fft.forward.process(&mut fft.scratch, &mut fft.spectrum).expect("FFT buffer sizes match the plan");
        fft.scratch.fill(0.0);
        fft.scratch[..self.frame.len()].copy_from_slice(&self.frame);
        fft.forward.process(&mut fft.scratch, &mut fft.other).expect("FFT buffer sizes match the plan");
        let scale = 1.0 / fft.scratch.len() as f64;
        for (a, b) in fft.spectrum.iter_mut().zip(&fft.other) {
            *a = a.conj() * b * scale;
        }
        // The DC and Nyquist bins of a real signal's spectrum are real; drop rounding residue.
        let last = fft.spectrum.len() - 1;
        fft.spectrum[0].im = 0.0;
        fft.spectrum[last].im = 0.0;
        fft.inverse.process(&mut fft.spectrum, &mut fft.scratch).expect("FFT buffer sizes match the plan");
        &fft.scratch[..self.lags]
    }

    /// Weight of the analysis window at offset `i` of the frame (Hann, or 1 unwindowed).
    fn taper(&self, i: usize) -> f64 {
        match self.method {
            Method::Autocorrelation => self.hann[i],
            Method::CrossCorrelation => 1.0,
        }
    }

    /// Autocorrelation of `frame` (zero-padded) at lags 0..lags, normalised to 1 at lag 0.
    fn autocorrelate(&mut self) -> Vec<f64> {
        let fft = self.fft.as_mut().expect("autocorrelation has an FFT plan");
        fft.scratch.copy_from_slice(&self.frame);
        fft.forward.process(&mut fft.scratch, &mut fft.spectrum).expect("FFT buffer sizes match the plan");
        for v in fft.spectrum.iter_mut() {
            *v = Complex64::new(v.norm_sqr(), 0.0);
        }
        fft.inverse.process(&mut fft.spectrum, &mut fft.scratch).expect("FFT buffer sizes match the plan");
        let zero = fft.scratch[0];
        (0..self.lags).map(|i| if zero > 0.0 { fft.scratch[i] / zero } else { 0.0 }).collect()
    }

    /// The normalised correlation of the frame centred at sample `centre`.
    fn run(&mut self, y: &[f32], centre: i64, local_mean: f64) -> &[f64] {
        match self.method {
            Method::Autocorrelation => {
                let start = centre - (self.window / 2) as i64;
                for i in 0..self.window {
                    self.frame[i] = (sample(y, start + i as i64) - local_mean) * self.hann[i];
                }
                let ac = self.autocorrelate();
                for (i, r) in self.r.iter_mut().enumerate() {
                    *r = if self.window_ac[i] > 0.0 { ac[i] / self.window_ac[i] } else { 0.0 };
                }
            }
            Method::CrossCorrelation => {
                let total = self.frame.len();
                let start = centre - (total / 2) as i64;
                for (i, v) in self.frame.iter_mut().enumerate() {
                    *v = sample(y, start + i as i64) - local_mean;
                }
                let n = self.window;
                let products = self.lagged_products().to_vec();
                let x = &self.frame;
                let energy_x: f64 = x[..n].iter().map(|v| v * v).sum();
                let mut energy_y = energy_x;
                self.r[0] = 1.0;
                for lag in 1..self.lags {
                    energy_y += x[lag + n - 1] * x[lag + n - 1] - x[lag - 1] * x[lag - 1];
                    let norm = energy_x * energy_y;
                    self.r[lag] = if norm > 0.0 { (products[lag] / norm.sqrt()).clamp(-1.0, 1.0) } else { 0.0 };
                }
            }
        }
        &self.r
    }
}

/// Viterbi search for the candidate sequence with the highest total strength minus transition
/// costs (Boersma 1993, section 5).
fn best_path(frames: &[Vec<Candidate>], costs: &PathCosts, time_step: f64, ceiling: f64) -> Vec<Candidate> {
    if frames.is_empty() {
        return Vec::new();
    }
    let per_step = 0.01 / time_step;
    let voiced = |c: &Candidate| c.frequency > 0.0 && c.frequency <= ceiling;
    let local = |c: &Candidate| if voiced(c) { c.strength - costs.octave_cost * (ceiling / c.frequency).log2() } else { c.strength };
    let transition = |a: &Candidate, b: &Candidate| match (voiced(a), voiced(b)) {
        (false, false) => 0.0,
        (true, true) => costs.octave_jump_cost * per_step * (a.frequency / b.frequency).log2().abs(),
        _ => costs.voiced_unvoiced_cost * per_step,
    };
    let mut score: Vec<f64> = frames[0].iter().map(local).collect();
    let mut back: Vec<Vec<usize>> = vec![vec![0; frames[0].len()]];
    for k in 1..frames.len() {
        let prev = &frames[k - 1];
        let mut next_score = Vec::with_capacity(frames[k].len());
        let mut from = Vec::with_capacity(frames[k].len());
        for c in &frames[k] {
            let (best, value) = prev
                .iter()
                .enumerate()
                .map(|(j, p)| (j, score[j] - transition(p, c)))
                .fold((0, f64::NEG_INFINITY), |acc, x| if x.1 > acc.1 { x } else { acc });
            next_score.push(value + local(c));
            from.push(best);
        }
        score = next_score;
        back.push(from);
    }
    let mut i = score.iter().enumerate().fold((0, f64::NEG_INFINITY), |acc, (j, &s)| if s > acc.1 { (j, s) } else { acc }).0;
    let mut path = vec![frames[0][0]; frames.len()];
    for k in (0..frames.len()).rev() {
        path[k] = frames[k][i];
        i = back[k][i];
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prosody::voice::tests::tone;

    #[test]
    fn pitch_of_a_tone_and_silence() {
        let y = tone(200.0, 16000.0, 0.5, 0.5);
        let p = pitch_ac(&y, 16000.0, &PitchParams::default()).unwrap();
        let voiced: Vec<f64> = p.f0.iter().copied().filter(|f| f.is_finite()).collect();
        assert!(voiced.len() as f64 > 0.9 * p.f0.len() as f64);
        assert!(voiced.iter().all(|f| (f - 200.0).abs() < 1.0), "{voiced:?}");
        let silent = pitch_ac(&vec![0.0; 8000], 16000.0, &PitchParams::default()).unwrap();
        assert!(silent.f0.iter().all(|f| f.is_nan()));
    }

    #[test]
    fn harmonicity_separates_tone_from_noise() {
        let tone_hnr = mean_hnr_db(&harmonicity_cc(&tone(150.0, 16000.0, 0.5, 0.5), 16000.0, &HarmonicityParams::default()).unwrap().values);
        let mut state = 12345u64;
        let noise: Vec<f32> = (0..8000)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                ((state >> 33) as f64 / (1u64 << 31) as f64 - 0.5) as f32
            })
            .collect();
        let noise_hnr = mean_hnr_db(&harmonicity_cc(&noise, 16000.0, &HarmonicityParams::default()).unwrap().values);
        assert!(tone_hnr > 30.0, "{tone_hnr}");
        assert!(noise_hnr < 3.0, "{noise_hnr}");
    }

    #[test]
    fn hnr_of_a_correlation() {
        assert!((hnr_db(0.5)).abs() < 1e-12);
        assert!((hnr_db(0.99) - 19.956).abs() < 1e-3);
        assert_eq!(hnr_db(1.0), 150.0);
    }

    #[test]
    fn absurd_pitch_ranges_are_rejected() {
        let y = vec![0.1f32; 16000];
        for p in [
            PitchParams { pitch_floor: 0.0, ..Default::default() },
            PitchParams { pitch_ceiling: 50.0, ..Default::default() },
            PitchParams { pitch_ceiling: 9000.0, ..Default::default() },
            PitchParams { pitch_floor: 5000.0, pitch_ceiling: 8000.0, ..Default::default() },
            PitchParams { voicing_threshold: f64::NAN, ..Default::default() },
        ] {
            assert!(pitch_ac(&y, 16000.0, &p).is_err(), "{p:?}");
        }
        assert!(harmonicity_cc(&y, 16000.0, &HarmonicityParams { min_pitch: 0.0, ..Default::default() }).is_err());
    }
}
