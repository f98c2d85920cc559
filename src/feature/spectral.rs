//! Spectral features: `librosa.feature.*` and the dB conversions of `librosa.core`.

use super::filters::{chroma_filter_cached, fft_frequencies, linspace, mel_filter_sparse, MelParams};
use crate::error::{ensure, Result, SerError};
use crate::signal::check::{ensure_non_negative, ensure_sr, validate_audio, validate_spectrogram};
use crate::signal::frame::{frame_count, pad_signal, PadMode};
use crate::signal::memo::{memoized, Memo};
use crate::signal::simd;
use crate::signal::stft::{for_each_pooled_power_row, infer_n_fft, spectrogram_frames, time_major, StftParams};
use ndarray::{Array2, ArrayView2, CowArray, Ix2};

/// What a spectral feature is computed from: a signal, or a precomputed spectrogram in
/// librosa's orientation `(1 + n_fft / 2, n_frames)`.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Audio(&'a [f32]),
    Spectrogram(ArrayView2<'a, f32>),
}

/// A time-major spectrogram and the `n_fft` it implies (librosa's `_spectrogram`).
struct Frames<'a> {
    s: CowArray<'a, f32, Ix2>,
    n_fft: usize,
}

fn frames<'a>(input: Input<'a>, stft: &StftParams, power: f64) -> Result<Frames<'a>> {
    match input {
        Input::Audio(y) => Ok(Frames { s: spectrogram_frames(y, stft, power)?.into(), n_fft: stft.n_fft }),
        Input::Spectrogram(s) => {
            validate_spectrogram(s, "S")?;
            Ok(Frames { n_fft: infer_n_fft(s.nrows(), stft.n_fft), s: time_major(s).into() })
        }
    }
}

/// Builds a `(n_features, n_frames)` matrix from one feature vector per frame.
fn per_frame<F>(s: &ArrayView2<f32>, n_out: usize, mut f: F) -> Array2<f32>
where
    F: FnMut(&[f32], &mut [f32]),
{
    let mut out = Array2::<f32>::zeros((s.nrows(), n_out));
    let mut buf = Vec::new();
    for (frame, mut o) in s.rows().into_iter().zip(out.rows_mut()) {
        let frame = match frame.as_slice() {
            Some(slice) => slice,
            None => {
                buf.clear();
                buf.extend(frame.iter().copied());
                &buf[..]
            }
        };
        f(frame, o.as_slice_mut().expect("row-major output"));
    }
    out.reversed_axes()
}

// ---------------------------------------------------------------------------------------------
// Decibels

fn check_db_args(amin: f64, top_db: Option<f64>) -> Result<()> {
    ensure(amin.is_finite() && amin > 0.0, || format!("amin={amin} must be strictly positive"))?;
    ensure(top_db.is_none_or(|t| t.is_finite() && t >= 0.0), || format!("top_db={top_db:?} must be non-negative"))
}

/// `10 * log10(max(amin, x) / max(amin, ref))`, floored at `max - top_db`, over any values.
fn to_db<I: Iterator<Item = f64>>(values: I, ref_value: f64, amin: f64, top_db: Option<f64>) -> Vec<f64> {
    let offset = 10.0 * amin.max(ref_value.abs()).log10();
    let mut db: Vec<f64> = values.map(|v| 10.0 * amin.max(v).log10() - offset).collect();
    if let Some(top) = top_db {
        let floor = db.iter().copied().fold(f64::NEG_INFINITY, f64::max) - top;
        db.iter_mut().for_each(|v| *v = v.max(floor));
    }
    db
}

/// [`power_to_db`] over f32 values in place, in f32 as librosa computes it for f32 input.
pub(crate) fn power_to_db_in_place(values: &mut [f32], ref_value: f64, amin: f64, top_db: Option<f64>) {
    let offset = (10.0 * amin.max(ref_value.abs()).log10()) as f32;
    let amin = amin as f32;
    if amin.is_normal() {
        simd::to_db(values, amin, offset);
    } else {
        // An amin outside f32's normal range (absurd but allowed) takes the libm route.
        values.iter_mut().for_each(|v| *v = 10.0 * v.max(amin).log10() - offset);
    }
    if let Some(top) = top_db {
        let max = simd::max(values);
        let floor = max - top as f32;
        values.iter_mut().for_each(|v| *v = v.max(floor));
    }
}

/// `librosa.power_to_db(S, ref=ref_value, amin=amin, top_db=top_db)`; a callable `ref` is
/// evaluated by the caller.
pub fn power_to_db(s: ArrayView2<f32>, ref_value: f64, amin: f64, top_db: Option<f64>) -> Result<Array2<f32>> {
    check_db_args(amin, top_db)?;
    ensure(ref_value.is_finite(), || format!("ref={ref_value} must be finite"))?;
    validate_spectrogram(s, "S")?;
    let mut out = s.as_standard_layout().into_owned();
    power_to_db_in_place(out.as_slice_mut().expect("standard layout"), ref_value, amin, top_db);
    Ok(out)
}

/// `librosa.amplitude_to_db`: `power_to_db(S**2, ref**2, amin**2, top_db)` on magnitudes.
pub fn amplitude_to_db(s: ArrayView2<f32>, ref_value: f64, amin: f64, top_db: Option<f64>) -> Result<Array2<f32>> {
    check_db_args(amin, top_db)?;
    ensure(ref_value.is_finite(), || format!("ref={ref_value} must be finite"))?;
    validate_spectrogram(s, "S")?;
    let mut power = s.mapv(|v| v.abs() * v.abs());
    power_to_db_in_place(power.as_slice_mut().expect("standard layout"), ref_value * ref_value, amin * amin, top_db);
    Ok(power)
}

