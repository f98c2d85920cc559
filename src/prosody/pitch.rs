//! Fundamental frequency (F0) estimation, as `librosa.yin` and `librosa.pyin` (0.11).
//!
//! YIN (de Cheveigné & Kawahara 2002, JASA 111(4)) picks, per frame, the first dip of the
//! cumulative-mean-normalised difference function below a threshold. pYIN (Mauch & Dixon 2014,
//! ICASSP) replaces the single threshold by a beta-distributed prior over thresholds, turns every
//! dip into a weighted pitch candidate, and decodes the most likely pitch track and voicing with
//! an HMM over `2 * n_pitch_bins` states (voiced/unvoiced copies of each pitch bin).
//!
//! Numbers follow librosa's implementation, which is not the paper's formula in two places:
//! the difference function subtracts only the energy *before* the lag
//! (`d(k) = 2 (r(0) - r(k)) - sum_{m<k} y(m)^2`), and its arithmetic is float32 (librosa frames
//! float32 audio and autocorrelates it with a float32 FFT) until the normalisation, which
//! promotes to float64. We compute the autocorrelation in f64, round it to f32 and then repeat
//! librosa's f32/f64 steps operation for operation, so results differ from librosa only by its
//! own FFT rounding (~1e-7 relative).
//!
//! The Viterbi decoder exploits the transition matrix's structure: a state can only move to
//! pitch bins within `max_transition_rate`, so each target has one short band of predecessors
//! per voicing half; every other transition has librosa's floor probability `tiny`, and the
//! best of those is simply the previous frame's global maximum. Within the bands, blocks of
//! sources whose upper bound cannot beat the best candidate so far are skipped. This gives
//! exactly librosa's path (same arithmetic, same first-index tie-breaking; a unit test checks
//! it against the dense O(states^2) recursion) at a small fraction of its cost.

use crate::error::{ensure, Result};
use crate::signal::frame::{frame_count, pad_signal, PadMode};
use crate::signal::validate_audio;
use realfft::num_complex::Complex64;
use realfft::RealFftPlanner;
use std::borrow::Cow;

/// `np.finfo(np.float64).tiny`: librosa adds it before dividing and before taking logs.
const TINY: f64 = f64::MIN_POSITIVE;

/// The largest frame we accept; far beyond any pitch use (2**20 samples is 47 s at 22050 Hz).
const MAX_FRAME_LENGTH: usize = 1 << 20;

/// librosa's Viterbi stores states as uint16, so it cannot decode more states than this.
const MAX_STATES: usize = u16::MAX as usize;

/// `librosa.yin` settings. `fmin` and `fmax` have no default (librosa requires them); the rest
/// are librosa's defaults. `hop_length=None` means `frame_length // 4`.
#[derive(Debug, Clone, PartialEq)]
pub struct YinParams {
    pub fmin: f64,
    pub fmax: f64,
    pub sr: f64,
    pub frame_length: usize,
    pub hop_length: Option<usize>,
    pub trough_threshold: f64,
    pub center: bool,
    pub pad_mode: PadMode,
}

impl YinParams {
    pub fn new(fmin: f64, fmax: f64) -> Self {
        YinParams { fmin, fmax, sr: 22050.0, frame_length: 2048, hop_length: None, trough_threshold: 0.1, center: true, pad_mode: PadMode::Constant }
    }

    fn framing(&self) -> Framing {
        Framing { fmin: self.fmin, fmax: self.fmax, sr: self.sr, frame_length: self.frame_length, hop_length: self.hop_length, center: self.center, pad_mode: self.pad_mode }
    }
}

/// `librosa.pyin` settings, with librosa's defaults except the required `fmin` and `fmax`.
/// `fill_na=None` keeps the decoder's best-guess pitch in unvoiced frames (librosa's `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct PyinParams {
    pub fmin: f64,
    pub fmax: f64,
    pub sr: f64,
    pub frame_length: usize,
    pub hop_length: Option<usize>,
    pub n_thresholds: usize,
    pub beta_parameters: (f64, f64),
    pub boltzmann_parameter: f64,
    pub resolution: f64,
    pub max_transition_rate: f64,
    pub switch_prob: f64,
    pub no_trough_prob: f64,
    pub fill_na: Option<f64>,
    pub center: bool,
    pub pad_mode: PadMode,
}

impl PyinParams {
    pub fn new(fmin: f64, fmax: f64) -> Self {
        PyinParams {
            fmin,
            fmax,
            sr: 22050.0,
            frame_length: 2048,
            hop_length: None,
            n_thresholds: 100,
            beta_parameters: (2.0, 18.0),
            boltzmann_parameter: 2.0,
            resolution: 0.1,
            max_transition_rate: 35.92,
            switch_prob: 0.01,
            no_trough_prob: 0.01,
            fill_na: Some(f64::NAN),
            center: true,
            pad_mode: PadMode::Constant,
        }
    }

    fn framing(&self) -> Framing {
        Framing { fmin: self.fmin, fmax: self.fmax, sr: self.sr, frame_length: self.frame_length, hop_length: self.hop_length, center: self.center, pad_mode: self.pad_mode }
    }

    fn validate(&self) -> Result<()> {
        ensure(self.n_thresholds >= 1 && self.n_thresholds <= 100_000, || {
            format!("n_thresholds={} must be a positive integer (librosa's default is 100)", self.n_thresholds)
        })?;
        let (a, b) = self.beta_parameters;
        ensure(a.is_finite() && b.is_finite() && a > 0.0 && b > 0.0, || {
            format!("beta_parameters=({a}, {b}) must be two positive numbers (the beta prior's shapes; default (2, 18))")
        })?;
        ensure(self.boltzmann_parameter.is_finite() && self.boltzmann_parameter > 0.0, || {
            format!("boltzmann_parameter={} must be a positive number (default 2)", self.boltzmann_parameter)
        })?;
        ensure(self.resolution.is_finite() && self.resolution > 0.0, || {
            format!("resolution={} must be a positive fraction of a semitone, e.g. 0.1 (0.01 is cents)", self.resolution)
        })?;
        ensure(self.max_transition_rate.is_finite() && self.max_transition_rate >= 0.0, || {
            format!("max_transition_rate={} must be a non-negative number of octaves per second (default 35.92)", self.max_transition_rate)
        })?;
        ensure(self.switch_prob > 0.0 && self.switch_prob < 1.0, || {
            format!("switch_prob={} must be a probability strictly between 0 and 1 (default 0.01)", self.switch_prob)
        })?;
        ensure((0.0..=1.0).contains(&self.no_trough_prob), || {
            format!("no_trough_prob={} must be a probability between 0 and 1 (default 0.01)", self.no_trough_prob)
        })
    }
}

