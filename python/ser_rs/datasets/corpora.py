"""Readers that turn a folder of emotional speech into a manifest: one row per audio file.

A manifest is a pandas DataFrame whose first columns are always

- ``path``: the file's absolute path (str),
- ``corpus``: which reader made the row (``"ravdess"``, ``"crema_d"``, ...),
- ``speaker``: the corpus's own speaker id as a string (``"01"``, ``"1001"``, ``"OAF"``), or
  None when unknown; splits in :mod:`ser_rs.datasets.splits` group on it,
- ``sex``: ``"M"``, ``"F"`` or None,
- ``emotion``: the label mapped to the common set :data:`EMOTIONS`,
- ``label``: the corpus's own code for it (``"05"``, ``"ANG"``, ``"W"``), kept for tracing,

followed by the corpus's other fields (RAVDESS intensity, statement, repetition, ...).

The published corpora are recognised by their documented file names, so their files can sit
anywhere under the folder. Files that match no naming are left out and reported: a
:class:`CorpusWarning` names them and ``manifest.attrs["skipped"]`` lists their paths.
pandas is needed only when a reader is called.

Examples
--------
>>> import tempfile, numpy as np
>>> from pathlib import Path
>>> from ser_rs.datasets import read_corpus, write_wav
>>> root = Path(tempfile.mkdtemp())
>>> for name in ["03-01-05-01-01-01-01", "03-01-01-01-02-02-02"]:
...     write_wav(root / f"{name}.wav", np.zeros(160), 16000)
>>> manifest = read_corpus(root)
>>> manifest[["corpus", "speaker", "sex", "emotion", "intensity"]]
    corpus speaker sex  emotion intensity
0  ravdess      02   F  neutral    normal
1  ravdess      01   M    angry    normal
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from ser_rs.exceptions import InputTypeError, MissingFileError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "AUDIO_SUFFIXES",
    "CORPORA",
    "CorpusWarning",
    "EMOTIONS",
    "FOUR_CLASSES",
    "LABEL_MAPS",
    "detect_corpus",
    "normalize_emotion",
    "read_corpus",
    "read_crema_d",
    "read_csv_manifest",
    "read_emodb",
    "read_label_folders",
    "read_ravdess",
    "read_savee",
    "read_tess",
    "select_emotions",
]

PathLike = Union[str, "os.PathLike[str]"]

#: File suffixes the readers treat as audio (matched case-insensitively).
AUDIO_SUFFIXES: tuple[str, ...] = (".wav", ".flac", ".mp3", ".ogg")

#: The common label set every corpus is mapped to.
EMOTIONS: tuple[str, ...] = ("neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised", "boredom")

#: The 4-class subset used in many SER papers (after IEMOCAP practice, e.g. Latif et al. 2021,
#: "Survey of deep representation learning for speech emotion recognition").
FOUR_CLASSES: tuple[str, ...] = ("neutral", "happy", "sad", "angry")

#: The corpora :func:`read_corpus` recognises by file name.
CORPORA: tuple[str, ...] = ("ravdess", "crema_d", "tess", "savee", "emodb")

# Each corpus's own emotion codes mapped to EMOTIONS; the sources are cited at each reader.
LABEL_MAPS: dict[str, dict[str, str]] = {
    "ravdess": {
        "01": "neutral", "02": "calm", "03": "happy", "04": "sad",
        "05": "angry", "06": "fearful", "07": "disgust", "08": "surprised",
    },
    "crema_d": {"NEU": "neutral", "HAP": "happy", "SAD": "sad", "ANG": "angry", "FEA": "fearful", "DIS": "disgust"},
    # TESS's "pleasant surprise" (ps) goes to "surprised", the only surprise class in the set.
    "tess": {
        "neutral": "neutral", "happy": "happy", "sad": "sad", "angry": "angry", "fear": "fearful",
        "disgust": "disgust", "ps": "surprised", "pleasant_surprise": "surprised", "pleasant_surprised": "surprised",
    },
    "savee": {"n": "neutral", "h": "happy", "sa": "sad", "a": "angry", "f": "fearful", "d": "disgust", "su": "surprised"},
    # EmoDB's letters are the German words' initials: Wut/Aerger, Langeweile, Ekel, Angst, Freude, Trauer, Neutral.
    "emodb": {"N": "neutral", "F": "happy", "T": "sad", "W": "angry", "A": "fearful", "E": "disgust", "L": "boredom"},
}

# Spellings people use for folder names and CSV labels, mapped to EMOTIONS.
_ALIASES: dict[str, str] = {
    **{name: name for name in EMOTIONS},
    "neu": "neutral", "hap": "happy", "happiness": "happy", "joy": "happy", "sadness": "sad",
    "anger": "angry", "ang": "angry", "fear": "fearful", "fearfulness": "fearful", "anxiety": "fearful",
    "disgusted": "disgust", "surprise": "surprised", "ps": "surprised", "pleasant_surprise": "surprised",
    "pleasant_surprised": "surprised", "bored": "boredom",
}


class CorpusWarning(UserWarning):
    """Some files under a corpus folder were left out of the manifest (see ``attrs["skipped"]``).

    Examples
    --------
    >>> import os, tempfile, warnings
    >>> from ser_rs.datasets import CorpusWarning, read_ravdess
    >>> root = tempfile.mkdtemp()
    >>> os.makedirs(os.path.join(root, "Actor_01"))
    >>> for name in ("03-01-05-01-01-01-01.wav", "notes.wav"):
    ...     open(os.path.join(root, "Actor_01", name), "wb").close()
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     manifest = read_ravdess(root)
    >>> caught[0].category is CorpusWarning, [os.path.basename(p) for p in manifest.attrs["skipped"]]
    (True, ['notes.wav'])
    """


def normalize_emotion(label: Any) -> str:
    """The common-set name of an emotion label, or the label unchanged when it is not a known one.

    Matching ignores case, surrounding blanks and ``-``/space versus ``_`` (``"Pleasant Surprise"``
    becomes ``"surprised"``).

    Parameters
    ----------
    label : str
        An emotion label as a corpus spells it.

    Returns
    -------
    str
        The name in :data:`EMOTIONS` (``'angry'``, ``'happy'``, ...), or ``label`` itself.

    Raises
    ------
    InputTypeError
        ``label`` is None or a float NaN (a missing label, not an emotion).

    Examples
    --------
    >>> from ser_rs.datasets import normalize_emotion
    >>> normalize_emotion("Anger"), normalize_emotion("happiness"), normalize_emotion("frustrated")
    ('angry', 'happy', 'frustrated')
    """
    if label is None or (isinstance(label, float) and label != label):
        raise InputTypeError("an emotion label is missing (None/NaN); fill or drop the rows without a label")
    text = str(label).strip()
    key = re.sub(r"[\s\-]+", "_", text.lower())
    return _ALIASES.get(key, text)


# -- shared machinery -------------------------------------------------------------------------


def _pandas():
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ImportError("ser_rs.datasets readers return pandas DataFrames: install pandas (`pip install pandas`)") from exc
    return pandas


def _folder(path: PathLike, what: str = "corpus folder") -> Path:
    """``path`` as an absolute existing folder, or a FileNotFoundError / ParameterError saying why not."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(f"path must be a str or os.PathLike naming a {what}, got {type(path).__name__}")
    folder = Path(path).expanduser()
    if not folder.exists():
        raise MissingFileError(f"{what} {folder} does not exist; pass the folder that holds the audio files")
    if not folder.is_dir():
        raise ParameterError(f"{what} {folder} is a file, not a folder; pass the folder that holds the audio files")
    return folder.resolve()


