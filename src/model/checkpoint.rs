//! Checkpoints: a directory with `weights.safetensors` (the variables) and `model.json` (format
//! version, model config, scaler, and the caller's metadata such as label names and the feature
//! pipeline). No pickle, so loading never runs code.
//!
//! Each file is written to a temporary sibling, flushed to disk and renamed over the old one, so
//! a crash never leaves a half-written file. `model.json` is written last and records the
//! weights' size and FNV-1a hash: weights from another save, or truncated, are detected on load.

use super::config::ModelConfig;
use super::data::Scaler;
use super::train::Classifier;
use super::torch_error;
use crate::error::{ensure, Result, SerError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use tch::{Device, Tensor};

pub const FORMAT: &str = "ser_rs.EmotionClassifier";
pub const FORMAT_VERSION: u32 = 1;
pub const WEIGHTS_FILE: &str = "weights.safetensors";
pub const MANIFEST_FILE: &str = "model.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightsInfo {
    pub file: String,
    pub bytes: u64,
    /// FNV-1a 64-bit hash of the file, in hex.
    pub fnv1a64: String,
}

/// The contents of `model.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub model: ModelConfig,
    pub scaler: Scaler,
    pub weights: WeightsInfo,
    /// Whatever the caller needs to predict (labels, feature pipeline, hyperparameters).
    pub meta: serde_json::Value,
}

/// FNV-1a (Fowler, Noll, Vo): a fast non-cryptographic hash, enough to notice a mismatched file.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3))
}

fn io_error(what: &Path, e: std::io::Error) -> SerError {
    match e.kind() {
        std::io::ErrorKind::NotFound => SerError::FileNotFound(format!("{}: no such file or directory", what.display())),
        _ => SerError::Io(format!("{}: {e}", what.display())),
    }
}

fn temp_sibling(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // Keep the extension last: libtorch picks the safetensors writer by it.
    path.with_file_name(format!(".tmp-{}-{name}", std::process::id()))
}

