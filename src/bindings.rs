//! The PyO3 layer: converts Python values to the stages' types and back, maps errors to typed
//! Python exceptions, and releases the GIL around every piece of real work. No algorithm here.

use crate::audio::{self, LoadOptions};
use crate::batch::{self, Augmentation, BatchOptions, Item, Progress};
use crate::effects::{self, Pipeline, Step, TrimParams};
use crate::error::{contain_bug, SerError};
use crate::feature::delta::DeltaMode;
use crate::feature::filters::MelNorm;
use crate::feature::functionals::Stat;
use crate::feature::spectral::{self, DctNorm, FrameNorm, Input};
use crate::feature::stft::{PadMode, StftParams, Window};
use crate::feature::{FeatureConfig, FeatureKind, FeatureOutput};
use crate::metrics;
use crate::model;
use crate::prosody::voice;
use crate::prosody::pitch::{self, PyinParams, YinParams};
use crate::synth;
use ndarray::{Array2, ArrayView2};
use numpy::{IntoPyArray, PyReadonlyArray1, PyReadonlyArray2, PyReadonlyArray3};
use pyo3::create_exception;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

create_exception!(ser_rs, ParameterError, PyValueError, "An argument or the audio itself is unusable (a ValueError).");
create_exception!(ser_rs, AudioDecodeError, PyValueError, "The bytes are not decodable audio: unknown format, corrupt or truncated.");

fn to_py(e: SerError) -> PyErr {
    match e {
        SerError::FileNotFound(m) => PyFileNotFoundError::new_err(m),
        SerError::Io(m) => PyOSError::new_err(m),
        SerError::Decode(m) => AudioDecodeError::new_err(m),
        SerError::Parameter(m) => ParameterError::new_err(m),
        SerError::Torch(m) | SerError::Internal(m) => PyRuntimeError::new_err(m),
    }
}

/// Runs `work` without the GIL; a panic in it becomes a RuntimeError, never a PanicException.
fn detached<T: Send>(py: Python<'_>, work: impl FnOnce() -> crate::Result<T> + Send) -> PyResult<T> {
    py.detach(|| contain_bug(work)).map_err(to_py)
}

type PyObj = Py<PyAny>;

// ---------------------------------------------------------------------------------------------
// Parameters from a dict of keyword arguments (the Python wrappers pass their whole signature)

fn get_any<'py>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(d.get_item(key)?.filter(|v| !v.is_none()))
}

fn type_error(key: &str, expected: &str, v: &Bound<PyAny>) -> PyErr {
    let ty = v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!("{key} must be {expected}, got {ty}"))
}

fn get_count(d: &Bound<PyDict>, key: &str) -> PyResult<Option<usize>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(type_error(key, "an integer", &v));
    }
    let n: i64 = v.extract().map_err(|_| type_error(key, "an integer", &v))?;
    if n < 0 {
        return Err(ParameterError::new_err(format!("{key}={n} must be a positive integer")));
    }
    Ok(Some(n as usize))
}

fn get_f64(d: &Bound<PyDict>, key: &str) -> PyResult<Option<f64>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    if v.is_instance_of::<pyo3::types::PyBool>() {
        return Err(type_error(key, "a number", &v));
    }
    v.extract::<f64>().map(Some).map_err(|_| type_error(key, "a number", &v))
}

fn get_bool(d: &Bound<PyDict>, key: &str) -> PyResult<Option<bool>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    v.extract::<bool>().map(Some).map_err(|_| type_error(key, "True or False", &v))
}

fn get_str(d: &Bound<PyDict>, key: &str) -> PyResult<Option<String>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    v.extract::<String>().map(Some).map_err(|_| type_error(key, "a string", &v))
}

fn get_vec<T: for<'a, 'py> FromPyObject<'a, 'py>>(d: &Bound<PyDict>, key: &str) -> PyResult<Option<Vec<T>>> {
    let Some(v) = get_any(d, key)? else { return Ok(None) };
    v.extract::<Vec<T>>().map(Some).map_err(|_| type_error(key, "a 1-D array of numbers", &v))
}

fn window_param(d: &Bound<PyDict>) -> PyResult<Option<Window>> {
    let Some(v) = get_any(d, "window")? else { return Ok(None) };
    if let Ok(name) = v.extract::<String>() {
        return Window::from_name(&name).map(Some).map_err(to_py);
    }
    v.extract::<Vec<f64>>().map(|w| Some(Window::Custom(w))).map_err(|_| type_error("window", "a window name or a 1-D array", &v))
}

/// Missing keys keep librosa's defaults; `hop_length=None` means `win_length // 4`.
fn stft_params(d: &Bound<PyDict>) -> PyResult<StftParams> {
    let mut p = StftParams { hop_length: None, ..StftParams::default() };
    if let Some(n) = get_count(d, "n_fft")? {
        p.n_fft = n;
    }
    p.hop_length = get_count(d, "hop_length")?;
    p.win_length = get_count(d, "win_length")?;
    if let Some(w) = window_param(d)? {
        p.window = w;
    }
    if let Some(c) = get_bool(d, "center")? {
        p.center = c;
    }
    if let Some(m) = get_str(d, "pad_mode")? {
        p.pad_mode = PadMode::from_name(&m).map_err(to_py)?;
    }
    Ok(p)
}

fn named<T>(d: &Bound<PyDict>, key: &str, choices: &[(&str, T)], none: Option<T>) -> PyResult<Option<T>>
where
    T: Copy,
{
    match get_any(d, key)? {
        None => Ok(none),
        Some(v) => {
            let s: String = v.extract().map_err(|_| type_error(key, "a string or None", &v))?;
            let names: Vec<&str> = choices.iter().map(|c| c.0).collect();
            choices.iter().find(|c| c.0 == s).map(|c| Some(c.1)).ok_or_else(|| {
                ParameterError::new_err(format!("{key}='{s}' is not supported; use one of {names:?} or None"))
            })
        }
    }
}