def _audio_files(folder: Path) -> list[Path]:
    """Audio files under ``folder``, recursively, in a stable order; hidden files are ignored."""
    files = [
        p for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES and not p.name.startswith(".")
    ]
    if not files:
        raise ParameterError(
            f"no audio files ({', '.join(AUDIO_SUFFIXES)}) under {folder}; "
            "check the path, or unpack the corpus archive there first"
        )
    return sorted(files)


def _report_skipped(skipped: list[Path], folder: Path, why: str, stacklevel: int = 3) -> None:
    """A CorpusWarning naming the first few skipped files; ``stacklevel`` points it at the user's call."""
    if not skipped:
        return
    shown = ", ".join(p.name for p in skipped[:5]) + (", ..." if len(skipped) > 5 else "")
    warnings.warn(
        f"{len(skipped)} file(s) under {folder} skipped: {why} ({shown}); "
        "their paths are in manifest.attrs['skipped']",
        CorpusWarning,
        stacklevel=stacklevel + 1,
    )


def _manifest(rows: list[dict], columns: Sequence[str], corpus: str, folder: Path, skipped: list[Path]) -> "pd.DataFrame":
    pd = _pandas()
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    frame = frame.sort_values("path", kind="stable").reset_index(drop=True)
    frame.attrs.update({"corpus": corpus, "root": str(folder), "skipped": [str(p) for p in skipped]})
    return frame


_BASE = ("path", "corpus", "speaker", "sex", "emotion", "label")


def _read_named(
    path: PathLike,
    corpus: str,
    parse: Callable[[Path], Optional[dict]],
    extra: Sequence[str],
    example: str,
) -> "pd.DataFrame":
    """Runs ``parse`` over every audio file; files it rejects (None) are reported and left out."""
    folder = _folder(path)
    rows, skipped = [], []
    for file in _audio_files(folder):
        fields = parse(file)
        if fields is None:
            skipped.append(file)
        else:
            rows.append({"path": str(file), "corpus": corpus, **fields})
    if not rows:
        raise ParameterError(
            f"none of the {len(skipped)} audio files under {folder} follows the {corpus} file naming "
            f"(e.g. {example}); read it with read_corpus(path, corpus='auto') or read_label_folders / read_csv_manifest"
        )
    _report_skipped(skipped, folder, f"the name follows no {corpus} naming such as {example}", stacklevel=3)
    return _manifest(rows, list(_BASE) + list(extra), corpus, folder, skipped)