// ---------------------------------------------------------------------------------------------
// Mel and MFCC

/// `librosa.feature.melspectrogram`, time-major.
pub fn melspectrogram_frames(input: Input, sr: f64, stft: &StftParams, power: f64, mel: &MelParams) -> Result<Array2<f32>> {
    ensure_sr(sr)?;
    mel.validate(sr)?;
    match input {
        Input::Audio(y) => mel_of_audio(y, sr, stft, power, mel),
        Input::Spectrogram(_) => {
            let Frames { s, n_fft } = frames(input, stft, power)?;
            mel_of_frames(s.view(), sr, n_fft, mel)
        }
    }
}

/// Mel bands of each frame of a signal, reduced as each spectrum is made, so the full-resolution
/// spectrogram is never held.
fn mel_of_audio(y: &[f32], sr: f64, stft: &StftParams, power: f64, mel: &MelParams) -> Result<Array2<f32>> {
    let bank = mel_filter_sparse(sr, stft.n_fft, mel)?;
    let mut rows = Vec::new();
    let n_frames = for_each_pooled_power_row(y, stft, power, |_, row| {
        let start = rows.len();
        rows.resize(start + mel.n_mels, 0.0);
        simd::apply_bank(row, &bank, &mut rows[start..]);
    })?;
    Ok(Array2::from_shape_vec((n_frames, mel.n_mels), rows).expect("one row per frame"))
}

/// The mel bands of each time-major (already checked) frame: `(n_frames, n_mels)`.
pub(crate) fn mel_of_frames(s: ArrayView2<f32>, sr: f64, n_fft: usize, mel: &MelParams) -> Result<Array2<f32>> {
    let bank = mel_filter_sparse(sr, n_fft, mel)?;
    Ok(per_frame(&s, mel.n_mels, |frame, out| simd::apply_bank(frame, &bank, out)).reversed_axes())
}

/// `librosa.feature.melspectrogram`: `(n_mels, n_frames)`.
pub fn melspectrogram(input: Input, sr: f64, stft: &StftParams, power: f64, mel: &MelParams) -> Result<Array2<f32>> {
    Ok(melspectrogram_frames(input, sr, stft, power, mel)?.reversed_axes())
}

/// DCT normalisation for MFCC (`scipy.fftpack.dct`'s `norm`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DctNorm {
    Ortho,
    None,
}

/// MFCC settings with librosa's defaults: 20 coefficients, DCT-II, orthonormal, no liftering.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MfccParams {
    pub n_mfcc: usize,
    pub dct_type: u8,
    pub norm: DctNorm,
    pub lifter: f64,
}

impl Default for MfccParams {
    fn default() -> Self {
        MfccParams { n_mfcc: 20, dct_type: 2, norm: DctNorm::Ortho, lifter: 0.0 }
    }
}

impl MfccParams {
    fn validate(&self, n_mels: usize) -> Result<()> {
        ensure(self.n_mfcc >= 1, || format!("n_mfcc={} must be a positive integer", self.n_mfcc))?;
        ensure(self.n_mfcc <= n_mels, || format!("n_mfcc={} cannot exceed the number of mel bands ({n_mels})", self.n_mfcc))?;
        ensure(self.dct_type == 2, || format!("dct_type={} is not supported; only the DCT-II (dct_type=2) is", self.dct_type))?;
        ensure(self.lifter.is_finite() && self.lifter >= 0.0, || format!("MFCC lifter={} must be a non-negative number", self.lifter))
    }

    /// The DCT-II matrix, transposed to `(n_mels, n_mfcc)`, liftering folded in (memoised).
    fn dct_matrix_t(&self, n_mels: usize) -> std::sync::Arc<Array2<f32>> {
        let key = (n_mels, self.n_mfcc, self.norm, self.lifter.to_bits());
        memoized(&DCT_MATRICES, key, || Ok(self.build_dct_matrix_t(n_mels))).expect("building a DCT matrix cannot fail")
    }

    /// Columns are padded with zeros to a multiple of 8 so the product runs in whole vectors.
    fn build_dct_matrix_t(&self, n_mels: usize) -> Array2<f32> {
        let n = n_mels as f64;
        let width = self.n_mfcc.div_ceil(8) * 8;
        Array2::from_shape_fn((n_mels, width), |(i, k)| {
            if k >= self.n_mfcc {
                return 0.0;
            }
            let basis = (std::f64::consts::PI * k as f64 * (2.0 * i as f64 + 1.0) / (2.0 * n)).cos();
            let scale = match self.norm {
                DctNorm::Ortho if k == 0 => (1.0 / n).sqrt(),
                DctNorm::Ortho => (2.0 / n).sqrt(),
                DctNorm::None => 2.0,
            };
            let lift = if self.lifter > 0.0 {
                1.0 + self.lifter / 2.0 * (std::f64::consts::PI * (k + 1) as f64 / self.lifter).sin()
            } else {
                1.0
            };
            (basis * scale * lift) as f32
        })
    }
}

static DCT_MATRICES: Memo<(usize, usize, DctNorm, u64), Array2<f32>> = std::sync::Mutex::new(Vec::new());