fn feature_config(kind: FeatureKind, d: &Bound<PyDict>) -> PyResult<FeatureConfig> {
    let mut c = FeatureConfig::new(kind);
    c.stft = stft_params(d)?;
    // librosa reuses `power` and `norm` with a different meaning per feature.
    if let Some(v) = get_f64(d, "power")? {
        if kind == FeatureKind::SpectralFlatness {
            c.flatness_power = v;
        } else {
            c.power = v;
        }
    }
    if let Some(v) = get_count(d, "n_mels")? {
        c.mel.n_mels = v;
    }
    if let Some(v) = get_f64(d, "fmin")? {
        c.mel.fmin = v;
        c.contrast.fmin = v;
    }
    c.mel.fmax = get_f64(d, "fmax")?;
    if let Some(v) = get_bool(d, "htk")? {
        c.mel.htk = v;
    }
    let mel_norm_key = if kind == FeatureKind::Melspectrogram { "norm" } else { "mel_norm" };
    if d.contains(mel_norm_key)? {
        c.mel.norm = named(d, mel_norm_key, &[("slaney", MelNorm::Slaney)], Some(MelNorm::None))?.expect("has default");
    }
    if let Some(v) = get_count(d, "n_mfcc")? {
        c.mfcc.n_mfcc = v;
    }
    if let Some(v) = get_count(d, "dct_type")? {
        c.mfcc.dct_type = v.min(255) as u8;
    }
    if kind == FeatureKind::Mfcc && d.contains("norm")? {
        c.mfcc.norm = named(d, "norm", &[("ortho", DctNorm::Ortho)], Some(DctNorm::None))?.expect("has default");
    }
    if let Some(v) = get_f64(d, "lifter")? {
        c.mfcc.lifter = v;
    }
    c.tuning = get_f64(d, "tuning")?;
    if let Some(v) = get_count(d, "n_chroma")? {
        c.n_chroma = v;
    }
    if kind == FeatureKind::ChromaStft && d.contains("norm")? {
        c.chroma_norm = match get_f64(d, "norm")? {
            None => FrameNorm::None,
            Some(p) if p == f64::INFINITY => FrameNorm::Max,
            Some(p) if p > 0.0 && p.is_finite() => FrameNorm::P(p),
            Some(p) => return Err(ParameterError::new_err(format!("norm={p} is not supported; use np.inf, a positive number, or None"))),
        };
    }
    if let Some(v) = get_count(d, "frame_length")? {
        c.frame_length = v;
    }
    if let Some(v) = get_f64(d, "roll_percent")? {
        c.roll_percent = v;
    }
    if let Some(v) = get_count(d, "n_bands")? {
        c.contrast.n_bands = v;
    }
    if let Some(v) = get_f64(d, "quantile")? {
        c.contrast.quantile = v;
    }
    if let Some(v) = get_bool(d, "linear")? {
        c.contrast.linear = v;
    }
    if let Some(v) = get_f64(d, "p")? {
        c.bandwidth_p = v;
    }
    if kind == FeatureKind::SpectralBandwidth {
        if let Some(v) = get_bool(d, "norm")? {
            c.bandwidth_norm = v;
        }
    }
    if let Some(v) = get_f64(d, "amin")? {
        c.flatness_amin = v;
    }
    c.freq = get_vec(d, "freq")?;
    c.centroid = get_vec(d, "centroid")?;
    Ok(c)
}

fn output_to_py(py: Python<'_>, out: FeatureOutput) -> PyObj {
    match out {
        FeatureOutput::Vector(v) => v.into_pyarray(py).into_any().unbind(),
        FeatureOutput::Frames(m) => m.into_pyarray(py).into_any().unbind(),
    }
}

// ---------------------------------------------------------------------------------------------
// Audio

fn load_options(sr: Option<i64>, mono: bool, offset: f64, duration: Option<f64>) -> PyResult<LoadOptions> {
    let sr = match sr {
        None => None,
        Some(s) if s > 0 && s <= u32::MAX as i64 => Some(s as u32),
        Some(s) => return Err(ParameterError::new_err(format!("sr={s} must be a positive sampling rate in Hz, or None to keep the file's rate"))),
    };
    Ok(LoadOptions { sr, mono, offset, duration })
}

#[pyfunction]
#[pyo3(signature = (path=None, data=None, *, sr=Some(22050), mono=true, offset=0.0, duration=None))]
fn load(py: Python<'_>, path: Option<PathBuf>, data: Option<Vec<u8>>, sr: Option<i64>, mono: bool, offset: f64, duration: Option<f64>) -> PyResult<(PyObj, u32)> {
    let opts = load_options(sr, mono, offset, duration)?;
    let audio = detached(py, || match (path, data) {
        (Some(p), _) => audio::load(&p, &opts),
        (None, Some(bytes)) => audio::load_bytes(bytes, &opts),
        (None, None) => Err(SerError::parameter("pass a path or the file's bytes")),
    })?;
    let rate = audio.sr;
    let samples = if audio.channels.len() == 1 {
        audio.into_mono().into_pyarray(py).into_any().unbind()
    } else {
        let n = audio.n_frames();
        let flat: Vec<f32> = audio.channels.concat();
        Array2::from_shape_vec((flat.len() / n.max(1), n), flat)
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?
            .into_pyarray(py)
            .into_any()
            .unbind()
    };
    Ok((samples, rate))
}