# -- RAVDESS ----------------------------------------------------------------------------------
# Livingstone & Russo (2018), PLoS ONE 13(5): e0196391, and the Zenodo record 10.5281/zenodo.1188976:
# seven two-digit fields "MM-VV-EE-II-SS-RR-AA": modality (01 full-AV, 02 video-only, 03
# audio-only), vocal channel (01 speech, 02 song), emotion (01..08), intensity (01 normal,
# 02 strong; neutral has no strong), statement (01 "Kids are talking by the door", 02 "Dogs are
# sitting by the door"), repetition (01, 02), actor (01..24; odd male, even female).

_RAVDESS = re.compile(r"(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})")
_RAVDESS_MODALITY = {"01": "full-AV", "02": "video-only", "03": "audio-only"}
_RAVDESS_CHANNEL = {"01": "speech", "02": "song"}
_RAVDESS_INTENSITY = {"01": "normal", "02": "strong"}
_RAVDESS_EXTRA = ("modality", "vocal_channel", "intensity", "statement", "repetition", "actor")


def _parse_ravdess(file: Path) -> Optional[dict]:
    match = _RAVDESS.fullmatch(file.stem)
    if match is None:
        return None
    modality, channel, emotion, intensity, statement, repetition, actor = match.groups()
    known = (
        modality in _RAVDESS_MODALITY and channel in _RAVDESS_CHANNEL and emotion in LABEL_MAPS["ravdess"]
        and intensity in _RAVDESS_INTENSITY and statement in ("01", "02") and repetition in ("01", "02")
        and 1 <= int(actor) <= 24 and not (emotion == "01" and intensity == "02")
    )
    if not known:
        return None
    return {
        "speaker": actor,
        "sex": "M" if int(actor) % 2 else "F",
        "emotion": LABEL_MAPS["ravdess"][emotion],
        "label": emotion,
        "modality": _RAVDESS_MODALITY[modality],
        "vocal_channel": _RAVDESS_CHANNEL[channel],
        "intensity": _RAVDESS_INTENSITY[intensity],
        "statement": int(statement),
        "repetition": int(repetition),
        "actor": int(actor),
    }


def read_ravdess(path: PathLike) -> "pd.DataFrame":
    """Manifest of a RAVDESS folder (speech or song, any sampling rate or format).

    Parameters
    ----------
    path : str or os.PathLike
        Folder searched recursively, e.g. the unpacked ``Audio_Speech_Actors_01-24.zip``.

    Returns
    -------
    pandas.DataFrame
        The common columns (``speaker`` is the two-digit actor, ``sex`` follows the odd-male /
        even-female rule) plus ``modality``, ``vocal_channel``, ``intensity`` (``"normal"`` /
        ``"strong"``), ``statement`` (1, 2), ``repetition`` (1, 2) and ``actor`` (int).

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ParameterError
        ``path`` is a file, holds no audio, or no file follows the RAVDESS naming.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import read_ravdess, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> write_wav(root / "03-01-06-02-01-02-12.wav", np.zeros(160), 16000)
    >>> read_ravdess(root)[["speaker", "sex", "emotion", "intensity", "statement", "repetition"]]
      speaker sex  emotion intensity  statement  repetition
    0      12   F  fearful    strong          1           2
    """
    return _read_named(path, "ravdess", _parse_ravdess, _RAVDESS_EXTRA, "'03-01-05-01-02-01-12.wav'")


# -- CREMA-D ----------------------------------------------------------------------------------
# Cao et al. (2014), "CREMA-D: Crowd-sourced Emotional Multimodal Actors Dataset", IEEE Trans.
# Affective Computing 5(4):377-390, and github.com/CheyneyComputerScience/CREMA-D: file names
# "AAAA_SSS_EEE_LL": actor id (1001..1091), sentence code (12 sentences), emotion (ANG, DIS, FEA,
# HAP, NEU, SAD), emotion level (LO, MD, HI, XX = unspecified).

_CREMA = re.compile(r"(\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})")
_CREMA_SENTENCES = {
    "IEO": "It's eleven o'clock",
    "TIE": "That is exactly what happened",
    "IOM": "I'm on my way to the meeting",
    "IWW": "I wonder what this is about",
    "TAI": "The airplane is almost full",
    "MTI": "Maybe tomorrow it will be cold",
    "IWL": "I would like a new alarm clock",
    "ITH": "I think I have a doctor's appointment",
    "DFA": "Don't forget a jacket",
    "ITS": "I think I've seen this before",
    "TSI": "The surface is slick",
    "WSI": "We'll stop in a couple of minutes",
}
_CREMA_LEVEL = {"LO": "low", "MD": "medium", "HI": "high", "XX": "unspecified"}
# The 43 female actors (the other 48 of 1001..1091 are male), from the corpus's
# VideoDemographics.csv ("Sex" column).
_CREMA_FEMALE = frozenset(
    1000 + n for n in (
        2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 18, 20, 21, 24, 25, 28, 29, 30, 37, 43, 46, 47, 49, 52, 53, 54,
        55, 56, 58, 60, 61, 63, 72, 73, 74, 75, 76, 78, 79, 82, 84, 89, 91,
    )
)
_CREMA_EXTRA = ("sentence", "intensity", "actor")


