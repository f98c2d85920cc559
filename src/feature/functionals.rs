//! Per-utterance statistics ("functionals") of frame-level features: the step that turns a
//! variable-length track (pitch, MFCC, loudness, ...) into a fixed-length vector.

use crate::error::{ensure, Result, SerError};
use ndarray::{ArrayView2, ArrayView3};
use rayon::prelude::*;

/// One statistic of a track, as numpy/scipy define it (population std, numpy's linear
/// percentiles, scipy's biased skewness and Fisher kurtosis). Computed in f64.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stat {
    Mean,
    Std,
    Min,
    Max,
    Range,
    /// The q-th percentile, q in [0, 100].
    Percentile(f64),
    /// Least-squares slope per frame, against the frames' own positions (gaps left by masked
    /// frames keep their width).
    Slope,
    Skewness,
    Kurtosis,
}

impl Stat {
    /// `mean`, `std`, `min`, `max`, `range`, `slope`, `skewness`, `kurtosis`, or `p<q>` such as
    /// `p50` or `p2.5`.
    pub fn from_name(name: &str) -> Result<Stat> {
        Ok(match name {
            "mean" => Stat::Mean,
            "std" => Stat::Std,
            "min" => Stat::Min,
            "max" => Stat::Max,
            "range" => Stat::Range,
            "slope" => Stat::Slope,
            "skewness" => Stat::Skewness,
            "kurtosis" => Stat::Kurtosis,
            _ => {
                let q = name.strip_prefix('p').and_then(|q| q.parse::<f64>().ok()).filter(|q| (0.0..=100.0).contains(q));
                Stat::Percentile(q.ok_or_else(|| {
                    SerError::parameter(format!(
                        "unknown statistic '{name}'; use mean, std, min, max, range, slope, skewness, kurtosis, or p<q> for a percentile (e.g. p50)"
                    ))
                })?)
            }
        })
    }
}

/// Moments and order statistics of one track, from which every [`Stat`] is read.
struct Summary {
    sorted: Vec<f64>,
    mean: f64,
    /// Central moments 2, 3, 4 (population).
    m2: f64,
    m3: f64,
    m4: f64,
    slope: f64,
}

impl Summary {
    /// `points` are (frame position, value) pairs; at least one.
    fn new(points: &[(f64, f64)]) -> Summary {
        let n = points.len() as f64;
        let mean = points.iter().map(|p| p.1).sum::<f64>() / n;
        let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
        for &(_, v) in points {
            let d = v - mean;
            m2 += d * d / n;
            m3 += d * d * d / n;
            m4 += d * d * d * d / n;
        }
        let x_mean = points.iter().map(|p| p.0).sum::<f64>() / n;
        let (sxy, sxx) = points.iter().fold((0.0, 0.0), |(sxy, sxx), &(x, v)| (sxy + (x - x_mean) * (v - mean), sxx + (x - x_mean) * (x - x_mean)));
        let slope = if sxx > 0.0 { sxy / sxx } else { f64::NAN };
        let mut sorted: Vec<f64> = points.iter().map(|p| p.1).collect();
        sorted.sort_by(f64::total_cmp);
        Summary { sorted, mean, m2, m3, m4, slope }
    }

    fn percentile(&self, q: f64) -> f64 {
        let position = q / 100.0 * (self.sorted.len() - 1) as f64;
        let (lo, hi) = (position.floor() as usize, position.ceil() as usize);
        let t = position - lo as f64;
        self.sorted[lo] + t * (self.sorted[hi] - self.sorted[lo])
    }

    fn get(&self, stat: Stat) -> f64 {
        let (first, last) = (self.sorted[0], self.sorted[self.sorted.len() - 1]);
        match stat {
            Stat::Mean => self.mean,
            Stat::Std => self.m2.sqrt(),
            Stat::Min => first,
            Stat::Max => last,
            Stat::Range => last - first,
            Stat::Percentile(q) => self.percentile(q),
            Stat::Slope => self.slope,
            // scipy returns NaN for a constant track (0 / 0); so do we.
            Stat::Skewness => self.m3 / self.m2.powf(1.5),
            Stat::Kurtosis => self.m4 / (self.m2 * self.m2) - 3.0,
        }
    }
}

