//! The signal layer: the numerical building blocks every stage above shares, with librosa's and
//! numpy's numbers. Framing and edge padding ([`frame`]), analysis windows ([`window`]), the
//! STFT and its inverse ([`stft`]), and the process-wide caches of windows and filter banks.

pub mod frame;
pub(crate) mod memo;
pub mod stft;
pub mod window;

pub use frame::{frame_count, pad_signal, PadMode};
pub use stft::{istft_frames, spectrogram, stft, StftParams};
pub use window::Window;
