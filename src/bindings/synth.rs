//! Synthetic emotional speech (the demo corpus).

use super::errors::{parameter_error, to_py, PyObj};
use super::args::*;
use pyo3::prelude::*;
use super::progress::run_watched;
use crate::batch::Progress;
use crate::error::contain_bug;
use crate::synth;
use pyo3::types::PyDict;

#[pyfunction]
fn synth_emotions() -> Vec<&'static str> {
    synth::Emotion::ALL.iter().map(|e| e.name()).collect()
}

fn synth_speaker(speaker: i64) -> PyResult<u32> {
    u32::try_from(speaker)
        .ok()
        .filter(|&s| s >= 1)
        .ok_or_else(|| parameter_error(format!("speaker={speaker} must be a speaker number from 1 (odd: male, even: female)")))
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
    let sr = u32::try_from(sr).map_err(|_| parameter_error(format!("sr={sr} must be a sampling rate between {} and {} Hz", synth::SR_RANGE.0, synth::SR_RANGE.1)))?;
    synth::check_sr(sr).map_err(to_py)?;
    let utterances = items
        .iter()
        .map(|(emotion, speaker, take, strength)| {
            Ok(synth::Utterance {
                emotion: synth::Emotion::from_name(emotion).map_err(to_py)?,
                speaker: synth_speaker(*speaker)?,
                take: u32::try_from(*take).map_err(|_| parameter_error(format!("take={take} must be a non-negative integer")))?,
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

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(synth_emotions, m)?)?;
    m.add_function(wrap_pyfunction!(synth_voice, m)?)?;
    m.add_function(wrap_pyfunction!(synth_utterances, m)?)?;
    Ok(())
}
