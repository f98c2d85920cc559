//! Features: stft, every named feature of `ser_rs.feature`, dB scaling, deltas, functionals.

use super::errors::{detached, parameter_error, to_py, PyObj};
use super::args::*;
use pyo3::prelude::*;
use crate::error::SerError;
use crate::feature::delta::DeltaMode;
use crate::feature::filters::MelNorm;
use crate::feature::functionals::Stat;
use crate::feature::spectral::{self, DctNorm, FrameNorm, Input};
use crate::recipe::{FeatureConfig, FeatureKind, FeatureOutput};
use ndarray::{Array2, ArrayView2};
use numpy::{IntoPyArray, PyReadonlyArray1, PyReadonlyArray2, PyReadonlyArray3};
use pyo3::types::PyDict;

pub(crate) fn feature_config(kind: FeatureKind, d: &Bound<PyDict>) -> PyResult<FeatureConfig> {
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
            Some(p) => return Err(parameter_error(format!("norm={p} is not supported; use np.inf, a positive number, or None"))),
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

pub(crate) fn output_to_py(py: Python<'_>, out: FeatureOutput) -> PyObj {
    match out {
        FeatureOutput::Vector(v) => v.into_pyarray(py).into_any().unbind(),
        FeatureOutput::Frames(m) => m.into_pyarray(py).into_any().unbind(),
    }
}

#[pyfunction]
fn stft(py: Python<'_>, y: PyReadonlyArray1<f32>, params: &Bound<PyDict>) -> PyResult<PyObj> {
    let p = stft_params(params)?;
    let y = y.as_slice()?;
    let out = detached(py, || crate::signal::stft(y, &p))?;
    Ok(out.into_pyarray(py).into_any().unbind())
}

fn feature_input<'a>(y: &'a Option<PyReadonlyArray1<f32>>, s: &'a Option<PyReadonlyArray2<f32>>) -> PyResult<Input<'a>> {
    match (y, s) {
        (Some(y), _) => Ok(Input::Audio(y.as_slice()?)),
        (None, Some(s)) => Ok(Input::Spectrogram(s.as_array())),
        (None, None) => Err(to_py(SerError::parameter("pass either y (audio) or S (a spectrogram)"))),
    }
}

/// One channel's pitched peaks for `chroma_stft`'s tuning: (frequencies, magnitudes).
#[pyfunction]
#[pyo3(signature = (y, s, sr, params))]
fn chroma_tuning_peaks(py: Python<'_>, y: Option<PyReadonlyArray1<f32>>, s: Option<PyReadonlyArray2<f32>>, sr: f64, params: &Bound<PyDict>) -> PyResult<(PyObj, PyObj)> {
    let config = feature_config(FeatureKind::ChromaStft, params)?;
    let input = feature_input(&y, &s)?;
    let peaks = detached(py, || spectral::chroma_tuning_peaks(input, sr, &config.stft))?;
    let (freqs, mags): (Vec<f32>, Vec<f32>) = peaks.into_iter().unzip();
    Ok((freqs.into_pyarray(py).into_any().unbind(), mags.into_pyarray(py).into_any().unbind()))
}

/// The tuning (fractions of a bin) of the pitched peaks of any number of channels.
#[pyfunction]
fn tuning_of_peaks(py: Python<'_>, freqs: PyReadonlyArray1<f32>, mags: PyReadonlyArray1<f32>, bins_per_octave: usize) -> PyResult<f64> {
    let (freqs, mags) = (freqs.as_slice()?, mags.as_slice()?);
    if freqs.len() != mags.len() || bins_per_octave == 0 {
        return Err(parameter_error("tuning_of_peaks needs as many magnitudes as frequencies and bins_per_octave >= 1"));
    }
    let peaks: Vec<(f32, f32)> = freqs.iter().copied().zip(mags.iter().copied()).collect();
    Ok(py.detach(|| spectral::tuning_of_peaks(peaks, bins_per_octave)))
}

/// One channel's spectral contrast peaks and valleys, before their dB conversion.
#[pyfunction]
#[pyo3(signature = (y, s, sr, params))]
fn contrast_peaks_valleys(py: Python<'_>, y: Option<PyReadonlyArray1<f32>>, s: Option<PyReadonlyArray2<f32>>, sr: f64, params: &Bound<PyDict>) -> PyResult<(PyObj, PyObj)> {
    let config = feature_config(FeatureKind::SpectralContrast, params)?;
    let input = feature_input(&y, &s)?;
    let (peak, valley) = detached(py, || spectral::contrast_peaks_valleys(input, sr, &config.stft, config.freq.as_deref(), &config.contrast))?;
    Ok((peak.into_pyarray(py).into_any().unbind(), valley.into_pyarray(py).into_any().unbind()))
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
    crate::recipe::ser162_columns()
}

#[pyfunction]
fn feature_names() -> Vec<&'static str> {
    FeatureKind::names().collect()
}

/// Value names of a fixed-length feature; empty for frame-level features.
#[pyfunction]
fn feature_columns(name: &str) -> PyResult<Vec<String>> {
    Ok(FeatureKind::from_name(name).map_err(to_py)?.columns())
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(stft, m)?)?;
    m.add_function(wrap_pyfunction!(compute_feature, m)?)?;
    m.add_function(wrap_pyfunction!(chroma_tuning_peaks, m)?)?;
    m.add_function(wrap_pyfunction!(tuning_of_peaks, m)?)?;
    m.add_function(wrap_pyfunction!(contrast_peaks_valleys, m)?)?;
    m.add_function(wrap_pyfunction!(to_db, m)?)?;
    m.add_function(wrap_pyfunction!(delta, m)?)?;
    m.add_function(wrap_pyfunction!(functionals, m)?)?;
    m.add_function(wrap_pyfunction!(functionals_batch, m)?)?;
    m.add_function(wrap_pyfunction!(ser162_columns, m)?)?;
    m.add_function(wrap_pyfunction!(feature_names, m)?)?;
    m.add_function(wrap_pyfunction!(feature_columns, m)?)?;
    Ok(())
}