/// MFCC from a log-power mel spectrogram `(n_mels, n_frames)` (librosa's `mfcc(S=...)`).
pub fn mfcc_from_log_mel(s_db: ArrayView2<f32>, p: &MfccParams) -> Result<Array2<f32>> {
    validate_spectrogram(s_db, "S")?;
    p.validate(s_db.nrows())?;
    Ok(dct_frames(time_major(s_db), p).reversed_axes())
}

/// The DCT of each time-major frame of log-mel energies: `(n_frames, n_mfcc)`.
pub(crate) fn dct_frames(frames: ArrayView2<f32>, p: &MfccParams) -> Array2<f32> {
    let dct_t = p.dct_matrix_t(frames.ncols());
    let basis = dct_t.as_slice().expect("row-major");
    let mut padded = vec![0f32; dct_t.ncols()];
    per_frame(&frames, p.n_mfcc, |frame, out| {
        simd::vec_mat(frame, basis, &mut padded);
        out.copy_from_slice(&padded[..out.len()]);
    })
    .reversed_axes()
}

/// `librosa.feature.mfcc(y=...)`: DCT of `power_to_db(melspectrogram(y))` (ref 1, amin 1e-10,
/// top_db 80).
pub fn mfcc(y: &[f32], sr: f64, p: &MfccParams, stft: &StftParams, power: f64, mel: &MelParams) -> Result<Array2<f32>> {
    // Report a bad mel setting before the MFCC settings that depend on it.
    ensure_sr(sr)?;
    mel.validate(sr)?;
    p.validate(mel.n_mels)?;
    let mut frames = melspectrogram_frames(Input::Audio(y), sr, stft, power, mel)?;
    power_to_db_in_place(frames.as_slice_mut().expect("row-major"), 1.0, 1e-10, Some(80.0));
    Ok(dct_frames(frames.view(), p).reversed_axes())
}

// ---------------------------------------------------------------------------------------------
// Chroma and tuning

/// Per-frame normalisation norm (`librosa.util.normalize`'s `norm`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FrameNorm {
    Max,
    P(f64),
    None,
}

/// `librosa.util.normalize` of one frame (f32 data: lengths below f32's tiny are left at 1).
fn normalize_frame(frame: &mut [f32], norm: FrameNorm) {
    let length = match norm {
        FrameNorm::None => return,
        FrameNorm::Max => frame.iter().fold(0.0f64, |m, &v| m.max(v.abs() as f64)),
        FrameNorm::P(p) => frame.iter().map(|&v| (v.abs() as f64).powf(p)).sum::<f64>().powf(1.0 / p),
    };
    let length = if length < f32::MIN_POSITIVE as f64 { 1.0 } else { length };
    frame.iter_mut().for_each(|v| *v = (*v as f64 / length) as f32);
}

/// `numpy.gradient` of a frame at bin `i` (first differences at the edges).
fn gradient_at(x: &[f32], i: usize) -> f32 {
    let n = x.len();
    match i {
        _ if n == 1 => 0.0,
        0 => x[1] - x[0],
        i if i == n - 1 => x[n - 1] - x[n - 2],
        i => (x[i + 1] - x[i - 1]) / 2.0,
    }
}

/// librosa's `_parabolic_interpolation` stencil: the offset of the parabola's optimum through
/// three neighbours, 0 where it would fall outside them and at the edges.
fn parabolic_shift(x: &[f32], i: usize) -> f32 {
    if i == 0 || i + 1 >= x.len() {
        return 0.0;
    }
    // numba promotes `2 * x[0]` and `/ 2` to f64; follow it so ties break the same way.
    let a = (x[i + 1] + x[i - 1]) as f64 - 2.0 * x[i] as f64;
    let b = (x[i + 1] - x[i - 1]) as f64 / 2.0;
    if b.abs() >= a.abs() {
        0.0
    } else {
        (-b / a) as f32
    }
}

/// `librosa.piptrack` with its defaults (fmin 150 Hz, fmax 4 kHz, threshold 0.1 of the frame's
/// maximum), returning the (frequency, magnitude) of every detected peak. Only the bins inside
/// the frequency range are examined; the arithmetic follows librosa's dtypes step by step.
fn piptrack_peaks(s: &ArrayView2<f32>, sr: f64, n_fft: usize) -> Vec<(f32, f32)> {
    let (fmin, fmax, threshold) = (150.0f64, 4000.0f64.min(sr / 2.0), 0.1f32);
    let freqs = fft_frequencies(sr, n_fft);
    let first = freqs.iter().position(|&f| f >= fmin).unwrap_or(freqs.len());
    let end = freqs.iter().position(|&f| f >= fmax).unwrap_or(freqs.len());
    let mut peaks = Vec::new();
    let (mut buf, mut mask) = (Vec::new(), Vec::new());
    for frame in s.rows() {
        let x: &[f32] = match frame.as_slice() {
            Some(x) => x,
            None => {
                buf.clear();
                buf.extend(frame.iter().copied());
                &buf
            }
        };
        // The first bin at or above fmin (> 0 Hz) is never bin 0. The last bin has no right
        // neighbour (librosa pads it with itself): it is tested on its own when in range.
        let n = x.len();
        let (lo, hi) = (first.max(1), end.min(n - 1));
        let ref_value = threshold * simd::max(x);
        mask.clear();
        if lo < hi {
            mask.resize(hi - lo, 0);
            simd::gated_peaks(x, ref_value, lo, hi, &mut mask);
        }
        let last_is_peak = end == n && n >= 2 && lo < n && x[n - 1] > ref_value && (x[n - 2] <= ref_value || x[n - 1] > x[n - 2]);
        let candidates = mask.iter().enumerate().filter(|(_, &m)| m != 0).map(|(offset, _)| lo + offset);
        for i in candidates.chain(last_is_peak.then_some(n - 1)) {
            let shift = parabolic_shift(x, i);
            let freq = ((i as f64 + shift as f64) * sr / n_fft as f64) as f32;
            let mag = x[i] + 0.5 * gradient_at(x, i) * shift;
            peaks.push((freq, mag));
        }
    }
    peaks
}

