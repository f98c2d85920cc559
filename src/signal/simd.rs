//! Element-wise kernels of the hot path, compiled twice: for the baseline target and for AVX2,
//! picked at run time. Both copies do the same arithmetic in the same order (Rust never fuses
//! multiply-adds on its own), so results are identical; AVX2 only widens the vectors.

use num_complex::Complex64;

/// `|z|` exactly as numpy's `abs` of complex64 computes it (its SIMD loop: the larger part times
/// `sqrt(fma(r, r, 1))`, `r` the ratio of the parts, in f32), so that magnitudes, and every
/// discrete choice librosa makes from them (tuning, peaks, rolloff), agree bit for bit. The
/// fused multiply-add is done in f64, which is exact here and needs no FMA hardware. Written
/// without branches so the compiler vectorises it (inputs are finite).
#[inline]
pub fn magnitude(re: f32, im: f32) -> f32 {
    let (re, im) = (re.abs(), im.abs());
    let (larger, smaller) = (re.max(im), re.min(im));
    let ratio = if larger > 0.0 { smaller / larger } else { 0.0 };
    let fma = (ratio as f64 * ratio as f64 + 1.0) as f32;
    fma.sqrt() * larger
}

/// `magnitude` of each f64 spectrum bin rounded to complex f32 (see [`magnitude`]),
/// raised to `power` (1 or 2 here; other powers are applied by the caller).
#[inline(always)]
fn magnitudes_generic(spectrum: &[Complex64], re: &mut [f32], im: &mut [f32], out: &mut [f32], square: bool) {
    for ((r, i), c) in re.iter_mut().zip(im.iter_mut()).zip(spectrum) {
        *r = c.re as f32;
        *i = c.im as f32;
    }
    for ((o, &r), &i) in out.iter_mut().zip(re.iter()).zip(im.iter()) {
        *o = magnitude(r, i);
    }
    if square {
        out.iter_mut().for_each(|m| *m *= *m);
    }
}

