//! Short-time Fourier transform and its inverse, as `librosa.stft` and `librosa.istft`.

use super::check::validate_audio;
use super::frame::{frame_count, padded_sample, PadMode};
use super::memo::{memoized, Memo};
use super::simd;
use super::window::Window;
use crate::error::{ensure, Result, SerError};
use ndarray::{Array2, ArrayView2};
use num_complex::{Complex, Complex32, Complex64};
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

/// STFT settings with librosa's defaults (`n_fft=2048`, `hop_length=win_length // 4`,
/// `win_length=n_fft`, Hann, centred, zero padding).
#[derive(Debug, Clone, PartialEq)]
pub struct StftParams {
    pub n_fft: usize,
    pub hop_length: Option<usize>,
    pub win_length: Option<usize>,
    pub window: Window,
    pub center: bool,
    pub pad_mode: PadMode,
}

impl Default for StftParams {
    fn default() -> Self {
        StftParams { n_fft: 2048, hop_length: Some(512), win_length: None, window: Window::Hann, center: true, pad_mode: PadMode::Constant }
    }
}

impl StftParams {
    pub fn win_length(&self) -> usize {
        self.win_length.unwrap_or(self.n_fft)
    }

    pub fn hop_length(&self) -> usize {
        self.hop_length.unwrap_or(self.win_length() / 4)
    }

    pub fn validate(&self) -> Result<()> {
        ensure(self.n_fft >= 2, || format!("n_fft={} must be an integer >= 2", self.n_fft))?;
        ensure(self.n_fft <= 1 << 20, || format!("n_fft={} is absurdly large; use at most 2**20", self.n_fft))?;
        let win = self.win_length();
        ensure(win >= 1 && win <= self.n_fft, || format!("win_length={win} must be between 1 and n_fft={}", self.n_fft))?;
        ensure(self.hop_length() >= 1, || format!("hop_length={} must be a positive integer", self.hop_length()))
    }

    /// The window zero-padded to `n_fft`, centred (`librosa.util.pad_center`). Memoised: its
    /// cosines cost as much as a few frames of FFT, on every call of every feature.
    pub fn padded_window(&self) -> Result<Arc<Vec<f64>>> {
        static WINDOWS: Memo<(Window, usize, usize), Vec<f64>> = Mutex::new(Vec::new());
        let win = self.win_length();
        memoized(&WINDOWS, (self.window.clone(), win, self.n_fft), || {
            let coeffs = self.window.coefficients(win)?;
            let mut out = vec![0.0; self.n_fft];
            let lpad = (self.n_fft - win) / 2;
            out[lpad..lpad + win].copy_from_slice(&coeffs);
            Ok(out)
        })
    }
}

/// The floating-point type a spectrum is computed in: f64 as librosa does (its frames are
/// promoted to f64 before the FFT), or f32 where a feature pools many bins and f64 buys nothing.
pub(crate) trait Precision: realfft::FftNum + Default {
    fn forward_plan(n_fft: usize) -> Arc<dyn RealToComplex<Self>>;
    fn inverse_plan(n_fft: usize) -> Arc<dyn ComplexToReal<Self>>;
    /// `frame * window` into the FFT input.
    fn apply_window(frame: &[f32], window: &[Self], out: &mut [Self]);
    fn from_complex32(c: Complex32) -> Complex<Self>;
    fn to_complex32(c: Complex<Self>) -> Complex32;
    /// `values` as f64: themselves, or widened into `buffer`.
    fn as_f64<'a>(values: &'a [Self], buffer: &'a mut [f64]) -> &'a [f64];
}

thread_local! {
    static PLANNER_F64: RefCell<RealFftPlanner<f64>> = RefCell::new(RealFftPlanner::new());
    static PLANNER_F32: RefCell<RealFftPlanner<f32>> = RefCell::new(RealFftPlanner::new());
}

