//! Analysis windows: the STFT's (as `scipy.signal.get_window`) and the Kaiser window that the
//! resampler's and Praat's intensity kernels are shaped by.

use crate::error::{ensure, Result, SerError};
use std::f64::consts::PI;

/// Analysis window, periodic ("fftbins=True") as `scipy.signal.get_window`.
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    Hann,
    Hamming,
    Blackman,
    Rectangular,
    /// Explicit coefficients, of length `win_length`.
    Custom(Vec<f64>),
}

impl Window {
    pub fn from_name(name: &str) -> Result<Self> {
        match name.to_ascii_lowercase().as_str() {
            "hann" | "hanning" => Ok(Window::Hann),
            "hamming" => Ok(Window::Hamming),
            "blackman" => Ok(Window::Blackman),
            "boxcar" | "rectangular" | "ones" => Ok(Window::Rectangular),
            _ => Err(SerError::parameter(format!(
                "window='{name}' is not supported; use 'hann', 'hamming', 'blackman', 'boxcar', \
                 or pass the window's coefficients as an array"
            ))),
        }
    }

    /// The window's `length` coefficients.
    pub fn coefficients(&self, length: usize) -> Result<Vec<f64>> {
        let cosine = |a: &[f64]| -> Vec<f64> {
            (0..length)
                .map(|n| {
                    let x = 2.0 * PI * n as f64 / length as f64;
                    a.iter().enumerate().map(|(k, &ak)| if k % 2 == 0 { ak } else { -ak } * (k as f64 * x).cos()).sum()
                })
                .collect()
        };
        Ok(match self {
            Window::Hann => cosine(&[0.5, 0.5]),
            Window::Hamming => cosine(&[0.54, 0.46]),
            Window::Blackman => cosine(&[0.42, 0.5, 0.08]),
            Window::Rectangular => vec![1.0; length],
            Window::Custom(w) => {
                ensure(w.len() == length, || {
                    format!("the window array has {} coefficients but win_length is {length}", w.len())
                })?;
                ensure(w.iter().all(|v| v.is_finite()), || "the window array contains NaN or inf".to_string())?;
                w.clone()
            }
        })
    }
}

/// Kaiser window at relative position `r` in [-1, 1], normalised to 1 at the centre.
pub(crate) fn kaiser(r: f64, beta: f64) -> f64 {
    bessel_i0(beta * (1.0 - r * r).max(0.0).sqrt()) / bessel_i0(beta)
}

/// Modified Bessel function of the first kind, order 0 (power series; converges fast for the
/// beta values used here).
fn bessel_i0(x: f64) -> f64 {
    let quarter_x2 = x * x / 4.0;
    let (mut sum, mut term, mut k) = (1.0, 1.0, 1.0);
    while term > sum * 1e-17 {
        term *= quarter_x2 / (k * k);
        sum += term;
        k += 1.0;
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hann_is_periodic() {
        let w = Window::Hann.coefficients(4).unwrap();
        let expect = [0.0, 0.5, 1.0, 0.5];
        for (a, b) in w.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12);
        }
    }
}