def _parse_crema(file: Path) -> Optional[dict]:
    match = _CREMA.fullmatch(file.stem)
    if match is None:
        return None
    actor, sentence, emotion, level = match.groups()
    if not (1001 <= int(actor) <= 1091 and sentence in _CREMA_SENTENCES and emotion in LABEL_MAPS["crema_d"] and level in _CREMA_LEVEL):
        return None
    return {
        "speaker": actor,
        "sex": "F" if int(actor) in _CREMA_FEMALE else "M",
        "emotion": LABEL_MAPS["crema_d"][emotion],
        "label": emotion,
        "sentence": sentence,
        "intensity": _CREMA_LEVEL[level],
        "actor": int(actor),
    }


def read_crema_d(path: PathLike) -> "pd.DataFrame":
    """Manifest of a CREMA-D folder (``AudioWAV`` or ``AudioMP3``).

    Parameters
    ----------
    path : str or os.PathLike
        Folder searched recursively.

    Returns
    -------
    pandas.DataFrame
        The common columns (``speaker`` is the four-digit actor id, ``sex`` from the corpus's
        demographics table) plus ``sentence`` (the three-letter code), ``intensity``
        (``"low"``, ``"medium"``, ``"high"``, ``"unspecified"``) and ``actor`` (int).

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ParameterError
        ``path`` is a file, holds no audio, or no file follows the CREMA-D naming.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import read_crema_d, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> write_wav(root / "1002_IEO_HAP_HI.wav", np.zeros(160), 16000)
    >>> read_crema_d(root).iloc[0][["speaker", "sex", "emotion", "sentence", "intensity"]].tolist()
    ['1002', 'F', 'happy', 'IEO', 'high']
    """
    return _read_named(path, "crema_d", _parse_crema, _CREMA_EXTRA, "'1001_DFA_ANG_XX.wav'")


# -- TESS -------------------------------------------------------------------------------------
# Dupuis & Pichora-Fuller (2010), Toronto emotional speech set, University of Toronto
# (doi:10.5683/SP2/E8H2MF): two actresses, OAF (aged 64) and YAF (aged 26), say "Say the word
# ___" with 200 target words in 7 emotions; files are "<speaker>_<word>_<emotion>.wav".

_TESS = re.compile(r"(OAF|YAF)_([A-Za-z]+)_([A-Za-z_]+)", re.IGNORECASE)
_TESS_AGE = {"OAF": 64, "YAF": 26}
_TESS_EXTRA = ("word", "age")


def _parse_tess(file: Path) -> Optional[dict]:
    match = _TESS.fullmatch(file.stem)
    if match is None:
        return None
    speaker, word, emotion = match.group(1).upper(), match.group(2).lower(), match.group(3).lower()
    if emotion not in LABEL_MAPS["tess"]:
        return None
    return {
        "speaker": speaker,
        "sex": "F",
        "emotion": LABEL_MAPS["tess"][emotion],
        "label": emotion,
        "word": word,
        "age": _TESS_AGE[speaker],
    }


def read_tess(path: PathLike) -> "pd.DataFrame":
    """Manifest of a TESS folder (Toronto emotional speech set).

    Only two speakers, both female: speaker-independent splits on TESS alone have two folds.

    Parameters
    ----------
    path : str or os.PathLike
        Folder searched recursively.

    Returns
    -------
    pandas.DataFrame
        The common columns (``speaker`` is ``"OAF"`` or ``"YAF"``) plus ``word`` (the target
        word) and ``age``.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ParameterError
        ``path`` is a file, holds no audio, or no file follows the TESS naming.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import read_tess, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> write_wav(root / "YAF_back_ps.wav", np.zeros(160), 16000)
    >>> read_tess(root).iloc[0][["speaker", "sex", "emotion", "label", "word"]].tolist()
    ['YAF', 'F', 'surprised', 'ps', 'back']
    """
    return _read_named(path, "tess", _parse_tess, _TESS_EXTRA, "'OAF_back_angry.wav'")


# -- SAVEE ------------------------------------------------------------------------------------
# Haq & Jackson (2009), "Speaker-dependent audio-visual emotion recognition", AVSP, and the
# corpus's AudioData/Info.txt: four male speakers DC, JE, JK, KL, one folder each; the file name's
# initial letter(s) a, d, f, h, n, sa, su give the emotion and the digits the sentence number
# (e.g. DC/d03.wav). Redistributed copies often flatten this to "DC_d03.wav"; both are read.

