"""ser_rs.extract: parallel, GIL-free, streaming, and a bad item never sinks the good ones."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import ser_rs
from ser_rs import ParameterError, AudioDecodeError, feature
from ser_rs.datasets import write_wav
from conftest import sample_files

SR = 22050
RNG = np.random.default_rng(1)
SIGNALS = [(RNG.standard_normal(n) * 0.1).astype(np.float32) for n in (22050, 30000, 41000)]


def test_arrays_give_the_single_call_values():
    r = ser_rs.extract(SIGNALS, "ser162")
    assert r.features.shape == (3, 162) and r.features.dtype == np.float32
    for row, y in zip(r.features, SIGNALS):
        np.testing.assert_array_equal(row, feature.ser162(y, sr=SR))
    assert r.errors == [] and list(r.index) == [0, 1, 2] and r.paths == [None] * 3


def test_frame_features_as_list_or_padded():
    r = ser_rs.extract(SIGNALS, "mfcc", n_mfcc=13)
    assert [m.shape for m in r.features] == [(13, 1 + len(y) // 512) for y in SIGNALS]
    for m, y in zip(r.features, SIGNALS):
        np.testing.assert_array_equal(m, feature.mfcc(y=y, n_mfcc=13))
    p = ser_rs.extract(SIGNALS, "mfcc", n_mfcc=13, pad=True)
    assert p.features.shape == (3, 13, max(p.lengths))
    for padded, m, n in zip(p.features, r.features, p.lengths):
        np.testing.assert_array_equal(padded[:, :n], m)
        assert not padded[:, n:].any()


def test_arrays_are_resampled_from_sr_in():
    y16 = SIGNALS[0][:16000]
    r = ser_rs.extract([y16], "ser162", sr=SR, sr_in=16000)
    np.testing.assert_array_equal(r.features[0], feature.ser162(ser_rs.resample(y16, orig_sr=16000, target_sr=SR), sr=SR))


def test_results_are_identical_for_any_n_jobs():
    one = ser_rs.extract(SIGNALS * 3, "ser162", n_jobs=1)
    two = ser_rs.extract(SIGNALS * 3, "ser162", n_jobs=2)
    np.testing.assert_array_equal(one.features, two.features)


def test_bad_items_are_reported_and_good_ones_kept(tmp_path):
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("this is not audio")
    items = [
        SIGNALS[0],
        str(tmp_path / "missing.flac"),
        SIGNALS[1].astype(np.int16),
        np.stack([SIGNALS[0], SIGNALS[0]]),
        str(not_audio),
        None,
        SIGNALS[0][:100],
        np.full(30000, np.nan, dtype=np.float32),
        SIGNALS[2],
    ]
    r = ser_rs.extract(items, "ser162", n_jobs=2)
    assert list(r.index) == [0, 8]
    np.testing.assert_array_equal(r.features[1], feature.ser162(SIGNALS[2]))
    kinds = {e.index: e.error_type for e in r.errors}
    assert kinds == {1: "MissingFileError", 2: "InputTypeError", 3: "ParameterError", 4: "AudioDecodeError",
                     5: "InputTypeError", 6: "ParameterError", 7: "ParameterError"}
    by_index = {e.index: e for e in r.errors}
    assert by_index[1].path.endswith("missing.flac") and "missing.flac" in by_index[1].message
    assert "shorter than" in by_index[6].message and "not finite" in by_index[7].message
    assert isinstance(by_index[4].exception(), AudioDecodeError)


def test_strict_raises_the_items_own_exception(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.wav"):
        ser_rs.extract([SIGNALS[0], str(tmp_path / "missing.wav")], strict=True)
    with pytest.raises(ParameterError, match="shorter than"):
        ser_rs.extract([SIGNALS[0][:10]], strict=True)
    with pytest.raises(TypeError, match="dtype int16"):
        ser_rs.extract([SIGNALS[0].astype(np.int16)], strict=True)


def test_bad_arguments():
    with pytest.raises(ParameterError, match="unknown feature 'mfccs'"):
        ser_rs.extract(SIGNALS, "mfccs")
    with pytest.raises(TypeError, match="n_mfc"):
        ser_rs.extract(SIGNALS, "mfcc", n_mfc=13)
    with pytest.raises(ParameterError, match="n_jobs=0"):
        ser_rs.extract(SIGNALS, n_jobs=0)
    with pytest.raises(TypeError, match="n_jobs"):
        ser_rs.extract(SIGNALS, n_jobs="2")
    with pytest.raises(TypeError, match="sequence"):
        ser_rs.extract("one.wav")
    with pytest.raises(ParameterError, match="sr=0"):
        ser_rs.extract(SIGNALS, sr=0)
    with pytest.raises(ParameterError, match="n_mels=0"):
        ser_rs.extract(SIGNALS, "melspectrogram", n_mels=0, strict=True)
    empty = ser_rs.extract([], "ser162")
    assert empty.features.shape == (0, 0) and len(empty) == 0
    with pytest.raises(ParameterError, match="first_index=-1"):
        ser_rs.extract(SIGNALS, first_index=-1)
    with pytest.raises(TypeError, match="first_index must be an integer"):
        ser_rs.extract(SIGNALS, first_index=1.0)


def test_progress_bar_counts_every_item(capsys):
    ser_rs.extract(SIGNALS * 4, "ser162", progress=True)
    err = capsys.readouterr().err
    assert err.startswith("ser162: 12 items in ") and err.count("\n") == 1  # not a terminal: one line when the stage ends


def test_the_gil_is_released_while_extracting():
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    long_signals = [(RNG.standard_normal(SR * 20) * 0.1).astype(np.float32) for _ in range(4)]
    t = threading.Thread(target=ticker)
    t.start()
    start = time.perf_counter()
    ser_rs.extract(long_signals, "ser162", n_jobs=1)
    end = time.perf_counter()
    stop.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    # A held GIL would starve the ticker for the whole call.
    assert len(during) > 0.3 * (end - start) / 0.001 * 0.1, (len(during), end - start)


def test_to_dataframe():
    df = ser_rs.extract(SIGNALS + [SIGNALS[0][:5]], "ser162").to_dataframe()
    assert list(df.columns) == ["path"] + list(feature.SER162_COLUMNS)
    assert list(df.index) == [0, 1, 2]
    with pytest.raises(ParameterError, match="frame-level"):
        ser_rs.extract(SIGNALS, "rms").to_dataframe()
    failed = ser_rs.extract([SIGNALS[0][:5]], "ser162").to_dataframe()
    assert list(failed.columns) == list(df.columns) and len(failed) == 0


def test_slices_with_first_index_give_the_rows_of_the_whole_list():
    from ser_rs.effects import AddGaussianSNR, Compose

    copies = [Compose([AddGaussianSNR(min_snr_db=5, max_snr_db=20, p=1.0)])] * 2
    items = SIGNALS + [None] + SIGNALS
    whole = ser_rs.extract(items, "ser162", augment=copies, seed=4)
    head = ser_rs.extract(items[:2], "ser162", augment=copies, seed=4)
    tail = ser_rs.extract(items[2:], "ser162", augment=copies, seed=4, first_index=2)
    np.testing.assert_array_equal(np.vstack([head.features, tail.features]), whole.features)
    assert tail.index.tolist() == whole.index.tolist()[6:] and tail.errors == whole.errors
    # The bad item at 3 never reaches the workers, yet the items after it keep their streams:
    # item 4 (= SIGNALS[0]) draws from i=4, not from the i=3 of its place among the good ones.
    np.testing.assert_array_equal(whole.features[whole.index == 4], ser_rs.extract(items[4:5], "ser162", augment=copies, seed=4, first_index=4).features)
    assert not np.array_equal(whole.features[whole.index == 4], ser_rs.extract(items[4:5], "ser162", augment=copies, seed=4, first_index=3).features)


# -- files ---------------------------------------------------------------------------------------

def test_paths_give_load_then_feature(ravdess48k):
    files = sample_files("ravdess-48k", 6, "Actor_*/*.wav")
    r = ser_rs.extract(files, "ser162", n_jobs=2)
    assert r.errors == []
    for row, f in zip(r.features, files):
        y, sr = ser_rs.load(f, sr=SR)
        np.testing.assert_array_equal(row, feature.ser162(y, sr=sr))
    assert r.paths == [str(f) for f in files]


def test_offset_and_duration_apply_to_files(ravdess48k):
    f = sample_files("ravdess-48k", 1, "Actor_*/*.wav")[0]
    r = ser_rs.extract([f], "rms", offset=0.5, duration=1.0)
    y, _ = ser_rs.load(f, sr=SR, offset=0.5, duration=1.0)
    np.testing.assert_array_equal(r.features[0], feature.rms(y=y))


def test_truncated_file_is_reported(tmp_path):
    path = tmp_path / "cut.wav"
    write_wav(path, SIGNALS[0], SR)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    r = ser_rs.extract([str(path), SIGNALS[1]])
    assert list(r.index) == [1]
    assert r.errors[0].error_type == "AudioDecodeError" and "truncated" in r.errors[0].message


MEMORY_PROBE = """
import resource, sys, ser_rs
files = sys.argv[2:]
n = int(sys.argv[1])
result = ser_rs.extract((files * (n // len(files) + 1))[:n], "ser162", n_jobs=2)
assert len(result) == n, result.errors[:3]
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def peak_rss_mb(n: int, files: list[Path]) -> int:
    out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(n), *map(str, files)], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())


def test_memory_stays_flat_as_the_corpus_grows(ravdess16k):
    files = sample_files("ravdess-16k", 60, "Actor_*/*.flac")
    small, large = peak_rss_mb(120, files), peak_rss_mb(960, files)
    # 8x the files may add the results (960 x 162 floats = 0.6 MB), not the audio (~3 MB/file).
    assert large - small < 40, (small, large)


@pytest.mark.parametrize("name,kwargs", [
    ("mfcc", dict(norm=None)), ("melspectrogram", dict(norm=None)), ("chroma_stft", dict(norm=2.0, tuning=0.0)),
    ("spectral_bandwidth", dict(norm=False)), ("spectral_flatness", dict(power=1.0)), ("melspectrogram", dict(power=1.0)),
])
def test_batch_keywords_mean_what_the_feature_function_means(name, kwargs):
    # librosa reuses `norm` and `power` with a different meaning per feature.
    r = ser_rs.extract(SIGNALS[:1], name, **kwargs)
    np.testing.assert_array_equal(r.features[0], getattr(feature, name)(y=SIGNALS[0], **kwargs))
    assert not np.array_equal(r.features[0], getattr(feature, name)(y=SIGNALS[0]))