/// `numpy.median` of f32 values (linear-time selection instead of a full sort).
fn median_f32(v: &mut [f32]) -> f32 {
    let n = v.len();
    let (below, &mut upper, _) = v.select_nth_unstable_by(n / 2, f32::total_cmp);
    if n % 2 == 1 {
        upper
    } else {
        let lower = below.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        (lower + upper) / 2.0
    }
}

/// `librosa.pitch_tuning` (resolution 0.01): histogram peak of the pitches' deviation from the
/// equal-tempered grid, in fractions of a bin.
pub fn pitch_tuning(frequencies: &[f32], bins_per_octave: usize) -> f64 {
    // librosa sees f32 pitches, so hz_to_octs and the residual are computed in f32.
    let a440_16 = (440.0f64 / 16.0) as f32;
    let residuals: Vec<f64> = frequencies
        .iter()
        .filter(|&&f| f > 0.0)
        .map(|&f| {
            // x - floor(x) is exactly rem_euclid(x, 1), without its fmodf call.
            let x = bins_per_octave as f32 * (f / a440_16).log2();
            let r = x - x.floor();
            (if r >= 0.5 { r - 1.0 } else { r }) as f64
        })
        .collect();
    if residuals.is_empty() {
        return 0.0;
    }
    let edges = linspace(-0.5, 0.5, 101);
    let n_bins = edges.len() - 1;
    let mut counts = vec![0usize; n_bins];
    for r in residuals {
        if r < edges[0] || r > edges[n_bins] {
            continue;
        }
        // numpy.histogram: half-open bins, the last one closed.
        let bin = edges.partition_point(|&e| e <= r).saturating_sub(1).min(n_bins - 1);
        counts[bin] += 1;
    }
    let best = counts.iter().enumerate().fold(0, |best, (i, &c)| if c > counts[best] { i } else { best });
    edges[best]
}

/// `librosa.estimate_tuning(S=..., sr=...)` from a time-major spectrogram.
fn estimate_tuning(s: &ArrayView2<f32>, sr: f64, n_fft: usize, bins_per_octave: usize) -> f64 {
    tuning_of_peaks(piptrack_peaks(s, sr, n_fft).into_iter().filter(|&(f, _)| f > 0.0).collect(), bins_per_octave)
}

/// The pitched (frequency, magnitude) peaks that `chroma_stft` estimates its tuning from, for one
/// channel. librosa's piptrack over channels pools every channel's peaks into one estimate:
/// [`tuning_of_peaks`] of the peaks of all channels is `chroma_stft`'s tuning of a multichannel input.
pub fn chroma_tuning_peaks(input: Input, sr: f64, stft: &StftParams) -> Result<Vec<(f32, f32)>> {
    ensure_sr(sr)?;
    let Frames { s, .. } = frames(input, stft, 2.0)?;
    Ok(piptrack_peaks(&s.view(), sr, infer_n_fft(s.ncols(), 2048)).into_iter().filter(|&(f, _)| f > 0.0).collect())
}

/// `librosa.estimate_tuning`'s last steps: the median magnitude of the pitched peaks, then the
/// pitch tuning of those at or above it. The order of the peaks does not matter.
pub fn tuning_of_peaks(peaks: Vec<(f32, f32)>, bins_per_octave: usize) -> f64 {
    if peaks.is_empty() {
        return 0.0;
    }
    let threshold = median_f32(&mut peaks.iter().map(|p| p.1).collect::<Vec<_>>());
    let strong: Vec<f32> = peaks.iter().filter(|p| p.1 >= threshold).map(|p| p.0).collect();
    pitch_tuning(&strong, bins_per_octave)
}

/// `librosa.estimate_tuning` from a signal or a spectrogram.
pub fn estimate_tuning_from(input: Input, sr: f64, stft: &StftParams, bins_per_octave: usize) -> Result<f64> {
    ensure_sr(sr)?;
    ensure(bins_per_octave >= 1, || "bins_per_octave must be a positive integer".to_string())?;
    let Frames { s, n_fft } = frames(input, stft, 1.0)?;
    Ok(estimate_tuning(&s.view(), sr, n_fft, bins_per_octave))
}

/// `librosa.feature.chroma_stft`, time-major. `tuning=None` estimates it, as librosa.
pub fn chroma_stft_frames(input: Input, sr: f64, stft: &StftParams, tuning: Option<f64>, n_chroma: usize, norm: FrameNorm) -> Result<Array2<f32>> {
    ensure_sr(sr)?;
    let Frames { s, n_fft } = frames(input, stft, 2.0)?;
    chroma_of_frames(s.view(), sr, n_fft, tuning, n_chroma, norm)
}

