//! Evaluation metrics over integer class labels, with scikit-learn's definitions (1.x):
//! `confusion_matrix`, `accuracy_score`, `balanced_accuracy_score` (UAR).
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
    fn mismatched_or_unknown_labels_are_parameter_errors() {
        assert!(accuracy(&[0, 1], &[0], 2).unwrap_err().message().contains("y_pred has 1"));
        assert!(accuracy(&[], &[], 2).is_err());
        assert!(confusion_matrix(&[0, 5], &[0, 1], 2).unwrap_err().message().contains("label 5"));
    }
}
