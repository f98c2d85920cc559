//! Evaluation metrics over integer class labels, with scikit-learn's definitions (1.x):
//! `confusion_matrix`, `accuracy_score`, `balanced_accuracy_score` (UAR) and
//! `precision_recall_fscore_support` with its averages.
//!
//! Labels are class indices `0..n_classes`; the Python layer maps names to indices, so a class
//! absent from both `y_true` and `y_pred` still has its row and column, as with sklearn's
//! `labels=` argument.

use crate::error::{ensure, Result};
use ndarray::Array2;

/// Checks that the two label lists pair up and every label is a known class.
fn check_labels(y_true: &[usize], y_pred: &[usize], n_classes: usize) -> Result<()> {
    ensure(y_true.len() == y_pred.len(), || {
        format!("y_true has {} labels but y_pred has {}: pass one prediction per sample", y_true.len(), y_pred.len())
    })?;
    ensure(!y_true.is_empty(), || "y_true is empty: metrics need at least one sample".to_string())?;
    ensure(n_classes > 0, || "n_classes must be at least 1".to_string())?;
    let worst = y_true.iter().chain(y_pred).copied().max().unwrap_or(0);
    ensure(worst < n_classes, || format!("label {worst} is outside the {n_classes} classes 0..{}", n_classes - 1))
}

/// `C[i, j]`: how many samples of true class `i` were predicted as class `j`.
pub fn confusion_matrix(y_true: &[usize], y_pred: &[usize], n_classes: usize) -> Result<Array2<u64>> {
    check_labels(y_true, y_pred, n_classes)?;
    let mut c = Array2::<u64>::zeros((n_classes, n_classes));
    for (&t, &p) in y_true.iter().zip(y_pred) {
        c[[t, p]] += 1;
    }
    Ok(c)
}

/// The fraction of samples predicted correctly.
pub fn accuracy(y_true: &[usize], y_pred: &[usize], n_classes: usize) -> Result<f64> {
    check_labels(y_true, y_pred, n_classes)?;
    let hits = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    Ok(hits as f64 / y_true.len() as f64)
}

/// Unweighted average recall (UAR): the mean over classes present in `y_true` of each class's
/// recall. Classes never seen in `y_true` are left out, as sklearn does (it warns).
pub fn balanced_accuracy(y_true: &[usize], y_pred: &[usize], n_classes: usize) -> Result<f64> {
    let c = confusion_matrix(y_true, y_pred, n_classes)?;
    let recalls: Vec<f64> = (0..n_classes)
        .filter_map(|k| {
            let support = c.row(k).sum();
            (support > 0).then(|| c[[k, k]] as f64 / support as f64)
        })
        .collect();
    Ok(recalls.iter().sum::<f64>() / recalls.len() as f64)
}

/// How many samples of each class were hit, predicted and true: the sufficient statistics of
/// precision, recall and F.
struct Counts {
    tp: Vec<f64>,
    predicted: Vec<f64>,
    truth: Vec<f64>,
}

fn counts_for(y_true: &[usize], y_pred: &[usize], n_classes: usize, labels: &[usize]) -> Result<Counts> {
    let c = confusion_matrix(y_true, y_pred, n_classes)?;
    ensure(!labels.is_empty(), || "labels is empty: name at least one class to score".to_string())?;
    if let Some(&bad) = labels.iter().find(|&&k| k >= n_classes) {
        return Err(crate::SerError::parameter(format!("label {bad} is outside the {n_classes} classes")));
    }
    Ok(Counts {
        tp: labels.iter().map(|&k| c[[k, k]] as f64).collect(),
        predicted: labels.iter().map(|&k| c.column(k).sum() as f64).collect(),
        truth: labels.iter().map(|&k| c.row(k).sum() as f64).collect(),
    })
}

/// What precision, recall and F are when their denominator is zero (sklearn's `zero_division`:
/// 0, 1 or NaN) and the F weight `beta` (F1 at 1; recall alone at infinity, precision at 0).
#[derive(Debug, Clone, Copy)]
pub struct PrfOptions {
    pub beta: f64,
    pub zero_division: f64,
}

