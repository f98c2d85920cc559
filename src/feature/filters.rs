//! Filter banks and frequency scales, as `librosa.filters` and `librosa.convert`.

use crate::error::{ensure, Result};
use crate::signal::ensure_sr;
use crate::signal::memo::{memoized, Memo};
use crate::signal::SparseFilter;
use ndarray::Array2;
use std::sync::{Arc, Mutex};

static MEL_BANKS: Memo<(u64, usize, MelParams), Vec<SparseFilter>> = Mutex::new(Vec::new());
static CHROMA_BANKS: Memo<(u64, usize, usize, u64), Array2<f32>> = Mutex::new(Vec::new());

/// `numpy.remainder(x, m)` for finite `x` and a whole number `m > 0`, without the `fmod` call
/// `rem_euclid` makes (it dominated building a chroma filter): `m * floor(x / m)` is exact and
/// close to `x`, so the difference is exact too, and one step corrects a quotient that `x / m`
/// rounded across an integer.
pub(crate) fn remainder(x: f64, m: f64) -> f64 {
    let r = x - m * (x / m).floor();
    if r < 0.0 {
        r + m
    } else if r >= m {
        r - m
    } else {
        r
    }
}

/// `librosa.fft_frequencies`: centre frequency of each rfft bin.
pub fn fft_frequencies(sr: f64, n_fft: usize) -> Vec<f64> {
    (0..n_fft / 2 + 1).map(|k| k as f64 * sr / n_fft as f64).collect()
}

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn log_step() -> f64 {
    6.4f64.ln() / 27.0
}

/// `librosa.hz_to_mel` (Slaney's scale unless `htk`).
pub fn hz_to_mel(f: f64, htk: bool) -> f64 {
    if htk {
        return 2595.0 * (1.0 + f / 700.0).log10();
    }
    if f >= MIN_LOG_HZ {
        MIN_LOG_MEL + (f / MIN_LOG_HZ).ln() / log_step()
    } else {
        f / F_SP
    }
}

/// `librosa.mel_to_hz`.
pub fn mel_to_hz(m: f64, htk: bool) -> f64 {
    if htk {
        return 700.0 * (10f64.powf(m / 2595.0) - 1.0);
    }
    if m >= MIN_LOG_MEL {
        MIN_LOG_HZ * (log_step() * (m - MIN_LOG_MEL)).exp()
    } else {
        F_SP * m
    }
}

/// `numpy.linspace(start, stop, num)`, with numpy's rounding (last point exactly `stop`).
pub fn linspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    if num == 1 {
        return vec![start];
    }
    let step = (stop - start) / (num - 1) as f64;
    let mut v: Vec<f64> = (0..num).map(|i| i as f64 * step + start).collect();
    v[num - 1] = stop;
    v
}

/// `librosa.mel_frequencies`: `n_mels` points evenly spaced on the mel scale.
pub fn mel_frequencies(n_mels: usize, fmin: f64, fmax: f64, htk: bool) -> Vec<f64> {
    linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels).into_iter().map(|m| mel_to_hz(m, htk)).collect()
}

/// Normalisation of the mel filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MelNorm {
    /// Divide each triangle by its width in Hz (constant energy per channel).
    Slaney,
    None,
}

/// Mel filter bank settings with librosa's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct MelParams {
    pub n_mels: usize,
    pub fmin: f64,
    pub fmax: Option<f64>,
    pub htk: bool,
    pub norm: MelNorm,
}

impl Default for MelParams {
    fn default() -> Self {
        MelParams { n_mels: 128, fmin: 0.0, fmax: None, htk: false, norm: MelNorm::Slaney }
    }
}

impl MelParams {
    pub fn fmax(&self, sr: f64) -> f64 {
        self.fmax.unwrap_or(sr / 2.0)
    }