_SAVEE = re.compile(r"(?:([A-Za-z]{2})_)?(sa|su|a|d|f|h|n)(\d{2})")
_SAVEE_SPEAKERS = ("DC", "JE", "JK", "KL")
_SAVEE_EXTRA = ("sentence",)


def _parse_savee(file: Path) -> Optional[dict]:
    match = _SAVEE.fullmatch(file.stem)
    if match is None:
        return None
    prefix, emotion, number = match.groups()
    speaker = (prefix or file.parent.name).upper()
    if speaker not in _SAVEE_SPEAKERS:
        return None
    return {
        "speaker": speaker,
        "sex": "M",
        "emotion": LABEL_MAPS["savee"][emotion],
        "label": emotion,
        "sentence": int(number),
    }


def read_savee(path: PathLike) -> "pd.DataFrame":
    """Manifest of a SAVEE folder (Surrey Audio-Visual Expressed Emotion).

    Reads both the original layout (``AudioData/DC/a01.wav``: the speaker is the folder) and the
    flattened one (``DC_a01.wav``). All four speakers are male.

    Parameters
    ----------
    path : str or os.PathLike
        Folder searched recursively.

    Returns
    -------
    pandas.DataFrame
        The common columns (``speaker`` is ``"DC"``, ``"JE"``, ``"JK"`` or ``"KL"``) plus
        ``sentence`` (the number within the emotion).

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ParameterError
        ``path`` is a file, holds no audio, or no file follows the SAVEE naming.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import read_savee, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "JK").mkdir()
    >>> write_wav(root / "JK" / "sa07.wav", np.zeros(160), 16000)
    >>> write_wav(root / "DC_h01.wav", np.zeros(160), 16000)
    >>> read_savee(root)[["speaker", "emotion", "sentence"]]
      speaker emotion  sentence
    0      DC   happy         1
    1      JK     sad         7
    """
    return _read_named(path, "savee", _parse_savee, _SAVEE_EXTRA, "'DC/a01.wav' or 'DC_a01.wav'")


# -- EmoDB ------------------------------------------------------------------------------------
# Burkhardt et al. (2005), "A Database of German Emotional Speech", Interspeech, and the corpus
# documentation (emodb.bilderbar.info/docu): "03a01Fa.wav" = speaker (2 digits), text code (a01,
# a02, a04, a05, a07, b01, b02, b03, b09, b10), emotion letter, version letter. Speakers' sex and age:

_EMODB = re.compile(r"(\d{2})([ab]\d{2})([A-Z])([a-z])")
_EMODB_SPEAKERS = {
    "03": ("M", 31), "08": ("F", 34), "09": ("F", 21), "10": ("M", 32), "11": ("M", 26),
    "12": ("M", 30), "13": ("F", 32), "14": ("F", 35), "15": ("M", 25), "16": ("F", 31),
}
_EMODB_TEXTS = frozenset(("a01", "a02", "a04", "a05", "a07", "b01", "b02", "b03", "b09", "b10"))
_EMODB_EXTRA = ("text", "version", "age")


def _parse_emodb(file: Path) -> Optional[dict]:
    match = _EMODB.fullmatch(file.stem)
    if match is None:
        return None
    speaker, text, emotion, version = match.groups()
    if speaker not in _EMODB_SPEAKERS or text not in _EMODB_TEXTS or emotion not in LABEL_MAPS["emodb"]:
        return None
    sex, age = _EMODB_SPEAKERS[speaker]
    return {
        "speaker": speaker,
        "sex": sex,
        "emotion": LABEL_MAPS["emodb"][emotion],
        "label": emotion,
        "text": text,
        "version": version,
        "age": age,
    }


def read_emodb(path: PathLike) -> "pd.DataFrame":
    """Manifest of a Berlin EmoDB folder (the ``wav`` folder of the download).

    Parameters
    ----------
    path : str or os.PathLike
        Folder searched recursively.

    Returns
    -------
    pandas.DataFrame
        The common columns (``speaker`` is the two-digit speaker, ``label`` the German letter)
        plus ``text`` (the sentence code), ``version`` and ``age``.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ParameterError
        ``path`` is a file, holds no audio, or no file follows the EmoDB naming.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import read_emodb, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> write_wav(root / "03a01Wa.wav", np.zeros(160), 16000)
    >>> read_emodb(root)[["speaker", "sex", "emotion", "label", "text", "age"]]
      speaker sex emotion label text  age
    0      03   M   angry     W  a01   31
    """
    return _read_named(path, "emodb", _parse_emodb, _EMODB_EXTRA, "'03a01Fa.wav'")


_READERS: dict[str, Callable[[PathLike], "pd.DataFrame"]] = {
    "ravdess": read_ravdess,
    "crema_d": read_crema_d,
    "tess": read_tess,
    "savee": read_savee,
    "emodb": read_emodb,
}
_PARSERS: dict[str, Callable[[Path], Optional[dict]]] = {
    "ravdess": _parse_ravdess,
    "crema_d": _parse_crema,
    "tess": _parse_tess,
    "savee": _parse_savee,
    "emodb": _parse_emodb,
}