impl Default for PrfOptions {
    fn default() -> Self {
        PrfOptions { beta: 1.0, zero_division: 0.0 }
    }
}

/// How per-class scores are summarised into one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Average {
    /// From the counts pooled over classes (equals accuracy when every class is scored).
    Micro,
    /// The plain mean over classes.
    Macro,
    /// The mean weighted by each class's support (its number of true samples).
    Weighted,
}

impl Average {
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "micro" => Ok(Average::Micro),
            "macro" => Ok(Average::Macro),
            "weighted" => Ok(Average::Weighted),
            _ => Err(crate::SerError::parameter(format!("average={name:?} is not one of None, 'micro', 'macro', 'weighted'"))),
        }
    }
}

/// Precision, recall, F-beta and support of each class in `labels`, in that order.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassScores {
    pub precision: Vec<f64>,
    pub recall: Vec<f64>,
    pub fscore: Vec<f64>,
    pub support: Vec<u64>,
}

fn divide(num: f64, den: f64, zero_division: f64) -> f64 {
    if den == 0.0 {
        zero_division
    } else {
        num / den
    }
}

fn check_options(opts: PrfOptions) -> Result<()> {
    ensure(opts.beta >= 0.0, || format!("beta={} must be a number >= 0 (1 gives F1)", opts.beta))?;
    ensure(opts.zero_division.is_nan() || opts.zero_division == 0.0 || opts.zero_division == 1.0, || {
        format!("zero_division={} must be 0, 1 or NaN", opts.zero_division)
    })
}

fn scores_from(counts: &Counts, opts: PrfOptions) -> ClassScores {
    let beta2 = opts.beta * opts.beta;
    let zd = opts.zero_division;
    let n = counts.tp.len();
    let precision: Vec<f64> = (0..n).map(|k| divide(counts.tp[k], counts.predicted[k], zd)).collect();
    let recall: Vec<f64> = (0..n).map(|k| divide(counts.tp[k], counts.truth[k], zd)).collect();
    let fscore = (0..n)
        .map(|k| {
            if opts.beta.is_infinite() {
                recall[k]
            } else if opts.beta == 0.0 {
                precision[k]
            } else {
                // (1 + b²)·tp / ((1 + b²)·tp + b²·fn + fp), written with the class totals.
                divide((1.0 + beta2) * counts.tp[k], beta2 * counts.truth[k] + counts.predicted[k], zd)
            }
        })
        .collect();
    ClassScores { precision, recall, fscore, support: counts.truth.iter().map(|&t| t as u64).collect() }
}

/// Per-class precision, recall, F-beta and support (sklearn's `average=None`).
pub fn precision_recall_fscore(y_true: &[usize], y_pred: &[usize], n_classes: usize, labels: &[usize], opts: PrfOptions) -> Result<ClassScores> {
    check_options(opts)?;
    Ok(scores_from(&counts_for(y_true, y_pred, n_classes, labels)?, opts))
}

/// The mean of the non-NaN `values`, weighted when `weights` is given; unweighted if all the
/// weights are zero, NaN if nothing is left (numpy's and sklearn's `_nanaverage`).
fn nan_average(values: &[f64], weights: Option<&[f64]>) -> f64 {
    let kept: Vec<(f64, f64)> = values.iter().enumerate().filter(|(_, v)| !v.is_nan()).map(|(k, &v)| (v, weights.map_or(1.0, |w| w[k]))).collect();
    if kept.is_empty() {
        return f64::NAN;
    }
    let total: f64 = kept.iter().map(|(_, w)| w).sum();
    if total == 0.0 {
        return kept.iter().map(|(v, _)| v).sum::<f64>() / kept.len() as f64;
    }
    kept.iter().map(|(v, w)| v * w).sum::<f64>() / total
}