/// `frame * window` into the FFT input, in f64 as numpy promotes it.
#[inline(always)]
fn window_generic(frame: &[f32], window: &[f64], out: &mut [f64]) {
    for ((o, &s), &w) in out.iter_mut().zip(frame).zip(window) {
        *o = s as f64 * w;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn magnitudes_avx2(spectrum: &[Complex64], re: &mut [f32], im: &mut [f32], out: &mut [f32], square: bool) {
    magnitudes_generic(spectrum, re, im, out, square)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn window_avx2(frame: &[f32], window: &[f64], out: &mut [f64]) {
    window_generic(frame, window, out)
}

/// Dot product in eight independent f32 lanes (vectorises; error near f32 rounding, as
/// librosa's own f32 BLAS products).
#[inline(always)]
fn dot_generic(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for j in 0..8 {
            lanes[j] += x[j] * y[j];
        }
    }
    lanes.iter().sum::<f32>() + tail
}

/// One frame of an inverse STFT's overlap-add: `signal += frame * window` and
/// `power += window_squared`, element by element.
#[inline(always)]
fn overlap_add_generic(signal: &mut [f64], power: &mut [f64], frame: &[f64], window: &[f64], window_squared: &[f64]) {
    for ((s, &v), &w) in signal.iter_mut().zip(frame).zip(window) {
        *s += v * w;
    }
    for (p, &w2) in power.iter_mut().zip(window_squared) {
        *p += w2;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn overlap_add_avx2(signal: &mut [f64], power: &mut [f64], frame: &[f64], window: &[f64], window_squared: &[f64]) {
    overlap_add_generic(signal, power, frame, window, window_squared)
}

/// See [`overlap_add_generic`].
pub fn overlap_add(signal: &mut [f64], power: &mut [f64], frame: &[f64], window: &[f64], window_squared: &[f64]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { overlap_add_avx2(signal, power, frame, window, window_squared) };
    }
    overlap_add_generic(signal, power, frame, window, window_squared)
}

/// `out = signal / power` where `power` exceeds `tiny`, else `signal`, rounded to f32 (the
/// inverse STFT's normalisation by the summed squared window).
#[inline(always)]
fn normalise_generic(signal: &[f64], power: &[f64], tiny: f64, out: &mut [f32]) {
    for ((o, &v), &w) in out.iter_mut().zip(signal).zip(power) {
        *o = (if w > tiny { v / w } else { v }) as f32;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn normalise_avx2(signal: &[f64], power: &[f64], tiny: f64, out: &mut [f32]) {
    normalise_generic(signal, power, tiny, out)
}

/// See [`normalise_generic`].
pub fn normalise(signal: &[f64], power: &[f64], tiny: f64, out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { normalise_avx2(signal, power, tiny, out) };
    }
    normalise_generic(signal, power, tiny, out)
}

/// Band-limited interpolation of `signal` at `position(n)` for each output `n`, by a kernel
/// tabulated as `phases + 1` rows of `W` taps (`W` a multiple of 8): row `p`, tap `i` weighs
/// sample `floor(v) + 1 - W / 2 + i` for a position `v` with `frac(v) = p / phases`, and
/// positions between rows use the linear blend of the two rows. Positions must be at least
/// `W / 2 - 1` and leave `W / 2` samples after them.
#[inline(always)]
fn interpolate_generic<const W: usize>(signal: &[f32], table: &[f32], phases: usize, position: impl Fn(usize) -> f64, out: &mut [f32]) {
    for (n, o) in out.iter_mut().enumerate() {
        let v = position(n);
        // v >= 0, so truncation is the floor (and needs no libm call); through i64, because
        // x86 converts f64 to signed integers in one instruction, to unsigned in a dozen.
        let whole = v as i64 as usize;
        let scaled = (v - whole as f64) * phases as f64;
        let p = (scaled as i64 as usize).min(phases - 1);
        let t = (scaled - p as f64) as f32;
        let a: &[f32; W] = table[p * W..(p + 1) * W].try_into().expect("W taps");
        let b: &[f32; W] = table[(p + 1) * W..(p + 2) * W].try_into().expect("W taps");
        let start = whole + 1 - W / 2;
        let x: &[f32; W] = signal[start..start + W].try_into().expect("W samples");
        // Eight lanes, each a chain over the taps j = lane mod 8 (written as whole blocks of
        // eight, which the compiler turns into 8-wide vector operations).
        let mut lanes = [0f32; 8];
        for block in 0..W / 8 {
            for (j, lane) in lanes.iter_mut().enumerate() {
                let k = 8 * block + j;
                *lane += (a[k] + t * (b[k] - a[k])) * x[k];
            }
        }
        let four: [f32; 4] = std::array::from_fn(|j| lanes[j] + lanes[j + 4]);
        *o = (four[0] + four[2]) + (four[1] + four[3]);
    }
}

/// [`interpolate_generic`] written with AVX intrinsics, the same operations in the same order
/// (so the same results): left to the compiler, this loop was vectorised only two lanes wide.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn interpolate_avx2<const W: usize>(signal: &[f32], table: &[f32], phases: usize, position: impl Fn(usize) -> f64, out: &mut [f32]) {
    use std::arch::x86_64::*;
    for (n, o) in out.iter_mut().enumerate() {
        let v = position(n);
        let whole = v as i64 as usize;
        let scaled = (v - whole as f64) * phases as f64;
        let p = (scaled as i64 as usize).min(phases - 1);
        let t = _mm256_set1_ps((scaled - p as f64) as f32);
        let (rows, start) = (&table[p * W..(p + 2) * W], whole + 1 - W / 2);
        let x = &signal[start..start + W];
        let mut acc = _mm256_setzero_ps();
        for block in 0..W / 8 {
            // SAFETY: the slices above hold every element read (two rows of W, W samples).
            let (a, b, x) = unsafe {
                (_mm256_loadu_ps(rows.as_ptr().add(8 * block)), _mm256_loadu_ps(rows.as_ptr().add(W + 8 * block)), _mm256_loadu_ps(x.as_ptr().add(8 * block)))
            };
            let w = _mm256_add_ps(a, _mm256_mul_ps(t, _mm256_sub_ps(b, a)));
            acc = _mm256_add_ps(acc, _mm256_mul_ps(w, x));
        }
        let four = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps::<1>(acc));
        let mut f = [0f32; 4];
        // SAFETY: f holds four floats.
        unsafe { _mm_storeu_ps(f.as_mut_ptr(), four) };
        *o = (f[0] + f[2]) + (f[1] + f[3]);
    }
}

/// See [`interpolate_generic`]; the kernel is 16 taps wide.
pub fn interpolate(signal: &[f32], table: &[f32], phases: usize, position: impl Fn(usize) -> f64, out: &mut [f32]) {
    assert_eq!(table.len(), (phases + 1) * 16, "a table of 16-tap rows");
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { interpolate_avx2::<16>(signal, table, phases, position, out) };
    }
    interpolate_generic::<16>(signal, table, phases, position, out)
}

/// `out[j] = sum_i x[i] * m[i][j]` for a row-major `m` of `x.len()` rows: accumulated row by
/// row, so each output lane is independent and the loop vectorises.
#[inline(always)]
fn vec_mat_generic(x: &[f32], m: &[f32], out: &mut [f32]) {
    // Widths known at compile time keep the accumulators in registers (MFCC's 20 coefficients
    // pad to 24): with a run-time width the loop reloaded them for every row.
    match out.len() {
        8 => vec_mat_fixed::<8>(x, m, out),
        16 => vec_mat_fixed::<16>(x, m, out),
        24 => vec_mat_fixed::<24>(x, m, out),
        32 => vec_mat_fixed::<32>(x, m, out),
        _ => {
            out.iter_mut().for_each(|o| *o = 0.0);
            for (&xi, row) in x.iter().zip(m.chunks_exact(out.len())) {
                for (o, &c) in out.iter_mut().zip(row) {
                    *o += c * xi;
                }
            }
        }
    }
}

#[inline(always)]
fn vec_mat_fixed<const W: usize>(x: &[f32], m: &[f32], out: &mut [f32]) {
    let mut acc = [0f32; W];
    for (&xi, row) in x.iter().zip(m.chunks_exact(W)) {
        let row: &[f32; W] = row.try_into().expect("chunks of W");
        for j in 0..W {
            acc[j] += row[j] * xi;
        }
    }
    out.copy_from_slice(&acc);
}

/// A sparse filter: weights for the bins `start..start + weights.len()`, zero elsewhere.
#[derive(Debug, Clone)]
pub struct SparseFilter {
    pub start: usize,
    pub weights: Vec<f32>,
}

impl SparseFilter {
    pub(crate) fn from_dense(row: &[f32]) -> Self {
        let start = row.iter().position(|&w| w != 0.0).unwrap_or(0);
        let end = row.iter().rposition(|&w| w != 0.0).map_or(start, |e| e + 1);
        SparseFilter { start, weights: row[start..end].to_vec() }
    }

}

/// Each sparse filter of `bank` applied to one frame.
#[inline(always)]
fn apply_bank_generic(frame: &[f32], bank: &[SparseFilter], out: &mut [f32]) {
    for (o, f) in out.iter_mut().zip(bank) {
        *o = dot_generic(&f.weights, &frame[f.start..f.start + f.weights.len()]);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn apply_bank_avx2(frame: &[f32], bank: &[SparseFilter], out: &mut [f32]) {
    apply_bank_generic(frame, bank, out)
}

/// Applies a bank of sparse filters (e.g. mel) to one spectrogram frame.
pub fn apply_bank(frame: &[f32], bank: &[SparseFilter], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { apply_bank_avx2(frame, bank, out) };
    }
    apply_bank_generic(frame, bank, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn vec_mat_avx2(x: &[f32], m: &[f32], out: &mut [f32]) {
    vec_mat_generic(x, m, out)
}

/// Row vector times matrix: `x` (length n) times row-major `m` (n x out.len()).
pub fn vec_mat(x: &[f32], m: &[f32], out: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { vec_mat_avx2(x, m, out) };
    }
    vec_mat_generic(x, m, out)
}

/// Natural logarithm of a positive, finite, normal f32, without branches so that it vectorises
/// (libm's `logf` is a call per value and dominated the dB conversion). `x = 2^e * m` with `m`
/// in `[sqrt(1/2), sqrt(2))`, and `ln m = 2 atanh(s)`, `s = (m - 1) / (m + 1)`, `|s| < 0.172`,
/// summed to the `s^9` term: the next term is below 1e-9, so the error is f32 rounding alone.
#[inline(always)]
fn ln_positive(x: f32) -> f32 {
    const MANTISSA: u32 = 0x007f_ffff;
    const ONE_BITS: u32 = 0x3f80_0000;
    let bits = x.to_bits();
    let m = f32::from_bits((bits & MANTISSA) | ONE_BITS);
    let e = ((bits >> 23) & 0xff) as i32 - 127;
    let above = m > std::f32::consts::SQRT_2;
    let m = if above { m * 0.5 } else { m };
    let e = (e + above as i32) as f32;
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0))));
    e * std::f32::consts::LN_2 + 2.0 * s * series
}