# -- the user's own data ----------------------------------------------------------------------


def _speaker_function(speaker: Any) -> Callable[[Path], Optional[str]]:
    """A file -> speaker function from None, a regular expression or a callable."""
    if speaker is None:
        return lambda file: None
    if callable(speaker):

        def from_function(file: Path) -> Optional[str]:
            found = speaker(file)
            return None if found is None else str(found)

        return from_function
    if isinstance(speaker, (str, re.Pattern)):
        try:
            pattern = re.compile(speaker)
        except re.error as exc:
            raise ParameterError(f"speaker={speaker!r} is not a valid regular expression ({exc})") from exc
        if pattern.groups == 0:
            raise ParameterError(
                f"speaker={pattern.pattern!r} has no group; capture the speaker id in one, e.g. r'^(\\w+?)_'"
            )

        def from_name(file: Path) -> Optional[str]:
            match = pattern.search(file.name)
            if match is None:
                return None
            return match.group("speaker") if "speaker" in pattern.groupindex else match.group(1)

        return from_name
    raise InputTypeError(f"speaker must be None, a regular expression or a function of the path, got {type(speaker).__name__}")


def read_label_folders(path: PathLike, *, speaker: Union[None, str, "re.Pattern[str]", Callable[[Path], Any]] = None) -> "pd.DataFrame":
    """Manifest of a folder with one subfolder per label (``root/angry/*.wav``, ...).

    The subfolder's name is the ``label``; ``emotion`` is its common-set name when it is a
    known spelling (``"Anger"`` becomes ``"angry"``), else the name unchanged. Audio files found
    deeper in a label's subfolder belong to that label; files directly in ``path`` have no label
    and are skipped (reported).

    Parameters
    ----------
    path : str or os.PathLike
        The folder holding the label subfolders.
    speaker : None, str, re.Pattern or callable, optional
        Where each file's speaker comes from: a regular expression searched in the file name
        (the group named ``speaker``, else the first group), or a function of the file's Path.
        Files it finds no speaker for are skipped. None (default): ``speaker`` is None for all,
        and speaker-independent splits need the speaker from elsewhere.

    Returns
    -------
    pandas.DataFrame
        The common columns; ``corpus`` is ``"folders"``, ``sex`` is None.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ParameterError
        ``path`` is a file, holds no audio in subfolders, or ``speaker`` matches no file.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import read_label_folders, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> for label, name in [("Anger", "spk1_001.wav"), ("calm", "spk2_001.wav")]:
    ...     (root / label).mkdir()
    ...     write_wav(root / label / name, np.zeros(160), 16000)
    >>> read_label_folders(root, speaker=r"^(spk\\d+)_")[["speaker", "emotion", "label"]]
      speaker emotion  label
    0    spk1   angry  Anger
    1    spk2    calm   calm
    """
    folder = _folder(path)
    speaker_of = _speaker_function(speaker)
    rows, skipped = [], []
    for file in _audio_files(folder):
        relative = file.relative_to(folder)
        spk = speaker_of(file)
        if len(relative.parts) < 2 or (speaker is not None and spk is None):
            skipped.append(file)
            continue
        label = relative.parts[0]
        rows.append({"path": str(file), "corpus": "folders", "speaker": spk, "sex": None, "emotion": normalize_emotion(label), "label": label})
    if not rows:
        why = "in no label subfolder" if speaker is None else "in no label subfolder, or with no speaker the `speaker` pattern finds"
        raise ParameterError(
            f"all {len(skipped)} audio files under {folder} are {why}; put each label's files in a subfolder "
            "named after the label (root/angry/x.wav)"
        )
    why = "not in a label subfolder" if speaker is None else "not in a label subfolder, or no speaker found in the name"
    _report_skipped(skipped, folder, why, stacklevel=2)
    return _manifest(rows, _BASE, "folders", folder, skipped)


_SEX = {"m": "M", "male": "M", "man": "M", "f": "F", "female": "F", "woman": "F"}


