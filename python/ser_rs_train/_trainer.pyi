"""Type stubs for the trainer's Rust extension (tch). The public API is ser_rs.model around it."""

from typing import Any, Callable, Optional, Sequence

import numpy as np
import numpy.typing as npt

__version__: str

def architecture_names() -> list[str]: ...
def backend_info() -> dict[str, Any]: ...
def column_stats(x: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]: ...

class NativeClassifier:
    """A trained network (Rust); build one with fit_classifier or load_classifier."""

    n_features: int
    n_classes: int
    config: dict[str, Any]
    def predict_proba(self, x: Sequence[npt.NDArray[np.float32]], batch_size: int) -> npt.NDArray[np.float32]: ...
    def robustness(
        self,
        x: Sequence[npt.NDArray[np.float32]],
        y: Sequence[int],
        attacks: Sequence[str],
        epsilons: Sequence[float],
        steps: int,
        step_size: Optional[float],
        batch_size: int,
        seed: int,
        n_threads: Optional[int] = None,
    ) -> list[tuple[str, float, float, float]]: ...
    def save(self, path: str, meta: dict[str, Any]) -> None: ...

def fit_classifier(
    config: dict[str, Any],
    x: Sequence[npt.NDArray[np.float32]],
    y: Sequence[int],
    x_val: Optional[Sequence[npt.NDArray[np.float32]]] = None,
    y_val: Optional[Sequence[int]] = None,
    progress: Optional[Callable[[int], Any]] = None,
) -> tuple[NativeClassifier, dict[str, list[Any]], int]: ...
def fit_steps(config: dict[str, Any], n_samples: int) -> int: ...
def load_classifier(path: str, device: str = "cpu") -> tuple[NativeClassifier, dict[str, Any]]: ...