impl Precision for f64 {
    fn forward_plan(n_fft: usize) -> Arc<dyn RealToComplex<f64>> {
        PLANNER_F64.with(|p| p.borrow_mut().plan_fft_forward(n_fft))
    }
    fn inverse_plan(n_fft: usize) -> Arc<dyn ComplexToReal<f64>> {
        PLANNER_F64.with(|p| p.borrow_mut().plan_fft_inverse(n_fft))
    }
    fn apply_window(frame: &[f32], window: &[f64], out: &mut [f64]) {
        simd::apply_window(frame, window, out)
    }
    fn from_complex32(c: Complex32) -> Complex64 {
        Complex64::new(c.re as f64, c.im as f64)
    }
    fn to_complex32(c: Complex64) -> Complex32 {
        Complex32::new(c.re as f32, c.im as f32)
    }
    fn as_f64<'a>(values: &'a [f64], _: &'a mut [f64]) -> &'a [f64] {
        values
    }
}

impl Precision for f32 {
    fn forward_plan(n_fft: usize) -> Arc<dyn RealToComplex<f32>> {
        PLANNER_F32.with(|p| p.borrow_mut().plan_fft_forward(n_fft))
    }
    fn inverse_plan(n_fft: usize) -> Arc<dyn ComplexToReal<f32>> {
        PLANNER_F32.with(|p| p.borrow_mut().plan_fft_inverse(n_fft))
    }
    fn apply_window(frame: &[f32], window: &[f32], out: &mut [f32]) {
        for ((o, &s), &w) in out.iter_mut().zip(frame).zip(window) {
            *o = s * w;
        }
    }
    fn from_complex32(c: Complex32) -> Complex32 {
        c
    }
    fn to_complex32(c: Complex32) -> Complex32 {
        c
    }
    fn as_f64<'a>(values: &'a [f32], buffer: &'a mut [f64]) -> &'a [f64] {
        buffer.iter_mut().zip(values).for_each(|(d, &v)| *d = v as f64);
        buffer
    }
}

/// The analysis frames of a signal, read straight from it: only the frames that reach into the
/// centring padding are assembled in a small buffer, so no padded copy of the signal is made
/// (a copy of a long signal is a large allocation on every call).
struct Framer<'a> {
    y: &'a [f32],
    n_fft: usize,
    hop: usize,
    /// Samples of padding before the signal (0 when not centred).
    pad: usize,
    mode: PadMode,
    n_frames: usize,
    edge: Vec<f32>,
}

impl<'a> Framer<'a> {
    fn new(y: &'a [f32], params: &StftParams) -> Result<Self> {
        validate_audio(y)?;
        params.validate()?;
        ensure(y.len() >= params.n_fft, || {
            format!(
                "the signal ({} samples) is shorter than n_fft={}; pad it (np.pad / \
                 librosa.util.fix_length) or use a smaller n_fft",
                y.len(),
                params.n_fft
            )
        })?;
        let pad = if params.center { params.n_fft / 2 } else { 0 };
        let n_frames = frame_count(y.len() + 2 * pad, params.n_fft, params.hop_length())?;
        Ok(Framer { y, n_fft: params.n_fft, hop: params.hop_length(), pad, mode: params.pad_mode, n_frames, edge: vec![0.0; params.n_fft] })
    }

    /// Frame `t` of the (virtually) padded signal.
    fn frame(&mut self, t: usize) -> &[f32] {
        let start = (t * self.hop) as isize - self.pad as isize;
        let end = start + self.n_fft as isize;
        if start >= 0 && end <= self.y.len() as isize {
            return &self.y[start as usize..end as usize];
        }
        for (k, e) in self.edge.iter_mut().enumerate() {
            *e = padded_sample(self.y, start + k as isize, self.mode);
        }
        &self.edge
    }
}

/// Calls `visit(t, spectrum)` with the f64 spectrum of every analysis frame `t`, windowed and
/// transformed as `librosa.stft` does; returns the number of frames. Callers keep only what they
/// need from each spectrum, so no complex matrix is built when magnitudes suffice.
fn for_each_spectrum<T: Precision>(y: &[f32], params: &StftParams, mut visit: impl FnMut(usize, &[Complex<T>])) -> Result<usize> {
    let mut framer = Framer::new(y, params)?;
    let window: Vec<T> = params.padded_window()?.iter().map(|&w| T::from_f64(w).expect("finite window")).collect();
    // One real FFT per frame: packing two frames into one complex FFT would leak rounding noise
    // from a loud frame into a silent one, whose spectrum must stay exactly zero.
    let plan = T::forward_plan(params.n_fft);
    let mut input = plan.make_input_vec();
    let mut spectrum = plan.make_output_vec();
    let mut scratch = plan.make_scratch_vec();
    for t in 0..framer.n_frames {
        T::apply_window(framer.frame(t), &window, &mut input);
        plan.process_with_scratch(&mut input, &mut spectrum, &mut scratch)
            .map_err(|e| SerError::parameter(format!("FFT failed: {e}")))?;
        visit(t, &spectrum);
    }
    Ok(framer.n_frames)
}