/// `10 * log10(max(v, amin)) - offset` for each value (`amin` a positive normal f32).
#[inline(always)]
fn to_db_generic(values: &mut [f32], amin: f32, offset: f32) {
    const DB_PER_NEPER: f32 = 10.0 / std::f32::consts::LN_10;
    for v in values.iter_mut() {
        *v = DB_PER_NEPER * ln_positive(v.max(amin)) - offset;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn to_db_avx2(values: &mut [f32], amin: f32, offset: f32) {
    to_db_generic(values, amin, offset)
}

/// Power to decibels, in place: `10 * log10(max(v, amin)) - offset`. `amin` must be a positive
/// normal f32 and the values finite.
pub fn to_db(values: &mut [f32], amin: f32, offset: f32) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { to_db_avx2(values, amin, offset) };
    }
    to_db_generic(values, amin, offset)
}

// ---------------------------------------------------------------------------------------------
// Phase vocoder kernels: angle and phasor in f64, rounded once to f32, without libm calls so
// that they vectorise. Accurate to about 1e-13, so the f32 results are libm's correctly rounded
// ones except at rare near-ties.

/// `(sin x, cos x)` for |x| below about 1e6: reduced to |r| <= pi/4 around the nearest multiple
/// of pi/2, then Taylor series to the r^13 / r^14 terms (truncation below 3e-14).
#[inline(always)]
fn sin_cos_f64(x: f64) -> (f64, f64) {
    // pi/2 split so that k * HI is exact for |k| < 2^21; LO carries the rest of f64's pi/2.
    const HI: f64 = 1.570_796_326_794_896_2_f64;
    let hi = f64::from_bits(HI.to_bits() & !0x1f_ffff);
    let lo = HI - hi;
    let k = (x * std::f64::consts::FRAC_2_PI).round_ties_even();
    let r = (x - k * hi) - k * lo;
    let r2 = r * r;
    let s = r * (1.0 + r2 * (-1.0 / 6.0 + r2 * (1.0 / 120.0 + r2 * (-1.0 / 5040.0 + r2 * (1.0 / 362_880.0 + r2 * (-1.0 / 39_916_800.0 + r2 * (1.0 / 6_227_020_800.0)))))));
    let c = 1.0 + r2 * (-0.5 + r2 * (1.0 / 24.0 + r2 * (-1.0 / 720.0 + r2 * (1.0 / 40_320.0 + r2 * (-1.0 / 3_628_800.0 + r2 * (1.0 / 479_001_600.0 + r2 * (-1.0 / 87_178_291_200.0)))))));
    let q = (k as i64) & 3;
    let (sin, cos) = if q & 1 == 1 { (c, -s) } else { (s, c) };
    if q & 2 == 2 {
        (-sin, -cos)
    } else {
        (sin, cos)
    }
}