/// The chroma of each time-major (already checked) frame: `(n_frames, n_chroma)`.
pub(crate) fn chroma_of_frames(s: ArrayView2<f32>, sr: f64, n_fft: usize, tuning: Option<f64>, n_chroma: usize, norm: FrameNorm) -> Result<Array2<f32>> {
    let tuning = match tuning {
        Some(t) => t,
        // librosa calls estimate_tuning(S=S) without n_fft, so piptrack re-infers it from the
        // bin count against its default of 2048: 2 * (bins - 1), i.e. n_fft - 1 when odd.
        None => estimate_tuning(&s, sr, infer_n_fft(s.ncols(), 2048), n_chroma),
    };
    let fb = chroma_filter_cached(sr, n_fft, n_chroma, tuning)?;
    ensure(fb.ncols() == s.ncols(), || format!("S has {} frequency bins but n_fft={n_fft} implies {}", s.ncols(), fb.ncols()))?;
    // (frames x bins) . (bins x chroma): one f32 matrix product, as librosa's einsum.
    let mut chroma = Array2::<f32>::zeros((s.nrows(), n_chroma));
    ndarray::linalg::general_mat_mul(1.0, &s, &fb.t(), 0.0, &mut chroma);
    for mut frame in chroma.rows_mut() {
        normalize_frame(frame.as_slice_mut().expect("row-major product"), norm);
    }
    Ok(chroma)
}

/// `librosa.feature.chroma_stft`: `(n_chroma, n_frames)`.
pub fn chroma_stft(input: Input, sr: f64, stft: &StftParams, tuning: Option<f64>, n_chroma: usize, norm: FrameNorm) -> Result<Array2<f32>> {
    Ok(chroma_stft_frames(input, sr, stft, tuning, n_chroma, norm)?.reversed_axes())
}

// ---------------------------------------------------------------------------------------------
// Time-domain frame features

/// Checks a framing and returns the (optionally centred) signal to frame.
fn framed_signal(y: &[f32], frame_length: usize, hop_length: usize, center: bool, pad_mode: PadMode) -> Result<(Vec<f32>, usize)> {
    validate_audio(y)?;
    ensure(frame_length >= 1, || format!("frame_length={frame_length} must be a positive integer"))?;
    ensure(hop_length >= 1, || format!("hop_length={hop_length} must be a positive integer"))?;
    ensure(y.len() >= frame_length, || {
        format!(
            "the signal ({} samples) is shorter than frame_length={frame_length}; pad it \
             (np.pad / librosa.util.fix_length) or use a smaller frame_length",
            y.len()
        )
    })?;
    let padded = if center { pad_signal(y, frame_length / 2, pad_mode) } else { y.to_vec() };
    let n = frame_count(padded.len(), frame_length, hop_length)?;
    Ok((padded, n))
}

/// `librosa.feature.zero_crossing_rate`: `(1, n_frames)`. Samples with |x| <= 1e-10 count as
/// zero, and zero counts as positive.
pub fn zero_crossing_rate(y: &[f32], frame_length: usize, hop_length: usize, center: bool) -> Result<Array2<f32>> {
    let (padded, n_frames) = framed_signal(y, frame_length, hop_length, center, PadMode::Edge)?;
    // librosa: |x| <= 1e-10 (compared in f64) is zero, and zero is positive. The f32 nearest
    // 1e-10 lies above it, so for f32 samples "|x| > 1e-10" is exactly "|x| >= 1e-10f32".
    // Both flag passes are element-wise (vectorised); only the running sum is sequential.
    let negative: Vec<u8> = padded.iter().map(|&v| ((v.abs() >= 1e-10f32) & v.is_sign_negative()) as u8).collect();
    let flips: Vec<u8> = negative[1..].iter().zip(&negative[..negative.len() - 1]).map(|(a, b)| a ^ b).collect();
    // prefix[j + 1]: sign changes between consecutive samples up to j.
    let mut prefix = Vec::with_capacity(padded.len() + 1);
    prefix.extend([0u32, 0]);
    let mut count = 0u32;
    prefix.extend(flips.iter().map(|&f| {
        count += f as u32;
        count
    }));
    Ok(Array2::from_shape_fn((1, n_frames), |(_, t)| {
        let start = t * hop_length;
        // The first sample of a frame has no predecessor within the frame.
        let crossings = prefix[start + frame_length] - prefix[start + 1];
        (crossings as f64 / frame_length as f64) as f32
    }))
}

/// Sum of squares in four independent f64 lanes (vectorised; f64 keeps it exact enough).
fn sum_of_squares(x: &[f32]) -> f64 {
    let mut lanes = [0f64; 4];
    let chunks = x.chunks_exact(4);
    let tail: f64 = chunks.remainder().iter().map(|&v| (v as f64) * (v as f64)).sum();
    for c in chunks {
        for j in 0..4 {
            lanes[j] += c[j] as f64 * c[j] as f64;
        }
    }
    lanes.iter().sum::<f64>() + tail
}

/// `librosa.feature.rms(y=...)`: `(1, n_frames)`.
pub fn rms(y: &[f32], frame_length: usize, hop_length: usize, center: bool, pad_mode: PadMode) -> Result<Array2<f32>> {
    let (padded, n_frames) = framed_signal(y, frame_length, hop_length, center, pad_mode)?;
    if frame_length % hop_length == 0 {
        // Frames are whole runs of hop-sized blocks (librosa's defaults: 4 of 512): square each
        // sample once, not once per overlapping frame.
        let per_frame = frame_length / hop_length;
        let blocks: Vec<f64> = (0..n_frames + per_frame - 1).map(|b| sum_of_squares(&padded[b * hop_length..(b + 1) * hop_length])).collect();
        return Ok(Array2::from_shape_fn((1, n_frames), |(_, t)| {
            let power = blocks[t..t + per_frame].iter().sum::<f64>() / frame_length as f64;
            power.sqrt() as f32
        }));
    }
    Ok(Array2::from_shape_fn((1, n_frames), |(_, t)| {
        let frame = &padded[t * hop_length..t * hop_length + frame_length];
        let power = sum_of_squares(frame) / frame_length as f64;
        power.sqrt() as f32
    }))
}

