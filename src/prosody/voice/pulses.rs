//! Glottal pulse marks as Praat's "To PointProcess (periodic, cc)" describes them: in each
//! voiced stretch of the pitch contour, start at the strongest extremum near the middle, then
//! walk left and right one period at a time, placing each next mark where a one-period window
//! best cross-correlates with the window around the previous mark (searched from 0.8 to 1.25
//! local periods away). Cross-correlation, not peak picking, keeps the marks at the same phase
//! of each cycle, so period differences measure jitter rather than waveform shape.

use super::periodicity::PitchTrack;
use super::{check_signal, nearest_sample};
use crate::error::Result;

/// A mark is kept only where the waveform correlates with the previous period at least this much...
const MIN_CORRELATION: f64 = 0.3;
/// ...and the window's peak reaches this fraction of the signal's peak (not near-silence).
const MIN_PEAK_FRACTION: f64 = 0.01;
/// Marks past the edge of a voiced stretch need a clearer period.
const EDGE_CORRELATION: f64 = 0.7;
const EDGE_PEAK_FRACTION: f64 = 0.023333;

/// Times (s) of the glottal pulses of `y`, given its pitch contour (from
/// [`super::pitch_ac`] on the same signal), in increasing order.
pub fn glottal_pulses(y: &[f32], sr: f64, pitch: &PitchTrack) -> Result<Vec<f64>> {
    check_signal(y, sr)?;
    let global_peak = y.iter().fold(0.0f64, |m, &v| m.max((v as f64).abs()));
    let mut marks: Vec<f64> = Vec::new();
    let mut added_right = f64::NEG_INFINITY;
    let mut after = f64::NEG_INFINITY;
    // Every step moves at least 0.8 periods of at most the ceiling, so this bounds the walk.
    let step_budget = 4 * y.len() + 16;
    while let Some((left, right)) = voiced_interval_after(pitch, after) {
        after = right;
        let middle = 0.5 * (left + right);
        let Some(f0) = f0_at(pitch, middle) else { continue };
        let Some(start) = absolute_extremum(y, sr, middle - 0.5 / f0, middle + 0.5 / f0) else { continue };
        marks.push(start);
        // Leftwards.
        let mut t = start;
        for _ in 0..step_budget {
            let Some(f0) = f0_at(pitch, t) else { break };
            let found = best_correlation(y, sr, t, 1.0 / f0, t - 1.25 / f0, t - 0.8 / f0);
            let (r, peak) = match found {
                Some(m) => {
                    t = m.time;
                    (m.correlation, m.peak)
                }
                None => {
                    t -= 1.0 / f0;
                    (-1.0, 0.0)
                }
            };
            if t < left {
                if r > EDGE_CORRELATION && peak > EDGE_PEAK_FRACTION * global_peak && t - added_right > 0.8 / f0 {
                    marks.push(t);
                }
                break;
            }
            // Do not mark a short unvoiced gap twice: the previous stretch's walk may have filled it.
            if r > MIN_CORRELATION && peak > MIN_PEAK_FRACTION * global_peak && t - added_right > 0.8 / f0 {
                marks.push(t);
            }
        }
        // Rightwards.
        let mut t = start;
        for _ in 0..step_budget {
            let Some(f0) = f0_at(pitch, t) else { break };
            let found = best_correlation(y, sr, t, 1.0 / f0, t + 0.8 / f0, t + 1.25 / f0);
            let (r, peak) = match found {
                Some(m) => {
                    t = m.time;
                    (m.correlation, m.peak)
                }
                None => {
                    t += 1.0 / f0;
                    (-1.0, 0.0)
                }
            };
            if t > right {
                if r > EDGE_CORRELATION && peak > EDGE_PEAK_FRACTION * global_peak {
                    marks.push(t);
                    added_right = t;
                }
                break;
            }
            if r > MIN_CORRELATION && peak > MIN_PEAK_FRACTION * global_peak {
                marks.push(t);
                added_right = t;
            }
        }
    }
    marks.sort_by(f64::total_cmp);
    marks.dedup_by(|a, b| (*a - *b).abs() < 0.5 / sr);
    Ok(marks)
}