/// `atan2(y, x)` as `numpy.angle` defines it (signed zeros give +-0 and +-pi): atan of the
/// smaller-over-larger ratio, reduced below tan(pi/8) by the pi/4 identity, by its series to the
/// t^33 term (truncation below 1e-14).
#[inline(always)]
fn atan2_f64(y: f64, x: f64) -> f64 {
    use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};
    let (ax, ay) = (x.abs(), y.abs());
    let (big, small) = (ax.max(ay), ax.min(ay));
    let a = if big > 0.0 { small / big } else { 0.0 };
    let reduce = a > std::f64::consts::SQRT_2 - 1.0;
    let t = if reduce { (a - 1.0) / (a + 1.0) } else { a };
    let t2 = t * t;
    let mut series = 0.0;
    for n in (0..17).rev() {
        let term = 1.0 / (2 * n + 1) as f64;
        series = (if n % 2 == 0 { term } else { -term }) + t2 * series;
    }
    let mut angle = t * series + if reduce { FRAC_PI_4 } else { 0.0 };
    angle = if ay > ax { FRAC_PI_2 - angle } else { angle };
    angle = if x.is_sign_negative() { PI - angle } else { angle };
    if y.is_sign_negative() {
        -angle
    } else {
        angle
    }
}

/// `numpy.angle` and `numpy.abs` of each complex64 value.
#[inline(always)]
fn polar_generic(z: &[num_complex::Complex32], angle: &mut [f32], mag: &mut [f32]) {
    for ((c, a), m) in z.iter().zip(angle.iter_mut()).zip(mag.iter_mut()) {
        *a = atan2_f64(c.im as f64, c.re as f64) as f32;
        *m = magnitude(c.re, c.im);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn polar_avx2(z: &[num_complex::Complex32], angle: &mut [f32], mag: &mut [f32]) {
    polar_generic(z, angle, mag)
}

/// Angles and magnitudes of a frame of complex64 values, as numpy computes them.
pub fn polar(z: &[num_complex::Complex32], angle: &mut [f32], mag: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { polar_avx2(z, angle, mag) };
    }
    polar_generic(z, angle, mag)
}

/// One output frame of librosa's phase vocoder: `out = mag * e^(i phase)` with `mag`
/// interpolated between two input frames, then the f32 phase accumulator advanced by the
/// expected advance plus the wrapped deviation measured between the frames.
#[inline(always)]
fn vocoder_frame_generic(phase: &mut [f32], frames: [(&[f32], &[f32]); 2], alpha: f64, advance: &[f64], out: &mut [num_complex::Complex32]) {
    use std::f64::consts::PI;
    let [(a0, m0), (a1, m1)] = frames;
    for k in 0..out.len().min(phase.len()) {
        let mag = (1.0 - alpha) * m0[k] as f64 + alpha * m1[k] as f64;
        let (sin, cos) = sin_cos_f64(phase[k] as f64);
        // librosa's phasor is f32 cos/sin times an f64 magnitude, rounded to complex64.
        out[k] = num_complex::Complex32::new(((cos as f32) as f64 * mag) as f32, ((sin as f32) as f64 * mag) as f32);
        let dphase = (a1[k] - a0[k]) as f64 - advance[k];
        let wrapped = dphase - 2.0 * PI * (dphase / (2.0 * PI)).round_ties_even();
        phase[k] = (phase[k] as f64 + (advance[k] + wrapped)) as f32;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn vocoder_frame_avx2(phase: &mut [f32], frames: [(&[f32], &[f32]); 2], alpha: f64, advance: &[f64], out: &mut [num_complex::Complex32]) {
    vocoder_frame_generic(phase, frames, alpha, advance, out)
}

/// See [`vocoder_frame_generic`]; `frames` holds (angles, magnitudes) of the two input frames.
pub fn vocoder_frame(phase: &mut [f32], frames: [(&[f32], &[f32]); 2], alpha: f64, advance: &[f64], out: &mut [num_complex::Complex32]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { vocoder_frame_avx2(phase, frames, alpha, advance, out) };
    }
    vocoder_frame_generic(phase, frames, alpha, advance, out)
}

/// Largest value (of finite input), in eight lanes.
#[inline(always)]
fn max_generic(x: &[f32]) -> f32 {
    let mut lanes = [f32::NEG_INFINITY; 8];
    let chunks = x.chunks_exact(8);
    let tail = chunks.remainder().iter().copied().fold(f32::NEG_INFINITY, f32::max);
    for c in chunks {
        for j in 0..8 {
            lanes[j] = if c[j] > lanes[j] { c[j] } else { lanes[j] };
        }
    }
    lanes.iter().copied().fold(tail, f32::max)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn max_avx2(x: &[f32]) -> f32 {
    max_generic(x)
}

/// The largest value of a finite slice (-inf when empty).
pub fn max(x: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { max_avx2(x) };
    }
    max_generic(x)
}

/// Marks `mask[j] = 1` where bin `first + j` of `x` is a peak of librosa's gated frame
/// `x * (x > r)`: above `r`, greater than its left neighbour and not less than its right one,
/// a neighbour at or below `r` counting as zero. Needs `1 <= first` and `end < x.len()`.
#[inline(always)]
fn gated_peaks_generic(x: &[f32], r: f32, first: usize, end: usize, mask: &mut [u8]) {
    let (here, left, right) = (&x[first..end], &x[first - 1..end - 1], &x[first + 1..end + 1]);
    for (((m, &h), &l), &rt) in mask.iter_mut().zip(here).zip(left).zip(right) {
        *m = ((h > r) & ((l <= r) | (h > l)) & ((rt <= r) | (h >= rt))) as u8;
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn gated_peaks_avx2(x: &[f32], r: f32, first: usize, end: usize, mask: &mut [u8]) {
    gated_peaks_generic(x, r, first, end, mask)
}

/// See [`gated_peaks_generic`].
pub fn gated_peaks(x: &[f32], r: f32, first: usize, end: usize, mask: &mut [u8]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { gated_peaks_avx2(x, r, first, end, mask) };
    }
    gated_peaks_generic(x, r, first, end, mask)
}

fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Magnitudes (or, with `square`, powers) of a spectrum; `re`/`im` are scratch of its length.
pub fn magnitudes(spectrum: &[Complex64], re: &mut [f32], im: &mut [f32], out: &mut [f32], square: bool) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { magnitudes_avx2(spectrum, re, im, out, square) };
    }
    magnitudes_generic(spectrum, re, im, out, square)
}

/// Multiplies a frame by the analysis window.
pub fn apply_window(frame: &[f32], window: &[f64], out: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2() {
        // SAFETY: the CPU supports AVX2 (checked above).
        return unsafe { window_avx2(frame, window, out) };
    }
    window_generic(frame, window, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_compilations_agree_bit_for_bit() {
        let spectrum: Vec<Complex64> = (0..1025).map(|k| Complex64::new((k as f64 * 0.37).sin() * 1e3, (k as f64 * 0.11).cos() * 1e-3)).collect();
        let (mut re, mut im) = (vec![0f32; 1025], vec![0f32; 1025]);
        let (mut a, mut b) = (vec![0f32; 1025], vec![0f32; 1025]);
        magnitudes_generic(&spectrum, &mut re, &mut im, &mut a, true);
        magnitudes(&spectrum, &mut re, &mut im, &mut b, true);
        assert_eq!(a, b);
    }

    #[test]
    fn interpolation_compilations_agree_bit_for_bit() {
        let signal: Vec<f32> = (0..4000).map(|i| (i as f32 * 0.013).sin() + (i as f32 * 0.31).cos() * 0.1).collect();
        let phases = 32;
        let table: Vec<f32> = (0..(phases + 1) * 16).map(|i| ((i as f32 * 0.7).sin() + 0.5) / 16.0).collect();
        let position = |n: usize| 7.5 + n as f64 * 1.041_27;
        let (mut a, mut b) = (vec![0f32; 3000], vec![0f32; 3000]);
        interpolate_generic::<16>(&signal, &table, phases, position, &mut a);
        interpolate(&signal, &table, phases, position, &mut b);
        assert_eq!(a, b);
        assert!(a.iter().all(|v| v.is_finite() && *v != 0.0));
    }

    #[test]
    fn trigonometry_matches_libm() {
        let mut worst = (0f64, 0f64);
        for i in 0..200_000 {
            let x = (i as f64 - 100_000.0) * 7.3; // up to +-7.3e5 rad, like a long phase sum
            let x = x as f32 as f64;
            let (s, c) = sin_cos_f64(x);
            worst.0 = worst.0.max((s - x.sin()).abs()).max((c - x.cos()).abs());
            let (y, xx) = ((i as f64 * 0.37).sin() * 3.0, (i as f64 * 0.11).cos() * 2.0);
            worst.1 = worst.1.max((atan2_f64(y, xx) - y.atan2(xx)).abs());
        }
        assert!(worst.0 < 1e-9 && worst.1 < 1e-13, "{worst:?}");
        for (y, x) in [(0.0, 0.0), (0.0, -1.0), (-0.0, -1.0), (-0.0, 1.0), (1.0, 0.0), (-1.0, -0.0), (3.0, -3.0)] {
            assert_eq!(atan2_f64(y, x), f64::atan2(y, x), "atan2({y}, {x})");
        }
    }

    #[test]
    fn decibels_match_libm_to_f32_rounding() {
        // Every binade from the smallest normal to the largest finite f32, densely sampled.
        let values: Vec<f32> = (0..200_000).map(|k| f32::MIN_POSITIVE * 2f32.powf(k as f32 * 253.9 / 200_000.0)).collect();
        let mut db = values.clone();
        to_db(&mut db, f32::MIN_POSITIVE, 0.0);
        for (&x, &d) in values.iter().zip(&db) {
            let exact = 10.0 * (x as f64).log10();
            assert!((d as f64 - exact).abs() <= 2e-5 + 1e-6 * exact.abs(), "{x}: {d} vs {exact}");
        }
        let mut floor = vec![0.0f32, 1e-12, 1e-10];
        to_db(&mut floor, 1e-10, 0.0);
        assert!(floor.iter().all(|&d| (d + 100.0).abs() < 1e-4), "{floor:?}");
    }
}
