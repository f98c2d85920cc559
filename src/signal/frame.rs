//! Framing and edge padding, as `librosa.util.frame` and `numpy.pad`.

use crate::error::{ensure, Result, SerError};

/// How the signal is extended at its edges when frames are centred (`numpy.pad` modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadMode {
    Constant,
    Edge,
    Reflect,
}

impl PadMode {
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "constant" => Ok(PadMode::Constant),
            "edge" => Ok(PadMode::Edge),
            "reflect" => Ok(PadMode::Reflect),
            _ => Err(SerError::parameter(format!(
                "pad_mode='{name}' is not supported; use 'constant', 'edge' or 'reflect'"
            ))),
        }
    }
}

/// Index into a signal of length `n` extended by numpy's `reflect` rule (edge not repeated).
pub(crate) fn reflect_index(i: isize, n: usize) -> usize {
    if n == 1 {
        return 0;
    }
    let period = 2 * (n as isize - 1);
    let m = i.rem_euclid(period);
    if m < n as isize {
        m as usize
    } else {
        (period - m) as usize
    }
}

/// Sample `i` (possibly outside `0..y.len()`) of `y` extended by `numpy.pad`'s `mode`.
pub(crate) fn padded_sample(y: &[f32], i: isize, mode: PadMode) -> f32 {
    let n = y.len() as isize;
    if (0..n).contains(&i) {
        return y[i as usize];
    }
    match mode {
        PadMode::Constant => 0.0,
        PadMode::Edge => y[i.clamp(0, n - 1) as usize],
        PadMode::Reflect => y[reflect_index(i, y.len())],
    }
}

/// `numpy.pad(y, (pad, pad), mode)`.
pub fn pad_signal(y: &[f32], pad: usize, mode: PadMode) -> Vec<f32> {
    let n = y.len() as isize;
    let mut out = Vec::with_capacity(y.len() + 2 * pad);
    out.extend((-(pad as isize)..0).map(|i| padded_sample(y, i, mode)));
    out.extend_from_slice(y);
    out.extend((n..n + pad as isize).map(|i| padded_sample(y, i, mode)));
    out
}

/// Number of frames `librosa.util.frame` makes; an error when the signal is shorter than a frame.
pub fn frame_count(len: usize, frame_length: usize, hop_length: usize) -> Result<usize> {
    ensure(len >= frame_length, || {
        format!(
            "the signal ({len} samples) is shorter than one frame of {frame_length} samples; \
             pad it (np.pad / librosa.util.fix_length) or use a smaller n_fft / frame_length"
        )
    })?;
    Ok(1 + (len - frame_length) / hop_length)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflect_matches_numpy() {
        // np.pad([1,2,3], 5, "reflect") == [2,1,2,3,2,1,2,3,2,1,2,3,2]
        let y = [1.0f32, 2.0, 3.0];
        assert_eq!(pad_signal(&y, 5, PadMode::Reflect), vec![2., 1., 2., 3., 2., 1., 2., 3., 2., 1., 2., 3., 2.]);
        assert_eq!(pad_signal(&y, 2, PadMode::Edge), vec![1., 1., 1., 2., 3., 3., 3.]);
        assert_eq!(pad_signal(&y, 1, PadMode::Constant), vec![0., 1., 2., 3., 0.]);
    }
}