/// The result of [`pyin`]: one value per frame in each vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Pyin {
    /// F0 in Hz; `fill_na` (NaN by default) where unvoiced.
    pub f0: Vec<f64>,
    pub voiced_flag: Vec<bool>,
    /// Probability that the frame is voiced (the total mass of its pitch candidates).
    pub voiced_prob: Vec<f64>,
}

/// Framing settings shared by yin and pyin.
struct Framing {
    fmin: f64,
    fmax: f64,
    sr: f64,
    frame_length: usize,
    hop_length: Option<usize>,
    center: bool,
    pad_mode: PadMode,
}

impl Framing {
    /// librosa's `__check_yin_params` (same conditions, in the same order) plus sanity limits.
    fn validate(&self) -> Result<()> {
        let Framing { fmin, fmax, sr, frame_length, .. } = *self;
        ensure(sr.is_finite() && sr > 0.0, || format!("sr={sr} must be a positive sampling rate in Hz"))?;
        ensure(fmin.is_finite() && fmax.is_finite(), || format!("fmin={fmin} and fmax={fmax} must be finite frequencies in Hz"))?;
        ensure(fmax <= sr / 2.0, || format!("fmax={fmax:.3} cannot exceed the Nyquist frequency sr/2={}; lower fmax", sr / 2.0))?;
        ensure(fmin < fmax, || format!("fmin={fmin:.3} must be less than fmax={fmax:.3}"))?;
        ensure(fmin > 0.0, || format!("fmin={fmin:.3} must be strictly positive"))?;
        ensure((3..=MAX_FRAME_LENGTH).contains(&frame_length), || {
            format!("frame_length={frame_length} must be an integer between 3 and {MAX_FRAME_LENGTH}")
        })?;
        // At least one period of fmin must fit in a frame (librosa's rule and suggestions).
        ensure(sr / fmin < (frame_length - 1) as f64, || {
            format!(
                "fmin={fmin:.3} is too small for frame_length={frame_length} and sr={sr}: one period must fit in a frame. \
                 Either increase to fmin={:.3} or frame_length={}",
                sr / (frame_length - 1) as f64,
                (sr / fmin).ceil() as usize + 1
            )
        })?;
        ensure(self.hop_length != Some(0), || "hop_length=0 must be a positive integer (or None for frame_length // 4)".to_string())
    }

    fn hop_length(&self) -> usize {
        self.hop_length.unwrap_or(self.frame_length / 4).max(1)
    }

    /// The searched lag range `[min_period, max_period]` in samples, as librosa rounds it.
    fn periods(&self) -> (usize, usize) {
        let min_period = (self.sr / self.fmax).floor() as usize;
        let max_period = ((self.sr / self.fmin).ceil() as usize).min(self.frame_length - 1);
        (min_period, max_period)
    }
}

/// The cumulative-mean-normalised difference function of every frame, over lags
/// `min_period..=max_period`, with the parabolic-interpolation shift of each lag.
struct Cmnd {
    n_lags: usize,
    /// `(n_frames, n_lags)`, frame-major.
    values: Vec<f64>,
    shifts: Vec<f64>,
}

impl Cmnd {
    fn n_frames(&self) -> usize {
        self.values.len() / self.n_lags
    }

    fn frame(&self, t: usize) -> (&[f64], &[f64]) {
        let r = t * self.n_lags..(t + 1) * self.n_lags;
        (&self.values[r.clone()], &self.shifts[r])
    }
}

fn cmnd(y: &[f32], f: &Framing) -> Result<Cmnd> {
    validate_audio(y)?;
    let (min_period, max_period) = f.periods();
    let frame_length = f.frame_length;
    let hop = f.hop_length();
    let signal: Cow<[f32]> = if f.center { Cow::Owned(pad_signal(y, frame_length / 2, f.pad_mode)) } else { Cow::Borrowed(y) };
    let n_frames = frame_count(signal.len(), frame_length, hop)?;
    let n_lags = max_period - min_period + 1;

    // Linear (not circular) autocorrelation needs an FFT of at least 2 * frame_length - 1.
    let n_fft = (2 * frame_length - 1).next_power_of_two();
    let mut planner = RealFftPlanner::<f64>::new();
    let forward = planner.plan_fft_forward(n_fft);
    let inverse = planner.plan_fft_inverse(n_fft);
    let mut buf = forward.make_input_vec();
    let mut spec = forward.make_output_vec();
    let mut scratch = forward.make_scratch_vec();
    let mut iscratch = inverse.make_scratch_vec();
    let mut acf = vec![0f32; max_period + 1];
    let mut energy = vec![0f32; max_period];

    let mut values = vec![0f64; n_frames * n_lags];
    let mut shifts = vec![0f64; n_frames * n_lags];
    for t in 0..n_frames {
        let frame = &signal[t * hop..t * hop + frame_length];
        autocorrelation(frame, &mut buf, &mut spec, &mut scratch, &mut iscratch, &*forward, &*inverse, &mut acf).map_err(crate::SerError::Internal)?;
        let out = &mut values[t * n_lags..(t + 1) * n_lags];
        normalised_difference(frame, &acf, &mut energy, min_period, out);
        parabolic_shifts(out, &mut shifts[t * n_lags..(t + 1) * n_lags]);
    }
    Ok(Cmnd { n_lags, values, shifts })
}

/// `acf[k] = sum_m x[m] x[m+k]` for `k < acf.len()`, via the power spectrum, computed in f64
/// and rounded to f32 (librosa's dtype; see the module doc).
#[allow(clippy::too_many_arguments)]
fn autocorrelation(
    frame: &[f32],
    buf: &mut [f64],
    spec: &mut [Complex64],
    scratch: &mut [Complex64],
    iscratch: &mut [Complex64],
    forward: &dyn realfft::RealToComplex<f64>,
    inverse: &dyn realfft::ComplexToReal<f64>,
    acf: &mut [f32],
) -> std::result::Result<(), String> {
    buf.fill(0.0);
    for (b, &x) in buf.iter_mut().zip(frame) {
        *b = x as f64;
    }
    forward.process_with_scratch(buf, spec, scratch).map_err(|e| e.to_string())?;
    for c in spec.iter_mut() {
        *c = Complex64::new(c.norm_sqr(), 0.0);
    }
    inverse.process_with_scratch(spec, buf, iscratch).map_err(|e| e.to_string())?;
    let scale = 1.0 / buf.len() as f64;
    for (a, &v) in acf.iter_mut().zip(buf.iter()) {
        *a = (v * scale) as f32;
    }
    Ok(())
}