#[pyfunction]
fn resample(py: Python<'_>, y: PyReadonlyArray1<f32>, orig_sr: i64, target_sr: i64) -> PyResult<PyObj> {
    let rate = |name: &str, r: i64| -> PyResult<u32> {
        if r > 0 && r <= u32::MAX as i64 {
            Ok(r as u32)
        } else {
            Err(ParameterError::new_err(format!("{name}={r} must be a positive sampling rate in Hz")))
        }
    };
    let (orig, target) = (rate("orig_sr", orig_sr)?, rate("target_sr", target_sr)?);
    let y = y.as_slice()?;
    let out = detached(py, || audio::resample(y, orig, target))?;
    Ok(out.into_pyarray(py).into_any().unbind())
}

// ---------------------------------------------------------------------------------------------
// Features

#[pyfunction]
fn stft(py: Python<'_>, y: PyReadonlyArray1<f32>, params: &Bound<PyDict>) -> PyResult<PyObj> {
    let p = stft_params(params)?;
    let y = y.as_slice()?;
    let out = detached(py, || crate::feature::stft(y, &p))?;
    Ok(out.into_pyarray(py).into_any().unbind())
}

/// Any named feature from `y` or `S`, with the settings in `params`.
#[pyfunction]
#[pyo3(signature = (name, y, s, sr, params))]
fn compute_feature(py: Python<'_>, name: &str, y: Option<PyReadonlyArray1<f32>>, s: Option<PyReadonlyArray2<f32>>, sr: f64, params: &Bound<PyDict>) -> PyResult<PyObj> {
    let config = feature_config(FeatureKind::from_name(name).map_err(to_py)?, params)?;
    let out = match (&y, &s) {
        (Some(y), _) => {
            let y = y.as_slice()?;
            detached(py, || config.compute(Input::Audio(y), sr))?
        }
        (None, Some(s)) => {
            let s = s.as_array();
            detached(py, || config.compute(Input::Spectrogram(s), sr))?
        }
        (None, None) => return Err(to_py(SerError::parameter("pass either y (audio) or S (a spectrogram)"))),
    };
    Ok(output_to_py(py, out))
}

#[pyfunction]
#[pyo3(signature = (s, ref_value, amin, top_db, amplitude))]
fn to_db(py: Python<'_>, s: PyReadonlyArray2<f32>, ref_value: f64, amin: f64, top_db: Option<f64>, amplitude: bool) -> PyResult<PyObj> {
    let s = s.as_array();
    let out = detached(py, || if amplitude { spectral::amplitude_to_db(s, ref_value, amin, top_db) } else { spectral::power_to_db(s, ref_value, amin, top_db) })?;
    Ok(out.into_pyarray(py).into_any().unbind())
}

#[pyfunction]
fn delta(py: Python<'_>, data: PyReadonlyArray2<f32>, width: i64, order: i64, mode: &str) -> PyResult<PyObj> {
    let mode = DeltaMode::from_name(mode).map_err(to_py)?;
    let (width, order) = (count_arg("width", width)?, count_arg("order", order)?);
    let data: ArrayView2<f32> = data.as_array();
    let out = detached(py, || crate::feature::delta(data, width, order, mode))?;
    Ok(out.into_pyarray(py).into_any().unbind())
}

fn stat_list(names: &[String]) -> PyResult<Vec<Stat>> {
    names.iter().map(|n| Stat::from_name(n)).collect::<crate::Result<_>>().map_err(to_py)
}

#[pyfunction]
#[pyo3(signature = (frames, stats, length=None, mask=None))]
fn functionals(py: Python<'_>, frames: PyReadonlyArray2<f32>, stats: Vec<String>, length: Option<usize>, mask: Option<Vec<bool>>) -> PyResult<PyObj> {
    let stats = stat_list(&stats)?;
    let frames = frames.as_array();
    Ok(array_out(py, detached(py, || crate::feature::functionals::functionals(frames, &stats, length, mask.as_deref()))?))
}

/// Functionals of a padded batch; rows of failed items are NaN and listed in the errors.
#[pyfunction]
fn functionals_batch(py: Python<'_>, batch: PyReadonlyArray3<f32>, stats: Vec<String>, lengths: Vec<usize>) -> PyResult<(PyObj, Vec<(usize, String, String)>)> {
    let stats = stat_list(&stats)?;
    let batch = batch.as_array();
    let width = batch.shape()[1] * stats.len();
    let results = detached(py, || crate::feature::functionals::functionals_batch(batch, &stats, &lengths))?;
    let mut values = Array2::<f32>::from_elem((results.len(), width), f32::NAN);
    let mut errors = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(v) => values.row_mut(i).assign(&ndarray::ArrayView1::from(&v)),
            Err(e) => errors.push((i, e.type_name().to_string(), e.message().to_string())),
        }
    }
    Ok((values.into_pyarray(py).into_any().unbind(), errors))
}

#[pyfunction]
fn ser162_columns() -> Vec<String> {
    crate::feature::ser162_columns()
}

#[pyfunction]
fn feature_names() -> Vec<&'static str> {
    FeatureKind::NAMES.to_vec()
}

/// Value names of a fixed-length feature; empty for frame-level features.
#[pyfunction]
fn feature_columns(name: &str) -> PyResult<Vec<String>> {
    Ok(FeatureKind::from_name(name).map_err(to_py)?.columns())
}

// ---------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------
// Prosody: pitch

/// A non-negative integer argument; the Python wrappers have already checked it is an int.
fn count_arg(name: &str, v: i64) -> PyResult<usize> {
    usize::try_from(v).map_err(|_| ParameterError::new_err(format!("{name}={v} must be a positive integer")))
}

fn hop_arg(hop_length: Option<i64>) -> PyResult<Option<usize>> {
    hop_length.map(|h| count_arg("hop_length", h)).transpose()
}

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

// ---------------------------------------------------------------------------------------------
// Batches

/// A batch's items, borrowed from Python: path strings, or float32 arrays kept alive here.
enum Held<'py> {
    Path(PathBuf),
    Array(PyReadonlyArray1<'py, f32>),
}