/// `librosa.feature.rms(S=...)` from a magnitude spectrogram `(frame_length // 2 + 1, n_frames)`.
pub fn rms_from_spectrogram(s: ArrayView2<f32>, frame_length: usize) -> Result<Array2<f32>> {
    validate_spectrogram(s, "S")?;
    ensure(s.nrows() == frame_length / 2 + 1, || {
        format!(
            "S has {} frequency bins, so frame_length is expected to be {} or {}; got frame_length={frame_length}",
            s.nrows(),
            s.nrows() * 2 - 2,
            s.nrows() * 2 - 1
        )
    })?;
    let last = s.nrows() - 1;
    Ok(per_frame(&time_major(s), 1, |frame, out| {
        let sum: f64 = frame
            .iter()
            .enumerate()
            .map(|(k, &m)| {
                let p = (m * m) as f64;
                // DC, and Nyquist for even frames, appear once in the one-sided spectrum.
                if k == 0 || (k == last && frame_length % 2 == 0) {
                    0.5 * p
                } else {
                    p
                }
            })
            .sum();
        out[0] = (2.0 * sum / (frame_length as f64).powi(2)).sqrt() as f32;
    }))
}

// ---------------------------------------------------------------------------------------------
// Spectral statistics

/// Bin frequencies: the user's, checked against the spectrogram, or the rfft bin centres.
fn bin_frequencies(freq: Option<&[f64]>, sr: f64, n_fft: usize, n_bins: usize) -> Result<Vec<f64>> {
    match freq {
        Some(f) => {
            ensure(f.len() == n_bins, || format!("freq has {} values but the spectrogram has {n_bins} frequency bins", f.len()))?;
            ensure(f.iter().all(|v| v.is_finite()), || "freq contains NaN or inf".to_string())?;
            Ok(f.to_vec())
        }
        None => Ok(fft_frequencies(sr, n_fft)),
    }
}

/// A frame's L1 length as `librosa.util.normalize(S, norm=1)` computes it (tiny lengths -> 1).
fn l1_length(frame: &[f32]) -> f64 {
    let l: f64 = frame.iter().map(|&v| v.abs() as f64).sum();
    if l < f32::MIN_POSITIVE as f64 {
        1.0
    } else {
        l
    }
}

fn centroid_of(frame: &[f32], freqs: &[f64]) -> f64 {
    let length = l1_length(frame);
    frame.iter().zip(freqs).map(|(&s, &f)| f * ((s as f64 / length) as f32) as f64).sum()
}

/// Magnitude frames for a spectral statistic, checked non-negative.
fn magnitude_frames<'a>(input: Input<'a>, sr: f64, stft: &StftParams, what: &str) -> Result<Frames<'a>> {
    ensure_sr(sr)?;
    let f = frames(input, stft, 1.0)?;
    ensure_non_negative(f.s.view(), what)?;
    Ok(f)
}

/// `librosa.feature.spectral_centroid`: `(1, n_frames)`.
pub fn spectral_centroid(input: Input, sr: f64, stft: &StftParams, freq: Option<&[f64]>) -> Result<Array2<f32>> {
    let Frames { s, n_fft } = magnitude_frames(input, sr, stft, "Spectral centroid")?;
    let freqs = bin_frequencies(freq, sr, n_fft, s.ncols())?;
    Ok(per_frame(&s.view(), 1, |frame, out| out[0] = centroid_of(frame, &freqs) as f32))
}

/// `librosa.feature.spectral_bandwidth`: `(1, n_frames)`; `centroid` defaults to the
/// spectral centroid.
pub fn spectral_bandwidth(input: Input, sr: f64, stft: &StftParams, freq: Option<&[f64]>, centroid: Option<&[f32]>, norm: bool, p: f64) -> Result<Array2<f32>> {
    ensure(p.is_finite() && p > 0.0, || format!("p={p} must be a positive number"))?;
    let Frames { s, n_fft } = magnitude_frames(input, sr, stft, "Spectral bandwidth")?;
    let freqs = bin_frequencies(freq, sr, n_fft, s.ncols())?;
    if let Some(c) = centroid {
        ensure(c.len() == s.nrows(), || format!("centroid has {} frames but the spectrogram has {}", c.len(), s.nrows()))?;
    }
    let mut t = 0;
    Ok(per_frame(&s.view(), 1, |frame, out| {
        let c = centroid.map_or_else(|| centroid_of(frame, &freqs), |c| c[t] as f64);
        let length = if norm { l1_length(frame) } else { 1.0 };
        let sum: f64 = frame
            .iter()
            .zip(&freqs)
            .map(|(&s, &f)| ((s as f64 / length) as f32) as f64 * (f - c).abs().powf(p))
            .sum();
        out[0] = sum.powf(1.0 / p) as f32;
        t += 1;
    }))
}