/// librosa's `_cumulative_mean_normalized_difference` for one frame, with its dtypes: the
/// energy prefix sums, the difference and its running sum are float32; the mean and the ratio
/// are float64 (numpy promotes when dividing by the integer lags).
fn normalised_difference(frame: &[f32], acf: &[f32], energy: &mut [f32], min_period: usize, out: &mut [f64]) {
    let max_period = acf.len() - 1;
    let mut running = 0f32;
    for (e, &x) in energy.iter_mut().zip(frame) {
        running += x * x;
        *e = running;
    }
    let mut cumulative = 0f32;
    for k in 1..=max_period {
        let d = 2.0 * (acf[0] - acf[k]) - energy[k - 1];
        cumulative += d;
        if k >= min_period {
            let mean = cumulative as f64 / k as f64;
            out[k - min_period] = d as f64 / (mean + TINY);
        }
    }
}

/// Offset of the vertex of the parabola through each point and its neighbours; 0 at the ends
/// and where the vertex would lie more than one lag away (librosa's `_parabolic_interpolation`).
fn parabolic_shifts(x: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    for i in 1..x.len().saturating_sub(1) {
        let a = x[i + 1] + x[i - 1] - 2.0 * x[i];
        let b = (x[i + 1] - x[i - 1]) / 2.0;
        out[i] = if b.abs() >= a.abs() { 0.0 } else { -b / a };
    }
}

/// Whether lag `i` is a trough: a strict fall into it and no fall after it (`util.localmin`);
/// the first lag counts when the curve rises after it, the last when it is below its neighbour.
fn is_trough(x: &[f64], i: usize) -> bool {
    let n = x.len();
    if i == 0 {
        x[0] < x[1]
    } else if i == n - 1 {
        x[n - 1] < x[n - 2]
    } else {
        x[i] < x[i - 1] && x[i] <= x[i + 1]
    }
}

/// The lag's period in samples, refined by its parabolic shift.
fn refined_period(min_period: usize, lag: usize, shifts: &[f64]) -> f64 {
    (min_period + lag) as f64 + shifts[lag]
}

/// F0 of each frame by YIN, as `librosa.yin`: the first trough below `trough_threshold`, else
/// the global minimum, refined by parabolic interpolation.
pub fn yin(y: &[f32], p: &YinParams) -> Result<Vec<f64>> {
    let framing = p.framing();
    framing.validate()?;
    ensure(p.trough_threshold.is_finite(), || format!("trough_threshold={} must be a finite number (default 0.1)", p.trough_threshold))?;
    let (min_period, _) = framing.periods();
    let cmnd = cmnd(y, &framing)?;
    Ok((0..cmnd.n_frames())
        .map(|t| {
            let (x, shifts) = cmnd.frame(t);
            let lag = (0..x.len()).find(|&i| is_trough(x, i) && x[i] < p.trough_threshold).unwrap_or_else(|| first_argmin(x));
            p.sr / refined_period(min_period, lag, shifts)
        })
        .collect())
}

fn first_argmin(x: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in x.iter().enumerate() {
        // NaN never wins, as numpy's argmin would pick it; our values are finite.
        if v < x[best] {
            best = i;
        }
    }
    best
}

/// F0, voicing flag and voicing probability of each frame by probabilistic YIN, as
/// `librosa.pyin`.
pub fn pyin(y: &[f32], p: &PyinParams) -> Result<Pyin> {
    let framing = p.framing();
    framing.validate()?;
    p.validate()?;
    let grid = PitchGrid::new(p)?;
    let hmm = Transitions::cached(&grid, p, framing.hop_length())?;
    let (min_period, _) = framing.periods();
    let cmnd = cmnd(y, &framing)?;
    let prior = ThresholdPrior::new(p);

    let n_frames = cmnd.n_frames();
    let mut voiced_prob = Vec::with_capacity(n_frames);
    let mut log_obs = Vec::with_capacity(n_frames * 2 * grid.n_bins);
    let mut candidates = Vec::new();
    for t in 0..n_frames {
        let (x, shifts) = cmnd.frame(t);
        prior.candidates(x, &mut candidates);
        // Each candidate lands on its nearest pitch bin; a later (longer-period) candidate
        // overwrites an earlier one in the same bin, as numpy's fancy assignment does.
        let mut binned: Vec<(usize, f64)> = Vec::with_capacity(candidates.len());
        for &(lag, prob) in &candidates {
            let bin = grid.bin_of(p.sr / refined_period(min_period, lag, shifts));
            match binned.iter_mut().find(|(b, _)| *b == bin) {
                Some(slot) => slot.1 = prob,
                None => binned.push((bin, prob)),
            }
        }
        binned.sort_by_key(|&(b, _)| b);
        // Bin n_bins (a rounding overflow past fmax) is the first unvoiced state, which is
        // overwritten below: librosa drops such a candidate from the voiced mass too.
        let mass: f64 = binned.iter().filter(|&&(b, _)| b < grid.n_bins).fold(0.0, |s, &(_, q)| s + q);
        let vp = mass.clamp(0.0, 1.0);
        voiced_prob.push(vp);
        let floor = TINY.ln();
        let start = log_obs.len();
        log_obs.resize(start + 2 * grid.n_bins, floor);
        for &(b, q) in binned.iter().filter(|&&(b, _)| b < grid.n_bins) {
            log_obs[start + b] = (q + TINY).ln();
        }
        let unvoiced = ((1.0 - vp) / grid.n_bins as f64 + TINY).ln();
        log_obs[start + grid.n_bins..].fill(unvoiced);
    }

    let states = hmm.viterbi(&log_obs, n_frames);
    let n = grid.n_bins;
    let voiced_flag: Vec<bool> = states.iter().map(|&s| s < n).collect();
    let f0 = states
        .iter()
        .map(|&s| match (s < n, p.fill_na) {
            (false, Some(fill)) => fill,
            _ => grid.freqs[s % n],
        })
        .collect();
    Ok(Pyin { f0, voiced_flag, voiced_prob })
}