fn hold_items<'py>(items: &Bound<'py, PyList>) -> PyResult<Vec<Held<'py>>> {
    items
        .iter()
        .map(|it| {
            if it.is_instance_of::<PyString>() {
                Ok(Held::Path(PathBuf::from(it.extract::<String>()?)))
            } else {
                it.extract::<PyReadonlyArray1<f32>>().map(Held::Array).map_err(|_| type_error("each item", "a path string or a 1-D float32 array", &it))
            }
        })
        .collect()
}

/// Extracts a feature for every item in parallel with the GIL released, calling
/// `progress(done)` about ten times a second and honouring Ctrl-C.
///
/// Returns `(ok_index, values, errors)`: `values` is a 2-D array (fixed-length features) or a
/// list of 2-D arrays (frame-level), one per index in `ok_index`; `errors` holds
/// `(index, exception name, message)`.
#[pyfunction]
#[pyo3(signature = (items, name, params, *, sr, array_sr, mono, offset, duration, n_jobs, fail_fast, augment=None, progress=None))]
#[allow(clippy::too_many_arguments)]
fn extract(
    py: Python<'_>,
    items: &Bound<PyList>,
    name: &str,
    params: &Bound<PyDict>,
    sr: Option<i64>,
    array_sr: Option<i64>,
    mono: bool,
    offset: f64,
    duration: Option<f64>,
    n_jobs: Option<usize>,
    fail_fast: bool,
    augment: Option<(Vec<Vec<StepSpec>>, u64)>,
    progress: Option<Bound<PyAny>>,
) -> PyResult<(Vec<usize>, PyObj, Vec<(usize, String, String)>)> {
    let kind = FeatureKind::from_name(name).map_err(to_py)?;
    let config = feature_config(kind, params)?;
    let augment = match augment {
        None => None,
        Some((copies, seed)) => Some(Augmentation { copies: copies.iter().map(|c| pipeline(c)).collect::<PyResult<_>>()?, seed }),
    };
    let opts = BatchOptions { load: load_options(sr, mono, offset, duration)?, n_jobs, fail_fast, augment };
    let held = hold_items(items)?;
    let array_rate = array_sr.map(|r| load_options(Some(r), true, 0.0, None)).transpose()?.and_then(|o| o.sr);
    let mut batch_items = Vec::with_capacity(held.len());
    for h in &held {
        batch_items.push(match h {
            Held::Path(p) => Item::Path(p.as_path()),
            Held::Array(a) => {
                let rate = array_rate.ok_or_else(|| ParameterError::new_err("arrays in a batch need their sampling rate: pass sr_in=..."))?;
                Item::Samples { y: a.as_slice()?, sr: rate }
            }
        });
    }
    let state = Progress::default();
    let results = run_watched(py, &state, progress.as_ref(), || batch::extract(&batch_items, &config, &opts, &state))?;
    collect_results(py, results.map_err(to_py)?, kind.is_fixed_length())
}

/// Runs `work` on a helper thread while this thread, between GIL-free waits, reports progress
/// and checks for Ctrl-C; an interrupt or a failing callback cancels the remaining items.
fn run_watched<T: Send>(py: Python<'_>, state: &Progress, callback: Option<&Bound<PyAny>>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    let watcher = std::thread::current();
    // Set by the worker before it wakes the watcher: `is_finished` would lag behind the wake-up
    // and cost a whole wait.
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let out = work();
            done.store(true, Ordering::Release);
            watcher.unpark();
            out
        });
        let mut interrupted: Option<PyErr> = None;
        loop {
            let finished = done.load(Ordering::Acquire);
            if interrupted.is_none() {
                let report = match callback {
                    Some(cb) => cb.call1((state.done.load(Ordering::Relaxed),)).map(|_| ()),
                    None => Ok(()),
                };
                if let Err(e) = report.and_then(|_| py.check_signals()) {
                    state.cancel.store(true, Ordering::Relaxed);
                    interrupted = Some(e);
                }
            }
            if finished {
                break;
            }
            py.detach(|| std::thread::park_timeout(Duration::from_millis(100)));
        }
        let out = py.detach(|| worker.join()).map_err(|_| PyRuntimeError::new_err("a batch worker thread panicked"))?;
        match interrupted {
            Some(e) => Err(e),
            None => Ok(out),
        }
    })
}

fn collect_results(py: Python<'_>, results: Vec<crate::Result<FeatureOutput>>, fixed: bool) -> PyResult<(Vec<usize>, PyObj, Vec<(usize, String, String)>)> {
    let mut ok_index = Vec::new();
    let mut errors = Vec::new();
    let mut vectors: Vec<Vec<f32>> = Vec::new();
    let mut frames = Vec::new();
    for (i, r) in results.into_iter().enumerate() {
        match r {
            Ok(FeatureOutput::Vector(v)) => {
                ok_index.push(i);
                vectors.push(v);
            }
            Ok(FeatureOutput::Frames(m)) => {
                ok_index.push(i);
                frames.push(m.into_pyarray(py).into_any().unbind());
            }
            Err(e) => errors.push((i, e.type_name().to_string(), e.message().to_string())),
        }
    }
    let values = if fixed {
        let width = vectors.first().map_or(0, Vec::len);
        let flat: Vec<f32> = vectors.concat();
        Array2::from_shape_vec((ok_index.len(), width), flat).map_err(|e| PyRuntimeError::new_err(e.to_string()))?.into_pyarray(py).into_any().unbind()
    } else {
        PyList::new(py, frames)?.into_any().unbind()
    };
    Ok((ok_index, values, errors))
}

// ---------------------------------------------------------------------------------------------
// Effects

/// A pipeline step as Python describes it: `(name, [(parameter, value)], p)`.
type StepSpec = (String, Vec<(String, f64)>, f64);

fn pipeline(steps: &[StepSpec]) -> PyResult<Pipeline> {
    let steps = steps.iter().map(|(name, params, p)| Step::from_spec(name, params, *p)).collect::<crate::Result<_>>().map_err(to_py)?;
    Ok(Pipeline { steps })
}

