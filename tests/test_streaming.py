"""ser_rs.streaming: a live stream's results equal the offline model's on the same windows
(frames shared by windows computed once, streamed resampling equal to whole-file resampling),
speaker-normalised models warm up on the stream's own statistics, memory stays bounded, bad
input is refused with typed errors, and ``ser-rs stream`` prints the timeline."""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import ser_rs
from ser_rs import EmotionClassifier, ParameterError
from ser_rs.feature import melspectrogram
from ser_rs.inference import Recognizer
from ser_rs.model import run_feature_pipeline, standardize
from ser_rs.streaming import StreamingRecognizer, StreamResult
import ser_rs.streaming as streaming

from conftest import ROOT

RATE = 16000
MEL = {"feature": "melspectrogram", "sr": RATE, "n_fft": 1024, "hop_length": 256, "n_mels": 32}
MFCC = {"feature": "mfcc", "sr": RATE, "n_mfcc": 13, "n_fft": 1024, "hop_length": 256}
MEL_FUNCTIONALS = dict(MEL, utterance=["egemaps_like", "ser162"])
TINY = dict(hidden_size=4, num_layers=1, epochs=1, patience=None, n_threads=1)
#: The test's tolerance on probabilities, the issue's bound.
EXACT = 1e-4


@pytest.fixture(scope="module")
def training_files(ravdess16k):
    """Eight files of two actors (four emotions twice), for models trained in a second."""
    files = sorted(ravdess16k.glob("Actor_0[12]/*.flac"))[::7][:8]
    return [str(f) for f in files], [f.name.split("-")[2] for f in files], [f.parent.name for f in files]


def _train(training_files, features, speaker_norm=False):
    paths, labels, speakers = training_files
    clf = EmotionClassifier(features=features, speaker_norm=speaker_norm, **TINY)
    return Recognizer(clf.fit(paths, labels, speakers=speakers if speaker_norm else None))


@pytest.fixture(scope="module")
def mel_model(training_files):
    return _train(training_files, MEL)


@pytest.fixture(scope="module")
def speech(ravdess16k):
    """A real 3.3 s utterance twice over (6.6 s), at 16 kHz."""
    y, rate = ser_rs.load(ravdess16k / "Actor_03" / "03-01-05-01-01-01-03.flac", sr=None)
    assert rate == RATE
    return np.concatenate([y, y])


def _stream(stream, y, sizes, rate=RATE):
    """Push ``y`` in chunks of the given sizes (cycled), then flush: every result."""
    results, i, k = [], 0, 0
    while i < len(y):
        n = sizes[k % len(sizes)]
        results += stream.push(y[i:i + n], sr=rate)
        i, k = i + n, k + 1
    return results + stream.flush()


def _window(y, result, window_samples):
    end = int(round(result.time * RATE))
    return y[max(0, end - window_samples):end]


def _max_difference(a: dict, b: dict) -> float:
    assert list(a) == list(b)
    return max(abs(a[k] - b[k]) for k in a)


# -- exactness --------------------------------------------------------------------------------


@pytest.mark.parametrize("features", [MEL, MFCC, MEL_FUNCTIONALS], ids=["mel", "mfcc", "mel+functionals"])
def test_every_window_gets_the_offline_prediction_of_its_samples(training_files, speech, features):
    recognizer = _train(training_files, features)
    stream = StreamingRecognizer(recognizer, window=2.0)
    assert stream.incremental  # mel and MFCC frames are shared between windows
    results = _stream(stream, speech, [3000, 1, 12345, 700])
    hop = int(round(stream.hop * RATE))
    assert hop % 256 == 0  # the default hop is rounded to whole feature hops
    n_full = 1 + (len(speech) - 2 * RATE) // hop
    assert [round(r.time * RATE) for r in results[:n_full]] == [2 * RATE + k * hop for k in range(n_full)]
    assert round(results[-1].time * RATE) == len(speech)  # flush: the stream's last window
    for r in results:
        offline = recognizer.predict_array(_window(speech, r, 2 * RATE), RATE)
        assert _max_difference(r.probabilities, offline.probabilities) < EXACT
        assert r.warm and r.duration == pytest.approx(2.0)


