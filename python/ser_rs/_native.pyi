"""Type stubs for the Rust extension. The public API is the Python package around it."""

from typing import Any, Callable, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

__version__: str

def load(
    path: Optional[str],
    data: Optional[bytes],
    *,
    sr: Optional[int] = 22050,
    mono: bool = True,
    offset: float = 0.0,
    duration: Optional[float] = None,
) -> tuple[npt.NDArray[np.float32], int]: ...
def resample(y: npt.NDArray[np.float32], orig_sr: int, target_sr: int) -> npt.NDArray[np.float32]: ...
def stft(y: npt.NDArray[np.float32], params: dict[str, Any]) -> npt.NDArray[np.complex64]: ...
def compute_feature(
    name: str,
    y: Optional[npt.NDArray[np.float32]],
    s: Optional[npt.NDArray[np.float32]],
    sr: float,
    params: dict[str, Any],
) -> npt.NDArray[np.float32]: ...
def to_db(
    s: npt.NDArray[np.float32], ref_value: float, amin: float, top_db: Optional[float], amplitude: bool
) -> npt.NDArray[np.float32]: ...
def chroma_tuning_peaks(
    y: Optional[npt.NDArray[np.float32]], s: Optional[npt.NDArray[np.float32]], sr: float, params: dict[str, Any]
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]: ...
def tuning_of_peaks(freqs: npt.NDArray[np.float32], mags: npt.NDArray[np.float32], bins_per_octave: int) -> float: ...
def contrast_peaks_valleys(
    y: Optional[npt.NDArray[np.float32]], s: Optional[npt.NDArray[np.float32]], sr: float, params: dict[str, Any]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def delta(data: npt.NDArray[np.float32], width: int, order: int, mode: str) -> npt.NDArray[np.float32]: ...
def ser162_columns() -> list[str]: ...
def feature_names() -> list[str]: ...
def feature_columns(name: str) -> list[str]: ...
def functionals(
    frames: npt.NDArray[np.float32], stats: list[str], length: Optional[int] = None, mask: Optional[list[bool]] = None
) -> npt.NDArray[np.float32]: ...
def functionals_batch(
    batch: npt.NDArray[np.float32], stats: list[str], lengths: list[int]
) -> tuple[npt.NDArray[np.float32], list[tuple[int, str, str]]]: ...

# A pipeline step: (transform name, [(parameter, value)], probability).
StepSpec = tuple[str, list[tuple[str, float]], float]

def time_stretch(y: npt.NDArray[np.float32], rate: float, stft: dict[str, Any]) -> npt.NDArray[np.float32]: ...
def pitch_shift(
    y: npt.NDArray[np.float32], sr: float, n_steps: float, bins_per_octave: int, stft: dict[str, Any]
) -> npt.NDArray[np.float32]: ...
def trim_bounds(
    y: npt.NDArray[np.float32], top_db: float, ref_value: Optional[float], frame_length: int, hop_length: int
) -> tuple[int, int]: ...
def preemphasis(y: npt.NDArray[np.float32], coef: float, zi: Optional[float]) -> tuple[npt.NDArray[np.float32], float]: ...
def edit(y: npt.NDArray[np.float32], name: str, value: float, flag: bool) -> npt.NDArray[np.float32]: ...
def reduce_noise(
    y: npt.NDArray[np.float32], noise: Optional[npt.NDArray[np.float32]], prop_decrease: float, noise_quantile: float, stft: dict[str, Any]
) -> npt.NDArray[np.float32]: ...
def augment(
    signals: list[npt.NDArray[np.float32]],
    indices: list[int],
    sr: float,
    steps: list[StepSpec],
    seed: int,
    n_jobs: Optional[int],
    progress: Optional[Callable[[int], Any]] = None,
) -> list[Union[npt.NDArray[np.float32], tuple[str, str]]]: ...
def yin(
    y: npt.NDArray[np.float32],
    *,
    fmin: float,
    fmax: float,
    sr: float,
    frame_length: int,
    hop_length: Optional[int],
    trough_threshold: float,
    center: bool,
    pad_mode: str,
) -> npt.NDArray[np.float64]: ...
def pyin(
    y: npt.NDArray[np.float32],
    *,
    fmin: float,
    fmax: float,
    sr: float,
    frame_length: int,
    hop_length: Optional[int],
    n_thresholds: int,
    beta_parameters: tuple[float, float],
    boltzmann_parameter: float,
    resolution: float,
    max_transition_rate: float,
    switch_prob: float,
    no_trough_prob: float,
    fill_na: Optional[float],
    center: bool,
    pad_mode: str,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.float64]]: ...
def extract(
    items: Sequence[Union[str, npt.NDArray[np.float32]]],
    name: str,
    params: dict[str, Any],
    *,
    sr: Optional[int],
    array_sr: Optional[int],
    mono: bool,
    offset: float,
    duration: Optional[float],
    n_jobs: Optional[int],
    fail_fast: bool,
    augment: Optional[tuple[list[list[StepSpec]], int, list[int]]] = None,
    progress: Optional[Callable[[int], Any]] = None,
) -> tuple[list[int], Union[npt.NDArray[np.float32], list[npt.NDArray[np.float32]]], list[tuple[int, str, str]]]: ...
def voice_intensity(
    y: npt.NDArray[np.float32], sr: float, min_pitch: float, time_step: Optional[float], subtract_mean: bool
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def voice_harmonicity(
    y: npt.NDArray[np.float32], sr: float, time_step: float, min_pitch: float, silence_threshold: float, periods_per_window: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def voice_pitch(
    y: npt.NDArray[np.float32], sr: float, pitch_floor: float, pitch_ceiling: float, time_step: Optional[float]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]: ...
def voice_pulses(y: npt.NDArray[np.float32], sr: float, pitch_floor: float, pitch_ceiling: float) -> npt.NDArray[np.float64]: ...
def voice_report(
    y: npt.NDArray[np.float32],
    sr: float,
    pitch_floor: float,
    pitch_ceiling: float,
    period_floor: float,
    period_ceiling: float,
    max_period_factor: float,
    max_amplitude_factor: float,
    intensity_min_pitch: float,
    hnr_min_pitch: float,
    hnr_time_step: float,
    hnr_silence_threshold: float,
    hnr_periods_per_window: float,
) -> dict[str, Any]: ...
def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray: ...
def accuracy_score(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int, balanced: bool) -> float: ...
def precision_recall_fscore(
    y_true: np.ndarray, y_pred: np.ndarray, n_classes: int, labels: np.ndarray, beta: float, zero_division: float, average: Optional[str] = None
) -> Any: ...

# Synthetic emotional speech (the demo corpus)
def synth_emotions() -> list[str]: ...
def synth_voice(speaker: int) -> dict[str, Any]: ...
def synth_utterances(
    items: list[tuple[str, int, int, Optional[float]]],
    *,
    sr: int,
    seed: int,
    n_jobs: Optional[int] = None,
    progress: Optional[Callable[[int], Any]] = None,
) -> list[tuple[npt.NDArray[np.float32], dict[str, Any]]]: ...