/// The statistics of each row of `frames` `(n_features, n_frames)`, feature-major (all stats
/// of feature 0, then of feature 1, ...). Only the first `length` frames count (the rest is
/// padding), and of those only the ones `mask` keeps. A row left with no frames gives NaN for
/// every statistic; so do the slope of a single frame and the skewness and kurtosis of a
/// constant track.
pub fn functionals(frames: ArrayView2<f32>, stats: &[Stat], length: Option<usize>, mask: Option<&[bool]>) -> Result<Vec<f32>> {
    ensure(!stats.is_empty(), || "stats is empty; ask for at least one statistic, e.g. ['mean', 'std']".to_string())?;
    let n_frames = frames.ncols();
    let length = length.unwrap_or(n_frames);
    ensure(length <= n_frames, || format!("length={length} exceeds the {n_frames} frames given"))?;
    if let Some(m) = mask {
        ensure(m.len() == n_frames, || format!("mask has {} entries but there are {n_frames} frames", m.len()))?;
    }
    let kept: Vec<usize> = (0..length).filter(|&t| mask.is_none_or(|m| m[t])).collect();
    let mut out = Vec::with_capacity(frames.nrows() * stats.len());
    for row in frames.rows() {
        let points: Vec<(f64, f64)> = kept.iter().map(|&t| (t as f64, row[t] as f64)).collect();
        ensure(points.iter().all(|p| p.1.is_finite()), || {
            "the frames contain NaN or inf; mask those frames out (mask=...) or replace them, e.g. np.nan_to_num".to_string()
        })?;
        if points.is_empty() {
            out.extend(std::iter::repeat_n(f32::NAN, stats.len()));
            continue;
        }
        let summary = Summary::new(&points);
        out.extend(stats.iter().map(|&s| summary.get(s) as f32));
    }
    Ok(out)
}

/// [`functionals`] of every item of a padded batch `(n_items, n_features, max_frames)` in
/// parallel; `lengths[i]` frames of item `i` are real. One `Result` per item.
pub fn functionals_batch(batch: ArrayView3<f32>, stats: &[Stat], lengths: &[usize]) -> Result<Vec<Result<Vec<f32>>>> {
    ensure(lengths.len() == batch.shape()[0], || format!("{} lengths for {} items", lengths.len(), batch.shape()[0]))?;
    Ok(batch.outer_iter().into_par_iter().zip(lengths.par_iter()).map(|(item, &len)| functionals(item, stats, Some(len), None)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn statistics_of_a_known_track() {
        let x = array![[1.0f32, 2.0, 3.0, 4.0, 10.0]];
        let stats: Vec<Stat> = ["mean", "std", "min", "max", "range", "p50", "p25", "slope"].iter().map(|s| Stat::from_name(s).unwrap()).collect();
        let v = functionals(x.view(), &stats, None, None).unwrap();
        let std = ((9.0 + 4.0 + 1.0 + 0.0 + 36.0) / 5.0f64).sqrt() as f32;
        assert_eq!(v, vec![4.0, std, 1.0, 10.0, 9.0, 3.0, 2.0, 2.0]);
    }

    #[test]
    fn padding_and_mask_are_skipped() {
        let x = array![[5.0f32, 100.0, 7.0, 0.0, 0.0]];
        let mask = [true, false, true, true, true];
        let v = functionals(x.view(), &[Stat::Mean, Stat::Slope], Some(3), Some(&mask)).unwrap();
        assert_eq!(v, vec![6.0, 1.0]);
        let none = functionals(x.view(), &[Stat::Mean], Some(3), Some(&[false; 5])).unwrap();
        assert!(none[0].is_nan());
    }

    #[test]
    fn bad_requests() {
        assert!(Stat::from_name("median").is_err());
        assert!(Stat::from_name("p101").is_err());
        let x = array![[1.0f32, f32::NAN]];
        assert!(functionals(x.view(), &[Stat::Mean], None, None).is_err());
        assert!(functionals(x.view(), &[], None, None).is_err());
        assert!(functionals(x.view(), &[Stat::Mean], Some(3), None).is_err());
    }
}
