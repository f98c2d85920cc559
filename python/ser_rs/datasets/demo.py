"""Synthetic emotional speech, so demos and tests run with no recordings at all.

:func:`make_demo_corpus` writes a small corpus in RAVDESS's image: several synthetic speakers
(odd numbers male, even female) each say one of two sentences in RAVDESS's eight emotions, with
a ``manifest.csv``. :func:`synthesize` makes one utterance as an array. The synthesis runs in
Rust, in parallel, and every utterance is a pure function of ``(seed, speaker, emotion,
repetition)`` and the sampling rate.

How it is made: a source-filter model. Rosenberg (1971) glottal pulses with per-period jitter
and shimmer, aspiration noise for breathiness and a one-pole spectral tilt feed a cascade of
formant resonators (Klatt 1980) that move between the sentence's vowels (Peterson & Barney 1952
formants, scaled by the speaker's vocal-tract length); noise through a resonance makes the
fricatives and stop bursts. Syllable durations follow the speaking rate; pitch has a declining
baseline, accents on stressed syllables and a terminal rise or fall.

What the emotion changes, as directions relative to neutral speech reported by Murray & Arnott
(1993), Banse & Scherer (1996), Scherer (2003), Juslin & Laukka (2003) and Gobl & Ní Chasaide
(2003) (the magnitudes are ours):

=========  ===========  ===========  ===========  =========  ===========================
emotion    pitch level  pitch range  rate         intensity  voice
=========  ===========  ===========  ===========  =========  ===========================
angry      much higher  much wider   faster       higher     tense, flat spectrum, jitter
happy      much higher  much wider   faster       higher     rising end, bright spectrum
fearful    highest      wider        much faster  ~normal    breathy, most jitter, rising
surprised  higher       widest       ~normal      higher     rising end (our assumption)
sad        lower        narrower     slower       lower      breathy, steep tilt, slurred
disgust    lower        wider        slowest      lower      wide falling end
calm       ~neutral     narrower     slower       lower      breathy (our assumption)
=========  ===========  ===========  ===========  =========  ===========================

How strongly an utterance expresses its emotion is drawn per repetition (and scaled by the speaker's
expressiveness), and every parameter scatters a little, so classes overlap as in real corpora:
neutral and calm, happy and surprised are the hardest pairs.

References: Murray & Arnott 1993, JASA 93(2) 1097-1108; Banse & Scherer 1996, J. Pers. Soc.
Psychol. 70(3) 614-636; Scherer 2003, Speech Communication 40 227-256; Juslin & Laukka 2003,
Psychol. Bull. 129(5) 770-814; Gobl & Ní Chasaide 2003, Speech Communication 40 189-212;
Rosenberg 1971, JASA 49 583-590; Klatt 1980, JASA 67 971-995; Peterson & Barney 1952, JASA 24
175-184; Klatt & Klatt 1990, JASA 87 820-857.
"""

from __future__ import annotations

import numbers
import os
import wave
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

from ser_rs import _native
from ser_rs._progress import ProgressBar
from ser_rs._validate import as_n_jobs, as_number, as_rate, as_seed
from ser_rs.exceptions import InputTypeError, MissingFileError, ParameterError

__all__ = ["EMOTIONS", "make_demo_audio", "make_demo_corpus", "speaker_voice", "synthesize", "write_wav"]

#: RAVDESS's eight emotions, in its code order (01 neutral ... 08 surprised).
EMOTIONS: tuple[str, ...] = tuple(_native.synth_emotions())

#: Utterances generated per native call: bounds memory for large corpora.
_CHUNK = 256
#: More utterances than this is no demo corpus; it is a mistyped argument.
_MAX_UTTERANCES = 200_000


