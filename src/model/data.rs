//! From feature sequences to what a network reads: checks, a per-feature scaler fitted on the
//! training frames only, and zero-padded mini-batches with their lengths and masks.

use super::{column_stats, torch_error};
use crate::error::{ensure, Result, SerError};
use ndarray::{concatenate, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};
use tch::{Device, Tensor};

/// Checks a list of `(T_i, F)` sequences: non-empty, `T_i >= 1`, one feature count, finite.
/// Returns the feature count. `what` names the argument in messages (e.g. "X").
pub fn check_sequences(seqs: &[ArrayView2<f32>], what: &str) -> Result<usize> {
    ensure(!seqs.is_empty(), || format!("{what} is empty: pass at least one sample"))?;
    let n_features = seqs[0].ncols();
    for (i, s) in seqs.iter().enumerate() {
        ensure(s.nrows() > 0, || format!("{what}[{i}] has 0 frames: every sequence needs at least one frame (drop it or pad the audio)"))?;
        ensure(s.ncols() == n_features, || format!("{what}[{i}] has {} features but {what}[0] has {n_features}: all must have the same", s.ncols()))?;
        ensure(s.iter().all(|v| v.is_finite()), || format!("{what}[{i}] contains NaN or inf: clean or impute the features first"))?;
    }
    ensure(n_features > 0, || format!("{what} has 0 features per frame"))?;
    Ok(n_features)
}

/// Checks labels against the samples and the class count.
pub fn check_labels(y: &[usize], n_samples: usize, n_classes: usize, what: &str) -> Result<()> {
    ensure(y.len() == n_samples, || format!("{what} has {n_samples} samples but {} labels: pass one label per sample", y.len()))?;
    ensure(y.iter().all(|&k| k < n_classes), || format!("a label of {what} is outside the {n_classes} classes"))
}

/// Per-feature standardisation `(x - mean) / std`, fitted on the valid (unpadded) frames of the
/// training set only, so validation and test data never shape it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub mean: Vec<f32>,
    pub std: Vec<f32>,
}

impl Scaler {
    pub fn fit(seqs: &[ArrayView2<f32>]) -> Result<Scaler> {
        let frames = concatenate(Axis(0), seqs).map_err(|e| SerError::parameter(format!("cannot stack the training frames: {e}")))?;
        let (mean, std) = column_stats(frames.view())?;
        // A constant feature carries no information; dividing by 1 keeps it at 0, not NaN.
        let std = std.iter().map(|&s| if s > 1e-8 { s } else { 1.0 }).collect();
        Ok(Scaler { mean: mean.to_vec(), std })
    }

    pub fn n_features(&self) -> usize {
        self.mean.len()
    }

    pub fn check(&self) -> Result<()> {
        ensure(self.mean.len() == self.std.len() && !self.mean.is_empty(), || "the scaler's mean and std differ in length".into())?;
        ensure(self.mean.iter().all(|v| v.is_finite()) && self.std.iter().all(|v| v.is_finite() && *v > 0.0), || "the scaler holds non-finite or non-positive values".into())
    }

    pub fn transform(&self, x: ArrayView2<f32>) -> Result<Array2<f32>> {
        ensure(x.ncols() == self.n_features(), || {
            format!("X has {} features per frame but the model was fitted on {}: extract the same features", x.ncols(), self.n_features())
        })?;
        let mut out = x.to_owned();
        for mut row in out.rows_mut() {
            for ((v, m), s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = (*v - m) / s;
            }
        }
        Ok(out)
    }
}

/// A zero-padded mini-batch: `x` is `(B, T, F)`, `lengths` `(B,)` int64, `mask` `(B, T)` float
/// (1 on real frames), `y` `(B,)` int64 when labels were given.
pub struct Batch {
    pub x: Tensor,
    pub lengths: Tensor,
    pub mask: Tensor,
    pub y: Option<Tensor>,
}

/// Pads the sequences `seqs[i]` for `i` in `rows` to the longest of them.
pub fn make_batch(seqs: &[Array2<f32>], labels: Option<&[usize]>, rows: &[usize], device: Device) -> Result<Batch> {
    ensure(!rows.is_empty(), || "an empty mini-batch".into())?;
    let n_features = seqs[rows[0]].ncols();
    let t_max = rows.iter().map(|&i| seqs[i].nrows()).max().unwrap_or(0);
    let mut flat = vec![0f32; rows.len() * t_max * n_features];
    let mut mask = vec![0f32; rows.len() * t_max];
    for (b, &i) in rows.iter().enumerate() {
        let s = seqs[i].as_standard_layout();
        let data = s.as_slice().expect("standard layout is contiguous");
        flat[b * t_max * n_features..][..data.len()].copy_from_slice(data);
        mask[b * t_max..][..s.nrows()].fill(1.0);
    }
    let (b, t, f) = (rows.len() as i64, t_max as i64, n_features as i64);
    let lengths: Vec<i64> = rows.iter().map(|&i| seqs[i].nrows() as i64).collect();
    let x = Tensor::f_from_slice(&flat).and_then(|x| x.f_reshape([b, t, f])).and_then(|x| x.f_to_device(device)).map_err(torch_error)?;
    let mask = Tensor::f_from_slice(&mask).and_then(|m| m.f_reshape([b, t])).and_then(|m| m.f_to_device(device)).map_err(torch_error)?;
    let lengths = Tensor::f_from_slice(&lengths).and_then(|l| l.f_to_device(device)).map_err(torch_error)?;
    let y = match labels {
        Some(y) => {
            let picked: Vec<i64> = rows.iter().map(|&i| y[i] as i64).collect();
            Some(Tensor::f_from_slice(&picked).and_then(|t| t.f_to_device(device)).map_err(torch_error)?)
        }
        None => None,
    };
    Ok(Batch { x, lengths, mask, y })
}