def test_a_hop_that_is_not_whole_feature_hops_recomputes_each_window_exactly(mel_model, speech):
    stream = StreamingRecognizer(mel_model, window=1.5, hop=0.3)  # 4800 samples, 18.75 feature hops
    assert not stream.incremental and stream.hop == pytest.approx(0.3)
    results = _stream(stream, speech[: 4 * RATE], [4096])
    assert len(results) == 1 + int((4.0 - 1.5) / 0.3) + 1
    for r in results:
        offline = mel_model.predict_array(_window(speech, r, int(1.5 * RATE)), RATE)
        assert _max_difference(r.probabilities, offline.probabilities) < EXACT


def test_shared_frames_are_computed_once(mel_model, speech, monkeypatch):
    computed = []
    real = streaming.melspectrogram

    def counting(*, y, center=True, **kwargs):
        out = real(y=y, center=center, **kwargs)
        if not center:
            computed.append(out.shape[1])
        return out

    monkeypatch.setattr(streaming, "melspectrogram", counting)
    stream = StreamingRecognizer(mel_model, window=2.0)
    results = _stream(stream, speech, [8000])
    stream_frames = 1 + len(speech) // 256
    assert len(results) > 5
    assert sum(computed) <= stream_frames  # each interior frame of the stream once, at most
    assert len(computed) >= len(results) - 2  # and some for every hop, not all at the start


def test_the_frame_cache_gives_the_window_s_own_mel_spectrogram_bit_for_bit(speech):
    kwargs = dict(n_fft=1024, hop_length=256, n_mels=32, win_length=None, window="hann", power=2.0, fmin=0.0, fmax=None, htk=False, norm="slaney")
    frames = streaming._MelFrames(kwargs, RATE)
    for start in range(0, len(speech) - 40000, 256 * 29):
        signal = speech[start:start + 40000]
        expected = melspectrogram(y=signal, sr=RATE, n_fft=1024, hop_length=256, n_mels=32)
        np.testing.assert_array_equal(frames.window(signal, start), expected)


def test_a_stream_at_another_rate_is_resampled_as_the_whole_file_would_be(mel_model, ravdess48k):
    y48, rate = ser_rs.load(ravdess48k / "Actor_02" / "03-01-05-01-01-01-02.wav", sr=None)
    assert rate == 48000
    whole = ser_rs.resample(y48, orig_sr=48000, target_sr=RATE)
    resampler = streaming._StreamResampler(48000, RATE)
    pieces = [resampler.push(y48[i:i + 4410]) for i in range(0, len(y48), 4410)] + [resampler.flush()]
    streamed = np.concatenate(pieces)
    assert len(streamed) == len(whole)
    np.testing.assert_allclose(streamed, whole, atol=1e-6)

    stream = StreamingRecognizer(mel_model, window=2.0)
    results = _stream(stream, y48, [4800, 333], rate=48000)
    assert stream.sample_rate == 48000 and len(results) >= 3
    for r in results:
        offline = mel_model.predict_array(_window(whole, r, 2 * RATE), RATE)
        assert _max_difference(r.probabilities, offline.probabilities) < EXACT


def test_int16_chunks_are_scaled_pcm(mel_model, speech):
    pcm = np.clip(np.round(speech * 32768), -32768, 32767).astype(np.int16)
    from_pcm = _stream(StreamingRecognizer(mel_model, window=2.0), pcm, [4000])
    from_float = _stream(StreamingRecognizer(mel_model, window=2.0), pcm.astype(np.float64) / 32768, [4000])
    assert from_pcm == from_float and len(from_pcm) > 3
    big_endian = _stream(StreamingRecognizer(mel_model, window=2.0), pcm.astype(">i2"), [4000])
    assert big_endian == from_pcm


# -- speaker normalisation ----------------------------------------------------------------------


