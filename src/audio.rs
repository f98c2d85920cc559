//! Audio I/O: decoding (symphonia) and resampling (rubato). Placeholder with the agreed API;
//! replaced by the audio stage's implementation.
use crate::error::{Result, SerError};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct LoadOptions { pub sr: Option<u32>, pub mono: bool, pub offset: f64, pub duration: Option<f64> }
impl Default for LoadOptions { fn default() -> Self { LoadOptions { sr: Some(22050), mono: true, offset: 0.0, duration: None } } }
pub struct Audio { pub channels: Vec<Vec<f32>>, pub sr: u32 }
impl Audio { pub fn into_mono(self) -> Vec<f32> { self.channels.into_iter().next().unwrap_or_default() } pub fn n_frames(&self) -> usize { self.channels.first().map_or(0, |c| c.len()) } }
pub fn load(_path: &Path, _opts: &LoadOptions) -> Result<Audio> { Err(SerError::decode("not yet")) }
pub fn load_bytes(_bytes: Vec<u8>, _opts: &LoadOptions) -> Result<Audio> { Err(SerError::decode("not yet")) }
pub fn resample(_y: &[f32], _orig_sr: u32, _target_sr: u32) -> Result<Vec<f32>> { Err(SerError::decode("not yet")) }
pub fn to_mono(channels: &[Vec<f32>]) -> Vec<f32> { channels.first().cloned().unwrap_or_default() }
