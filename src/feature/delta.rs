//! `librosa.feature.delta`: local derivatives by Savitzky-Golay filtering
//! (`scipy.signal.savgol_filter` with `polyorder = deriv = order`).

use crate::error::{ensure, Result, SerError};
use ndarray::{Array2, ArrayView2};

/// Edge handling, as `savgol_filter`'s `mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeltaMode {
    /// Fit a polynomial to the first/last `width` samples and differentiate it there.
    Interp,
    /// Reflect about the edge sample, not repeating it (`d c b | a b c d`).
    Mirror,
    Nearest,
    Constant,
    Wrap,
}

impl DeltaMode {
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "interp" => Ok(DeltaMode::Interp),
            "mirror" => Ok(DeltaMode::Mirror),
            "nearest" => Ok(DeltaMode::Nearest),
            "constant" => Ok(DeltaMode::Constant),
            "wrap" => Ok(DeltaMode::Wrap),
            _ => Err(SerError::parameter(format!(
                "mode='{name}' is not supported; use 'interp', 'mirror', 'nearest', 'constant' or 'wrap'"
            ))),
        }
    }
}

/// Solves the small symmetric system `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs())).expect("non-empty");
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..n {
            let f = a[row][col] / a[col][col];
            for k in col..n {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    x
}

/// Weights `w` such that `sum_j w[j] * x[j]` is the `deriv`-th derivative, at sample `pos` of a
/// window of `width` samples, of the least-squares polynomial of degree `order` through them.
fn savgol_weights(width: usize, order: usize, deriv: usize, pos: usize) -> Vec<f64> {
    let centre = (width / 2) as f64;
    let u: Vec<f64> = (0..width).map(|j| j as f64 - centre).collect();
    let m = order + 1;
    let gram: Vec<Vec<f64>> = (0..m).map(|a| (0..m).map(|b| u.iter().map(|x| x.powi((a + b) as i32)).sum()).collect()).collect();
    let at = pos as f64 - centre;
    // d^deriv/du^deriv of u^k at `at`.
    let falling = |k: usize| -> f64 { (k - deriv + 1..=k).map(|v| v as f64).product() };
    let e: Vec<f64> = (0..m).map(|k| if k < deriv { 0.0 } else { falling(k) * at.powi((k - deriv) as i32) }).collect();
    let z = solve(gram, e);
    u.iter().map(|x| z.iter().enumerate().map(|(k, zk)| zk * x.powi(k as i32)).sum()).collect()
}

/// Index of sample `i` (possibly outside `0..n`) under an ndimage extension mode.
fn extended(i: isize, n: usize, mode: DeltaMode) -> Option<usize> {
    let n_i = n as isize;
    match mode {
        DeltaMode::Constant if i < 0 || i >= n_i => None,
        DeltaMode::Nearest => Some(i.clamp(0, n_i - 1) as usize),
        DeltaMode::Wrap => Some(i.rem_euclid(n_i) as usize),
        DeltaMode::Mirror => Some(crate::signal::frame::reflect_index(i, n)),
        _ => Some(i as usize),
    }
}

/// `librosa.feature.delta(data, width, order, axis=-1, mode)` on rows of `data`.
pub fn delta(data: ArrayView2<f32>, width: usize, order: usize, mode: DeltaMode) -> Result<Array2<f32>> {
    let n = data.ncols();
    ensure(data.iter().all(|v| v.is_finite()), || "data contains NaN or inf; replace them first, e.g. np.nan_to_num(data)".to_string())?;
    ensure(n >= 1, || "data has no frames".to_string())?;
    ensure(mode != DeltaMode::Interp || width <= n, || {
        format!("when mode='interp', width={width} cannot exceed data.shape[axis]={n}")
    })?;
    ensure(width >= 3 && width % 2 == 1, || format!("width={width} must be an odd integer >= 3"))?;
    ensure(order >= 1 && order < width, || format!("order={order} must be a positive integer smaller than width={width}"))?;
    let half = width / 2;
    let interior = savgol_weights(width, order, order, half);
    let edge_weights: Vec<Vec<f64>> = (0..width).map(|pos| savgol_weights(width, order, order, pos)).collect();
    let mut out = Array2::<f32>::zeros(data.raw_dim());
    for (row, mut o) in data.rows().into_iter().zip(out.rows_mut()) {
        for i in 0..n {
            let value: f64 = if mode == DeltaMode::Interp {
                let start = i.saturating_sub(half).min(n - width);
                edge_weights[i - start].iter().enumerate().map(|(j, w)| w * row[start + j] as f64).sum()
            } else {
                interior
                    .iter()
                    .enumerate()
                    .filter_map(|(j, w)| extended(i as isize - half as isize + j as isize, n, mode).map(|k| w * row[k] as f64))
                    .sum()
            };
            o[i] = value as f32;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn delta_of_a_ramp_is_its_slope_everywhere() {
        let data = Array2::from_shape_fn((1, 20), |(_, t)| 3.0 * t as f32 + 1.0);
        let d = delta(data.view(), 9, 1, DeltaMode::Interp).unwrap();
        assert!(d.iter().all(|&v| (v - 3.0).abs() < 1e-4), "{d:?}");
        let d2 = delta(data.view(), 9, 2, DeltaMode::Interp).unwrap();
        assert!(d2.iter().all(|&v| v.abs() < 1e-4));
    }

    #[test]
    fn second_delta_of_a_parabola_is_constant() {
        let data = Array2::from_shape_fn((1, 15), |(_, t)| (t * t) as f32);
        let d2 = delta(data.view(), 5, 2, DeltaMode::Interp).unwrap();
        assert!(d2.iter().all(|&v| (v - 2.0).abs() < 1e-3), "{d2:?}");
    }

    #[test]
    fn bad_widths_are_errors() {
        let data = Array2::<f32>::zeros((2, 5));
        assert!(delta(data.view(), 9, 1, DeltaMode::Interp).is_err());
        assert!(delta(data.view(), 4, 1, DeltaMode::Nearest).is_err());
        assert!(delta(data.view(), 3, 0, DeltaMode::Nearest).is_err());
    }
}
