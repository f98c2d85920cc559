//! The signal layer: the numerical building blocks every stage above shares, with librosa's and
//! numpy's numbers. Input checks ([`check`]), framing and edge padding ([`frame`]), analysis
//! windows ([`window`]), the STFT and its inverse ([`stft`]), the element-wise kernels of the hot
//! path, compiled for AVX2 where the CPU has it (`simd`), and the process-wide caches of windows
//! and filter banks.

pub mod check;
pub mod frame;
pub(crate) mod memo;
pub(crate) mod simd;
pub mod stft;
pub mod window;

pub use check::{ensure_sr, validate_audio, validate_spectrogram};
pub use frame::{frame_count, pad_signal, PadMode};
pub use simd::SparseFilter;
pub use stft::{istft_frames, spectrogram, stft, StftParams};
pub use window::Window;