def read_csv_manifest(
    path: PathLike,
    *,
    root: Optional[PathLike] = None,
    columns: Optional[Mapping[str, str]] = None,
) -> "pd.DataFrame":
    """Manifest from a CSV file the user made: one row per audio file.

    Required columns: ``path`` and ``emotion``. ``speaker`` and ``sex`` are optional (None when
    absent); any other column is kept as it is. Emotions are mapped to the common set when they
    are a known spelling (kept in ``label`` as written). Rows whose file does not exist, or with
    an empty path or emotion, are skipped and reported.

    Parameters
    ----------
    path : str or os.PathLike
        The CSV file.
    root : str or os.PathLike, optional
        Folder that relative paths in the CSV are relative to; default the CSV's own folder.
    columns : mapping, optional
        Renames applied first, e.g. ``{"file": "path", "actor": "speaker"}``.

    Returns
    -------
    pandas.DataFrame
        The common columns (``corpus`` from a ``corpus`` column if there is one, else
        ``"csv"``), then the CSV's other columns.

    Raises
    ------
    FileNotFoundError
        The CSV does not exist, or none of the files it lists does.
    ParameterError
        A required column is missing, or the CSV has no rows.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import read_csv_manifest, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> write_wav(root / "a.wav", np.zeros(160), 16000)
    >>> _ = (root / "list.csv").write_text("file,mood,who\\na.wav,Happiness,ann\\n")
    >>> m = read_csv_manifest(root / "list.csv", columns={"file": "path", "mood": "emotion", "who": "speaker"})
    >>> m[["speaker", "emotion", "label"]]
      speaker emotion      label
    0     ann   happy  Happiness
    """
    pd = _pandas()
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(f"path must be a str or os.PathLike naming a CSV file, got {type(path).__name__}")
    csv = Path(path).expanduser()
    if not csv.is_file():
        what = "is a folder, not a CSV file" if csv.is_dir() else "does not exist"
        raise MissingFileError(f"manifest {csv} {what}; pass the CSV that lists path and emotion per file")
    base = csv.resolve().parent if root is None else _folder(root, "root folder")
    try:
        table = pd.read_csv(csv, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:
        raise ParameterError(f"manifest {csv} is empty; it needs a header with 'path' and 'emotion' and one row per file") from exc
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ParameterError(f"manifest {csv} is not a readable CSV ({exc})") from exc
    if columns is not None:
        if not isinstance(columns, Mapping):
            raise InputTypeError(f"columns must be a mapping of old to new column names, got {type(columns).__name__}")
        table = table.rename(columns=dict(columns))
    missing = [c for c in ("path", "emotion") if c not in table.columns]
    if missing:
        raise ParameterError(
            f"manifest {csv} lacks the column(s) {missing}; it has {list(table.columns)}. "
            "Rename yours with columns={'your_name': 'path', ...}"
        )
    if len(table) == 0:
        raise ParameterError(f"manifest {csv} has a header but no rows; add one row per audio file")
    rows, skipped = [], []
    for record in table.to_dict("records"):
        text, emotion = record.pop("path").strip(), record.pop("emotion").strip()
        file = Path(text).expanduser()
        file = file if file.is_absolute() else base / file
        if not text or not emotion or not file.is_file():
            skipped.append(file)
            continue
        sex = record.pop("sex", "").strip()
        row = {
            "path": str(file),
            "corpus": record.pop("corpus", "").strip() or "csv",
            "speaker": record.pop("speaker", "").strip() or None,
            "sex": _SEX.get(sex.lower(), sex) or None,
            "emotion": normalize_emotion(emotion),
            "label": emotion,
        }
        record.pop("label", None)
        rows.append({**row, **record})
    if not rows:
        raise MissingFileError(
            f"none of the {len(skipped)} files listed in {csv} exists (relative paths are taken from {base}, "
            f"e.g. {skipped[0]}); pass root= the folder they are relative to"
        )
    _report_skipped(skipped, csv, "the file does not exist or the row has an empty path or emotion", stacklevel=2)
    extra = [c for c in table.columns if c not in (*_BASE, "label")]
    return _manifest(rows, list(_BASE) + extra, "csv", base, skipped)


# -- one entry point --------------------------------------------------------------------------

_NAMES = {
    "auto": "auto", "ravdess": "ravdess", "crema_d": "crema_d", "crema-d": "crema_d", "cremad": "crema_d",
    "tess": "tess", "savee": "savee", "emodb": "emodb", "emo-db": "emodb", "emo_db": "emodb",
    "folders": "folders", "csv": "csv",
}


def detect_corpus(path: PathLike) -> str:
    """Which reader fits a folder: the corpus whose naming most audio files follow.

    When no file follows any corpus's naming, a ``manifest.csv`` in the folder gives ``"csv"``
    (read by :func:`read_corpus` from that file), else ``"folders"`` (one subfolder per label)
    when all files lie in subfolders; a CSV file gives ``"csv"``.

    Parameters
    ----------
    path : str or os.PathLike
        A corpus folder, or a CSV manifest.

    Returns
    -------
    str
        One of :data:`CORPORA`, ``"folders"`` or ``"csv"``.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ParameterError
        ``path`` holds no audio, or nothing about it is recognised.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import detect_corpus, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> write_wav(root / "16b10Lb.wav", np.zeros(160), 16000)
    >>> detect_corpus(root)
    'emodb'
    """
    if isinstance(path, (str, os.PathLike)) and Path(path).suffix.lower() == ".csv" and Path(path).is_file():
        return "csv"
    folder = _folder(path)
    files = _audio_files(folder)
    counts = {name: sum(parse(f) is not None for f in files) for name, parse in _PARSERS.items()}
    best = max(counts, key=counts.get)
    if counts[best] > 0:
        return best
    if (folder / "manifest.csv").is_file():  # e.g. the demo corpus of make_demo_corpus
        return "csv"
    if all(len(f.relative_to(folder).parts) >= 2 for f in files):
        return "folders"
    raise ParameterError(
        f"the {len(files)} audio files under {folder} follow none of the known namings "
        f"({', '.join(CORPORA)}) and do not sit in one subfolder per label; sort them into label "
        "subfolders, or list them in a CSV with path and emotion columns (read_csv_manifest)"
    )


def read_corpus(path: PathLike, corpus: str = "auto", **options: Any) -> "pd.DataFrame":
    """Manifest of any supported corpus folder, the user's label folders or a CSV manifest.

    Parameters
    ----------
    path : str or os.PathLike
        A corpus folder or a CSV manifest.
    corpus : str
        ``"auto"`` (default: :func:`detect_corpus`), one of :data:`CORPORA` (``"crema-d"`` and
        ``"emo-db"`` are accepted too), ``"folders"`` or ``"csv"``.
    **options
        Passed on to :func:`read_label_folders` (``speaker``) or :func:`read_csv_manifest`
        (``root``, ``columns``); the named corpora take none.

    Returns
    -------
    pandas.DataFrame
        The manifest; see the module documentation for its columns.

    Raises
    ------
    FileNotFoundError
        ``path`` does not exist.
    ParameterError
        Unknown ``corpus``, an option the reader does not take, or what the reader raises.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from pathlib import Path
    >>> from ser_rs.datasets import read_corpus, write_wav
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ["1001_DFA_ANG_XX", "1091_TSI_NEU_XX"]:
    ...     write_wav(root / f"{name}.wav", np.zeros(160), 16000)
    >>> m = read_corpus(root)
    >>> m.attrs["corpus"], m["speaker"].tolist(), m["sex"].tolist()
    ('crema_d', ['1001', '1091'], ['M', 'F'])
    """
    if not isinstance(corpus, str):
        raise InputTypeError(f"corpus must be a string such as 'auto' or 'ravdess', got {type(corpus).__name__}")
    name = _NAMES.get(corpus.strip().lower())
    if name is None:
        raise ParameterError(f"unknown corpus={corpus!r}; use 'auto', {', '.join(map(repr, CORPORA))}, 'folders' or 'csv'")
    if name == "auto":
        name = detect_corpus(path)
    takes = {"folders": ("speaker",), "csv": ("root", "columns")}.get(name, ())
    unknown = sorted(set(options) - set(takes))
    if unknown:
        raise ParameterError(f"reading a {name} corpus takes no option(s) {unknown}; it accepts {list(takes) or 'none'}")
    if name == "folders":
        return read_label_folders(path, **options)
    if name == "csv":
        folder_manifest = Path(path) / "manifest.csv"
        return read_csv_manifest(folder_manifest if Path(path).is_dir() and folder_manifest.is_file() else path, **options)
    return _READERS[name](path)


def select_emotions(
    manifest: "pd.DataFrame",
    emotions: Iterable[str] = FOUR_CLASSES,
    *,
    merge: Optional[Mapping[str, str]] = None,
) -> "pd.DataFrame":
    """The rows of a manifest whose emotion is in ``emotions``, e.g. the 4-class subset.

    Parameters
    ----------
    manifest : pandas.DataFrame
        A manifest with an ``emotion`` column.
    emotions : iterable of str
        The emotions to keep (default :data:`FOUR_CLASSES`: neutral, happy, sad, angry).
    merge : mapping, optional
        Emotions renamed before selecting, e.g. ``{"calm": "neutral"}`` as some RAVDESS papers do.

    Returns
    -------
    pandas.DataFrame
        A copy with a fresh 0..n-1 index and the manifest's ``attrs``.

    Raises
    ------
    ParameterError
        No ``emotion`` column, an empty ``emotions``, or no row left.

    Examples
    --------
    >>> import pandas as pd
    >>> from ser_rs.datasets import select_emotions
    >>> m = pd.DataFrame({"path": list("abcd"), "emotion": ["calm", "angry", "fearful", "sad"]})
    >>> select_emotions(m)["emotion"].tolist()
    ['angry', 'sad']
    >>> select_emotions(m, merge={"calm": "neutral"})["emotion"].tolist()
    ['neutral', 'angry', 'sad']
    """
    if not hasattr(manifest, "columns") or "emotion" not in manifest.columns:
        raise ParameterError("manifest must be a DataFrame with an 'emotion' column, as read_corpus returns")
    keep = [emotions] if isinstance(emotions, str) else list(emotions)
    if not keep:
        raise ParameterError("emotions is empty; pass the labels to keep, e.g. FOUR_CLASSES")
    frame = manifest.copy()
    if merge:
        frame["emotion"] = frame["emotion"].replace(dict(merge))
    frame = frame[frame["emotion"].isin(keep)].reset_index(drop=True)
    if len(frame) == 0:
        raise ParameterError(f"no row has an emotion in {keep}; the manifest's emotions are {sorted(map(str, manifest['emotion'].unique()))}")
    frame.attrs = dict(manifest.attrs)
    return frame
