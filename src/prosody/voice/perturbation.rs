//! Cycle-to-cycle perturbation from glottal pulse marks (Praat manual, "Voice 2. Jitter" and
//! "Voice 3. Shimmer"). Only periods that look like real glottal cycles count: between the
//! shortest and longest period, and not differing from the neighbouring period by more than
//! a factor (a larger jump is a voicing break or a missed pulse, not jitter).

use super::check_signal;
use crate::error::{ensure, Result};

/// Praat's default maximum ratio between the amplitudes of consecutive periods for shimmer.
pub const DEFAULT_MAX_AMPLITUDE_FACTOR: f64 = 1.6;

/// Which intervals between pulses are periods (Praat's defaults: 0.1 ms to 20 ms, i.e. 50 Hz
/// to 10 kHz, and at most a factor 1.3 between consecutive periods).
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodLimits {
    pub shortest: f64,
    pub longest: f64,
    pub max_factor: f64,
}

impl Default for PeriodLimits {
    fn default() -> Self {
        PeriodLimits { shortest: 1e-4, longest: 0.02, max_factor: 1.3 }
    }
}

impl PeriodLimits {
    pub fn validate(&self) -> Result<()> {
        ensure(self.shortest.is_finite() && self.shortest >= 0.0, || {
            format!("period_floor={} must be a non-negative number of seconds (Praat's default is 0.0001)", self.shortest)
        })?;
        ensure(self.longest.is_finite() && self.longest > self.shortest, || {
            format!("period_ceiling={} must be a number of seconds above period_floor={} (Praat's default is 0.02)", self.longest, self.shortest)
        })?;
        ensure(self.max_factor.is_finite() && self.max_factor >= 1.0, || {
            format!("max_period_factor={} must be a number >= 1 (Praat's default is 1.3)", self.max_factor)
        })
    }

    fn is_period(&self, p: f64) -> bool {
        p >= self.shortest && p <= self.longest
    }

    /// Whether two consecutive periods both count and are similar enough.
    fn is_pair(&self, p1: f64, p2: f64) -> bool {
        self.is_period(p1) && self.is_period(p2) && p1.max(p2) / p1.min(p2) <= self.max_factor
    }
}

/// Local jitter: the mean absolute difference between consecutive valid periods divided by the
/// mean valid period (a ratio; Praat displays it as a percentage). NaN with fewer than one
/// valid pair of consecutive periods.
pub fn jitter_local(pulses: &[f64], limits: &PeriodLimits) -> f64 {
    let periods: Vec<f64> = pulses.windows(2).map(|w| w[1] - w[0]).collect();
    let (mut sum, mut pairs) = (0.0, 0usize);
    for w in periods.windows(2) {
        if limits.is_pair(w[0], w[1]) {
            sum += (w[1] - w[0]).abs();
            pairs += 1;
        }
    }
    let valid: Vec<f64> = periods.iter().copied().filter(|&p| limits.is_period(p)).collect();
    if pairs == 0 || valid.is_empty() {
        return f64::NAN;
    }
    let mean_period = valid.iter().sum::<f64>() / valid.len() as f64;
    sum / pairs as f64 / mean_period
}

/// Local shimmer in dB: the mean of |20 log10(A[i+1] / A[i])| over consecutive periods, where a
/// pulse's amplitude is the RMS of the Hann-windowed waveform in a window reaching a fifth of
/// the adjacent period to either side of the pulse (so the amplitude tracks the excitation
/// peak of that cycle, as Praat's amplitude tier does).
/// Pulses whose neighbouring periods are not a valid pair get no amplitude; consecutive
/// amplitudes differing by more than `max_amplitude_factor` are skipped. NaN when no pair
/// of amplitudes remains.
pub fn shimmer_local_db(y: &[f32], sr: f64, pulses: &[f64], limits: &PeriodLimits, max_amplitude_factor: f64) -> Result<f64> {
    check_signal(y, sr)?;
    limits.validate()?;
    ensure(max_amplitude_factor.is_finite() && max_amplitude_factor >= 1.0, || {
        format!("max_amplitude_factor={max_amplitude_factor} must be a number >= 1 (Praat's default is 1.6)")
    })?;
    let amplitudes = pulse_amplitudes(y, sr, pulses, limits);
    let (mut sum, mut pairs) = (0.0, 0usize);
    for w in amplitudes.windows(2) {
        let ((t1, a1), (t2, a2)) = (w[0], w[1]);
        if !limits.is_period(t2 - t1) || a1.max(a2) / a1.min(a2) > max_amplitude_factor {
            continue;
        }
        sum += (a2 / a1).log10().abs();
        pairs += 1;
    }
    Ok(if pairs == 0 { f64::NAN } else { 20.0 * sum / pairs as f64 })
}