/// The pitch bins: `n_bins_per_semitone` per semitone from `fmin`, up to `fmax`.
struct PitchGrid {
    fmin: f64,
    n_bins_per_semitone: usize,
    n_bins: usize,
    freqs: Vec<f64>,
}

impl PitchGrid {
    fn new(p: &PyinParams) -> Result<Self> {
        let per_semitone = (1.0 / p.resolution).ceil();
        let n_bins_f = (12.0 * per_semitone * (p.fmax / p.fmin).log2()).floor() + 1.0;
        ensure(n_bins_f * 2.0 <= MAX_STATES as f64, || {
            format!(
                "resolution={} with fmin={} and fmax={} makes {n_bins_f} pitch bins; at most {} are supported. \
                 Use a coarser resolution (e.g. 0.1) or a narrower fmin..fmax",
                p.resolution,
                p.fmin,
                p.fmax,
                MAX_STATES / 2
            )
        })?;
        let n_bins_per_semitone = per_semitone as usize;
        let n_bins = n_bins_f as usize;
        // numpy: fmin * 2 ** (arange(n) / (12 * n_bins_per_semitone))
        let octave = (12 * n_bins_per_semitone) as f64;
        let freqs = (0..n_bins).map(|i| p.fmin * 2f64.powf(i as f64 / octave)).collect();
        Ok(PitchGrid { fmin: p.fmin, n_bins_per_semitone, n_bins, freqs })
    }

    /// The nearest bin (numpy rounds half to even), clipped to `0..=n_bins` as librosa does.
    fn bin_of(&self, f0: f64) -> usize {
        let x = (12 * self.n_bins_per_semitone) as f64 * (f0 / self.fmin).log2();
        x.round_ties_even().clamp(0.0, self.n_bins as f64) as usize
    }
}

/// The beta prior over YIN thresholds and the Boltzmann prior over troughs (pYIN's first stage,
/// as the official pYIN software and librosa implement it).
struct ThresholdPrior {
    /// `linspace(0, 1, n + 1)[1:]`.
    thresholds: Vec<f64>,
    /// Probability mass of the beta prior between consecutive thresholds.
    beta_probs: Vec<f64>,
    boltzmann: f64,
    no_trough_prob: f64,
}

impl ThresholdPrior {
    fn new(p: &PyinParams) -> Self {
        let n = p.n_thresholds;
        // numpy.linspace: i * step, with the end point set exactly.
        let step = 1.0 / n as f64;
        let grid: Vec<f64> = (0..=n).map(|i| if i == n { 1.0 } else { i as f64 * step }).collect();
        let (a, b) = p.beta_parameters;
        let cdf: Vec<f64> = grid.iter().map(|&x| beta_cdf(x, a, b)).collect();
        let beta_probs = cdf.windows(2).map(|w| w[1] - w[0]).collect();
        ThresholdPrior { thresholds: grid[1..].to_vec(), beta_probs, boltzmann: p.boltzmann_parameter, no_trough_prob: p.no_trough_prob }
    }

    /// `(lag, probability)` of each trough with non-zero probability, by increasing lag.
    fn candidates(&self, x: &[f64], out: &mut Vec<(usize, f64)>) {
        out.clear();
        let troughs: Vec<usize> = (0..x.len()).filter(|&i| is_trough(x, i)).collect();
        if troughs.is_empty() {
            return;
        }
        let heights: Vec<f64> = troughs.iter().map(|&i| x[i]).collect();
        let mut probs = vec![0f64; troughs.len()];
        let lam = self.boltzmann;
        for (&threshold, &mass) in self.thresholds.iter().zip(&self.beta_probs) {
            let n_below = heights.iter().filter(|&&h| h < threshold).count();
            if n_below == 0 {
                continue;
            }
            // scipy.stats.boltzmann.pmf(k, lam, N) = (1 - e^-lam) / (1 - e^(-lam N)) * e^(-lam k):
            // troughs below the threshold, ranked by lag, favour short periods.
            let fact = (1.0 - (-lam).exp()) / (1.0 - (-lam * n_below as f64).exp());
            let mut rank = 0usize;
            for (prob, &h) in probs.iter_mut().zip(&heights) {
                if h < threshold {
                    *prob += (fact * (-lam * rank as f64).exp()).clamp(0.0, 1.0) * mass;
                    rank += 1;
                }
            }
        }
        // Thresholds below the deepest trough have no candidate: their mass, scaled by
        // no_trough_prob, goes to the global minimum.
        let deepest = first_argmin(&heights);
        let n_above = self.thresholds.iter().filter(|&&th| heights[deepest] >= th).count();
        probs[deepest] += self.no_trough_prob * numpy_sum(&self.beta_probs[..n_above]);
        out.extend(troughs.iter().zip(&probs).filter(|&(_, &q)| q != 0.0).map(|(&i, &q)| (i, q)));
    }
}

/// The HMM's transition structure (`transition_local` triangles within each voicing half,
/// `transition_loop` between the halves), stored per target state as one contiguous band of
/// log-probabilities per source half.
struct Transitions {
    n_bins: usize,
    /// Predecessor band `lo[j]..=hi[j]` (pitch bins) of target bin `j`.
    lo: Vec<usize>,
    hi: Vec<usize>,
    /// Offsets of each target's band in the flat tables below.
    offset: Vec<usize>,
    /// `ln(stay * T[k, j] + tiny)` and `ln(switch * T[k, j] + tiny)` for `k` in the band.
    log_stay: Vec<f64>,
    log_switch: Vec<f64>,
    /// `ln(1 / n_states + tiny)`.
    log_init: f64,
    /// Per target bin, the largest log-probability of its band within each block of
    /// [`BLOCK`] source bins (blocks `lo / BLOCK ..= hi / BLOCK`, starting at `block_offset`):
    /// bounds that let the decoder skip blocks that cannot hold the best predecessor.
    block_offset: Vec<usize>,
    block_max_stay: Vec<f64>,
    block_max_switch: Vec<f64>,
}

/// Source bins per block of the decoder's branch-and-bound.
const BLOCK: usize = 16;

thread_local! {
    /// The last transition structure built on this thread, by its inputs: files analysed
    /// with the same settings reuse it (building takes ~10% of a short file's decoding).
    static LAST_TRANSITIONS: std::cell::RefCell<Option<(TransitionKey, std::rc::Rc<Transitions>)>> = const { std::cell::RefCell::new(None) };
}

