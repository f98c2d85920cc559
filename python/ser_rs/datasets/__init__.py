"""Corpora: audio the package makes for demos and tests, readers that turn published
emotional-speech corpora (and the user's own folders) into manifests, speaker-independent
splits, and a downloader for RAVDESS."""

from ser_rs.datasets.corpora import (
    AUDIO_SUFFIXES,
    CORPORA,
    EMOTIONS,
    FOUR_CLASSES,
    LABEL_MAPS,
    CorpusWarning,
    detect_corpus,
    normalize_emotion,
    read_corpus,
    read_crema_d,
    read_csv_manifest,
    read_emodb,
    read_label_folders,
    read_ravdess,
    read_savee,
    read_tess,
    select_emotions,
)
from ser_rs.datasets.demo import EMOTIONS as DEMO_EMOTIONS
from ser_rs.datasets.demo import make_demo_audio, make_demo_corpus, speaker_voice, synthesize, write_wav
from ser_rs.datasets.download import (
    RAVDESS_SPEECH_MD5,
    RAVDESS_SPEECH_SIZE,
    RAVDESS_SPEECH_URL,
    ChecksumError,
    DownloadError,
    download_ravdess,
)
from ser_rs.datasets.splits import RAVDESS_ACTOR_FOLDS, LeaveSpeakersOut, RavdessActorFolds, SpeakerKFold, speaker_groups

__all__ = [
    "AUDIO_SUFFIXES",
    "CORPORA",
    "ChecksumError",
    "CorpusWarning",
    "DEMO_EMOTIONS",
    "DownloadError",
    "EMOTIONS",
    "FOUR_CLASSES",
    "LABEL_MAPS",
    "LeaveSpeakersOut",
    "RAVDESS_ACTOR_FOLDS",
    "RAVDESS_SPEECH_MD5",
    "RAVDESS_SPEECH_SIZE",
    "RAVDESS_SPEECH_URL",
    "RavdessActorFolds",
    "SpeakerKFold",
    "detect_corpus",
    "download_ravdess",
    "make_demo_audio",
    "make_demo_corpus",
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
    "speaker_groups",
    "speaker_voice",
    "synthesize",
    "write_wav",
]