/// (time, amplitude) for each interior pulse whose two adjacent periods are a valid pair.
fn pulse_amplitudes(y: &[f32], sr: f64, pulses: &[f64], limits: &PeriodLimits) -> Vec<(f64, f64)> {
    const REACH: f64 = 0.2;
    pulses
        .windows(3)
        .filter_map(|w| {
            let (p1, p2) = (w[1] - w[0], w[2] - w[1]);
            if !limits.is_pair(p1, p2) {
                return None;
            }
            let a = hann_rms(y, sr, w[1], REACH * p1, REACH * p2);
            (a > 0.0).then_some((w[1], a))
        })
        .collect()
}

/// RMS of `y * w` around `t`, normalised by the RMS of `w`, for a Hann window `w` whose left
/// half spans `left` s and right half `right` s.
fn hann_rms(y: &[f32], sr: f64, t: f64, left: f64, right: f64) -> f64 {
    let lo = ((t - left) * sr - 0.5).ceil().max(0.0) as usize;
    let hi = (((t + right) * sr - 0.5).floor() as i64).min(y.len() as i64 - 1);
    let (mut power, mut weight) = (0.0, 0.0);
    for i in lo as i64..=hi {
        let ti = (i as f64 + 0.5) / sr;
        let x = if ti < t { (ti - t) / left } else { (ti - t) / right };
        let w = 0.5 + 0.5 * (std::f64::consts::PI * x).cos();
        let v = y[i as usize] as f64 * w;
        power += v * v;
        weight += w * w;
    }
    if weight > 0.0 {
        (power / weight).sqrt()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_of_alternating_periods() {
        // Periods alternate 9 ms / 11 ms: every consecutive difference is 2 ms, mean period 10 ms.
        let mut t = 0.0;
        let mut pulses = vec![t];
        for k in 0..50 {
            t += if k % 2 == 0 { 0.009 } else { 0.011 };
            pulses.push(t);
        }
        assert!((jitter_local(&pulses, &PeriodLimits::default()) - 0.2).abs() < 1e-3);
        // A 30 ms gap is no period, and its neighbours are not pairs.
        let regular: Vec<f64> = (0..10).map(|k| k as f64 * 0.01).chain((0..10).map(|k| 0.12 + k as f64 * 0.01)).collect();
        assert!(jitter_local(&regular, &PeriodLimits::default()).abs() < 1e-9);
        assert!(jitter_local(&[0.0, 0.01], &PeriodLimits::default()).is_nan());
    }

    #[test]
    fn shimmer_of_alternating_amplitudes() {
        // A 100 Hz pulse train whose cycles alternate between amplitude 1 and 0.5: |20 log10 2| = 6.02 dB.
        let sr = 16000.0;
        let y: Vec<f32> = (0..16000).map(|i| {
            let cycle = i / 160;
            let gain = if cycle % 2 == 0 { 1.0 } else { 0.5 };
            let phase = (i % 160) as f64 - 80.0;
            (gain * (-(phase * phase) / 20.0).exp()) as f32
        }).collect();
        let pulses: Vec<f64> = (0..100).map(|c| (c as f64 * 160.0 + 80.0 + 0.5) / sr).collect();
        let limits = PeriodLimits::default();
        let s = shimmer_local_db(&y, sr, &pulses, &limits, 2.5).unwrap();
        assert!((s - 6.02).abs() < 0.05, "{s}");
        // With Praat's factor 1.6 a factor-2 change is a break, not shimmer.
        assert!(shimmer_local_db(&y, sr, &pulses, &limits, 1.6).unwrap().is_nan());
    }

    #[test]
    fn absurd_limits_are_rejected() {
        let y = vec![0.1f32; 1000];
        for l in [
            PeriodLimits { shortest: -1.0, ..Default::default() },
            PeriodLimits { longest: 0.00001, ..Default::default() },
            PeriodLimits { max_factor: 0.5, ..Default::default() },
        ] {
            assert!(shimmer_local_db(&y, 16000.0, &[], &l, 1.6).is_err(), "{l:?}");
        }
        assert!(shimmer_local_db(&y, 16000.0, &[], &PeriodLimits::default(), f64::NAN).is_err());
    }
}