def test_a_speaker_normalised_model_warms_up_then_uses_the_stream_s_running_statistics(training_files, speech):
    paths, labels, speakers = training_files
    clf = EmotionClassifier(features=MEL, speaker_norm=True, **TINY).fit(paths, labels, speakers=speakers)
    recognizer = Recognizer(clf)
    stream = StreamingRecognizer(recognizer, window=1.5, warmup=2.4)
    results = _stream(stream, speech, [2000])
    hop = int(round(stream.hop * RATE))
    window = int(1.5 * RATE)
    assert [r.warm for r in results[:3]] == [False, False, True]  # 1.5 s, 1.996 s, then 2.492 s of audio heard
    assert all(r.warm for r in results[2:])
    counted = []  # the frames the statistics should hold: each window's frames of new audio
    last_end = 0
    for r in results:
        end = int(round(r.time * RATE))
        start = max(0, end - window)
        (frames,), _ = run_feature_pipeline([speech[start:end]], MEL, strict=True, n_jobs=1)
        counted.append(frames if last_end <= start else frames[-(-(last_end - start) // 256):])
        last_end = end
        if not r.warm:  # the window's own statistics, as predict_array standardises one recording
            expected = recognizer.predict_array(speech[start:end], RATE).probabilities
        else:
            seen = np.concatenate(counted).astype(np.float64)
            standardised = standardize(frames, seen.mean(axis=0), seen.std(axis=0))
            proba = clf.predict_proba_standardized([standardised])[0]
            expected = dict(zip(recognizer.classes, map(float, proba)))
        assert _max_difference(r.probabilities, expected) < EXACT
    assert hop and len(results) > 6


def test_running_statistics_are_those_of_all_frames_added():
    rng = np.random.default_rng(0)
    batches = [rng.normal(3.0, 2.0, size=(n, 5)) for n in (1, 40, 7, 300)]
    stats = streaming._RunningStats()
    for b in batches:
        stats.add(b, 0.25)
    everything = np.concatenate(batches)
    np.testing.assert_allclose(stats.mean, everything.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(stats.std(), everything.std(axis=0), rtol=1e-12)
    assert stats.count == len(everything) and stats.seconds == 1.0


# -- the stream's life --------------------------------------------------------------------------


def test_flush_gives_the_last_partial_window_once(mel_model, speech):
    stream = StreamingRecognizer(mel_model, window=3.0)
    assert stream.push(speech[: 2 * RATE], sr=RATE) == []
    (last,) = stream.flush()
    assert last.time == pytest.approx(2.0) and last.duration == pytest.approx(2.0)
    assert _max_difference(last.probabilities, mel_model.predict_array(speech[: 2 * RATE], RATE).probabilities) < EXACT
    assert stream.flush() == []  # no audio since
    short = StreamingRecognizer(mel_model, window=3.0)
    short.push(speech[:100], sr=RATE)
    assert short.flush() == []  # shorter than one n_fft: too short for the features
    assert StreamingRecognizer(mel_model).flush() == []


def test_flush_after_whole_windows_covers_only_new_audio(mel_model, speech):
    stream = StreamingRecognizer(mel_model, window=2.0)
    results = stream.push(speech[: 2 * RATE], sr=RATE)
    assert [r.time for r in results] == [2.0]
    assert stream.flush() == []  # the last window already ended where the stream ends


def test_reset_starts_a_new_stream(mel_model, speech):
    stream = StreamingRecognizer(mel_model, window=2.0)
    first = _stream(stream, speech, [5000])
    stream.reset()
    assert stream.sample_rate is None
    stream.push(np.zeros(10, np.float32), sr=8000)  # a new stream may have another rate
    stream.reset()
    assert _stream(stream, speech, [5000]) == first


def test_memory_stays_bounded_on_a_long_stream(mel_model, speech):
    stream = StreamingRecognizer(mel_model, window=2.0)
    for _ in range(6):  # 40 s of speech
        for i in range(0, len(speech), 4000):
            stream.push(speech[i:i + 4000], sr=RATE)
        assert len(stream._buffer) <= 2 * RATE
        assert len(stream._mel.cache) <= 1 + 2 * RATE // 256


def test_streams_sharing_one_recognizer_in_threads_match_one_at_a_time(mel_model, speech):
    alone = _stream(StreamingRecognizer(mel_model, window=2.0), speech, [3000])
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda _: _stream(StreamingRecognizer(mel_model, window=2.0), speech, [3000]), range(4)))
    assert all(t == alone for t in together)


def test_a_model_folder_loads_and_results_serialise(mel_model, training_files, speech, tmp_path):
    paths, labels, _ = training_files
    folder = tmp_path / "model"
    EmotionClassifier(features=MEL, **TINY).fit(paths, labels).save(folder)
    stream = StreamingRecognizer(str(folder), window=2.0)
    (r, *_) = stream.push(speech[: 3 * RATE])  # no sr: the model's rate
    row = r.to_dict()
    assert json.loads(json.dumps(row)) == row
    assert set(row) == {"time", "emotion", "probability", "probabilities", "warm", "duration"}
    assert row["probability"] == max(row["probabilities"].values())
    assert isinstance(r, StreamResult) and "StreamingRecognizer(window=2.0" in repr(stream)


# -- bad input --------------------------------------------------------------------------------


def test_a_nan_chunk_is_refused_and_leaves_the_stream_as_it_was(mel_model, speech):
    stream = StreamingRecognizer(mel_model, window=2.0)
    stream.push(speech[: RATE], sr=RATE)
    bad = speech[RATE: 2 * RATE].copy()
    bad[10] = np.nan
    with pytest.raises(ParameterError, match="NaN"):
        stream.push(bad)
    with pytest.raises(ParameterError, match="NaN"):
        stream.push(np.array([np.inf], np.float32))
    rest = _stream(stream, speech[RATE:], [8000])
    clean = _stream(StreamingRecognizer(mel_model, window=2.0), speech, [RATE] + [8000] * 100)
    assert rest == clean


def test_an_empty_chunk_changes_nothing(mel_model, speech):
    stream = StreamingRecognizer(mel_model, window=2.0)
    assert stream.push(np.zeros(0, np.float32), sr=RATE) == []
    assert stream.push(np.zeros(0, np.int16)) == []
    assert _stream(stream, speech, [5000]) == _stream(StreamingRecognizer(mel_model, window=2.0), speech, [5000])


@pytest.mark.parametrize("chunk, error, match", [
    (np.zeros((2, 100), np.float32), ParameterError, "1-D"),
    (np.zeros((100, 1), np.float32), ParameterError, "1-D"),
    (np.zeros(100, np.int32), TypeError, "int32"),
    (np.zeros(100, np.complex64), TypeError, "complex64"),
    (np.zeros(100, object), TypeError, "object"),
    (np.zeros(100, bool), TypeError, "bool"),
    (np.zeros(100, np.float16), TypeError, "float16"),
    (np.zeros(100, np.uint16), TypeError, "uint16"),
    ([0.0] * 100, TypeError, "numpy array"),
    (b"\x00" * 100, TypeError, "numpy array"),
])
def test_unusable_chunks_are_refused(mel_model, chunk, error, match):
    with pytest.raises(error, match=match):
        StreamingRecognizer(mel_model).push(chunk, sr=RATE)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(window=1.0, hop=2.0), ParameterError, "at most the window"),
    (dict(hop=0), ParameterError, "positive"),
    (dict(hop=-0.5), ParameterError, "positive"),
    (dict(window=0), ParameterError, "positive"),
    (dict(window=float("nan")), ParameterError, "finite"),
    (dict(window=float("inf")), ParameterError, "finite"),
    (dict(window=0.01), ParameterError, "shorter than this model"),
    (dict(window=1e9), ParameterError, "longer than 60 s"),
    (dict(window="3"), TypeError, "number of seconds"),
    (dict(hop=True), TypeError, "number of seconds"),
    (dict(warmup=0), ParameterError, "positive"),
    (dict(sr=0), ParameterError, "positive"),
    (dict(sr=44100.5), ParameterError, "whole number"),
])
def test_absurd_settings_are_refused(mel_model, kwargs, error, match):
    with pytest.raises(error, match=match):
        StreamingRecognizer(mel_model, **kwargs)