/// Everything [`Transitions::new`] reads, as exact bit patterns.
type TransitionKey = (usize, usize, u64, u64, u64, usize);

impl Transitions {
    fn cached(grid: &PitchGrid, p: &PyinParams, hop_length: usize) -> Result<std::rc::Rc<Self>> {
        let key = (grid.n_bins, grid.n_bins_per_semitone, p.max_transition_rate.to_bits(), p.sr.to_bits(), p.switch_prob.to_bits(), hop_length);
        if let Some(hit) = LAST_TRANSITIONS.with(|c| c.borrow().as_ref().filter(|(k, _)| *k == key).map(|(_, t)| t.clone())) {
            return Ok(hit);
        }
        let built = std::rc::Rc::new(Transitions::new(grid, p, hop_length)?);
        LAST_TRANSITIONS.with(|c| *c.borrow_mut() = Some((key, built.clone())));
        Ok(built)
    }

    fn new(grid: &PitchGrid, p: &PyinParams, hop_length: usize) -> Result<Self> {
        let n = grid.n_bins;
        // Python's round() (half to even) of the semitones one hop may move.
        let max_semitones = (p.max_transition_rate * 12.0 * hop_length as f64 / p.sr).round_ties_even();
        let width_f = max_semitones * grid.n_bins_per_semitone as f64 + 1.0;
        ensure(n > 1, || {
            format!("fmin={} and fmax={} are too close: pyin needs at least 2 pitch bins at resolution={}; widen the range", p.fmin, p.fmax, p.resolution)
        })?;
        ensure(width_f <= n as f64, || {
            format!(
                "the pitch transition window ({width_f} bins, from max_transition_rate={} and hop_length={hop_length}) is wider than \
                 the {n} pitch bins between fmin={} and fmax={} (librosa fails here too); widen fmin..fmax or lower max_transition_rate",
                p.max_transition_rate, p.fmin, p.fmax
            )
        })?;
        let width = width_f as usize;
        let rows = local_transition_rows(n, width);

        let mut lo = vec![usize::MAX; n];
        let mut hi = vec![0usize; n];
        for (k, row) in rows.iter().enumerate() {
            for &(j, _) in row {
                lo[j] = lo[j].min(k);
                hi[j] = hi[j].max(k);
            }
        }
        let mut offset = Vec::with_capacity(n + 1);
        offset.push(0);
        for j in 0..n {
            offset.push(offset[j] + hi[j] - lo[j] + 1);
        }
        // transition_loop(2, 1 - switch_prob): stay on the diagonal, the rest off it.
        let stay = 1.0 - p.switch_prob;
        let switch = 1.0 - stay;
        let floor = TINY.ln();
        let mut log_stay = vec![floor; offset[n]];
        let mut log_switch = vec![floor; offset[n]];
        for (k, row) in rows.iter().enumerate() {
            for &(j, t) in row {
                let at = offset[j] + k - lo[j];
                log_stay[at] = (stay * t + TINY).ln();
                log_switch[at] = (switch * t + TINY).ln();
            }
        }
        let log_init = (1.0 / (2 * n) as f64 + TINY).ln();
        let mut block_offset = Vec::with_capacity(n + 1);
        block_offset.push(0);
        let mut block_max_stay = Vec::new();
        let mut block_max_switch = Vec::new();
        for j in 0..n {
            for b in lo[j] / BLOCK..=hi[j] / BLOCK {
                let ks = (b * BLOCK).max(lo[j])..=(b * BLOCK + BLOCK - 1).min(hi[j]);
                let band_max = |table: &[f64]| ks.clone().map(|k| table[offset[j] + k - lo[j]]).fold(f64::NEG_INFINITY, f64::max);
                block_max_stay.push(band_max(&log_stay));
                block_max_switch.push(band_max(&log_switch));
            }
            block_offset.push(block_max_stay.len());
        }
        Ok(Transitions { n_bins: n, lo, hi, offset, log_stay, log_switch, log_init, block_offset, block_max_stay, block_max_switch })
    }