/// Precision, recall and F-beta over the classes in `labels`, summarised by `average`.
pub fn precision_recall_fscore_average(
    y_true: &[usize],
    y_pred: &[usize],
    n_classes: usize,
    labels: &[usize],
    opts: PrfOptions,
    average: Average,
) -> Result<(f64, f64, f64)> {
    check_options(opts)?;
    let mut counts = counts_for(y_true, y_pred, n_classes, labels)?;
    if average == Average::Micro {
        let pool = |v: &[f64]| vec![v.iter().sum::<f64>()];
        counts = Counts { tp: pool(&counts.tp), predicted: pool(&counts.predicted), truth: pool(&counts.truth) };
    }
    let s = scores_from(&counts, opts);
    let weights = (average == Average::Weighted).then_some(counts.truth.as_slice());
    Ok((nan_average(&s.precision, weights), nan_average(&s.recall, weights), nan_average(&s.fscore, weights)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_matrix_counts_pairs() {
        let c = confusion_matrix(&[0, 0, 1, 2, 2, 2], &[0, 1, 1, 2, 0, 2], 4).unwrap();
        assert_eq!(c.row(0).to_vec(), vec![1, 1, 0, 0]);
        assert_eq!(c.row(2).to_vec(), vec![1, 0, 2, 0]);
        assert_eq!(c.row(3).sum(), 0);
        assert_eq!(c.sum(), 6);
    }

    #[test]
    fn uar_averages_recall_over_present_classes() {
        // Recalls: class 0 1/2, class 1 1/1, class 2 2/3; class 3 absent.
        let uar = balanced_accuracy(&[0, 0, 1, 2, 2, 2], &[0, 1, 1, 2, 0, 2], 4).unwrap();
        assert!((uar - (0.5 + 1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
        assert!((accuracy(&[0, 0, 1, 2, 2, 2], &[0, 1, 1, 2, 0, 2], 4).unwrap() - 4.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn precision_recall_f1_follow_their_definitions() {
        let (t, p) = ([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2]);
        let s = precision_recall_fscore(&t, &p, 4, &[0, 1, 2, 3], PrfOptions::default()).unwrap();
        assert_eq!(s.precision, vec![0.5, 0.5, 1.0, 0.0]); // class 3 never predicted: zero_division
        assert_eq!(s.recall[2], 2.0 / 3.0);
        assert!((s.fscore[2] - 0.8).abs() < 1e-12); // 2·1·(2/3) / (1 + 2/3)
        assert_eq!(s.support, vec![2, 1, 3, 0]);
        let nan = PrfOptions { zero_division: f64::NAN, ..PrfOptions::default() };
        let (mp, _, _) = precision_recall_fscore_average(&t, &p, 4, &[0, 1, 2, 3], nan, Average::Macro).unwrap();
        assert!((mp - 2.0 / 3.0).abs() < 1e-12, "NaN classes are left out of the mean");
        let (micro, _, _) = precision_recall_fscore_average(&t, &p, 4, &[0, 1, 2], PrfOptions::default(), Average::Micro).unwrap();
        assert!((micro - accuracy(&t, &p, 4).unwrap()).abs() < 1e-12);
        let (_, wr, _) = precision_recall_fscore_average(&t, &p, 4, &[0, 1, 2], PrfOptions::default(), Average::Weighted).unwrap();
        assert!((wr - micro).abs() < 1e-12, "support-weighted recall is accuracy");
    }

    #[test]
    fn absurd_options_are_parameter_errors() {
        let bad_beta = PrfOptions { beta: -1.0, ..PrfOptions::default() };
        assert!(precision_recall_fscore(&[0], &[0], 1, &[0], bad_beta).unwrap_err().message().contains("beta"));
        let bad_zd = PrfOptions { zero_division: 0.5, ..PrfOptions::default() };
        assert!(precision_recall_fscore(&[0], &[0], 1, &[0], bad_zd).unwrap_err().message().contains("zero_division"));
        assert!(precision_recall_fscore(&[0], &[0], 1, &[], PrfOptions::default()).is_err());
        assert!(Average::from_name("samples").is_err());
    }

    #[test]
    fn mismatched_or_unknown_labels_are_parameter_errors() {
        assert!(accuracy(&[0, 1], &[0], 2).unwrap_err().message().contains("y_pred has 1"));
        assert!(accuracy(&[], &[], 2).is_err());
        assert!(confusion_matrix(&[0, 5], &[0, 1], 2).unwrap_err().message().contains("label 5"));
    }
}