def test_a_model_that_is_neither_a_recognizer_nor_a_folder_is_refused(tmp_path):
    with pytest.raises(TypeError, match="Recognizer or a model folder"):
        StreamingRecognizer(42)
    with pytest.raises(FileNotFoundError):
        StreamingRecognizer(tmp_path / "nothing")


def test_a_sample_rate_change_mid_stream_is_refused(mel_model, speech):
    stream = StreamingRecognizer(mel_model, sr=48000)
    with pytest.raises(ParameterError, match="keeps one rate"):
        stream.push(speech[:100], sr=16000)
    stream.push(speech[:100])  # no sr: the stream's
    with pytest.raises(ParameterError, match="keeps one rate"):
        stream.push(speech[:100], sr=22050)
    with pytest.raises(ParameterError, match="positive"):
        stream.push(speech[:100], sr=-1)
    assert stream.sample_rate == 48000


def test_predict_features_refuses_what_does_not_fit_the_model(mel_model):
    with pytest.raises(ParameterError, match=r"\(frames >= 1, 32\)"):
        mel_model.predict_features(np.zeros((5, 7), np.float32), 1.0)
    with pytest.raises(TypeError, match="real-valued"):
        mel_model.predict_features([[0.0] * 32], 1.0)
    with pytest.raises(ParameterError, match="does not normalise by speaker"):
        mel_model.predict_features(np.zeros((5, 32), np.float32), 1.0, mean=np.zeros(32), std=np.ones(32))