    /// Most likely state sequence (librosa's `_viterbi`, first index on ties) for `log_obs`
    /// laid out `(n_frames, 2 * n_bins)`.
    ///
    /// For each target the best predecessor is searched block by block: a block is skipped
    /// when its largest previous value plus its largest transition cannot reach the best
    /// candidate found so far (floating-point addition is monotonic, so the bound is safe).
    /// Seeding with the out-of-band maximum and the block around the target itself makes most
    /// blocks skippable; ties are settled on state indices, so the visiting order does not
    /// change the result.
    fn viterbi(&self, log_obs: &[f64], n_frames: usize) -> Vec<usize> {
        let n = self.n_bins;
        let n_states = 2 * n;
        if n_frames == 0 {
            return Vec::new();
        }
        let floor = TINY.ln();
        let n_blocks = n.div_ceil(BLOCK);
        let mut prev: Vec<f64> = log_obs[..n_states].iter().map(|&o| o + self.log_init).collect();
        let mut next = vec![0f64; n_states];
        let mut block_max = vec![0f64; 2 * n_blocks];
        let mut back = vec![0u16; n_frames * n_states];
        for t in 1..n_frames {
            let obs = &log_obs[t * n_states..(t + 1) * n_states];
            let (best_all, g) = first_argmax(&prev);
            for (half, maxima) in block_max.chunks_mut(n_blocks).enumerate() {
                for (b, m) in maxima.iter_mut().enumerate() {
                    let values = &prev[half * n + b * BLOCK..half * n + ((b + 1) * BLOCK).min(n)];
                    *m = values.iter().fold(f64::NEG_INFINITY, |a, &v| if v > a { v } else { a });
                }
            }
            for j in 0..n_states {
                let voiced_target = j < n;
                let bin = j % n;
                let (lo, hi) = (self.lo[bin], self.hi[bin]);
                let band = self.offset[bin]..self.offset[bin + 1];
                let blocks = self.block_offset[bin]..self.block_offset[bin + 1];
                let (stay, switch) = (&self.log_stay[band.clone()], &self.log_switch[band]);
                let (stay_max, switch_max) = (&self.block_max_stay[blocks.clone()], &self.block_max_switch[blocks]);
                // Source half 0 (voiced) and 1 (unvoiced): staying keeps the voicing.
                let sources = if voiced_target { [(stay, stay_max), (switch, switch_max)] } else { [(switch, switch_max), (stay, stay_max)] };
                let first_block = lo / BLOCK;
                let own_block = (bin / BLOCK).clamp(first_block, hi / BLOCK);
                let span = |b: usize| ((b * BLOCK).max(lo), (b * BLOCK + BLOCK - 1).min(hi));
                // First state index reaching `value` in block `b` of source half `half`.
                let first_in = |half: usize, b: usize, value: f64| {
                    let (k0, k1) = span(b);
                    let table = sources[half].0;
                    half * n + k0 + first_sum_equal(&prev[half * n + k0..=half * n + k1], &table[k0 - lo..=k1 - lo], value)
                };
                // Every predecessor outside the bands has probability `tiny`; the best of them is
                // the global maximum when that lies outside the bands (inside, a band entry beats
                // it). Starting from it lets the bound skip bands that cannot compete.
                let in_band = (lo..=hi).contains(&g) || (n + lo..=n + hi).contains(&g);
                let mut best = if in_band { f64::NEG_INFINITY } else { best_all + floor };
                // Where the best is: an exact state index, or a block whose first hit is found
                // at the end. Blocks are disjoint index ranges, so between two blocks on equal
                // values the lower start holds the first index.
                let mut exact: Option<usize> = if in_band { None } else { Some(g) };
                let mut best_block = (usize::MAX, 0, 0);
                for (half, (table, maxima)) in sources.iter().enumerate() {
                    let block_max = &block_max[half * n_blocks..];
                    // The target's own block first: it usually holds the best candidate, which
                    // lets the bound skip most of the others.
                    let rest = (first_block..first_block + maxima.len()).filter(|&b| b != own_block);
                    for b in std::iter::once(own_block).chain(rest) {
                        if block_max[b] + maxima[b - first_block] < best {
                            continue;
                        }
                        let (k0, k1) = span(b);
                        let m = block_max_sum(&prev[half * n + k0..=half * n + k1], &table[k0 - lo..=k1 - lo]);
                        let start = half * n + k0;
                        if m > best {
                            best = m;
                            best_block = (start, half, b);
                            exact = None;
                        } else if m == best {
                            // A tie (rare): settle it on exact first indices.
                            let current = exact.unwrap_or_else(|| first_in(best_block.1, best_block.2, best));
                            let here = first_in(half, b, m);
                            if here < current {
                                best_block = (start, half, b);
                                exact = Some(here);
                            } else {
                                exact = Some(current);
                            }
                        }
                    }
                }
                let at = exact.unwrap_or_else(|| first_in(best_block.1, best_block.2, best));
                next[j] = obs[j] + best;
                back[t * n_states + j] = at as u16;
            }
            std::mem::swap(&mut prev, &mut next);
        }
        let mut states = vec![0usize; n_frames];
        states[n_frames - 1] = first_argmax(&prev).1;
        for t in (0..n_frames - 1).rev() {
            states[t] = back[(t + 1) * n_states + states[t + 1]] as usize;
        }
        states
    }
}

/// `max_i (values[i] + table[i])` over at most [`BLOCK`] entries, in independent lanes so that
/// it vectorises (max is exact and order-free on finite values). Plain indexing: this runs
/// millions of times per file, and iterator adapters were not always inlined here.
#[inline(always)]
fn block_max_sum(values: &[f64], table: &[f64]) -> f64 {
    const LANES: usize = 4;
    let len = values.len().min(table.len());
    let (values, table) = (&values[..len], &table[..len]);
    let mut lanes = [f64::NEG_INFINITY; LANES];
    let mut i = 0;
    while i + LANES <= len {
        for l in 0..LANES {
            let c = values[i + l] + table[i + l];
            lanes[l] = if c > lanes[l] { c } else { lanes[l] };
        }
        i += LANES;
    }
    for (l, k) in (i..len).enumerate() {
        let c = values[k] + table[k];
        lanes[l] = if c > lanes[l] { c } else { lanes[l] };
    }
    let a = if lanes[1] > lanes[0] { lanes[1] } else { lanes[0] };
    let b = if lanes[3] > lanes[2] { lanes[3] } else { lanes[2] };
    if b > a { b } else { a }
}

/// The first `i` with `values[i] + table[i] == target` (0 if none).
#[inline(always)]
fn first_sum_equal(values: &[f64], table: &[f64], target: f64) -> usize {
    let len = values.len().min(table.len());
    (0..len).find(|&i| values[i] + table[i] == target).unwrap_or(0)
}

fn first_argmax(x: &[f64]) -> (f64, usize) {
    let mut at = 0;
    for (i, &v) in x.iter().enumerate() {
        if v > x[at] {
            at = i;
        }
    }
    (x[at], at)
}

/// `librosa.sequence.transition_local(n, width, window='triangle', wrap=False)`, as sparse
/// rows `(column, probability)`: a symmetric triangle centred on the diagonal, cut at the
/// edges and renormalised per row. Placement reproduces librosa's `pad_center` + `roll`, so
/// an even width sits exactly where librosa puts it.
fn local_transition_rows(n: usize, width: usize) -> Vec<Vec<(usize, f64)>> {
    let window = triangle(width);
    let lpad = (n - width) / 2;
    let mut dense = vec![0f64; n];
    (0..n)
        .map(|i| {
            dense.fill(0.0);
            let keep_from = i.saturating_sub(width / 2);
            let keep_to = n.min(i + width / 2 + 1);
            for (p, &w) in window.iter().enumerate() {
                let c = (lpad + p + n / 2 + i + 1) % n;
                if (keep_from..keep_to).contains(&c) {
                    dense[c] = w;
                }
            }
            let total = numpy_sum(&dense);
            dense.iter().enumerate().filter(|&(_, &w)| w != 0.0).map(|(c, &w)| (c, w / total)).collect()
        })
        .collect()
}

/// `scipy.signal.get_window('triangle', m, fftbins=False)` (`scipy.signal.windows.triang`).
fn triangle(m: usize) -> Vec<f64> {
    if m <= 1 {
        return vec![1.0; m];
    }
    let half: Vec<f64> = (1..=m.div_ceil(2))
        .map(|k| if m.is_multiple_of(2) { (2.0 * k as f64 - 1.0) / m as f64 } else { 2.0 * k as f64 / (m as f64 + 1.0) })
        .collect();
    let mirrored = if m.is_multiple_of(2) { &half[..] } else { &half[..half.len() - 1] };
    half.iter().chain(mirrored.iter().rev()).copied().collect()
}

