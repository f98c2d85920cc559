//! Prosody: pitch (yin, pyin) and voice quality (Praat's measures).

use super::errors::{detached, to_py, PyObj};
use super::args::*;
use pyo3::prelude::*;
use crate::prosody::pitch::{self, PyinParams, YinParams};
use crate::prosody::voice;
use crate::signal::PadMode;
use numpy::{IntoPyArray, PyReadonlyArray1};
use pyo3::types::PyDict;

// Prosody: voice quality

fn contour_to_py(py: Python<'_>, c: voice::Contour) -> (PyObj, PyObj) {
    (c.times.into_pyarray(py).into_any().unbind(), c.values.into_pyarray(py).into_any().unbind())
}

/// `(times, dB)` intensity contour.
#[pyfunction]
#[pyo3(signature = (y, sr, min_pitch, time_step, subtract_mean))]
fn voice_intensity(py: Python<'_>, y: PyReadonlyArray1<f32>, sr: f64, min_pitch: f64, time_step: Option<f64>, subtract_mean: bool) -> PyResult<(PyObj, PyObj)> {
    let p = voice::IntensityParams { min_pitch, time_step, subtract_mean };
    let y = y.as_slice()?;
    let c = detached(py, || voice::intensity(y, sr, &p))?;
    Ok(contour_to_py(py, c))
}

/// `(times, dB)` harmonics-to-noise contour, NaN where unvoiced.
#[pyfunction]
#[pyo3(signature = (y, sr, time_step, min_pitch, silence_threshold, periods_per_window))]
fn voice_harmonicity(py: Python<'_>, y: PyReadonlyArray1<f32>, sr: f64, time_step: f64, min_pitch: f64, silence_threshold: f64, periods_per_window: f64) -> PyResult<(PyObj, PyObj)> {
    let p = voice::HarmonicityParams { time_step, min_pitch, silence_threshold, periods_per_window };
    let y = y.as_slice()?;
    let c = detached(py, || voice::harmonicity_cc(y, sr, &p))?;
    Ok(contour_to_py(py, c))
}

/// `(times, f0, strength)` pitch contour by autocorrelation (Praat's "To Pitch (ac)"), NaN where unvoiced.
#[pyfunction]
#[pyo3(signature = (y, sr, pitch_floor, pitch_ceiling, time_step))]
fn voice_pitch(py: Python<'_>, y: PyReadonlyArray1<f32>, sr: f64, pitch_floor: f64, pitch_ceiling: f64, time_step: Option<f64>) -> PyResult<(PyObj, PyObj, PyObj)> {
    let p = voice::PitchParams { pitch_floor, pitch_ceiling, time_step, ..voice::PitchParams::default() };
    let y = y.as_slice()?;
    let track = detached(py, || voice::pitch_ac(y, sr, &p))?;
    let strength = track.strength.into_pyarray(py).into_any().unbind();
    Ok((track.times.into_pyarray(py).into_any().unbind(), track.f0.into_pyarray(py).into_any().unbind(), strength))
}

/// Glottal pulse times (s) from an AC pitch analysis with the given range.
#[pyfunction]
#[pyo3(signature = (y, sr, pitch_floor, pitch_ceiling))]
fn voice_pulses(py: Python<'_>, y: PyReadonlyArray1<f32>, sr: f64, pitch_floor: f64, pitch_ceiling: f64) -> PyResult<PyObj> {
    let p = voice::PitchParams { pitch_floor, pitch_ceiling, ..voice::PitchParams::default() };
    let y = y.as_slice()?;
    let pulses = detached(py, || voice::pitch_ac(y, sr, &p).and_then(|pitch| voice::glottal_pulses(y, sr, &pitch)))?;
    Ok(pulses.into_pyarray(py).into_any().unbind())
}