# -- the command --------------------------------------------------------------------------------


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ser_rs.cli", *map(str, args)], capture_output=True, text=True, timeout=600, cwd=ROOT)


def test_the_stream_command_prints_the_api_s_results(mel_model, training_files, ravdess16k, tmp_path):
    paths, labels, _ = training_files
    folder = tmp_path / "model"
    EmotionClassifier(features=MEL, **TINY).fit(paths, labels).save(folder)
    audio = ravdess16k / "Actor_03" / "03-01-05-01-01-01-03.flac"
    out = _cli("stream", audio, "--model", folder, "--window", "2", "--json")
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    y, _ = ser_rs.load(audio, sr=None)
    expected = _stream(StreamingRecognizer(folder, window=2.0), y, [1600])
    assert [r["time"] for r in rows] == [r.time for r in expected]
    assert all(_max_difference(r["probabilities"], e.to_dict()["probabilities"]) < EXACT for r, e in zip(rows, expected))
    text = _cli("stream", audio, "--model", folder, "--window", "2")
    assert text.returncode == 0 and len(text.stdout.splitlines()) == len(rows)
    assert text.stdout.splitlines()[0].split()[:2] == [f"{rows[0]['time']:.2f}", "s"]


def test_the_stream_command_explains_what_is_missing(tmp_path, ravdess16k):
    audio = ravdess16k / "Actor_03" / "03-01-05-01-01-01-03.flac"
    none = _cli("stream", "--model", tmp_path)
    assert none.returncode == 2 and "FILE" in none.stderr
    missing = _cli("stream", tmp_path / "missing.wav", "--model", tmp_path)
    assert missing.returncode == 1 and "error" in missing.stderr
    no_model = _cli("stream", audio, "--model", tmp_path / "no-model")
    assert no_model.returncode == 1 and "model.json" in no_model.stderr


def test_the_microphone_is_used_only_where_it_can_be(tmp_path):
    try:
        import sounddevice  # noqa: F401
    except (ImportError, OSError):
        out = _cli("stream", "--microphone", "--model", tmp_path)
        assert out.returncode == 2 and "pip install sounddevice" in out.stderr
    else:
        pytest.skip("sounddevice is installed: the microphone path needs a real device")


def test_the_stream_command_explains_itself_and_its_bad_settings(mel_model, training_files, ravdess16k, tmp_path, capsys):
    from ser_rs.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["stream", "--help"])
    assert exit_.value.code == 0 and "--realtime" in capsys.readouterr().out
    paths, labels, _ = training_files
    folder = tmp_path / "model"
    EmotionClassifier(features=MEL, **TINY).fit(paths, labels).save(folder)
    audio = str(ravdess16k / "Actor_03" / "03-01-05-01-01-01-03.flac")
    assert main(["stream", audio, "--model", str(folder), "--window", "1", "--hop", "2"]) == 1
    assert "at most the window" in capsys.readouterr().err
    assert main(["stream", audio, "--model", str(folder), "--chunk", "0"]) == 2
    assert "--chunk" in capsys.readouterr().err


def test_the_benchmark_runs_and_reports_both_methods(ravdess16k, tmp_path):
    out = tmp_path / "streaming.json"
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_streaming.py"), "--seconds", "5", "--output", str(out)],
                         capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    report = json.loads(out.read_text())
    assert set(report["models"]) == {"mel+functionals", "mel"}
    for rows in report["models"].values():
        streamed, offline = rows["streaming (incremental)"], rows["predict_array per window"]
        assert streamed["hops"] == offline["hops"] == 1 + int((5 - 3) / 0.496)
        assert 0 < streamed["median_ms"] <= streamed["p99_ms"] and streamed["real_time_factor"] > 0


def test_the_stream_command_without_the_trainer_names_the_install_command(monkeypatch, tmp_path, capsys):
    from ser_rs._backend import INSTALL_TRAINER
    from ser_rs.cli import main

    monkeypatch.setitem(sys.modules, "ser_rs_train", None)  # as when the trainer is not installed
    assert main(["stream", str(tmp_path / "a.wav"), "--model", str(tmp_path)]) == 2
    assert INSTALL_TRAINER in capsys.readouterr().err


def test_importing_streaming_loads_no_torch():
    code = "import json, sys, ser_rs.streaming; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'ser_rs_train'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