/// Calls `visit(t, row)` with `np.abs(stft(y))[:, t] ** power` for every frame `t`; returns the
/// number of frames. Each spectrum is rounded to complex f32 and its magnitude taken before the
/// power, as librosa does. Lets a caller reduce each row (e.g. to mel bands) without ever
/// holding the whole spectrogram.
pub(crate) fn for_each_spectrogram_row(y: &[f32], params: &StftParams, power: f64, mut visit: impl FnMut(usize, &[f32])) -> Result<usize> {
    ensure(power.is_finite() && power > 0.0, || format!("power={power} must be a positive number"))?;
    let bins = params.n_fft / 2 + 1;
    let (mut re, mut im, mut row) = (vec![0f32; bins], vec![0f32; bins], vec![0f32; bins]);
    for_each_spectrum(y, params, |t, spectrum: &[Complex64]| {
        simd::magnitudes(spectrum, &mut re, &mut im, &mut row, power == 2.0);
        if power != 1.0 && power != 2.0 {
            row.iter_mut().for_each(|m| *m = (*m as f64).powf(power) as f32);
        }
        visit(t, &row);
    })
}

/// Calls `visit(t, row)` with `|stft(y)[:, t]| ** power` for every frame `t`, computed in single
/// precision with `|z|^2 = re^2 + im^2`: for features that pool bins through a filter bank (mel),
/// where this differs from librosa's f64 route by f32 rounding of the frame's energy, and is about
/// a third cheaper per frame. Returns the number of frames.
pub(crate) fn for_each_pooled_power_row(y: &[f32], params: &StftParams, power: f64, mut visit: impl FnMut(usize, &[f32])) -> Result<usize> {
    ensure(power.is_finite() && power > 0.0, || format!("power={power} must be a positive number"))?;
    let mut row = vec![0f32; params.n_fft / 2 + 1];
    let half_power = (power / 2.0) as f32;
    for_each_spectrum(y, params, |t, spectrum: &[Complex32]| {
        for (o, c) in row.iter_mut().zip(spectrum) {
            *o = c.re * c.re + c.im * c.im;
        }
        if power != 2.0 {
            row.iter_mut().for_each(|v| *v = v.powf(half_power));
        }
        visit(t, &row);
    })
}

/// Frames of a centred/padded signal: how many the STFT will produce.
fn stft_frame_count(y: &[f32], params: &StftParams) -> Result<usize> {
    params.validate()?;
    let len = if params.center { y.len() + 2 * (params.n_fft / 2) } else { y.len() };
    frame_count(len, params.n_fft, params.hop_length())
}

/// Complex STFT, time-major `(n_frames, 1 + n_fft / 2)`.
///
/// Unlike librosa, a signal shorter than `n_fft` is an error even when centred: librosa only
/// warns and returns frames made mostly of padding.
pub fn stft_frames(y: &[f32], params: &StftParams) -> Result<Array2<Complex32>> {
    stft_frames_in::<f64>(y, params)
}

/// [`stft_frames`] with the transform computed in `T`: f64 is librosa's arithmetic; f32 differs
/// from it by single-precision rounding (about 1e-7 of a frame's energy) at about half the cost,
/// for callers whose result is compared with librosa's by SNR rather than bit for bit.
pub(crate) fn stft_frames_in<T: Precision>(y: &[f32], params: &StftParams) -> Result<Array2<Complex32>> {
    let mut out = Array2::<Complex32>::zeros((stft_frame_count(y, params).unwrap_or(0), params.n_fft / 2 + 1));
    for_each_spectrum(y, params, |t, spectrum: &[Complex<T>]| {
        for (o, &c) in out.row_mut(t).iter_mut().zip(spectrum) {
            *o = T::to_complex32(c);
        }
    })?;
    Ok(out)
}