/// Loss weights per class: None, scikit-learn's "balanced" `n / (k * count)`, or explicit.
pub fn class_weights(y: &[usize], n_classes: usize, how: &super::config::ClassWeight) -> Result<Option<Vec<f64>>> {
    use super::config::ClassWeight;
    Ok(match how {
        ClassWeight::None => None,
        ClassWeight::Explicit(w) => Some(w.clone()),
        ClassWeight::Balanced => {
            let mut counts = vec![0usize; n_classes];
            for &k in y {
                counts[k] += 1;
            }
            // sklearn's compute_class_weight refuses classes absent from y; so do we.
            ensure(counts.iter().all(|&c| c > 0), || "class_weight='balanced' needs every class in the training labels".into())?;
            Some(counts.iter().map(|&c| y.len() as f64 / (n_classes as f64 * c as f64)).collect())
        }
    })
}

/// Index sequences `0..n` in rows of `batch_size`, in an order drawn from `rng` (or in order).
pub fn batches(n: usize, batch_size: usize, rng: Option<&mut rand_chacha::ChaCha8Rng>) -> Vec<Vec<usize>> {
    use rand::seq::SliceRandom;
    let mut order: Vec<usize> = (0..n).collect();
    if let Some(rng) = rng {
        order.shuffle(rng);
    }
    order.chunks(batch_size.max(1)).map(|c| c.to_vec()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn scaler_sees_only_real_frames_and_keeps_constant_features_finite() {
        let a = array![[1.0f32, 5.0], [3.0, 5.0]];
        let b = array![[5.0f32, 5.0]];
        let s = Scaler::fit(&[a.view(), b.view()]).unwrap();
        assert_eq!(s.mean, vec![3.0, 5.0]);
        assert_eq!(s.std[1], 1.0);
        let z = s.transform(b.view()).unwrap();
        assert!((z[[0, 0]] - 2.0 / (8.0f32 / 3.0).sqrt()).abs() < 1e-6 && z[[0, 1]] == 0.0);
        assert!(s.transform(array![[1.0f32]].view()).unwrap_err().message().contains("fitted on 2"));
    }

    #[test]
    fn batches_pad_with_zeros_and_mask_the_padding() {
        let seqs = vec![array![[1.0f32], [2.0], [3.0]], array![[4.0f32]]];
        let b = make_batch(&seqs, Some(&[1, 0]), &[1, 0], Device::Cpu).unwrap();
        assert_eq!(b.x.size(), vec![2, 3, 1]);
        assert_eq!(Vec::<f32>::try_from(b.x.flatten(0, -1)).unwrap(), vec![4.0, 0.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(Vec::<f32>::try_from(b.mask.flatten(0, -1)).unwrap(), vec![1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
        assert_eq!(Vec::<i64>::try_from(b.lengths).unwrap(), vec![1, 3]);
        assert_eq!(Vec::<i64>::try_from(b.y.unwrap()).unwrap(), vec![0, 1]);
    }

    #[test]
    fn bad_sequences_are_named() {
        let ok = array![[1.0f32, 2.0]];
        let empty = Array2::<f32>::zeros((0, 2));
        assert!(check_sequences(&[], "X").unwrap_err().message().contains("X is empty"));
        assert!(check_sequences(&[ok.view(), empty.view()], "X").unwrap_err().message().contains("X[1] has 0 frames"));
        let nan = array![[f32::NAN, 1.0]];
        assert!(check_sequences(&[nan.view()], "X").unwrap_err().message().contains("NaN"));
        let narrow = array![[1.0f32]];
        assert!(check_sequences(&[ok.view(), narrow.view()], "X").unwrap_err().message().contains("same"));
    }

    #[test]
    fn balanced_weights_follow_sklearn() {
        let w = class_weights(&[0, 0, 0, 1], 2, &super::super::config::ClassWeight::Balanced).unwrap().unwrap();
        assert!((w[0] - 4.0 / 6.0).abs() < 1e-12 && (w[1] - 2.0).abs() < 1e-12);
    }
}