    pub fn validate(&self, sr: f64) -> Result<()> {
        ensure(self.n_mels >= 1 && self.n_mels <= 10_000, || format!("n_mels={} must be between 1 and 10000", self.n_mels))?;
        ensure(self.fmin.is_finite() && self.fmin >= 0.0, || format!("fmin={} must be >= 0 Hz", self.fmin))?;
        let fmax = self.fmax(sr);
        ensure(fmax.is_finite() && fmax <= sr / 2.0, || {
            format!("fmax={fmax} must not exceed the Nyquist frequency sr/2={}; lower fmax or raise sr", sr / 2.0)
        })?;
        ensure(fmax > self.fmin, || format!("fmax={fmax} must be greater than fmin={}", self.fmin))
    }
}

/// `librosa.filters.mel` as a dense `(n_mels, 1 + n_fft / 2)` f32 matrix.
pub fn mel_filter(sr: f64, n_fft: usize, p: &MelParams) -> Result<Array2<f32>> {
    ensure_sr(sr)?;
    p.validate(sr)?;
    let n_bins = n_fft / 2 + 1;
    let fftfreqs = fft_frequencies(sr, n_fft);
    let mel_f = mel_frequencies(p.n_mels + 2, p.fmin, p.fmax(sr), p.htk);
    let mut weights = Array2::<f32>::zeros((p.n_mels, n_bins));
    for i in 0..p.n_mels {
        let (lo, mid, hi) = (mel_f[i], mel_f[i + 1], mel_f[i + 2]);
        let enorm = match p.norm {
            MelNorm::Slaney => 2.0 / (hi - lo),
            MelNorm::None => 1.0,
        };
        for (k, &f) in fftfreqs.iter().enumerate() {
            let lower = (f - lo) / (mid - lo);
            let upper = (hi - f) / (hi - mid);
            // librosa stores the triangle in f32, then scales it by the f64 norm.
            let w = lower.min(upper).max(0.0) as f32;
            weights[[i, k]] = (w as f64 * enorm) as f32;
        }
    }
    Ok(weights)
}

/// The mel filter bank, sparse, for applying to many frames (memoised per thread).
pub fn mel_filter_sparse(sr: f64, n_fft: usize, p: &MelParams) -> Result<Arc<Vec<SparseFilter>>> {
    memoized(&MEL_BANKS, (sr.to_bits(), n_fft, p.clone()), || {
        let dense = mel_filter(sr, n_fft, p)?;
        Ok(dense.rows().into_iter().map(|r| SparseFilter::from_dense(r.as_slice().expect("row-major"))).collect())
    })
}

/// `librosa.core.hz_to_octs`.
pub fn hz_to_octs(f: f64, tuning: f64, bins_per_octave: usize) -> f64 {
    let a440 = 440.0 * 2f64.powf(tuning / bins_per_octave as f64);
    (f / (a440 / 16.0)).log2()
}

/// [`chroma_filter`], memoised per thread.
pub fn chroma_filter_cached(sr: f64, n_fft: usize, n_chroma: usize, tuning: f64) -> Result<Arc<Array2<f32>>> {
    memoized(&CHROMA_BANKS, (sr.to_bits(), n_fft, n_chroma, tuning.to_bits()), || chroma_filter(sr, n_fft, n_chroma, tuning))
}