/// Utterance-level voice measures as a dict.
#[pyfunction]
#[pyo3(signature = (y, sr, pitch_floor, pitch_ceiling, period_floor, period_ceiling, max_period_factor, max_amplitude_factor, intensity_min_pitch, hnr_min_pitch, hnr_time_step, hnr_silence_threshold, hnr_periods_per_window))]
#[allow(clippy::too_many_arguments)]
fn voice_report<'py>(
    py: Python<'py>,
    y: PyReadonlyArray1<f32>,
    sr: f64,
    pitch_floor: f64,
    pitch_ceiling: f64,
    period_floor: f64,
    period_ceiling: f64,
    max_period_factor: f64,
    max_amplitude_factor: f64,
    intensity_min_pitch: f64,
    hnr_min_pitch: f64,
    hnr_time_step: f64,
    hnr_silence_threshold: f64,
    hnr_periods_per_window: f64,
) -> PyResult<Bound<'py, PyDict>> {
    let p = voice::VoiceParams {
        pitch_floor,
        pitch_ceiling,
        periods: voice::PeriodLimits { shortest: period_floor, longest: period_ceiling, max_factor: max_period_factor },
        max_amplitude_factor,
        intensity: voice::IntensityParams { min_pitch: intensity_min_pitch, ..voice::IntensityParams::default() },
        harmonicity: voice::HarmonicityParams { time_step: hnr_time_step, min_pitch: hnr_min_pitch, silence_threshold: hnr_silence_threshold, periods_per_window: hnr_periods_per_window },
    };
    let y = y.as_slice()?;
    let r = detached(py, || voice::voice_report(y, sr, &p))?;
    let d = PyDict::new(py);
    d.set_item("intensity_db", r.intensity_db)?;
    d.set_item("jitter_local", r.jitter_local)?;
    d.set_item("shimmer_local_db", r.shimmer_local_db)?;
    d.set_item("hnr_db", r.hnr_db)?;
    d.set_item("n_pulses", r.n_pulses)?;
    d.set_item("voiced_fraction", r.voiced_fraction)?;
    d.set_item("mean_f0_hz", r.mean_f0_hz)?;
    Ok(d)
}

// Prosody: pitch
#[pyfunction]
#[pyo3(signature = (y, *, fmin, fmax, sr, frame_length, hop_length, trough_threshold, center, pad_mode))]
#[allow(clippy::too_many_arguments)]
fn yin(py: Python<'_>, y: PyReadonlyArray1<f32>, fmin: f64, fmax: f64, sr: f64, frame_length: i64, hop_length: Option<i64>, trough_threshold: f64, center: bool, pad_mode: &str) -> PyResult<PyObj> {
    let p = YinParams {
        fmin,
        fmax,
        sr,
        frame_length: count_arg("frame_length", frame_length)?,
        hop_length: hop_arg(hop_length)?,
        trough_threshold,
        center,
        pad_mode: PadMode::from_name(pad_mode).map_err(to_py)?,
    };
    let y = y.as_slice()?;
    let f0 = detached(py, || pitch::yin(y, &p))?;
    Ok(f0.into_pyarray(py).into_any().unbind())
}

/// Returns `(f0, voiced_flag, voiced_prob)`.
#[pyfunction]
#[pyo3(signature = (y, *, fmin, fmax, sr, frame_length, hop_length, n_thresholds, beta_parameters, boltzmann_parameter, resolution, max_transition_rate, switch_prob, no_trough_prob, fill_na, center, pad_mode))]
#[allow(clippy::too_many_arguments)]
fn pyin(
    py: Python<'_>,
    y: PyReadonlyArray1<f32>,
    fmin: f64,
    fmax: f64,
    sr: f64,
    frame_length: i64,
    hop_length: Option<i64>,
    n_thresholds: i64,
    beta_parameters: (f64, f64),
    boltzmann_parameter: f64,
    resolution: f64,
    max_transition_rate: f64,
    switch_prob: f64,
    no_trough_prob: f64,
    fill_na: Option<f64>,
    center: bool,
    pad_mode: &str,
) -> PyResult<(PyObj, PyObj, PyObj)> {
    let p = PyinParams {
        fmin,
        fmax,
        sr,
        frame_length: count_arg("frame_length", frame_length)?,
        hop_length: hop_arg(hop_length)?,
        n_thresholds: count_arg("n_thresholds", n_thresholds)?,
        beta_parameters,
        boltzmann_parameter,
        resolution,
        max_transition_rate,
        switch_prob,
        no_trough_prob,
        fill_na,
        center,
        pad_mode: PadMode::from_name(pad_mode).map_err(to_py)?,
    };
    let y = y.as_slice()?;
    let out = detached(py, || pitch::pyin(y, &p))?;
    Ok((
        out.f0.into_pyarray(py).into_any().unbind(),
        out.voiced_flag.into_pyarray(py).into_any().unbind(),
        out.voiced_prob.into_pyarray(py).into_any().unbind(),
    ))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(voice_intensity, m)?)?;
    m.add_function(wrap_pyfunction!(voice_harmonicity, m)?)?;
    m.add_function(wrap_pyfunction!(voice_pitch, m)?)?;
    m.add_function(wrap_pyfunction!(voice_pulses, m)?)?;
    m.add_function(wrap_pyfunction!(voice_report, m)?)?;
    m.add_function(wrap_pyfunction!(yin, m)?)?;
    m.add_function(wrap_pyfunction!(pyin, m)?)?;
    Ok(())
}