fn array_out(py: Python<'_>, y: Vec<f32>) -> PyObj {
    y.into_pyarray(py).into_any().unbind()
}

#[pyfunction]
fn time_stretch(py: Python<'_>, y: PyReadonlyArray1<f32>, rate: f64, stft: &Bound<PyDict>) -> PyResult<PyObj> {
    let params = stft_params(stft)?;
    let y = y.as_slice()?;
    Ok(array_out(py, detached(py, || effects::time_stretch(y, rate, &params))?))
}

#[pyfunction]
fn pitch_shift(py: Python<'_>, y: PyReadonlyArray1<f32>, sr: f64, n_steps: f64, bins_per_octave: i64, stft: &Bound<PyDict>) -> PyResult<PyObj> {
    let params = stft_params(stft)?;
    let bins = usize::try_from(bins_per_octave).map_err(|_| ParameterError::new_err(format!("bins_per_octave={bins_per_octave} must be a positive integer")))?;
    let y = y.as_slice()?;
    Ok(array_out(py, detached(py, || effects::pitch_shift(y, sr, n_steps, bins, &params))?))
}

#[pyfunction]
fn trim_bounds(py: Python<'_>, y: PyReadonlyArray1<f32>, top_db: f64, ref_value: Option<f64>, frame_length: usize, hop_length: usize) -> PyResult<(usize, usize)> {
    let p = TrimParams { top_db, reference: ref_value, frame_length, hop_length };
    let y = y.as_slice()?;
    detached(py, || effects::trim_bounds(y, &p))
}

#[pyfunction]
fn preemphasis(py: Python<'_>, y: PyReadonlyArray1<f32>, coef: f64, zi: Option<f64>) -> PyResult<(PyObj, f32)> {
    let y = y.as_slice()?;
    let (out, zf) = detached(py, || effects::preemphasis(y, coef, zi))?;
    Ok((array_out(py, out), zf))
}

#[pyfunction]
#[pyo3(signature = (y, noise, prop_decrease, noise_quantile, stft))]
fn reduce_noise(py: Python<'_>, y: PyReadonlyArray1<f32>, noise: Option<PyReadonlyArray1<f32>>, prop_decrease: f64, noise_quantile: f64, stft: &Bound<PyDict>) -> PyResult<PyObj> {
    let params = effects::DenoiseParams { stft: stft_params(stft)?, prop_decrease, noise_quantile, ..Default::default() };
    let y = y.as_slice()?;
    let noise = noise.as_ref().map(|n| n.as_slice()).transpose()?;
    Ok(array_out(py, detached(py, || effects::reduce_noise(y, noise, &params))?))
}

/// Deterministic edits by name: `gain` (dB), `shift` (samples; `flag` = rollover),
/// `normalize_peak`, `normalize_rms`.
#[pyfunction]
fn edit(py: Python<'_>, y: PyReadonlyArray1<f32>, name: &str, value: f64, flag: bool) -> PyResult<PyObj> {
    let y = y.as_slice()?;
    let out = detached(py, || match name {
        "gain" => effects::gain(y, value),
        "shift" => effects::shift(y, value as i64, flag),
        "normalize_peak" => effects::normalize_peak(y, value),
        "normalize_rms" => effects::normalize_rms(y, value),
        _ => Err(SerError::Internal(format!("unknown edit '{name}'"))),
    })?;
    Ok(array_out(py, out))
}