/// `librosa.filters.chroma` (ctroct 5, octwidth 2, L2-normalised columns, starting at C), as a
/// dense `(n_chroma, 1 + n_fft / 2)` f32 matrix.
///
/// librosa builds all `n_fft` columns and drops the aliased half; each column is normalised on
/// its own, so only the kept columns are built here.
pub fn chroma_filter(sr: f64, n_fft: usize, n_chroma: usize, tuning: f64) -> Result<Array2<f32>> {
    ensure_sr(sr)?;
    ensure(n_chroma >= 1 && n_chroma <= 1200, || format!("n_chroma={n_chroma} must be between 1 and 1200"))?;
    ensure(tuning.is_finite(), || format!("tuning={tuning} must be a finite fraction of a bin"))?;
    let nc = n_chroma as f64;
    let (ctroct, octwidth) = (5.0, 2.0);
    let n_bins = n_fft / 2 + 1;
    // Bin frequencies (one past the kept columns, for the last bin width).
    let n_freq = (n_bins + 1).min(n_fft);
    let mut frqbins: Vec<f64> = (1..n_freq).map(|k| nc * hz_to_octs(k as f64 * sr / n_fft as f64, tuning, n_chroma)).collect();
    // The 0 Hz bin is given a value 1.5 octaves below bin 1.
    frqbins.insert(0, frqbins.first().copied().unwrap_or(0.0) - 1.5 * nc);
    let binwidth: Vec<f64> = (0..n_bins).map(|k| if k + 1 < n_fft { (frqbins[k + 1] - frqbins[k]).max(1.0) } else { 1.0 }).collect();
    let half = (nc / 2.0).round();
    let mut wts = Array2::<f64>::zeros((n_chroma, n_bins));
    for c in 0..n_chroma {
        for k in 0..n_bins {
            let d = remainder(frqbins[k] - c as f64 + half + 10.0 * nc, nc) - half;
            wts[[c, k]] = (-0.5 * (2.0 * d / binwidth[k]).powi(2)).exp();
        }
    }
    for k in 0..n_bins {
        let norm = wts.column(k).iter().map(|v| v * v).sum::<f64>().sqrt();
        let scale = if norm < f64::MIN_POSITIVE { 1.0 } else { norm };
        let octave_weight = (-0.5 * ((frqbins[k] / nc - ctroct) / octwidth).powi(2)).exp();
        wts.column_mut(k).mapv_inplace(|v| v / scale * octave_weight);
    }
    // Start at C rather than A: roll the rows by -3 semitones' worth of bins.
    let shift = 3 * (n_chroma / 12);
    Ok(Array2::from_shape_fn((n_chroma, n_bins), |(c, k)| wts[[(c + shift) % n_chroma, k]] as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remainder_is_rem_euclid() {
        for i in 0..100_000 {
            let x = (i as f64 - 50_000.0) * 0.013_7 + (i as f64 * 0.37).sin() * 1e-9;
            for m in [1.0, 12.0, 24.0, 36.0] {
                // Equal as numbers (numpy gives +0.0 where fmod gives -0.0).
                assert_eq!(remainder(x, m), x.rem_euclid(m), "{x} mod {m}");
            }
        }
    }

    #[test]
    fn mel_scale_round_trips() {
        for f in [0.0, 300.0, 1000.0, 4000.0, 11025.0] {
            for htk in [false, true] {
                assert!((mel_to_hz(hz_to_mel(f, htk), htk) - f).abs() < 1e-9);
            }
        }
        assert!((hz_to_mel(1000.0, false) - 15.0).abs() < 1e-12);
    }

    #[test]
    fn slaney_filters_have_unit_area_in_hz() {
        // Slaney normalisation makes each triangle integrate to ~1 over frequency in Hz.
        let sr = 22050.0;
        let fb = mel_filter(sr, 8192, &MelParams { n_mels: 40, ..Default::default() }).unwrap();
        let df = sr / 8192.0;
        for row in fb.rows().into_iter().skip(5) {
            let area: f64 = row.iter().map(|&w| w as f64 * df).sum();
            assert!((area - 1.0).abs() < 0.05, "{area}");
        }
    }

    #[test]
    fn fmax_above_nyquist_is_refused() {
        let p = MelParams { fmax: Some(20000.0), ..Default::default() };
        assert!(mel_filter(22050.0, 2048, &p).is_err());
        assert!(mel_filter(22050.0, 2048, &MelParams { n_mels: 0, ..Default::default() }).is_err());
    }

    #[test]
    fn chroma_columns_peak_at_their_pitch_class() {
        // A 440 Hz bin must weigh most on pitch class A (index 9 when starting at C).
        let sr = 22050.0;
        let n_fft = 4096;
        let fb = chroma_filter(sr, n_fft, 12, 0.0).unwrap();
        let k = (440.0 * n_fft as f64 / sr).round() as usize;
        let col = fb.column(k);
        let best = col.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        assert_eq!(best, 9);
    }
}