/// Makes `path` hold `write`'s output atomically: temp sibling, fsync, rename, fsync the folder.
fn write_atomically(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let tmp = temp_sibling(path);
    let result = write(&tmp)
        .and_then(|_| File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| io_error(&tmp, e)))
        .and_then(|_| fs::rename(&tmp, path).map_err(|e| io_error(path, e)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    if let Some(dir) = path.parent() {
        // Persist the rename itself; not every platform lets a folder be opened, so best effort.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

/// Saves `model` and `meta` into the folder `dir` (created if needed).
pub fn save(dir: &Path, model: &Classifier, meta: &serde_json::Value) -> Result<()> {
    ensure(!dir.as_os_str().is_empty(), || "path is empty: give a folder to save the model in".into())?;
    if dir.exists() {
        ensure(dir.is_dir(), || format!("{} exists and is not a folder: a checkpoint is a folder", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let weights_path = dir.join(WEIGHTS_FILE);
    let mut named: Vec<(String, Tensor)> = model.vs.variables().into_iter().map(|(k, v)| (k, v.to_device(Device::Cpu))).collect();
    named.sort_by(|a, b| a.0.cmp(&b.0));
    write_atomically(&weights_path, |tmp| Tensor::write_safetensors(&named, tmp).map_err(torch_error))?;
    let bytes = fs::read(&weights_path).map_err(|e| io_error(&weights_path, e))?;
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        model: model.config.clone(),
        scaler: model.scaler.clone(),
        weights: WeightsInfo { file: WEIGHTS_FILE.into(), bytes: bytes.len() as u64, fnv1a64: format!("{:016x}", fnv1a64(&bytes)) },
        meta: meta.clone(),
    };
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| SerError::Internal(format!("cannot encode model.json: {e}")))?;
    let json_path = dir.join(MANIFEST_FILE);
    write_atomically(&json_path, |tmp| {
        let mut f = File::create(tmp).map_err(|e| io_error(tmp, e))?;
        f.write_all(text.as_bytes()).map_err(|e| io_error(tmp, e))
    })
}

fn corrupt(dir: &Path, why: impl std::fmt::Display) -> SerError {
    SerError::parameter(format!("{} is not a usable ser_rs checkpoint: {why}", dir.display()))
}

/// Reads `model.json` and checks its format and version.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    ensure(dir.is_dir() || !dir.exists(), || format!("{} is not a folder: pass the folder the model was saved in", dir.display()))?;
    let json_path = dir.join(MANIFEST_FILE);
    let text = fs::read_to_string(&json_path).map_err(|e| io_error(&json_path, e))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| corrupt(dir, format!("model.json is not valid JSON ({e})")))?;
    let format = value.get("format").and_then(|v| v.as_str());
    ensure(format == Some(FORMAT), || format!("{} is not a ser_rs checkpoint: model.json has format {format:?}, expected \"{FORMAT}\"", dir.display()))?;
    let version = value.get("format_version").and_then(|v| v.as_u64());
    ensure(version == Some(FORMAT_VERSION as u64), || {
        format!("{} has checkpoint format version {version:?}; this ser_rs reads version {FORMAT_VERSION}: re-save it with a matching ser_rs", dir.display())
    })?;
    let m: Manifest = serde_json::from_value(value).map_err(|e| corrupt(dir, format!("model.json is incomplete or malformed ({e})")))?;
    m.model.validate().map_err(|e| corrupt(dir, format!("its model config is invalid ({})", e.message())))?;
    m.scaler.check().map_err(|e| corrupt(dir, e.message()))?;
    ensure(m.scaler.n_features() == m.model.n_features, || corrupt(dir, "the scaler and the model disagree on the feature count").to_string())?;
    Ok(m)
}

/// Loads a checkpoint onto `device`: the model and the manifest (for its metadata).
pub fn load(dir: &Path, device: Device) -> Result<(Classifier, Manifest)> {
    let m = read_manifest(dir)?;
    ensure(m.weights.file == WEIGHTS_FILE, || corrupt(dir, format!("unexpected weights file name {:?}", m.weights.file)).to_string())?;
    let weights_path = dir.join(WEIGHTS_FILE);
    let bytes = fs::read(&weights_path).map_err(|e| io_error(&weights_path, e))?;
    ensure(bytes.len() as u64 == m.weights.bytes && format!("{:016x}", fnv1a64(&bytes)) == m.weights.fnv1a64, || {
        corrupt(dir, format!("{WEIGHTS_FILE} ({} bytes) does not match model.json ({} bytes): truncated, edited or from another save", bytes.len(), m.weights.bytes)).to_string()
    })?;
    let stored: BTreeMap<String, Tensor> = Tensor::read_safetensors(&weights_path).map_err(|e| corrupt(dir, format!("{WEIGHTS_FILE} cannot be read ({e})")))?.into_iter().collect();
    // The manifest's seed does not matter: every variable is overwritten below.
    let model = Classifier::new(m.model.clone(), m.scaler.clone(), device)?;
    let vars = model.vs.variables();
    let missing: Vec<&String> = vars.keys().filter(|k| !stored.contains_key(*k)).collect();
    ensure(missing.is_empty(), || corrupt(dir, format!("{WEIGHTS_FILE} lacks the variables {missing:?}")).to_string())?;
    let extra: Vec<&String> = stored.keys().filter(|k| !vars.contains_key(*k)).collect();
    ensure(extra.is_empty(), || corrupt(dir, format!("{WEIGHTS_FILE} has variables the model does not: {extra:?}")).to_string())?;
    for (name, var) in &vars {
        let (want, got) = (var.size(), stored[name].size());
        ensure(want == got, || corrupt(dir, format!("variable {name} has shape {got:?}, the model config needs {want:?}")).to_string())?;
        tch::no_grad(|| var.shallow_clone().f_copy_(&stored[name])).map_err(torch_error)?;
    }
    Ok((model, m))
}

#[cfg(test)]
mod tests {
    use super::super::config::tests::small;
    use super::super::config::Arch;
    use super::*;
    use ndarray::Array2;

    fn tiny(arch: Arch) -> Classifier {
        tch::manual_seed(3);
        let mut c = small(arch, 3, 2).model;
        c.channels = vec![4];
        Classifier::new(c, Scaler { mean: vec![0.5, 1.0, -1.0], std: vec![1.0, 2.0, 3.0] }, Device::Cpu).unwrap()
    }

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("ser_rs_ckpt_{}_{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn round_trip_keeps_predictions_and_meta() {
        let _rng = crate::model::torch_rng_lock();
        let dir = scratch("rt");
        let model = tiny(Arch::Crnn);
        let meta = serde_json::json!({"labels": ["angry", "calm"]});
        save(&dir, &model, &meta).unwrap();
        let (back, m) = load(&dir, Device::Cpu).unwrap();
        assert_eq!(m.meta, meta);
        let x = Array2::from_shape_fn((7, 3), |(i, j)| (i as f32 - j as f32) * 0.3);
        assert_eq!(model.predict_proba(&[x.view()], 4).unwrap(), back.predict_proba(&[x.view()], 4).unwrap());
        // Saving again over the same folder works and leaves no temporary files.
        save(&dir, &model, &meta).unwrap();
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn damaged_checkpoints_give_clear_errors() {
        let _rng = crate::model::torch_rng_lock();
        let dir = scratch("bad");
        let model = tiny(Arch::Rnn);
        save(&dir, &model, &serde_json::Value::Null).unwrap();
        let json = fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap();
        let weights = fs::read(dir.join(WEIGHTS_FILE)).unwrap();
        let err = |d: &Path| load(d, Device::Cpu).err().expect("should fail").message().to_string();

        fs::write(dir.join(WEIGHTS_FILE), &weights[..weights.len() / 2]).unwrap();
        assert!(err(&dir).contains("truncated"));
        fs::write(dir.join(WEIGHTS_FILE), &weights).unwrap();

        fs::write(dir.join(MANIFEST_FILE), &json[..json.len() / 2]).unwrap();
        assert!(err(&dir).contains("not valid JSON"));
        fs::write(dir.join(MANIFEST_FILE), json.replace("\"format_version\": 1", "\"format_version\": 99")).unwrap();
        assert!(err(&dir).contains("version Some(99)"));
        fs::write(dir.join(MANIFEST_FILE), json.replace("\"hidden_size\": 8", "\"hidden_size\": 9")).unwrap();
        assert!(err(&dir).contains("shape"));
        let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
        v.as_object_mut().unwrap().remove("scaler");
        fs::write(dir.join(MANIFEST_FILE), v.to_string()).unwrap();
        assert!(err(&dir).contains("scaler"));

        // Weights of another model with a consistent manifest hash: names differ.
        let other = scratch("other");
        save(&other, &tiny(Arch::Mlp), &serde_json::Value::Null).unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&fs::read_to_string(other.join(MANIFEST_FILE)).unwrap()).unwrap();
        v["model"] = serde_json::from_str::<serde_json::Value>(&json).unwrap()["model"].clone();
        fs::write(other.join(MANIFEST_FILE), v.to_string()).unwrap();
        assert!(err(&other).contains("lacks the variables"));

        assert_eq!(load(&scratch("absent"), Device::Cpu).err().unwrap().type_name(), "MissingFileError");
        fs::remove_dir_all(&dir).unwrap();
        fs::remove_dir_all(&other).unwrap();
    }
}