/// `librosa.stft`: complex STFT in librosa's orientation `(1 + n_fft / 2, n_frames)`.
pub fn stft(y: &[f32], params: &StftParams) -> Result<Array2<Complex32>> {
    Ok(stft_frames(y, params)?.reversed_axes())
}

/// `librosa.istft` of a time-major STFT `(n_frames, 1 + n_fft / 2)`: inverse FFT of each frame,
/// windowed overlap-add, divided by the window's summed square where that is not vanishing.
/// `length` trims or zero-pads the output as librosa's does; without it the output covers every
/// frame (less the centring padding).
pub fn istft_frames(frames: ArrayView2<Complex32>, params: &StftParams, length: Option<usize>) -> Result<Vec<f32>> {
    istft_frames_in::<f64>(frames, params, length)
}

/// [`istft_frames`] with the inverse transforms computed in `T` (see [`stft_frames_in`]); the
/// overlap-add is in f64 either way.
pub(crate) fn istft_frames_in<T: Precision>(frames: ArrayView2<Complex32>, params: &StftParams, length: Option<usize>) -> Result<Vec<f32>> {
    params.validate()?;
    let (n_fft, hop) = (params.n_fft, params.hop_length());
    ensure(frames.ncols() == n_fft / 2 + 1, || {
        format!("the STFT has {} frequency bins but n_fft={n_fft} needs {}", frames.ncols(), n_fft / 2 + 1)
    })?;
    ensure(frames.nrows() > 0, || "the STFT has no frames".to_string())?;
    let pad = if params.center { n_fft / 2 } else { 0 };
    let n_frames = match length {
        Some(len) => frames.nrows().min((len + 2 * pad).div_ceil(hop)),
        None => frames.nrows(),
    };
    let out_len = length.unwrap_or((n_fft + hop * (n_frames - 1)).saturating_sub(2 * pad));
    let window = params.padded_window()?;
    // irfft's 1/n normalisation folded into the synthesis window.
    let scaled_window: Vec<f64> = window.iter().map(|&w| w / n_fft as f64).collect();
    let window_squared: Vec<f64> = window.iter().map(|&w| w * w).collect();
    let full_len = n_fft + hop * n_frames.saturating_sub(1);
    let (mut signal, mut window_power) = (vec![0f64; full_len], vec![0f64; full_len]);
    let plan = T::inverse_plan(n_fft);
    let (mut spectrum, mut frame) = (plan.make_input_vec(), plan.make_output_vec());
    let mut scratch = plan.make_scratch_vec();
    let mut frame64 = vec![0f64; n_fft];
    for t in 0..n_frames {
        let row = frames.row(t);
        match row.as_slice() {
            Some(row) => spectrum.iter_mut().zip(row).for_each(|(z, &c)| *z = T::from_complex32(c)),
            None => spectrum.iter_mut().zip(row).for_each(|(z, &c)| *z = T::from_complex32(c)),
        }
        // A real signal's DC (and, for even n_fft, Nyquist) bin is real; irfft ignores the rest.
        spectrum[0].im = T::default();
        if n_fft % 2 == 0 {
            spectrum[n_fft / 2].im = T::default();
        }
        plan.process_with_scratch(&mut spectrum, &mut frame, &mut scratch)
            .map_err(|e| SerError::Internal(format!("inverse FFT failed: {e}")))?;
        let at = t * hop;
        let frame = T::as_f64(&frame, &mut frame64);
        simd::overlap_add(&mut signal[at..at + n_fft], &mut window_power[at..at + n_fft], frame, &scaled_window, &window_squared);
    }
    // Samples past the last frame (when `length` asks for more) are zeros.
    let mut out = vec![0f32; out_len];
    let covered = full_len.saturating_sub(pad).min(out_len);
    simd::normalise(&signal[pad..pad + covered], &window_power[pad..pad + covered], f32::MIN_POSITIVE as f64, &mut out[..covered]);
    Ok(out)
}