/// numpy's pairwise summation of a contiguous float64 array (`np.sum`), so row sums round
/// as librosa's do: 8 interleaved partial sums per block of at most 128, halves recursively.
fn numpy_sum(x: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    let n = x.len();
    if n < 8 {
        x.iter().fold(0.0, |s, &v| s + v)
    } else if n <= BLOCK {
        let mut r = [0f64; 8];
        r.copy_from_slice(&x[..8]);
        let mut i = 8;
        while i + 8 <= n {
            for k in 0..8 {
                r[k] += x[i + k];
            }
            i += 8;
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &x[i..] {
            s += v;
        }
        s
    } else {
        let mut half = n / 2;
        half -= half % 8;
        numpy_sum(&x[..half]) + numpy_sum(&x[half..])
    }
}

/// The regularised incomplete beta function `I_x(a, b)`, i.e. the beta distribution's CDF.
/// Continued fraction (DLMF 8.17.22) evaluated by the modified Lentz method, on the side of
/// the symmetry `I_x(a, b) = 1 - I_{1-x}(b, a)` where it converges fast (DLMF 8.17.4).
fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let log_front = a * x.ln() + b * (1.0 - x).ln() - ln_beta(a, b);
    if x < (a + 1.0) / (a + b + 2.0) {
        log_front.exp() * beta_continued_fraction(x, a, b) / a
    } else {
        1.0 - log_front.exp() * beta_continued_fraction(1.0 - x, b, a) / b
    }
}

/// `1 / (1 + d1 / (1 + d2 / (1 + ...)))` with DLMF 8.17.22's coefficients
/// `d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))`, `d_{2m} = m (b-m) x / ((a+2m-1)(a+2m))`.
fn beta_continued_fraction(x: f64, a: f64, b: f64) -> f64 {
    const SMALL: f64 = 1e-300;
    let guard = |v: f64| if v.abs() < SMALL { SMALL } else { v };
    // Lentz: f = C * D products, starting from the leading "1 +" term.
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut f = d;
    for m in 1..1000 {
        let m = m as f64;
        for coeff in [m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)), -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0))] {
            d = 1.0 / guard(1.0 + coeff * d);
            c = guard(1.0 + coeff / c);
            f *= c * d;
        }
        if (c * d - 1.0).abs() < 1e-16 {
            break;
        }
    }
    f
}

fn ln_beta(a: f64, b: f64) -> f64 {
    ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b)
}

