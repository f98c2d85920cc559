//! Models and training with tch (libtorch): the bridge between feature matrices and tensors
//! (here), then one concern per submodule:
//! [`config`] (serde settings with validation), [`data`] (checks, scaler, padded batches),
//! [`arch`] (the architectures, RNN, MLP, CNN 1D/2D, CRNN, one file each behind one trait, and
//! pooling), [`net`] (body, pooling and head; padding never leaks), [`train`] (the loop, history, early
//! stopping), [`adversarial`] (FGSM, PGD, noise, robustness table), [`checkpoint`] (safetensors +
//! JSON, atomic writes).

pub mod adversarial;
pub mod arch;
pub mod checkpoint;
pub mod config;
pub mod data;
pub mod net;
pub mod train;

pub use arch::{architecture_names, Architecture};
pub use config::{AdversarialConfig, Arch, Attack, FitConfig, ModelConfig, TrainConfig};
pub use train::{fit, Classifier, EpochRecord, Fitted, Labelled};

use crate::error::{ensure, Result, SerError};
use ndarray::{Array1, Array2, ArrayView2};
use tch::{Device, Kind, Tensor};

pub(crate) fn torch_error(e: tch::TchError) -> SerError {
    SerError::Torch(format!("libtorch: {e}"))
}

/// A `(rows, cols)` f32 tensor on the CPU holding a copy of `x`.
pub fn to_tensor(x: ArrayView2<f32>) -> Result<Tensor> {
    let (rows, cols) = x.dim();
    let data = x.as_standard_layout();
    let flat = data.as_slice().expect("standard layout is contiguous");
    Tensor::f_from_slice(flat).and_then(|t| t.f_reshape([rows as i64, cols as i64])).map_err(torch_error)
}

/// The 2-D float tensor `t` as an ndarray (moved to the CPU and converted to f32 if needed).
pub fn to_array(t: &Tensor) -> Result<Array2<f32>> {
    let size = t.size();
    ensure(size.len() == 2, || format!("expected a 2-D tensor, got shape {size:?}"))?;
    let t = t.f_to_device(Device::Cpu).and_then(|t| t.f_to_kind(Kind::Float)).and_then(|t| t.f_contiguous()).map_err(torch_error)?;
    let n = (size[0] * size[1]) as usize;
    let mut data = vec![0f32; n];
    t.f_copy_data(&mut data, n).map_err(torch_error)?;
    Array2::from_shape_vec((size[0] as usize, size[1] as usize), data).map_err(|e| SerError::Torch(e.to_string()))
}

/// Per-column mean and (population) standard deviation of `x`, computed by libtorch: the
/// statistics a feature scaler is fitted with.
pub fn column_stats(x: ArrayView2<f32>) -> Result<(Array1<f32>, Array1<f32>)> {
    ensure(x.nrows() > 0 && x.ncols() > 0, || format!("cannot compute statistics of an empty matrix (shape {:?})", x.dim()))?;
    ensure(x.iter().all(|v| v.is_finite()), || "the matrix contains NaN or inf".to_string())?;
    let t = to_tensor(x)?;
    let mean = t.f_mean_dim(0, false, Kind::Float).map_err(torch_error)?;
    let std = t.f_std_dim(0, false, false).map_err(torch_error)?;
    let row = |v: Tensor| -> Result<Array1<f32>> { Ok(to_array(&v.f_unsqueeze(0).map_err(torch_error)?)?.row(0).to_owned()) };
    Ok((row(mean)?, row(std)?))
}

/// What the linked libtorch offers here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendInfo {
    pub cuda_available: bool,
    pub cuda_devices: i64,
    pub threads: i32,
}

pub fn backend_info() -> BackendInfo {
    BackendInfo { cuda_available: tch::Cuda::is_available(), cuda_devices: tch::Cuda::device_count(), threads: tch::get_num_threads() }
}

/// libtorch's random generator is process-wide and cargo runs tests on parallel threads: every
/// test that seeds it or draws from it (weight initialisation, dropout, shuffling) holds this lock,
/// or another test's draws interleave and reproducibility checks fail at random.
#[cfg(test)]
pub(crate) fn torch_rng_lock() -> std::sync::MutexGuard<'static, ()> {
    static TORCH_RNG: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TORCH_RNG.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn arrays_round_trip_through_tensors() {
        let x = array![[1.0f32, 2.0, 3.0], [4.0, 5.0, 6.5]];
        let t = to_tensor(x.view()).unwrap();
        assert_eq!(t.size(), vec![2, 3]);
        assert_eq!(to_array(&t).unwrap(), x);
        // A transposed (non-contiguous) view is copied in its logical order.
        assert_eq!(to_array(&to_tensor(x.t()).unwrap()).unwrap(), x.t().to_owned());
    }

    #[test]
    fn column_stats_match_direct_formulas() {
        let x = array![[1.0f32, 10.0], [3.0, 10.0], [5.0, 10.0]];
        let (mean, std) = column_stats(x.view()).unwrap();
        assert_eq!(mean, array![3.0f32, 10.0]);
        assert!((std[0] - (8.0f32 / 3.0).sqrt()).abs() < 1e-6);
        assert_eq!(std[1], 0.0);
        assert!(column_stats(Array2::<f32>::zeros((0, 3)).view()).is_err());
    }
}