/// `np.abs(stft(y)) ** power`, time-major.
pub fn spectrogram_frames(y: &[f32], params: &StftParams, power: f64) -> Result<Array2<f32>> {
    let mut out = Array2::<f32>::zeros((stft_frame_count(y, params).unwrap_or(0), params.n_fft / 2 + 1));
    for_each_spectrogram_row(y, params, power, |t, row| {
        out.row_mut(t).as_slice_mut().expect("row-major").copy_from_slice(row);
    })?;
    Ok(out)
}

/// `np.abs(stft(y))` and its square (`S ** 2` in f32), both time-major, from one pass that writes
/// each frame straight into place: for recipes that need both (chroma from magnitudes, mel from
/// power) without a second sweep over the matrix.
pub(crate) fn magnitude_and_power_frames(y: &[f32], params: &StftParams) -> Result<(Array2<f32>, Array2<f32>)> {
    let shape = (stft_frame_count(y, params).unwrap_or(0), params.n_fft / 2 + 1);
    let (mut magnitude, mut power) = (Array2::<f32>::zeros(shape), Array2::<f32>::zeros(shape));
    let (mut re, mut im) = (vec![0f32; shape.1], vec![0f32; shape.1]);
    for_each_spectrum(y, params, |t, spectrum: &[Complex64]| {
        let row = magnitude.row_mut(t).into_slice().expect("row-major");
        simd::magnitudes(spectrum, &mut re, &mut im, row, false);
        for (p, &m) in power.row_mut(t).into_slice().expect("row-major").iter_mut().zip(row.iter()) {
            *p = m * m;
        }
    })?;
    Ok((magnitude, power))
}

/// Magnitude (power 1) or power (2) spectrogram in librosa's orientation.
pub fn spectrogram(y: &[f32], params: &StftParams, power: f64) -> Result<Array2<f32>> {
    Ok(spectrogram_frames(y, params, power)?.reversed_axes())
}

/// `n_fft` implied by a spectrogram of `n_bins` rows, as librosa's `_spectrogram`: the given
/// `n_fft` if consistent, else `2 * (n_bins - 1)`.
pub fn infer_n_fft(n_bins: usize, n_fft: usize) -> usize {
    if n_fft / 2 + 1 == n_bins {
        n_fft
    } else {
        2 * n_bins.saturating_sub(1)
    }
}

/// A user spectrogram `(n_bins, n_frames)` as a time-major view.
pub fn time_major(s: ArrayView2<'_, f32>) -> ArrayView2<'_, f32> {
    s.reversed_axes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn frame_count_like_librosa() {
        // centred: 1 + len // hop
        let y = vec![0.1f32; 22050];
        let s = stft_frames(&y, &StftParams::default()).unwrap();
        assert_eq!(s.dim(), (1 + 22050 / 512, 1025));
    }

    #[test]
    fn sine_peaks_at_its_bin() {
        let sr = 22050.0;
        let f = 43.0 * sr / 2048.0;
        let y: Vec<f32> = (0..8192).map(|n| (2.0 * PI * f * n as f64 / sr).sin() as f32).collect();
        let s = spectrogram_frames(&y, &StftParams::default(), 1.0).unwrap();
        let row = s.row(8);
        let peak = row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
        assert_eq!(peak, 43);
        // Hann window, amplitude 1: |X| = n_fft / 4 at the bin centre.
        assert!((row[43] - 512.0).abs() < 1.0, "{}", row[43]);
    }

    #[test]
    fn bad_input_is_an_error() {
        let p = StftParams::default();
        assert!(stft_frames(&[], &p).is_err());
        assert!(stft_frames(&vec![0.0; 100], &p).is_err());
        assert!(stft_frames(&[f32::NAN; 4096], &p).is_err());
        let zero_hop = StftParams { hop_length: Some(0), ..StftParams::default() };
        assert!(stft_frames(&vec![0.0; 4096], &zero_hop).is_err());
        let long_win = StftParams { win_length: Some(4096), ..StftParams::default() };
        assert!(stft_frames(&vec![0.0; 8192], &long_win).is_err());
    }
}