/// Applies a pipeline to each signal in parallel; signal `j` draws from `(seed, indices[j])`.
/// Returns one array or `(exception name, message)` per signal.
#[pyfunction]
#[pyo3(signature = (signals, indices, sr, steps, seed, n_jobs, progress=None))]
#[allow(clippy::too_many_arguments)]
fn augment(py: Python<'_>, signals: Vec<PyReadonlyArray1<f32>>, indices: Vec<u64>, sr: f64, steps: Vec<StepSpec>, seed: u64, n_jobs: Option<usize>, progress: Option<Bound<PyAny>>) -> PyResult<Vec<PyObj>> {
    crate::feature::ensure_sr(sr).map_err(to_py)?;
    let pipeline = pipeline(&steps)?;
    let slices = signals.iter().map(|s| s.as_slice()).collect::<Result<Vec<_>, _>>()?;
    let state = Progress::default();
    let results = run_watched(py, &state, progress.as_ref(), || batch::augment(&slices, &indices, sr, &pipeline, seed, n_jobs, &state))?.map_err(to_py)?;
    results
        .into_iter()
        .map(|r| match r {
            Ok(y) => Ok(array_out(py, y)),
            Err(e) => Ok((e.type_name(), e.message().to_string()).into_pyobject(py)?.into_any().unbind()),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Metrics (labels arrive as class indices; the Python layer maps label names to them)

fn class_indices(a: PyReadonlyArray1<i64>, name: &str) -> PyResult<Vec<usize>> {
    a.as_array()
        .iter()
        .map(|&k| usize::try_from(k).map_err(|_| ParameterError::new_err(format!("{name} holds the negative class index {k}"))))
        .collect()
}

#[pyfunction]
fn confusion_matrix(py: Python<'_>, y_true: PyReadonlyArray1<i64>, y_pred: PyReadonlyArray1<i64>, n_classes: usize) -> PyResult<PyObj> {
    let (t, p) = (class_indices(y_true, "y_true")?, class_indices(y_pred, "y_pred")?);
    let c = detached(py, || metrics::confusion_matrix(&t, &p, n_classes))?;
    Ok(c.mapv(|v| v as i64).into_pyarray(py).into_any().unbind())
}

#[pyfunction]
fn accuracy_score(py: Python<'_>, y_true: PyReadonlyArray1<i64>, y_pred: PyReadonlyArray1<i64>, n_classes: usize, balanced: bool) -> PyResult<f64> {
    let (t, p) = (class_indices(y_true, "y_true")?, class_indices(y_pred, "y_pred")?);
    detached(py, || if balanced { metrics::balanced_accuracy(&t, &p, n_classes) } else { metrics::accuracy(&t, &p, n_classes) })
}

/// Per-class `(precision, recall, fscore, support)` arrays, or three floats when `average` is set.
#[pyfunction]
#[pyo3(signature = (y_true, y_pred, n_classes, labels, beta, zero_division, average=None))]
#[allow(clippy::too_many_arguments)]
fn precision_recall_fscore(
    py: Python<'_>,
    y_true: PyReadonlyArray1<i64>,
    y_pred: PyReadonlyArray1<i64>,
    n_classes: usize,
    labels: PyReadonlyArray1<i64>,
    beta: f64,
    zero_division: f64,
    average: Option<&str>,
) -> PyResult<PyObj> {
    let (t, p, l) = (class_indices(y_true, "y_true")?, class_indices(y_pred, "y_pred")?, class_indices(labels, "labels")?);
    let opts = metrics::PrfOptions { beta, zero_division };
    match average {
        Some(name) => {
            let average = metrics::Average::from_name(name).map_err(to_py)?;
            let scores = detached(py, || metrics::precision_recall_fscore_average(&t, &p, n_classes, &l, opts, average))?;
            Ok(scores.into_pyobject(py)?.into_any().unbind())
        }
        None => {
            let s = detached(py, || metrics::precision_recall_fscore(&t, &p, n_classes, &l, opts))?;
            let support: Vec<i64> = s.support.iter().map(|&v| v as i64).collect();
            let arrays = (s.precision.into_pyarray(py), s.recall.into_pyarray(py), s.fscore.into_pyarray(py), support.into_pyarray(py));
            Ok(arrays.into_pyobject(py)?.into_any().unbind())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// tch

#[pyfunction]
fn backend_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let info = py.detach(model::backend_info);
    let d = PyDict::new(py);
    d.set_item("cuda_available", info.cuda_available)?;
    d.set_item("cuda_devices", info.cuda_devices)?;
    d.set_item("threads", info.threads)?;
    Ok(d)
}

/// Per-column mean and standard deviation computed by libtorch (a tensor round trip).
#[pyfunction]
fn column_stats(py: Python<'_>, x: PyReadonlyArray2<f32>) -> PyResult<(PyObj, PyObj)> {
    let x = x.as_array();
    let (mean, std) = detached(py, || model::column_stats(x))?;
    Ok((mean.into_pyarray(py).into_any().unbind(), std.into_pyarray(py).into_any().unbind()))
}

// ---------------------------------------------------------------------------------------------
// The trainer (tch): fit, predict, robustness, checkpoints

/// A trained network behind a lock: `tch::Tensor` is Send but not Sync.
#[pyclass(module = "ser_rs._native", name = "NativeClassifier")]
struct NativeClassifier {
    inner: std::sync::Mutex<model::Classifier>,
}

impl NativeClassifier {
    fn new(c: model::Classifier) -> Self {
        NativeClassifier { inner: std::sync::Mutex::new(c) }
    }

    fn with<T>(&self, f: impl FnOnce(&model::Classifier) -> crate::Result<T>) -> crate::Result<T> {
        let guard = self.inner.lock().map_err(|_| SerError::Internal("the model's lock was poisoned by an earlier failure".into()))?;
        f(&guard)
    }
}

fn views<'a>(x: &'a [PyReadonlyArray2<'_, f32>]) -> Vec<ArrayView2<'a, f32>> {
    x.iter().map(|a| a.as_array()).collect()
}

fn history_to_py<'py>(py: Python<'py>, history: &[model::EpochRecord]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let col = |f: fn(&model::EpochRecord) -> Option<f64>| -> Vec<Option<f64>> { history.iter().map(f).collect() };
    d.set_item("epoch", history.iter().map(|r| r.epoch).collect::<Vec<_>>())?;
    d.set_item("lr", col(|r| Some(r.lr)))?;
    d.set_item("train_loss", col(|r| Some(r.train_loss)))?;
    d.set_item("train_accuracy", col(|r| Some(r.train_accuracy)))?;
    d.set_item("train_uar", col(|r| Some(r.train_uar)))?;
    d.set_item("train_adv_loss", col(|r| r.train_adv_loss))?;
    d.set_item("val_loss", col(|r| r.val_loss))?;
    d.set_item("val_accuracy", col(|r| r.val_accuracy))?;
    d.set_item("val_uar", col(|r| r.val_uar))?;
    d.set_item("val_adv_loss", col(|r| r.val_adv_loss))?;
    d.set_item("val_adv_accuracy", col(|r| r.val_adv_accuracy))?;
    d.set_item("val_adv_uar", col(|r| r.val_adv_uar))?;
    d.set_item("seconds", col(|r| Some(r.seconds)))?;
    Ok(d)
}

/// Trains on frame sequences `x` (each `(T_i, F)` float32) with class indices `y` on this thread
/// with the GIL released, re-taking it about ten times a second to report `progress(steps_done)`
/// and honour Ctrl-C. (A helper thread would be simpler, but there libtorch allocates from a
/// secondary glibc arena and trains measurably slower.)
/// `config` is a `FitConfig` as JSON. Returns `(model, history columns, best_epoch, total_steps)`.
#[pyfunction]
#[pyo3(signature = (config, x, y, x_val=None, y_val=None, progress=None))]
fn fit_classifier<'py>(
    py: Python<'py>,
    config: &str,
    x: Vec<PyReadonlyArray2<'py, f32>>,
    y: Vec<usize>,
    x_val: Option<Vec<PyReadonlyArray2<'py, f32>>>,
    y_val: Option<Vec<usize>>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<(NativeClassifier, Bound<'py, PyDict>, usize)> {
    let cfg = model::FitConfig::from_json(config).map_err(to_py)?;
    let (xs, xv) = (views(&x), x_val.as_deref().map(views));
    let val = match (&xv, &y_val) {
        (Some(xv), Some(yv)) => Some(model::Labelled { x: xv, y: yv }),
        (None, None) => None,
        _ => return Err(ParameterError::new_err("pass both X_val and y_val, or neither")),
    };
    let state = Progress::default();
    let train = model::Labelled { x: &xs, y: &y };
    let callback = progress.map(Bound::unbind);
    let mut stopped: Option<PyErr> = None;
    let fitted = py.detach(|| {
        let mut last_report = Instant::now();
        let mut report = |p: &Progress| {
            if stopped.is_some() || last_report.elapsed() < Duration::from_millis(100) {
                return;
            }
            last_report = Instant::now();
            Python::attach(|py| {
                let reported = match &callback {
                    Some(cb) => cb.call1(py, (p.done.load(Ordering::Relaxed),)).map(drop),
                    None => Ok(()),
                };
                if let Err(e) = reported.and_then(|_| py.check_signals()) {
                    p.cancel.store(true, Ordering::Relaxed);
                    stopped = Some(e);
                }
            });
        };
        contain_bug(|| model::train::fit_observed(&cfg, train, val, &state, &mut report))
    });
    if let Some(e) = stopped {
        return Err(e);
    }
    let fitted = fitted.map_err(to_py)?;
    let history = history_to_py(py, &fitted.history)?;
    Ok((NativeClassifier::new(fitted.model), history, fitted.best_epoch))
}

/// The number of optimiser steps a fit of `n_samples` takes at most (progress bar total).
#[pyfunction]
fn fit_steps(config: &str, n_samples: usize) -> PyResult<usize> {
    Ok(model::train::total_steps(&model::FitConfig::from_json(config).map_err(to_py)?, n_samples))
}

/// Loads a checkpoint folder: `(model, meta as JSON)`.
#[pyfunction]
#[pyo3(signature = (path, device="cpu"))]
fn load_classifier(py: Python<'_>, path: PathBuf, device: &str) -> PyResult<(NativeClassifier, String)> {
    let device = model::config::parse_device(device).map_err(to_py)?;
    let (m, manifest) = detached(py, || model::checkpoint::load(&path, device))?;
    Ok((NativeClassifier::new(m), manifest.meta.to_string()))
}

fn attack_by_name(name: &str) -> PyResult<model::Attack> {
    match name {
        "fgsm" => Ok(model::Attack::Fgsm),
        "pgd" => Ok(model::Attack::Pgd),
        "noise" => Ok(model::Attack::Noise),
        _ => Err(ParameterError::new_err(format!("attack '{name}' is not supported; use 'fgsm', 'pgd' or 'noise'"))),
    }
}

#[pymethods]
impl NativeClassifier {
    /// Class probabilities `(N, n_classes)`.
    fn predict_proba(&self, py: Python<'_>, x: Vec<PyReadonlyArray2<f32>>, batch_size: usize) -> PyResult<PyObj> {
        let xs = views(&x);
        let p = detached(py, || self.with(|m| m.predict_proba(&xs, batch_size.max(1))))?;
        Ok(p.into_pyarray(py).into_any().unbind())
    }

    /// Rows `(attack, epsilon, accuracy, uar)` under each attack and epsilon, after a clean row.
    #[pyo3(signature = (x, y, attacks, epsilons, steps, step_size, batch_size, seed, n_threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn robustness(
        &self,
        py: Python<'_>,
        x: Vec<PyReadonlyArray2<f32>>,
        y: Vec<usize>,
        attacks: Vec<String>,
        epsilons: Vec<f64>,
        steps: usize,
        step_size: Option<f64>,
        batch_size: usize,
        seed: u64,
        n_threads: Option<usize>,
    ) -> PyResult<Vec<(String, f64, f64, f64)>> {
        let attacks = attacks.iter().map(|a| attack_by_name(a)).collect::<PyResult<Vec<_>>>()?;
        let xs = views(&x);
        let rows = detached(py, || {
            if let Some(n) = n_threads {
                tch::set_num_threads(n.clamp(1, 1024) as i32);
            }
            // PGD's random start draws from libtorch's generator.
            tch::manual_seed(seed as i64);
            self.with(|m| model::adversarial::robustness(m, &xs, &y, &attacks, &epsilons, steps, step_size, batch_size.max(1)))
        })?;
        Ok(rows.into_iter().map(|r| (r.attack, r.epsilon, r.accuracy, r.uar)).collect())
    }

    /// Writes the checkpoint folder `path` with `meta` (JSON) in its model.json.
    fn save(&self, py: Python<'_>, path: PathBuf, meta: &str) -> PyResult<()> {
        let meta: serde_json::Value = serde_json::from_str(meta).map_err(|e| ParameterError::new_err(format!("meta is not valid JSON: {e}")))?;
        detached(py, || self.with(|m| model::checkpoint::save(&path, m, &meta)))
    }

    #[getter]
    fn n_features(&self) -> PyResult<usize> {
        self.with(|m| Ok(m.config.n_features)).map_err(to_py)
    }

    #[getter]
    fn n_classes(&self) -> PyResult<usize> {
        self.with(|m| Ok(m.config.n_classes)).map_err(to_py)
    }

    /// The model config as JSON.
    #[getter]
    fn config(&self) -> PyResult<String> {
        self.with(|m| serde_json::to_string(&m.config).map_err(|e| SerError::Internal(e.to_string()))).map_err(to_py)
    }
}

// ---------------------------------------------------------------------------------------------
// Synthetic emotional speech (the demo corpus)

#[pyfunction]
fn synth_emotions() -> Vec<&'static str> {
    synth::Emotion::ALL.iter().map(|e| e.name()).collect()
}

fn synth_speaker(speaker: i64) -> PyResult<u32> {
    u32::try_from(speaker)
        .ok()
        .filter(|&s| s >= 1)
        .ok_or_else(|| ParameterError::new_err(format!("speaker={speaker} must be a speaker number from 1 (odd: male, even: female)")))
}

/// The habitual voice of a synthetic speaker, as a dict.
#[pyfunction]
fn synth_voice(py: Python<'_>, speaker: i64) -> PyResult<Bound<'_, PyDict>> {
    let v = synth::speaker_voice(synth_speaker(speaker)?).map_err(to_py)?;
    let d = PyDict::new(py);
    d.set_item("sex", v.sex.name())?;
    d.set_item("f0_hz", v.f0_hz)?;
    d.set_item("formant_scale", v.formant_scale)?;
    d.set_item("breathiness", v.breathiness)?;
    d.set_item("rate_scale", v.rate_scale)?;
    d.set_item("expressiveness", v.expressiveness)?;
    Ok(d)
}

/// Synthesizes `(emotion, speaker, take, strength)` items in parallel with the GIL released,
/// calling `progress(done)` as they finish. Returns one `(samples, info)` per item, in order.
#[pyfunction]
#[pyo3(signature = (items, *, sr, seed, n_jobs=None, progress=None))]
fn synth_utterances<'py>(
    py: Python<'py>,
    items: Vec<(String, i64, i64, Option<f64>)>,
    sr: i64,
    seed: u64,
    n_jobs: Option<usize>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Vec<(PyObj, Bound<'py, PyDict>)>> {
    let sr = u32::try_from(sr).map_err(|_| ParameterError::new_err(format!("sr={sr} must be a sampling rate between {} and {} Hz", synth::SR_RANGE.0, synth::SR_RANGE.1)))?;
    synth::check_sr(sr).map_err(to_py)?;
    let utterances = items
        .iter()
        .map(|(emotion, speaker, take, strength)| {
            Ok(synth::Utterance {
                emotion: synth::Emotion::from_name(emotion).map_err(to_py)?,
                speaker: synth_speaker(*speaker)?,
                take: u32::try_from(*take).map_err(|_| ParameterError::new_err(format!("take={take} must be a non-negative integer")))?,
                strength: *strength,
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    let state = Progress::default();
    let results = run_watched(py, &state, progress.as_ref(), || contain_bug(|| synth::synthesize_batch(&utterances, sr, seed, n_jobs, &state)))?.map_err(to_py)?;
    results
        .into_iter()
        .map(|r| {
            let s = r.map_err(to_py)?;
            let info = PyDict::new(py);
            info.set_item("sentence", s.sentence)?;
            info.set_item("strength", s.strength)?;
            info.set_item("f0_hz", s.f0_hz)?;
            info.set_item("rate", s.rate)?;
            info.set_item("level_dbfs", s.level_dbfs)?;
            Ok((array_out(py, s.samples), info))
        })
        .collect()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("ParameterError", py.get_type::<ParameterError>())?;
    m.add("AudioDecodeError", py.get_type::<AudioDecodeError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(resample, m)?)?;
    m.add_function(wrap_pyfunction!(stft, m)?)?;
    m.add_function(wrap_pyfunction!(compute_feature, m)?)?;
    m.add_function(wrap_pyfunction!(to_db, m)?)?;
    m.add_function(wrap_pyfunction!(delta, m)?)?;
    m.add_function(wrap_pyfunction!(ser162_columns, m)?)?;
    m.add_function(wrap_pyfunction!(functionals, m)?)?;
    m.add_function(wrap_pyfunction!(functionals_batch, m)?)?;
    m.add_function(wrap_pyfunction!(feature_names, m)?)?;
    m.add_function(wrap_pyfunction!(feature_columns, m)?)?;
    m.add_function(wrap_pyfunction!(yin, m)?)?;
    m.add_function(wrap_pyfunction!(pyin, m)?)?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(time_stretch, m)?)?;
    m.add_function(wrap_pyfunction!(pitch_shift, m)?)?;
    m.add_function(wrap_pyfunction!(trim_bounds, m)?)?;
    m.add_function(wrap_pyfunction!(preemphasis, m)?)?;
    m.add_function(wrap_pyfunction!(edit, m)?)?;
    m.add_function(wrap_pyfunction!(reduce_noise, m)?)?;
    m.add_function(wrap_pyfunction!(augment, m)?)?;
    m.add_function(wrap_pyfunction!(confusion_matrix, m)?)?;
    m.add_function(wrap_pyfunction!(accuracy_score, m)?)?;
    m.add_function(wrap_pyfunction!(precision_recall_fscore, m)?)?;
    m.add_function(wrap_pyfunction!(backend_info, m)?)?;
    m.add_function(wrap_pyfunction!(column_stats, m)?)?;
    m.add_function(wrap_pyfunction!(voice_intensity, m)?)?;
    m.add_function(wrap_pyfunction!(voice_harmonicity, m)?)?;
    m.add_function(wrap_pyfunction!(voice_pulses, m)?)?;
    m.add_function(wrap_pyfunction!(voice_pitch, m)?)?;
    m.add_function(wrap_pyfunction!(voice_report, m)?)?;
    m.add_class::<NativeClassifier>()?;
    m.add_function(wrap_pyfunction!(fit_classifier, m)?)?;
    m.add_function(wrap_pyfunction!(fit_steps, m)?)?;
    m.add_function(wrap_pyfunction!(load_classifier, m)?)?;
    m.add_function(wrap_pyfunction!(synth_emotions, m)?)?;
    m.add_function(wrap_pyfunction!(synth_voice, m)?)?;
    m.add_function(wrap_pyfunction!(synth_utterances, m)?)?;
    Ok(())
}