/// The first stretch of consecutive voiced frames whose first frame lies after `after`, as the
/// times of its outer frame edges, clipped to the contour's span.
fn voiced_interval_after(pitch: &PitchTrack, after: f64) -> Option<(f64, f64)> {
    let n = pitch.f0.len();
    let first_time = *pitch.times.first()?;
    let dt = pitch.time_step;
    let mut i = if after.is_finite() { (((after - first_time) / dt).ceil().max(0.0)) as usize } else { 0 };
    while i < n && !pitch.f0[i].is_finite() {
        i += 1;
    }
    if i >= n {
        return None;
    }
    let mut j = i;
    while j + 1 < n && pitch.f0[j + 1].is_finite() {
        j += 1;
    }
    let start = first_time - 0.5 * dt;
    let end = pitch.times[n - 1] + 0.5 * dt;
    Some(((pitch.times[i] - 0.5 * dt).max(start), (pitch.times[j] + 0.5 * dt).min(end)))
}

/// F0 at time `t`, linearly interpolated between frames; None when the nearest frame is
/// unvoiced or `t` is outside the contour (an unvoiced neighbour leaves the nearest value).
fn f0_at(pitch: &PitchTrack, t: f64) -> Option<f64> {
    let n = pitch.f0.len() as i64;
    let position = (t - *pitch.times.first()?) / pitch.time_step;
    let nearest = position.round() as i64;
    if nearest < 0 || nearest >= n {
        return None;
    }
    let near = pitch.f0[nearest as usize];
    if !near.is_finite() {
        return None;
    }
    let other = if position >= nearest as f64 { nearest + 1 } else { nearest - 1 };
    if other < 0 || other >= n || !pitch.f0[other as usize].is_finite() {
        return Some(near);
    }
    let far = pitch.f0[other as usize];
    Some(near + (position - nearest as f64).abs() * (far - near))
}

/// Time of the largest |y| within [t0, t1], refined by a parabola through its neighbours.
fn absolute_extremum(y: &[f32], sr: f64, t0: f64, t1: f64) -> Option<f64> {
    let lo = nearest_sample(t0, sr).max(0);
    let hi = nearest_sample(t1, sr).min(y.len() as i64 - 1);
    if hi < lo {
        return None;
    }
    let best = (lo..=hi).max_by(|&a, &b| y[a as usize].abs().total_cmp(&y[b as usize].abs()))?;
    let mut offset = 0.0;
    if best > 0 && best + 1 < y.len() as i64 {
        let (a, b, c) = (y[best as usize - 1].abs() as f64, y[best as usize].abs() as f64, y[best as usize + 1].abs() as f64);
        let d2 = 2.0 * b - a - c;
        if d2 > 0.0 {
            offset = 0.5 * (c - a) / d2;
        }
    }
    Some((best as f64 + offset + 0.5) / sr)
}

struct Match {
    time: f64,
    correlation: f64,
    peak: f64,
}