/// `ln Γ(x)` for `x > 0`: the recurrence `Γ(x) = Γ(x + k) / (x (x+1) ... (x+k-1))` lifts `x`
/// past 15, where Stirling's series (DLMF 5.11.1, Bernoulli-number terms up to x^-13) is
/// accurate to double precision.
fn ln_gamma(x: f64) -> f64 {
    let mut shift = 0.0;
    let mut z = x;
    let mut product = 1.0;
    while z < 15.0 {
        product *= z;
        z += 1.0;
        if product > 1e280 {
            shift += product.ln();
            product = 1.0;
        }
    }
    shift += product.ln();
    let inv = 1.0 / z;
    let inv2 = inv * inv;
    // B_{2k} / (2k (2k-1) z^{2k-1}) for k = 1..7.
    let coefficients = [1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0, -691.0 / 360360.0, 1.0 / 156.0];
    let series = coefficients.iter().rev().fold(0.0, |acc, &c| acc * inv2 + c) * inv;
    (z - 0.5) * z.ln() - z + 0.5 * (2.0 * std::f64::consts::PI).ln() + series - shift
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(f0: f64, sr: f64, seconds: f64) -> Vec<f32> {
        (0..(sr * seconds) as usize).map(|i| (0.5 * (2.0 * std::f64::consts::PI * f0 * i as f64 / sr).sin()) as f32).collect()
    }

    #[test]
    fn gamma_and_beta_match_closed_forms() {
        // Γ(n) = (n-1)!, Γ(1/2) = sqrt(pi).
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-13);
        // For integer shapes the beta CDF is a binomial tail: I_x(a, b) = P(Bin(a+b-1, x) >= a).
        let (a, b) = (2usize, 18usize);
        for &x in &[0.01f64, 0.05, 0.1, 0.3, 0.7, 0.99] {
            let n = a + b - 1;
            let tail: f64 = (a..=n).map(|k| binomial(n, k) * x.powi(k as i32) * (1.0 - x).powi((n - k) as i32)).sum();
            assert!((beta_cdf(x, a as f64, b as f64) - tail).abs() < 1e-13, "x={x}");
        }
        assert_eq!(beta_cdf(0.0, 2.0, 18.0), 0.0);
        assert_eq!(beta_cdf(1.0, 2.0, 18.0), 1.0);
    }

    fn binomial(n: usize, k: usize) -> f64 {
        (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
    }

    #[test]
    fn local_transitions_are_centred_normalised_triangles() {
        for &(n, w) in &[(8, 3), (8, 4), (9, 4), (601, 101), (7, 7)] {
            let rows = local_transition_rows(n, w);
            for (i, row) in rows.iter().enumerate() {
                let total: f64 = row.iter().map(|e| e.1).sum();
                assert!((total - 1.0).abs() < 1e-12);
                // The diagonal is the heaviest entry (shared with a neighbour for even widths).
                let peak = row.iter().map(|e| e.1).fold(0.0, f64::max);
                let diag = row.iter().find(|e| e.0 == i).map(|e| e.1).unwrap();
                assert!((diag - peak).abs() < 1e-15, "n={n} w={w} row {i}");
                assert!(row.iter().all(|&(c, _)| c.abs_diff(i) <= w / 2));
            }
        }
        // An odd triangle away from the edges: weights 1/2, 1/4, 1/4 (width 3).
        let rows = local_transition_rows(8, 3);
        assert_eq!(rows[3], vec![(2, 0.25), (3, 0.5), (4, 0.25)]);
    }

    /// librosa's `_viterbi` on the full transition matrix, for checking the banded decoder.
    fn dense_viterbi(hmm: &Transitions, rows: &[Vec<(usize, f64)>], stay: f64, switch: f64, log_obs: &[f64], n_frames: usize) -> Vec<usize> {
        let n = hmm.n_bins;
        let s = 2 * n;
        let mut t_full = vec![0f64; n * n];
        for (k, row) in rows.iter().enumerate() {
            for &(j, v) in row {
                t_full[k * n + j] = v;
            }
        }
        let log_trans = |a: usize, b: usize| {
            let factor = if (a < n) == (b < n) { stay } else { switch };
            (factor * t_full[(a % n) * n + b % n] + TINY).ln()
        };
        let mut value: Vec<f64> = log_obs[..s].iter().map(|&o| o + hmm.log_init).collect();
        let mut ptr = vec![0usize; n_frames * s];
        for t in 1..n_frames {
            let mut next = vec![0f64; s];
            for j in 0..s {
                let (mut best, mut at) = (f64::NEG_INFINITY, 0);
                for k in 0..s {
                    let c = value[k] + log_trans(k, j);
                    if c > best {
                        best = c;
                        at = k;
                    }
                }
                ptr[t * s + j] = at;
                next[j] = log_obs[t * s + j] + best;
            }
            value = next;
        }
        let mut states = vec![first_argmax(&value).1; n_frames];
        for t in (0..n_frames - 1).rev() {
            states[t] = ptr[(t + 1) * s + states[t + 1]];
        }
        states
    }

    #[test]
    fn banded_viterbi_equals_the_dense_one() {
        let mut seed = 0x2545F4914F6CDD1Du64;
        let mut uniform = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        // Widths odd and even, narrow and near the number of bins; flat (tied) and peaky frames.
        for &(fmin, fmax, resolution, hop) in &[(100.0, 400.0, 0.5, 256), (100.0, 800.0, 0.3, 512), (80.0, 300.0, 1.0, 560), (80.0, 300.0, 1.0, 600), (60.0, 1000.0, 0.34, 128)] {
            let p = PyinParams { sr: 16000.0, resolution, ..PyinParams::new(fmin, fmax) };
            let grid = PitchGrid::new(&p).unwrap();
            let hmm = Transitions::new(&grid, &p, hop).unwrap();
            let n = grid.n_bins;
            let width = ((p.max_transition_rate * 12.0 * hop as f64 / p.sr).round_ties_even() as usize) * grid.n_bins_per_semitone + 1;
            let rows = local_transition_rows(n, width);
            let n_frames = 40;
            let mut log_obs = Vec::new();
            for t in 0..n_frames {
                let flat = t % 7 == 3;
                let vp = if flat { 0.0 } else { uniform() };
                let mut frame = vec![TINY.ln(); 2 * n];
                if !flat {
                    for _ in 0..3 {
                        let b = (uniform() * n as f64) as usize % n;
                        frame[b] = (vp / 3.0 + TINY).ln();
                    }
                }
                frame[n..].fill(((1.0 - vp) / n as f64 + TINY).ln());
                log_obs.extend(frame);
            }
            let stay = 1.0 - p.switch_prob;
            let expected = dense_viterbi(&hmm, &rows, stay, 1.0 - stay, &log_obs, n_frames);
            assert_eq!(hmm.viterbi(&log_obs, n_frames), expected, "fmin={fmin} fmax={fmax} resolution={resolution} hop={hop}");
        }
    }

    #[test]
    fn numpy_sum_is_exact_on_integers_and_pairwise_order() {
        let x: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        assert_eq!(numpy_sum(&x), 499500.0);
        assert_eq!(numpy_sum(&[]), 0.0);
    }

    #[test]
    fn yin_finds_a_pure_tone() {
        let sr = 22050.0;
        let y = tone(220.0, sr, 1.0);
        let f0 = yin(&y, &YinParams::new(65.0, 1000.0)).unwrap();
        assert_eq!(f0.len(), 1 + y.len() / 512);
        // Frames away from the zero-padded edges.
        for &f in &f0[4..f0.len() - 4] {
            assert!((f - 220.0).abs() < 0.5, "{f}");
        }
    }

    #[test]
    fn pyin_finds_a_pure_tone_and_silence_is_unvoiced() {
        let sr = 16000.0;
        let mut y = tone(150.0, sr, 1.0);
        y.extend(vec![0f32; 16000]);
        let p = PyinParams { sr, ..PyinParams::new(65.0, 500.0) };
        let out = pyin(&y, &p).unwrap();
        let n = out.f0.len();
        assert_eq!(n, 1 + y.len() / 512);
        let mid = n / 4;
        assert!(out.voiced_flag[mid] && out.voiced_prob[mid] > 0.5);
        // One pitch bin is 10 cents wide: within 5 cents plus interpolation error.
        assert!((1200.0 * (out.f0[mid] / 150.0).log2()).abs() < 6.0, "{}", out.f0[mid]);
        let tail = n - 5;
        assert!(!out.voiced_flag[tail] && out.f0[tail].is_nan() && out.voiced_prob[tail] == 0.0);
    }

    #[test]
    fn bad_parameters_are_errors_naming_them() {
        let y = vec![0.1f32; 4000];
        let msg = |p: YinParams| yin(&y, &p).unwrap_err().to_string();
        assert!(msg(YinParams { fmax: 20000.0, ..YinParams::new(65.0, 2000.0) }).contains("fmax"));
        assert!(msg(YinParams::new(500.0, 400.0)).contains("fmin"));
        assert!(msg(YinParams::new(0.0, 400.0)).contains("fmin"));
        assert!(msg(YinParams::new(5.0, 400.0)).contains("frame_length"));
        assert!(msg(YinParams { sr: 0.0, ..YinParams::new(65.0, 400.0) }).contains("sr"));
        assert!(msg(YinParams { center: false, frame_length: 8192, ..YinParams::new(65.0, 400.0) }).contains("shorter"));
        assert!(yin(&[], &YinParams::new(65.0, 400.0)).unwrap_err().to_string().contains("empty"));
        assert!(yin(&[f32::NAN; 3000], &YinParams::new(65.0, 400.0)).unwrap_err().to_string().contains("finite"));
        let pmsg = |p: PyinParams| pyin(&y, &p).unwrap_err().to_string();
        assert!(pmsg(PyinParams { n_thresholds: 0, ..PyinParams::new(65.0, 400.0) }).contains("n_thresholds"));
        assert!(pmsg(PyinParams { resolution: 0.0, ..PyinParams::new(65.0, 400.0) }).contains("resolution"));
        assert!(pmsg(PyinParams { switch_prob: 1.0, ..PyinParams::new(65.0, 400.0) }).contains("switch_prob"));
        assert!(pmsg(PyinParams { beta_parameters: (0.0, 18.0), ..PyinParams::new(65.0, 400.0) }).contains("beta_parameters"));
        assert!(pmsg(PyinParams { resolution: 1e-7, ..PyinParams::new(65.0, 400.0) }).contains("resolution"));
    }
}
