//! The source-filter renderer: glottal pulses with jitter and shimmer, aspiration noise, a
//! spectral-tilt filter and a cascade of formant resonators (Klatt 1980, JASA 67), plus a
//! parallel frication branch for noise consonants.

use super::script::Controls;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use std::f64::consts::PI;

/// How the glottis vibrates in this utterance.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Phonation {
    /// Standard deviation of the relative period perturbation.
    pub jitter: f64,
    /// Standard deviation of the log pulse amplitude.
    pub shimmer: f64,
    /// Aspiration noise RMS relative to the voiced signal's.
    pub breathiness: f64,
    /// Corner frequency in Hz of the one-pole low-pass that sets the spectral tilt.
    pub tilt_hz: f64,
}

/// Open quotient: the fraction of each period the glottis is open. Breathier voices stay open
/// longer, tense voices close early (e.g. Klatt & Klatt 1990).
fn open_quotient(breathiness: f64) -> f64 {
    (0.5 + 0.8 * breathiness).clamp(0.4, 0.85)
}

/// Rosenberg's (1971, JASA 49) trigonometric glottal pulse (his type C) with opening time `tp`
/// and closing time `tn` (samples): returns (flow in [0, 1], flow derivative scaled by `tn`).
/// The derivative, which includes the lips' radiation, is what excites the vocal tract; the
/// abrupt end of the closing phase is the main excitation. Scaling by `tn` makes its peak
/// independent of the period.
fn rosenberg(tau: f64, tp: f64, tn: f64) -> (f64, f64) {
    if tau < tp {
        (0.5 * (1.0 - (PI * tau / tp).cos()), 0.5 * PI * tn / tp * (PI * tau / tp).sin())
    } else if tau < tp + tn {
        let x = PI * (tau - tp) / (2.0 * tn);
        (x.cos(), -0.5 * PI * x.sin())
    } else {
        (0.0, 0.0)
    }
}

/// Pulses at fractional sample times (a 200 Hz period is 80 samples at 16 kHz: rounding onsets
/// to whole samples would itself add ~1 % jitter). Returns (excitation, glottal flow).
fn glottal_source(c: &Controls, p: &Phonation, rng: &mut ChaCha8Rng) -> (Vec<f64>, Vec<f64>) {
    let n = c.f0.len();
    let (mut excitation, mut flow) = (vec![0.0; n], vec![0.0; n]);
    let oq = open_quotient(p.breathiness);
    let mut t0 = 0.0f64;
    while (t0 as usize) < n {
        let i = t0 as usize;
        let z1: f64 = rng.sample(StandardNormal);
        let z2: f64 = rng.sample(StandardNormal);
        let period = c.sr / c.f0[i] * (1.0 + p.jitter * z1).clamp(0.7, 1.3);
        let amplitude = c.voice[i] * (p.shimmer * z2).clamp(-3.0, 3.0).exp();
        if amplitude > 1e-4 {
            let (tp, tn) = (0.7 * oq * period, 0.3 * oq * period);
            let end = ((t0 + period).ceil() as usize).min(n);
            for k in (t0.ceil() as usize)..end {
                let (g, dg) = rosenberg(k as f64 - t0, tp, tn);
                excitation[k] += amplitude * dg;
                flow[k] += g;
            }
        }
        t0 += period;
    }
    (excitation, flow)
}

/// `y[k] = (1 - a) x[k] + a y[k-1]`, `a = exp(-2 pi fc / sr)`: -6 dB per octave above `fc`.
fn tilt(x: &mut [f64], fc: f64, sr: f64) {
    let a = (-2.0 * PI * fc.min(0.45 * sr) / sr).exp();
    let mut s = 0.0;
    for v in x.iter_mut() {
        s = (1.0 - a) * *v + a * s;
        *v = s;
    }
}

/// Coefficients are recomputed every this many samples (0.5 ms at 16 kHz): the tracks they
/// follow are smoothed over ~10 ms, and `exp`/`cos` at every sample of every formant would
/// dominate the synthesis time.
const COEF_BLOCK: usize = 8;

/// The pole pair `(2 r cos(2 pi f / sr), r^2)`, `r = exp(-pi bw / sr)`, of each sample,
/// updated every [`COEF_BLOCK`] samples.
fn poles(freq: &[f64], bw: &[f64], sr: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(freq.len());
    for (f, b) in freq.chunks(COEF_BLOCK).zip(bw.chunks(COEF_BLOCK)) {
        let r = (-PI * b[0] / sr).exp();
        let pole = (2.0 * r * (2.0 * PI * f[0] / sr).cos(), r * r);
        out.extend(std::iter::repeat_n(pole, f.len()));
    }
    out
}

/// Klatt's (1980) digital resonator, `y[k] = A x[k] + B y[k-1] + C y[k-2]` with `B = 2 r cos`,
/// `C = -r^2` and `A = 1 - B - C` for unit gain at 0 Hz.
fn resonate(x: &mut [f64], poles: &[(f64, f64)]) {
    let (mut y1, mut y2) = (0.0, 0.0);
    for (v, &(b, r2)) in x.iter_mut().zip(poles) {
        let y = (1.0 - b + r2) * *v + b * y1 - r2 * y2;
        y2 = y1;
        y1 = y;
        *v = y;
    }
}