def write_wav(path: Union[str, os.PathLike], y: np.ndarray, sr: int) -> None:
    """Write a mono float signal in [-1, 1] as a 16-bit PCM WAV file (standard library only).

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (its folder must exist).
    y : np.ndarray [shape=(n,)]
        Samples in [-1, 1]; values outside are clipped.
    sr : int
        Sampling rate in Hz.

    Raises
    ------
    MissingFileError
        The folder of ``path`` does not exist.
    ParameterError
        ``y`` is not one-dimensional or holds NaN/inf, or ``sr`` is not a positive rate.

    Examples
    --------
    >>> import tempfile, os, numpy as np, ser_rs
    >>> path = os.path.join(tempfile.mkdtemp(), "tone.wav")
    >>> write_wav(path, np.zeros(1600, dtype=np.float32), 16000)
    >>> ser_rs.load(path, sr=None)[0].shape
    (1600,)
    """
    samples = np.asarray(y, dtype=np.float64)
    if samples.ndim != 1:
        raise ParameterError(f"write_wav writes mono audio: y must have shape (n,), got {samples.shape}")
    if not np.isfinite(samples).all():
        raise ParameterError("y holds NaN or inf samples; a WAV file cannot hold them (clean the signal first)")
    sr = as_rate(sr, "sr")
    if not 0 < sr < 2**31:
        raise ParameterError(f"sr={sr} must be a positive sampling rate in Hz, e.g. 16000")
    folder = Path(os.fspath(path)).expanduser().parent
    if not folder.is_dir():
        raise MissingFileError(f"cannot write {path}: folder {folder} does not exist; make it first")
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    with wave.open(os.fspath(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(sr))
        w.writeframes(pcm.tobytes())


def _int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InputTypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ParameterError(f"{name}={value} must be an integer >= {minimum}")
    return int(value)


def _emotion(emotion: Any) -> str:
    if not isinstance(emotion, str):
        raise InputTypeError(f"emotion must be a string, one of {list(EMOTIONS)}; got {type(emotion).__name__}")
    return emotion


def _strength(strength: Any) -> Optional[float]:
    return None if strength is None else as_number(strength, "strength")


def speaker_voice(speaker: int) -> dict:
    """The habitual voice of synthetic speaker ``speaker`` (numbered from 1; odd male, even female).

    A speaker's voice depends on its number alone, so speaker 3 is the same person in every
    corpus, whatever the seed.

    Returns
    -------
    dict
        ``sex``, ``f0_hz`` (neutral pitch level), ``formant_scale`` (formants relative to the
        male reference, i.e. inverse vocal-tract length), ``breathiness`` (habitual aspiration),
        ``rate_scale`` and ``expressiveness``.

    Parameters
    ----------
    speaker : int >= 1
        The speaker's number.

    Raises
    ------
    ParameterError
        ``speaker`` below 1.
    InputTypeError
        ``speaker`` is not an integer.

    Examples
    --------
    >>> from ser_rs.datasets import speaker_voice
    >>> v1, v2 = speaker_voice(1), speaker_voice(2)
    >>> v1["sex"], v2["sex"], v1["f0_hz"] < v2["f0_hz"], v1["formant_scale"] < v2["formant_scale"]
    ('male', 'female', True, True)
    """
    return dict(_native.synth_voice(_int(speaker, "speaker", 1)))


def synthesize(
    emotion: str,
    *,
    speaker: int = 1,
    repetition: int = 1,
    sr: int = 16000,
    seed: int = 0,
    strength: Optional[float] = None,
) -> np.ndarray:
    """One synthetic utterance of ``emotion`` as a float32 array (about two seconds).

    Parameters
    ----------
    emotion : str
        One of :data:`EMOTIONS`.
    speaker : int
        Speaker number, from 1 (odd: male, even: female); see :func:`speaker_voice`.
    repetition : int >= 1
        Which take of this emotion by this speaker: odd repetitions say statement 1, "Kids are
        talking by the door", even ones statement 2, "Dogs are sitting by the door" (RAVDESS's
        two statements).
    sr : int
        Sampling rate in Hz, 4000 to 192000.
    seed : int
        Seed of the corpus; the utterance is a pure function of ``(seed, speaker, emotion,
        repetition)`` and ``sr``.
    strength : float or None
        How strongly the emotion is expressed, 0 (a neutral delivery) to 1.5 (exaggerated); the
        speaker's expressiveness scales it. ``None`` draws it from U(0.5, 1).

    Returns
    -------
    np.ndarray
        float32 samples in [-1, 1], with a faint noise floor (never digital silence).

    Raises
    ------
    ParameterError
        Unknown emotion, speaker or repetition < 1, absurd ``sr``, NaN or out-of-range
        ``strength``, negative ``seed``.
    TypeError
        An argument of the wrong type.

    Examples
    --------
    >>> import numpy as np, ser_rs
    >>> y = ser_rs.datasets.synthesize("angry", speaker=2, seed=1)
    >>> y.dtype, 1.0 < len(y) / 16000 < 3.5
    (dtype('float32'), True)
    >>> bool(np.array_equal(y, ser_rs.datasets.synthesize("angry", speaker=2, seed=1)))
    True
    >>> loud = np.sqrt(np.mean(y ** 2))
    >>> soft = np.sqrt(np.mean(ser_rs.datasets.synthesize("sad", speaker=2, seed=1) ** 2))
    >>> bool(loud > 2 * soft)
    True
    """
    item = (_emotion(emotion), _int(speaker, "speaker", 1), _int(repetition, "repetition", 1) - 1, _strength(strength))
    ((y, _),) = _native.synth_utterances([item], sr=as_rate(sr), seed=as_seed(seed))
    return y


def _emotion_list(emotions: Optional[Iterable[str]]) -> list[str]:
    if emotions is None:
        return list(EMOTIONS)
    if isinstance(emotions, str):
        raise InputTypeError("emotions must be a list of emotion names, e.g. ['neutral', 'happy', 'sad', 'angry'], not one string")
    chosen = [_emotion(e).strip().lower() for e in emotions]
    unknown = [e for e in chosen if e not in EMOTIONS]
    if unknown:
        raise ParameterError(f"emotions: {unknown} not known; use names from {list(EMOTIONS)}")
    if not chosen:
        raise ParameterError("emotions is empty; pass at least two emotion names, or None for all eight")
    if len(set(chosen)) != len(chosen):
        raise ParameterError(f"emotions lists a name twice: {chosen}")
    return chosen


def _writable_folder(dest: Any) -> Path:
    """``dest`` created if needed and proven writable, or an OSError that names it."""
    if not isinstance(dest, (str, os.PathLike)):
        raise InputTypeError(f"dest must be a folder path (str or os.PathLike), got {type(dest).__name__}")
    folder = Path(dest)
    probe = folder / ".ser_rs_write_test"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        message = f"dest={os.fspath(dest)!r} is not a writable folder ({exc.strerror or exc}); pass a folder you can write to"
        raise (type(exc)(exc.errno, message) if exc.errno is not None else type(exc)(message)) from exc
    return folder


def make_demo_corpus(
    dest: Union[str, os.PathLike],
    *,
    n_speakers: int = 8,
    n_per_emotion: int = 4,
    emotions: Optional[Sequence[str]] = None,
    sr: int = 16000,
    seed: int = 0,
    n_jobs: Optional[int] = None,
    progress: bool = False,
):
    """Write a synthetic emotional-speech corpus as WAV files plus ``manifest.csv``.

    Speakers ``1..n_speakers`` each say ``n_per_emotion`` repetitions of every emotion
    (alternating RAVDESS's two statements), so a corpus has ``n_speakers * len(emotions) * n_per_emotion``
    files of about two seconds each, under ``dest/spkNN/``. The defaults (8 speakers x 8
    emotions x 4 repetitions = 256 files, ~10 minutes of audio) take a few seconds to make on
    two cores and are sized so that feature extraction and training a small model take a minute
    or two. Speakers differ in pitch, vocal-tract length, breathiness, loudness, rate and
    expressiveness, so splits that leave speakers out (``groups=manifest.speaker``) measure
    generalisation to new voices. Deterministic for a given ``seed``; files already in ``dest``
    with the same names are overwritten.

    Parameters
    ----------
    dest : str or os.PathLike
        Folder to write into (created if missing).
    n_speakers : int >= 1
    n_per_emotion : int >= 1
        Repetitions per speaker and emotion.
    emotions : list of str or None
        A subset of :data:`EMOTIONS` (e.g. the 4-class ``['neutral', 'happy', 'sad',
        'angry']``); ``None`` for all eight.
    sr : int
        Sampling rate in Hz, 4000 to 192000.
    seed : int
        Seed of the corpus.
    n_jobs : int or None
        Worker threads (``None`` or -1: all cores).
    progress : bool
        Show progress (a tqdm bar on a terminal or in a notebook, else one line at the end).

    Returns
    -------
    pandas.DataFrame
        One row per file: ``path`` (absolute), ``emotion``, ``speaker`` (int), ``sex``,
        ``statement`` (1 or 2), ``repetition`` (from 1), ``strength`` (expression strength
        used, after the speaker's expressiveness) and ``duration_s``. ``manifest.csv`` in ``dest`` holds the same rows with paths relative
        to ``dest``.

    Raises
    ------
    ParameterError
        ``n_speakers`` or ``n_per_emotion`` below 1 or absurdly large, unknown or repeated
        emotion names, absurd ``sr``, negative ``seed``.
    OSError
        ``dest`` cannot be created or written (the message names it).
    TypeError
        An argument of the wrong type.

    Examples
    --------
    >>> import tempfile
    >>> from ser_rs.datasets import make_demo_corpus
    >>> manifest = make_demo_corpus(tempfile.mkdtemp(), n_speakers=2, n_per_emotion=1)
    >>> len(manifest), sorted(manifest.sex.unique())
    (16, ['female', 'male'])
    >>> list(manifest.columns)
    ['path', 'emotion', 'speaker', 'sex', 'statement', 'repetition', 'strength', 'duration_s']
    >>> int((manifest.emotion == "angry").sum())
    2
    """
    import pandas as pd

    n_speakers = _int(n_speakers, "n_speakers", 1)
    n_per_emotion = _int(n_per_emotion, "n_per_emotion", 1)
    chosen = _emotion_list(emotions)
    total = n_speakers * len(chosen) * n_per_emotion
    if total > _MAX_UTTERANCES:
        raise ParameterError(
            f"n_speakers={n_speakers} x {len(chosen)} emotions x n_per_emotion={n_per_emotion} is {total} files, "
            f"more than {_MAX_UTTERANCES}; ask for fewer"
        )
    rate, seed, jobs = as_rate(sr), as_seed(seed), as_n_jobs(n_jobs)
    _native.synth_utterances([], sr=rate, seed=seed)  # checks sr before anything is written
    folder = _writable_folder(dest)
    voices = {s: _native.synth_voice(s) for s in range(1, n_speakers + 1)}
    items = [(e, s, t, None) for s in range(1, n_speakers + 1) for e in chosen for t in range(n_per_emotion)]
    rows = []
    with ProgressBar(len(items), disable=not progress, unit="utterance", desc="demo corpus") as bar:
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            done_before = bar.n

            def report(done: int) -> None:
                bar.update(done_before + done - bar.n)

            for (emotion, speaker, take, _), (y, info) in zip(chunk, _native.synth_utterances(chunk, sr=rate, seed=seed, n_jobs=jobs, progress=report)):
                relative = Path(f"spk{speaker:02d}") / f"spk{speaker:02d}_{emotion}_{take + 1:02d}.wav"
                (folder / relative.parent).mkdir(exist_ok=True)
                write_wav(folder / relative, y, rate)
                rows.append((relative.as_posix(), emotion, speaker, voices[speaker]["sex"], info["sentence"] + 1, take + 1, info["strength"], len(y) / rate))
            bar.update(done_before + len(chunk) - bar.n)
    manifest = pd.DataFrame(rows, columns=["path", "emotion", "speaker", "sex", "statement", "repetition", "strength", "duration_s"])
    manifest.to_csv(folder / "manifest.csv", index=False)
    manifest["path"] = [str((folder / p).resolve()) for p in manifest["path"]]
    return manifest


def make_demo_audio(dest: Union[str, os.PathLike], *, n_per_style: int = 2, sr: int = 16000, seed: int = 0) -> list[Path]:
    """Write a small set of synthetic speech WAV files and return their paths.

    Three synthetic speakers each say ``n_per_style`` utterances in two speaking styles: calm
    (narrow pitch range, soft, slow) and lively (happy: high, wide, loud, fast). Files are named
    ``spkN_STYLE_NN.wav``. Deterministic for a given ``seed``. For a corpus with all eight
    emotions and a manifest, use :func:`make_demo_corpus`.

    Parameters
    ----------
    dest : str or os.PathLike
        The folder to write into; made if missing.
    n_per_style : int >= 1, default 2
        Utterances per speaker and style.
    sr : int, default 16000
        Sampling rate of the files.
    seed : int, default 0
        Seed of the synthesis.

    Returns
    -------
    list of pathlib.Path
        The files written, speaker by speaker.

    Raises
    ------
    ParameterError
        ``n_per_style`` below 1, or an unusable ``sr``.

    Examples
    --------
    >>> import tempfile, ser_rs.datasets
    >>> paths = ser_rs.datasets.make_demo_audio(tempfile.mkdtemp(), n_per_style=1)
    >>> len(paths), paths[0].name
    (6, 'spk1_calm_01.wav')
    """
    n_per_style = _int(n_per_style, "n_per_style", 1)
    folder = _writable_folder(dest)
    rate = as_rate(sr)
    styles = (("calm", "calm"), ("lively", "happy"))
    items = [(emotion, speaker, k, None) for speaker in (1, 2, 3) for _, emotion in styles for k in range(n_per_style)]
    names = [f"spk{speaker}_{style}_{k + 1:02d}.wav" for speaker in (1, 2, 3) for style, _ in styles for k in range(n_per_style)]
    paths = []
    for name, (y, _) in zip(names, _native.synth_utterances(items, sr=rate, seed=as_seed(seed))):
        write_wav(folder / name, y, rate)
        paths.append(folder / name)
    return paths