/// Where in [t_min, t_max] a window of `length` s best correlates with the window around `t`:
/// the highest local maximum of the normalised correlation over candidate positions, refined
/// by a parabola. `peak` is the largest |y| in the best-matching window. None when no local maximum
/// exists (the search range lies outside the signal).
fn best_correlation(y: &[f32], sr: f64, t: f64, length: f64, t_min: f64, t_max: f64) -> Option<Match> {
    let half = 0.5 * length;
    let ref_start = nearest_sample(t - half, sr);
    let ref_end = nearest_sample(t + half, sr);
    let first = (t_min - half) * sr - 0.5;
    let (first, last) = (first.floor() as i64, ((t_max - half) * sr - 0.5).ceil() as i64);
    let n = y.len() as i64;
    let mut scores: Vec<(i64, f64)> = Vec::with_capacity((last - first + 1).max(0) as usize);
    for start in first..=last {
        if start < 0 || start >= n {
            continue;
        }
        let Some((a, b)) = overlap(y, ref_start, ref_end, start) else {
            scores.push((start, 0.0));
            continue;
        };
        let (mut xx, mut yy, mut xy) = (0.0f64, 0.0f64, 0.0f64);
        for (&p, &q) in a.iter().zip(b) {
            let (p, q) = (p as f64, q as f64);
            xx += p * p;
            yy += q * q;
            xy += p * q;
        }
        scores.push((start, if xy != 0.0 { xy / (xx * yy).sqrt() } else { 0.0 }));
    }
    let mut best: Option<(usize, f64)> = None;
    for k in 0..scores.len().saturating_sub(1) {
        let before = if k == 0 { 0.0 } else { scores[k - 1].1 };
        let (r, after) = (scores[k].1, scores[k + 1].1);
        if r >= before && r >= after && best.is_none_or(|(_, b)| r > b) {
            best = Some((k, r));
        }
    }
    let (k, r) = best?;
    let before = if k == 0 { 0.0 } else { scores[k - 1].1 };
    let after = scores[k + 1].1;
    let (mut position, mut correlation) = (scores[k].0 as f64, r);
    let d2 = 2.0 * r - before - after;
    if d2 != 0.0 {
        let d = 0.5 * (after - before);
        correlation += 0.5 * d * d / d2;
        position += d / d2;
    }
    let peak = overlap(y, ref_start, ref_end, scores[k].0).map_or(0.0, |(_, b)| b.iter().fold(0.0f64, |m, &v| m.max(v.abs() as f64)));
    Some(Match { time: t + (position - ref_start as f64) / sr, correlation, peak })
}

/// The parts of the windows `y[ref_start..=ref_end]` and the same window moved to begin at
/// `start` that both lie inside the signal, as two equally long slices.
fn overlap(y: &[f32], ref_start: i64, ref_end: i64, start: i64) -> Option<(&[f32], &[f32])> {
    let n = y.len() as i64;
    let shift = start - ref_start;
    let lo = ref_start.max(0).max(-shift);
    let hi = ref_end.min(n - 1).min(n - 1 - shift);
    if hi < lo {
        return None;
    }
    let (lo, hi) = (lo as usize, hi as usize);
    let (lo2, hi2) = ((lo as i64 + shift) as usize, (hi as i64 + shift) as usize);
    Some((&y[lo..=hi], &y[lo2..=hi2]))
}

#[cfg(test)]
mod tests {
    use super::super::{pitch_ac, PitchParams};
    use super::*;

    #[test]
    fn pulses_of_a_click_train_follow_its_period() {
        // Smoothed clicks every 8 ms (125 Hz).
        let sr = 16000.0;
        let y: Vec<f32> = (0..16000).map(|i| {
            let phase = (i % 128) as f64;
            (-(phase - 20.0).powi(2) / 18.0).exp() as f32 * 0.5 - 0.1 * (2.0 * std::f64::consts::PI * phase / 128.0).sin() as f32
        }).collect();
        let pitch = pitch_ac(&y, sr, &PitchParams::default()).unwrap();
        let marks = glottal_pulses(&y, sr, &pitch).unwrap();
        assert!(marks.len() > 100, "{}", marks.len());
        for w in marks.windows(2) {
            assert!((w[1] - w[0] - 0.008).abs() < 2e-4, "{:?}", w);
        }
    }

    #[test]
    fn interpolation_respects_unvoiced_frames() {
        let p = PitchTrack { times: vec![0.1, 0.2, 0.3], time_step: 0.1, f0: vec![100.0, 200.0, f64::NAN], strength: vec![0.9; 3] };
        assert_eq!(f0_at(&p, 0.15 + 1e-9).map(|f| f.round()), Some(150.0));
        assert_eq!(f0_at(&p, 0.24), Some(200.0));
        assert_eq!(f0_at(&p, 0.29), None);
        assert_eq!(voiced_interval_after(&p, f64::NEG_INFINITY).map(|(a, b)| ((a * 100.0).round(), (b * 100.0).round())), Some((5.0, 25.0)));
        assert_eq!(voiced_interval_after(&p, 0.25), None);
    }
}