/// `librosa.feature.spectral_rolloff`: `(1, n_frames)`. The cumulative energy is summed in f32,
/// as librosa does, so the chosen bin agrees with it.
pub fn spectral_rolloff(input: Input, sr: f64, stft: &StftParams, freq: Option<&[f64]>, roll_percent: f64) -> Result<Array2<f32>> {
    ensure(roll_percent > 0.0 && roll_percent < 1.0, || format!("roll_percent={roll_percent} must lie in the range (0, 1)"))?;
    let Frames { s, n_fft } = magnitude_frames(input, sr, stft, "Spectral rolloff")?;
    let freqs = bin_frequencies(freq, sr, n_fft, s.ncols())?;
    let pct = roll_percent as f32;
    let mut cumsum = Vec::new();
    Ok(per_frame(&s.view(), 1, |frame, out| {
        cumsum.clear();
        let mut acc = 0.0f32;
        cumsum.extend(frame.iter().map(|&v| {
            acc += v;
            acc
        }));
        let threshold = pct * acc;
        let rolloff = cumsum
            .iter()
            .zip(&freqs)
            .filter(|(&c, _)| c >= threshold)
            .map(|(_, &f)| f)
            .fold(f64::INFINITY, f64::min);
        out[0] = rolloff as f32;
    }))
}

/// `librosa.feature.spectral_flatness`: `(1, n_frames)`.
pub fn spectral_flatness(input: Input, stft: &StftParams, amin: f64, power: f64) -> Result<Array2<f32>> {
    ensure(amin.is_finite() && amin > 0.0, || format!("amin={amin} must be strictly positive"))?;
    ensure(power.is_finite() && power > 0.0, || format!("power={power} must be a positive number"))?;
    let Frames { s, .. } = frames(input, stft, 1.0)?;
    ensure_non_negative(s.view(), "Spectral flatness")?;
    let amin32 = amin as f32;
    Ok(per_frame(&s.view(), 1, |frame, out| {
        let thresholded = frame.iter().map(|&v| {
            let p = if power == 2.0 { v * v } else { (v as f64).powf(power) as f32 };
            p.max(amin32) as f64
        });
        let (mut log_sum, mut sum) = (0.0f64, 0.0f64);
        for v in thresholded {
            log_sum += v.ln();
            sum += v;
        }
        let n = frame.len() as f64;
        out[0] = ((log_sum / n).exp() / (sum / n)) as f32;
    }))
}

/// Spectral contrast settings with librosa's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContrastParams {
    pub fmin: f64,
    pub n_bands: usize,
    pub quantile: f64,
    pub linear: bool,
}

impl Default for ContrastParams {
    fn default() -> Self {
        ContrastParams { fmin: 200.0, n_bands: 6, quantile: 0.02, linear: false }
    }
}

/// The bins of each octave band, as librosa selects them (each band but the first reaches one
/// bin below its edge; the last takes everything above).
fn contrast_bands(freqs: &[f64], sr: f64, p: &ContrastParams) -> Result<Vec<(Vec<usize>, usize)>> {
    ensure(p.n_bands >= 1, || "n_bands must be a positive integer".to_string())?;
    ensure(p.quantile > 0.0 && p.quantile < 1.0, || format!("quantile={} must lie in the range (0, 1)", p.quantile))?;
    ensure(p.fmin.is_finite() && p.fmin > 0.0, || format!("fmin={} must be a positive number", p.fmin))?;
    let mut octa = vec![0.0];
    octa.extend((0..=p.n_bands).map(|k| p.fmin * 2f64.powi(k as i32)));
    ensure(octa[..octa.len() - 1].iter().all(|&f| f < 0.5 * sr), || {
        "Frequency band exceeds Nyquist. Reduce either fmin or n_bands.".to_string()
    })?;
    let mut bands = Vec::with_capacity(p.n_bands + 1);
    for k in 0..=p.n_bands {
        let (lo, hi) = (octa[k], octa[k + 1]);
        let mut member: Vec<bool> = freqs.iter().map(|&f| f >= lo && f <= hi).collect();
        let idx: Vec<usize> = (0..freqs.len()).filter(|&i| member[i]).collect();
        let (first, last) = match (idx.first(), idx.last()) {
            (Some(&a), Some(&b)) => (a, b),
            _ => {
                return Err(SerError::parameter(format!(
                    "spectral_contrast band {k} ({lo:.1}-{hi:.1} Hz) contains no frequency bin; increase n_fft or fmin"
                )))
            }
        };
        if k > 0 && first > 0 {
            member[first - 1] = true;
        }
        if k == p.n_bands {
            member[last + 1..].iter_mut().for_each(|m| *m = true);
        }
        let n_member = member.iter().filter(|&&m| m).count();
        let mut bins: Vec<usize> = (0..freqs.len()).filter(|&i| member[i]).collect();
        if k < p.n_bands {
            bins.pop();
        }
        ensure(!bins.is_empty(), || format!("spectral_contrast band {k} ({lo:.1}-{hi:.1} Hz) is too narrow for n_fft; increase n_fft or fmin"))?;
        let n_quantile = ((p.quantile * n_member as f64).round_ties_even() as usize).max(1).min(bins.len());
        bands.push((bins, n_quantile));
    }
    Ok(bands)
}

/// `librosa.feature.spectral_contrast`: `(n_bands + 1, n_frames)`.
pub fn spectral_contrast(input: Input, sr: f64, stft: &StftParams, freq: Option<&[f64]>, p: &ContrastParams) -> Result<Array2<f32>> {
    let (peak, valley) = contrast_peaks_valleys(input, sr, stft, freq, p)?;
    let contrast: Vec<f32> = if p.linear {
        peak.iter().zip(valley.iter()).map(|(a, b)| (a - b) as f32).collect()
    } else {
        let pk = to_db(peak.iter().copied(), 1.0, 1e-10, Some(80.0));
        let vl = to_db(valley.iter().copied(), 1.0, 1e-10, Some(80.0));
        pk.iter().zip(&vl).map(|(a, b)| (a - b) as f32).collect()
    };
    Ok(Array2::from_shape_vec(peak.raw_dim(), contrast).expect("band x frame"))
}