/// The vocal tract's poles, formant by formant. Formants the sampling rate cannot carry are
/// left out.
fn vocal_tract(c: &Controls) -> Vec<Vec<(f64, f64)>> {
    c.formants
        .iter()
        .zip(&c.bandwidths)
        .filter(|(freq, bw)| {
            let widest = bw.iter().cloned().fold(0.0, f64::max);
            freq.iter().all(|&f| f + widest < 0.47 * c.sr)
        })
        .map(|(freq, bw)| poles(freq, bw, c.sr))
        .collect()
}

/// Passes `x` through the formants in cascade.
fn cascade(x: &mut [f64], tract: &[Vec<(f64, f64)>]) {
    for formant in tract {
        resonate(x, formant);
    }
}

/// A band-pass with unit peak gain (two poles at the centre, zeros at 0 Hz and Nyquist).
fn band_pass(x: &mut [f64], centre: &[f64], bw: &[f64], sr: f64) {
    let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
    for (v, &(b, r2)) in x.iter_mut().zip(&poles(centre, bw, sr)) {
        let y = 0.5 * (1.0 - r2) * (*v - x2) + b * y1 - r2 * y2;
        x2 = x1;
        x1 = *v;
        y2 = y1;
        y1 = y;
        *v = y;
    }
}

/// RMS of `x` where `mask` holds, or of all of `x` if it never does.
fn masked_rms(x: &[f64], mask: impl Fn(usize) -> bool) -> f64 {
    let (mut sum, mut count) = (0.0, 0usize);
    for (i, v) in x.iter().enumerate() {
        if mask(i) {
            sum += v * v;
            count += 1;
        }
    }
    if count == 0 {
        return (x.iter().map(|v| v * v).sum::<f64>() / x.len().max(1) as f64).sqrt();
    }
    (sum / count as f64).sqrt()
}

fn noise(n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    (0..n).map(|_| rng.sample(StandardNormal)).collect()
}

/// Renders the controls. The three branches (voicing, aspiration, frication) are each
/// normalised where they are active, so the control levels mean what they say: 1.0 is the
/// voiced RMS of a stressed vowel, whatever the formants, tilt and pitch. The result has unit
/// RMS over the strongly voiced samples.
pub(crate) fn render(c: &Controls, p: &Phonation, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let n = c.f0.len();
    let voiced = |i: usize| c.voice[i] > 0.5;
    let (mut voicing, flow) = glottal_source(c, p, rng);
    tilt(&mut voicing, p.tilt_hz, c.sr);
    let tract = vocal_tract(c);
    cascade(&mut voicing, &tract);
    let v_rms = masked_rms(&voicing, voiced).max(1e-12);

    // Aspiration through the same tract, louder while the glottis is open (Klatt 1980 modulates
    // it by the glottal cycle).
    let mut breath = noise(n, rng);
    cascade(&mut breath, &tract);
    let b_rms = masked_rms(&breath, voiced).max(1e-12);

    let mut hiss = noise(n, rng);
    band_pass(&mut hiss, &c.fric_hz, &c.fric_bw, c.sr);
    let f_rms = masked_rms(&hiss, |i| c.frication[i] > 0.0).max(1e-12);

    let mut y = vec![0.0; n];
    for i in 0..n {
        let open = 0.4 + 0.6 * flow[i].min(1.0);
        let aspiration = p.breathiness * c.voice[i] * open / 0.7 + c.aspiration[i];
        y[i] = voicing[i] / v_rms + breath[i] / b_rms * aspiration + hiss[i] / f_rms * c.frication[i];
    }
    let rms = masked_rms(&y, voiced).max(1e-12);
    y.iter_mut().for_each(|v| *v /= rms);
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pulse_opens_and_closes_smoothly_and_ends_closed() {
        let (tp, tn) = (28.0, 12.0);
        let (g, _) = rosenberg(tp, tp, tn);
        assert!((g - 1.0).abs() < 1e-12);
        assert_eq!(rosenberg(tp + tn + 1.0, tp, tn), (0.0, 0.0));
        // The derivative integrates back to the flow: its sum over the open phase is ~0.
        let step = 0.01;
        let sum: f64 = (0..4000).map(|k| rosenberg(k as f64 * step, tp, tn).1 / tn * step).sum();
        assert!(sum.abs() < 0.01, "{sum}");
    }

    #[test]
    fn the_resonator_peaks_at_its_formant() {
        let sr = 16000.0;
        let gain_at = |hz: f64| {
            let mut x: Vec<f64> = (0..8000).map(|k| (2.0 * PI * hz * k as f64 / sr).sin()).collect();
            resonate(&mut x, &poles(&[700.0; 8000], &[80.0; 8000], sr));
            x[4000..].iter().fold(0.0f64, |m, v| m.max(v.abs()))
        };
        assert!(gain_at(700.0) > 5.0 * gain_at(300.0) && gain_at(700.0) > 5.0 * gain_at(1500.0));
        assert!((gain_at(20.0) - 1.0).abs() < 0.05, "unit gain near 0 Hz");
    }
}