/// The peak and valley energies of [`spectral_contrast`], `(n_bands + 1, n_frames)` each, before
/// their dB conversion. librosa floors that conversion at 80 dB below the largest value of all
/// channels together, so a multichannel contrast converts the stacked channels at once.
pub fn contrast_peaks_valleys(input: Input, sr: f64, stft: &StftParams, freq: Option<&[f64]>, p: &ContrastParams) -> Result<(Array2<f64>, Array2<f64>)> {
    let Frames { s, n_fft } = magnitude_frames(input, sr, stft, "Spectral contrast")?;
    let freqs = bin_frequencies(freq, sr, n_fft, s.ncols())?;
    let bands = contrast_bands(&freqs, sr, p)?;
    let n_frames = s.nrows();
    let mut peak = Array2::<f64>::zeros((bands.len(), n_frames));
    let mut valley = Array2::<f64>::zeros((bands.len(), n_frames));
    let mut sorted = Vec::new();
    for (t, frame) in s.rows().into_iter().enumerate() {
        for (k, (bins, q)) in bands.iter().enumerate() {
            sorted.clear();
            sorted.extend(bins.iter().map(|&b| frame[b]));
            sorted.sort_by(f32::total_cmp);
            let mean = |vals: &[f32]| vals.iter().map(|&v| v as f64).sum::<f64>() / vals.len() as f64;
            valley[[k, t]] = mean(&sorted[..*q]);
            peak[[k, t]] = mean(&sorted[sorted.len() - q..]);
        }
    }
    Ok((peak, valley))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    fn tone(freq: f64, sr: f64, n: usize) -> Vec<f32> {
        (0..n).map(|i| (0.5 * (2.0 * PI * freq * i as f64 / sr).sin()) as f32).collect()
    }

    #[test]
    fn zcr_of_a_sine_is_twice_its_frequency() {
        let sr = 22050.0;
        let y = tone(441.0, sr, 22050);
        let z = zero_crossing_rate(&y, 2048, 512, true).unwrap();
        let mid = z[[0, z.ncols() / 2]] as f64;
        assert!((mid - 2.0 * 441.0 / sr).abs() < 2.0 / 2048.0, "{mid}");
    }

    #[test]
    fn rms_of_a_sine_is_amplitude_over_root_two() {
        let y = tone(441.0, 22050.0, 22050);
        let r = rms(&y, 2048, 512, true, PadMode::Constant).unwrap();
        assert!((r[[0, 10]] as f64 - 0.5 / 2f64.sqrt()).abs() < 1e-3);
    }

    #[test]
    fn centroid_of_a_sine_is_its_frequency() {
        let y = tone(1000.0, 22050.0, 22050);
        let c = spectral_centroid(Input::Audio(&y), 22050.0, &StftParams::default(), None).unwrap();
        assert!((c[[0, 10]] as f64 - 1000.0).abs() < 30.0, "{}", c[[0, 10]]);
    }

    #[test]
    fn tuning_of_a_sharp_a_is_found() {
        // 440 Hz raised by 0.25 semitone: estimate_tuning reports ~ +0.25 bins.
        let sr = 22050.0;
        let f = 440.0 * 2f64.powf(0.25 / 12.0);
        let y = tone(f, sr, 4 * 22050);
        let t = estimate_tuning_from(Input::Audio(&y), sr, &StftParams { n_fft: 8192, ..Default::default() }, 12).unwrap();
        assert!((t - 0.25).abs() <= 0.03, "{t}");
    }

    #[test]
    fn silence_gives_finite_features() {
        let y = vec![0.0f32; 8000];
        let stft = StftParams::default();
        let m = mfcc(&y, 22050.0, &MfccParams::default(), &stft, 2.0, &MelParams::default()).unwrap();
        assert!(m.iter().all(|v| v.is_finite()));
        let c = chroma_stft(Input::Audio(&y), 22050.0, &stft, None, 12, FrameNorm::Max).unwrap();
        assert!(c.iter().all(|&v| v == 0.0));
        let f = spectral_flatness(Input::Audio(&y), &stft, 1e-10, 2.0).unwrap();
        assert!(f.iter().all(|&v| (v - 1.0).abs() < 1e-6));
    }

    #[test]
    fn absurd_parameters_are_errors() {
        let y = tone(440.0, 22050.0, 8000);
        let stft = StftParams::default();
        assert!(spectral_rolloff(Input::Audio(&y), 22050.0, &stft, None, 1.5).is_err());
        assert!(spectral_centroid(Input::Audio(&y), 0.0, &stft, None).is_err());
        assert!(zero_crossing_rate(&y, 2048, 0, true).is_err());
        let p = ContrastParams { n_bands: 8, ..Default::default() };
        assert!(spectral_contrast(Input::Audio(&y), 22050.0, &stft, None, &p).is_err());
        let mp = MfccParams { n_mfcc: 0, ..Default::default() };
        assert!(mfcc(&y, 22050.0, &mp, &stft, 2.0, &MelParams::default()).is_err());
        assert!(power_to_db(ndarray::Array2::<f32>::ones((2, 2)).view(), 1.0, 0.0, Some(80.0)).is_err());
    }
}
