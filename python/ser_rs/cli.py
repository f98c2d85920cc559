"""The ``ser-rs`` command: features, train, evaluate, tune, predict, stream, demo and serve.

Every subcommand explains itself with ``--help``. Exit codes: 0 success, 1 the work failed (no
file could be read, a corrupt model, an unusable corpus or parameter), 2 the command line points
at nothing usable (a missing folder, no audio files, one emotion only).
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import tempfile
import time
import warnings
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Optional, Sequence

from ser_rs._backend import trainer
from ser_rs.exceptions import TrainerNotInstalledError, UsageError
from ser_rs.audio import LIBROSA_SR
from ser_rs.model import CLASSIFIER_DEFAULTS, CLASSIFIER_SEARCH_SPACE, DEFAULT_FEATURES, TRAINING_PERTURBATIONS
from ser_rs.server import DEFAULT_HOST, DEFAULT_MAX_STREAM_SECONDS, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_PORT
from ser_rs.streaming import DEFAULT_HOP, DEFAULT_WARMUP, DEFAULT_WINDOW
from ser_rs.tuning import DEFAULT_SEARCH_FOLDS, DEFAULT_TEST_FRACTION

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg")
#: Where ``ser-rs demo`` writes its report, and the model in it that ``ser-rs serve`` serves by default.
DEMO_OUTPUT = Path("ser_rs_output/demo")
DEMO_MODEL = DEMO_OUTPUT / "model"
#: Networks ``ser-rs demo`` trains at once (the folds' and the final model), one process and one
#: libtorch thread each: the 2 cores the demo is sized for.
DEMO_FIT_JOBS = 2

#: Frame-level inputs of the command's models, framed as the classifier's default pipeline
#: (:data:`ser_rs.model.MODEL_SR`, 64 ms windows, 16 ms hop). Log-mel is the default: it keeps the
#: harmonic structure (hence pitch) that 40 MFCCs smooth away, and the demo corpus's emotions are
#: largely prosodic.
_FRAMING = {k: DEFAULT_FEATURES[k] for k in ("sr", "n_fft", "hop_length")}
FRAME_FEATURES = {
    "mel": {"feature": "melspectrogram", **_FRAMING, "n_mels": 64},
    "mfcc": DEFAULT_FEATURES,
    "mel+functionals": {"feature": "melspectrogram", **_FRAMING, "n_mels": 64, "utterance": ["egemaps_like", "ser162"]},
}

#: Where the command's training recipe departs, deliberately, from EmotionClassifier's own
#: defaults (:data:`ser_rs.model.CLASSIFIER_DEFAULTS`, which give every other option's default).
#: The command is sized so that the demo runs in minutes on 2 cores and does well on unseen
#: speakers (README, "The ser-rs command"): one biLSTM layer of 64 units, mean pooling, dropout
#: 0.5, a peak learning rate of 2e-3 for 30 epochs, each emotion's loss weighted by its rarity,
#: PGD-3 adversarial training and each speaker standardised by their own statistics. The
#: classifier keeps a larger generic recipe, without speaker normalisation (which needs speaker
#: ids at every call) or adversarial training, which a user opts into.
COMMAND_DEFAULTS = MappingProxyType({
    "hidden_size": 64, "num_layers": 1, "pooling": "mean", "dropout": 0.5, "lr": 2e-3, "epochs": 30, "class_weight": "balanced",
    "adversarial": "pgd", "pgd_steps": 3, "speaker_norm": True,
})


#: Where ``ser-rs demo`` departs from the command's recipe, so that the whole main job (corpus,
#: cross-validation of both models with the robustness table, the final model, the report) runs
#: in under 3 minutes on 2 cores: 20 epochs (its models' best epochs were 20-22 of 30) and PGD-2
#: adversarial training, still clearly ahead of the normal model under attack.
DEMO_DEFAULTS = MappingProxyType({"epochs": 20, "pgd_steps": 2})
#: The demo's synthetic corpus (8 speakers x 8 emotions x 3 utterances, 192 files in 4 folds of
#: 2 speakers) and its robustness grid: three radii around where the normal model loses half its
#: accuracy, three noise levels.
DEMO_CORPUS = MappingProxyType({"speakers": 8, "per_emotion": 3, "folds": 4})
#: The demo's frame hop in samples at 16 kHz: 32 ms, half the command's frames (16 ms), which
#: halves the recurrent network's work; the synthetic emotions live in pitch, rate and intensity
#: contours and the utterance functionals, which 32 ms frames keep.
DEMO_HOP_LENGTH = 512
DEMO_EPSILONS = (0.05, 0.1, 0.2)
DEMO_SNR_DB = (20, 10, 0)


def _default(name: str, defaults: Mapping[str, Any] = COMMAND_DEFAULTS) -> Any:
    """The command's default for the classifier parameter ``name``."""
    return defaults.get(name, CLASSIFIER_DEFAULTS[name])


def find_audio(folder: Path) -> list[Path]:
    """Audio files under ``folder``, recursively, in a stable order.

    Parameters
    ----------
    folder : pathlib.Path
        The folder to search.

    Returns
    -------
    list of pathlib.Path
        Files whose suffix is one of :data:`ser_rs.datasets.AUDIO_SUFFIXES`, sorted.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from ser_rs.cli import find_audio
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("b.WAV", "a.flac", "notes.txt"):
    ...     (root / name).touch()
    >>> [p.name for p in find_audio(root)]
    ['a.flac', 'b.WAV']
    """
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


# -- arguments ------------------------------------------------------------------------------------


def _data_arguments(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("data", type=Path, nargs=None if required else "?",
                   help="a corpus folder (RAVDESS, CREMA-D, TESS, SAVEE, EmoDB, or one folder per emotion) or a CSV manifest")
    p.add_argument("--corpus", default="auto", help="the corpus naming to read: auto (default), ravdess, crema_d, tess, savee, emodb, folders or csv")
    p.add_argument("--four-classes", action="store_true", help="keep only neutral, happy, sad and angry (the 4-class benchmark)")


def _training_arguments(p: argparse.ArgumentParser, baselines: Sequence[str] = (), defaults: Mapping[str, Any] = COMMAND_DEFAULTS) -> None:
    def default(name: str) -> Any:
        return _default(name, defaults)

    more = f"; or {', '.join(baselines)}: score only that scikit-learn baseline on utterance features, not the networks" if baselines else ""
    p.add_argument("--model", default=default("model"),
                   help=f"network architecture, one of EmotionClassifier's models (default: %(default)s){more}")
    p.add_argument("--adversarial", default=default("adversarial"), choices=TRAINING_PERTURBATIONS + ("none",),
                   help="robust training method (default: %(default)s)")
    p.add_argument("--trades-beta", type=float, default=default("trades_beta"), help="weight of TRADES's divergence term (default: %(default)s)")
    p.add_argument("--epsilon", type=float, default=default("epsilon"), help="adversarial radius in standardised-feature stds (default: %(default)s)")
    p.add_argument("--features", default="mel+functionals", choices=sorted(FRAME_FEATURES),
                   help="frame features: 64 log-mel bands, 40 MFCCs, or the log-mel bands with each utterance's egemaps_like and "
                        "ser162 functionals appended to every frame (default: %(default)s)")
    p.add_argument("--epochs", type=int, default=default("epochs"), help="training epochs; early stopping may end sooner (default: %(default)s)")
    p.add_argument("--hidden-size", type=int, default=default("hidden_size"), help="recurrent units per direction (default: %(default)s)")
    p.add_argument("--layers", type=int, default=default("num_layers"), help="recurrent layers (default: %(default)s)")
    p.add_argument("--pooling", default=default("pooling"), choices=("mean", "attention", "stats"), help="how frames become one vector (default: %(default)s)")
    p.add_argument("--dropout", type=float, default=default("dropout"), help="dropout between layers and before the output layer (default: %(default)s)")
    p.add_argument("--lr", type=float, default=default("lr"), help="peak learning rate of AdamW (default: %(default)s)")
    p.add_argument("--ema-decay", type=float, default=default("ema_decay"),
                   help="average the weights with this per-step decay, e.g. 0.99, and keep the average (default: the last weights)")
    p.add_argument("--class-weight", default=default("class_weight") or "none", choices=("balanced", "none"),
                   help="'balanced' weights each emotion's training loss by n_files / (n_emotions * its files), as scikit-learn does, "
                        "so that rare emotions count as much as common ones and UAR gains; 'none' weighs every file alike "
                        "(default: %(default)s)")
    p.add_argument("--monitor", default=default("monitor"), choices=("loss", "uar", "adv_loss", "adv_uar"),
                   help="the validation figure early stopping watches: loss or UAR, clean or (adv_) under the training perturbation; "
                        "in evaluate the normally trained model watches the clean one (default: %(default)s)")
    p.add_argument("--pgd-steps", type=int, default=default("pgd_steps"), help="PGD steps in training and in the attack table (default: %(default)s)")
    p.add_argument("--seed", type=int, default=default("seed"), help="seed for training and splits (default: %(default)s)")
    p.add_argument("--n-threads", type=int, default=None, help=f"libtorch threads (default: {default('n_threads')}, see EmotionClassifier)")
    p.add_argument("--speaker-norm", action=argparse.BooleanOptionalAction, default=default("speaker_norm"),
                   help="standardise each speaker's features by that speaker's own statistics, the largest single gain on unseen "
                        "speakers; a saved model then predicts a folder's files as one speaker (default: on)")


def _common_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n-jobs", type=int, default=None, help="feature-extraction threads (default: all cores)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars and messages")


def _parser() -> argparse.ArgumentParser:
    from ser_rs.experiment import BASELINES, DEFAULT_SNR_DB

    parser = argparse.ArgumentParser(prog="ser-rs", description="Speech emotion recognition with the speed of Rust.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    feat = sub.add_parser("features", help="extract a feature table from a folder of audio files", description=(
        "Extract one row of features per audio file (WAV, FLAC, MP3, OGG) under FOLDER, in parallel, and write them as CSV. "
        "Without FOLDER, a synthetic demo corpus is generated first. Unreadable files are listed and skipped; "
        "the exit code is 1 if none could be read."))
    feat.add_argument("folder", nargs="?", type=Path, help="folder searched recursively for audio (default: a generated demo corpus)")
    feat.add_argument("-o", "--output", type=Path, default=Path("ser_rs_output/features.csv"), help="CSV to write (default: %(default)s)")
    feat.add_argument("--feature", default="ser162", choices=("ser162", "egemaps_like"), help="the utterance feature set (default: %(default)s)")
    feat.add_argument("--sr", type=int, default=LIBROSA_SR, help="analysis sampling rate in Hz (default: %(default)s)")
    feat.add_argument("--strict", action="store_true", help="stop at the first unreadable file")
    _common_arguments(feat)

    train = sub.add_parser("train", help="train an emotion classifier on a corpus and save it", description=(
        "Train a classifier on every file of a labelled corpus and save it to OUTPUT (weights.safetensors + model.json), "
        "with its training history (history.csv) and curves (training_curves.png). For honest accuracy figures use "
        "`ser-rs evaluate`, which tests on unseen speakers."))
    _data_arguments(train)
    train.add_argument("-o", "--output", type=Path, default=Path("ser_rs_output/model"), help="model folder to write (default: %(default)s)")
    train.add_argument("--params", type=Path, default=None,
                       help="a best_params.json written by `ser-rs tune`: its settings replace the defaults; options given on the "
                            "command line win over it")
    _training_arguments(train)
    _common_arguments(train)

    ev = sub.add_parser("evaluate", help="speaker-independent evaluation, or score a saved model", description=(
        "Without --model-dir: speaker-independent cross-validation (folds of whole speakers; RAVDESS's published actor "
        "folds for RAVDESS) of a normally and an adversarially trained classifier, with robustness under FGSM/PGD and "
        "white noise; writes report.json, report.txt and PNG plots to OUTPUT. --baseline svm adds scikit-learn's SVC on utterance "
        "features, scored on the same folds (--model svm scores it alone). With --model-dir: scores that saved model on "
        "DATA, which may be another corpus than it was trained on (accuracy, UAR, per-class report, confusion matrix, noise "
        "robustness); files go through the model's own preprocessing (resampled to its rate, speaker-normalised where it was "
        "trained so). Emotions the model does not know are left out with a warning. When DATA has fewer of the model's labels "
        "than it knows, it is scored twice, reported in this order: as is (the most probable of all the model's labels), then "
        "restricted to DATA's labels (the most probable of those)."))
    _data_arguments(ev)
    ev.add_argument("-o", "--output", type=Path, default=Path("ser_rs_output/evaluation"), help="report folder (default: %(default)s)")
    ev.add_argument("--model-dir", type=Path, default=None, help="score this saved model instead of cross-validating")
    ev.add_argument("--snr-db", type=float, nargs="*", default=list(DEFAULT_SNR_DB), metavar="DB",
                    help="white-noise levels (SNR in dB) of the noise-robustness rows; --snr-db with no value: clean audio only "
                         "(default: %(default)s)")
    ev.add_argument("--folds", type=int, default=None, help="speaker folds (default: RAVDESS's 5 actor folds, else 5)")
    ev.add_argument("--augment-copies", type=int, default=0,
                    help="cross-validation: augmented copies (pitch, tempo, light noise) of every training-speaker file added to each "
                         "fold's training set; each copy counts as a speaker of its own, and training takes 1 + N times as long "
                         "(default: %(default)s)")
    ev.add_argument("--early-stopping", choices=["both", "standard", "adversarial", "none"], default="both",
                    help="cross-validation: which models stop early on held-out training speakers; the others train for the full "
                         "--epochs on every training speaker (default: %(default)s)")
    ev.add_argument("--baseline", choices=BASELINES, default=None,
                    help="cross-validation: also score this baseline, scikit-learn's SVC on each file's egemaps_like and ser162 "
                         "features (standardised by speaker with --speaker-norm), on the same folds and files, in the same report")
    _fit_jobs_argument(ev, 1)
    _training_arguments(ev, baselines=BASELINES)
    _common_arguments(ev)

    pred = sub.add_parser("predict", help="predict the emotion of audio files with a saved model", description=(
        "Print the predicted emotion and its probability for each FILE (or every audio file under a folder). "
        "A model trained with --speaker-norm takes each folder's files as one speaker's. "
        "Unreadable files are reported and skipped; the exit code is 1 if none could be read."))
    pred.add_argument("model_dir", type=Path, help="a model folder written by `ser-rs train` or `ser-rs demo`")
    pred.add_argument("files", type=Path, nargs="+", help="audio files or folders")
    pred.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    pred.add_argument("--n-jobs", type=int, default=None, help="feature-extraction threads (default: all cores)")

    live = sub.add_parser("stream", help="recognise emotion over time, playing a file (or the microphone) as a live stream", description=(
        "Play FILE through the streaming recogniser as if it arrived live, in chunks of --chunk seconds, and print the emotion "
        "of the last --window seconds after every --hop (a timeline; JSON lines with --json). No waiting between chunks "
        "unless --realtime. --microphone listens to the default input device instead, where the sounddevice package is "
        "installed, until Ctrl-C. A model trained with speaker normalisation standardises by the stream's own running "
        "statistics once it has heard --warmup seconds; the timeline marks the results before that."))
    live.add_argument("file", type=Path, nargs="?", help="an audio file (WAV, FLAC, MP3, OGG) at any sampling rate")
    live.add_argument("--model", type=Path, required=True, help="a model folder written by `ser-rs train` or `ser-rs demo`")
    live.add_argument("--window", type=float, default=DEFAULT_WINDOW, help="seconds of audio each result is computed from (default: %(default)s)")
    live.add_argument("--hop", type=float, default=None,
                      help=f"seconds between results (default: {DEFAULT_HOP}, rounded to whole feature hops, e.g. 0.496 s)")
    live.add_argument("--warmup", type=float, default=DEFAULT_WARMUP,
                      help="seconds a speaker-normalised model listens before using the stream's statistics (default: %(default)s)")
    live.add_argument("--chunk", type=float, default=0.1, help="seconds of audio per pushed chunk (default: %(default)s)")
    live.add_argument("--realtime", action="store_true", help="pace the file at its real speed")
    live.add_argument("--microphone", action="store_true", help="listen to the default microphone instead of FILE (needs `pip install sounddevice`)")
    live.add_argument("--json", action="store_true", help="print JSON lines instead of a timeline")

    tune = sub.add_parser("tune", help="search the training settings on folds of speakers (Optuna)", description=(
        "Search the classifier's settings (learning rate, hidden size, layers, dropout, weight decay, pooling and, with adversarial "
        "training, epsilon) with Optuna: each trial trains on folds of the search speakers and is scored by its mean UAR on each "
        "fold's unseen speakers; hopeless trials are pruned after a fold. A share of the speakers (--test-fraction) is kept out of "
        "the search and scores the best settings once at the end. The study is kept in --storage: running the command again "
        "resumes it up to --trials. Writes trials.csv, best_params.json (for `ser-rs train --params`), report.txt, report.json "
        "and PNG plots to OUTPUT. The other options are the fixed settings of every trial. Needs pip install \"ser_rs[tune]\"."))
    _data_arguments(tune)
    tune.add_argument("--trials", type=int, required=True, help="finished trials the study should hold (re-running resumes up to this)")
    tune.add_argument("-o", "--output", type=Path, default=Path("ser_rs_output/tuning"), help="report folder (default: %(default)s)")
    tune.add_argument("--storage", type=Path, default=None, help="the study's SQLite file (default: OUTPUT/study.db)")
    tune.add_argument("--study-name", default="ser_rs", help="the study's name in the storage (default: %(default)s)")
    tune.add_argument("--search-folds", type=int, default=DEFAULT_SEARCH_FOLDS, help="folds of search speakers per trial (default: %(default)s)")
    tune.add_argument("--space", default=",".join(CLASSIFIER_SEARCH_SPACE),
                      help="the settings to search, comma-separated, over the ranges of ser_rs.model.CLASSIFIER_SEARCH_SPACE; the "
                           "others keep their option's value (default: %(default)s; epsilon only with adversarial training)")
    tune.add_argument("--test-fraction", type=float, default=DEFAULT_TEST_FRACTION,
                      help="share of speakers kept out of the search and tested once with the best settings; 0: none (default: %(default)s)")
    _training_arguments(tune)
    _common_arguments(tune)

    demo = sub.add_parser("demo", help="the whole pipeline end to end on a synthetic (or your) corpus", description=(
        "Generate the synthetic emotional-speech demo corpus (or read --data), extract features, run the speaker-independent "
        "evaluation of a normal and an adversarially trained RNN with the robustness table, train a final model on all "
        "speakers, and write the report, plots and model to OUTPUT."))
    demo.add_argument("--data", type=Path, default=None, help="a corpus folder or CSV manifest instead of the synthetic corpus")
    demo.add_argument("--corpus", default="auto", help="naming of --data (default: auto)")
    demo.add_argument("--four-classes", action="store_true", help="keep only neutral, happy, sad and angry")
    demo.add_argument("-o", "--output", type=Path, default=DEMO_OUTPUT, help="output folder (default: %(default)s)")
    demo.add_argument("--speakers", type=int, default=DEMO_CORPUS["speakers"], help="synthetic speakers (default: %(default)s)")
    demo.add_argument("--per-emotion", type=int, default=DEMO_CORPUS["per_emotion"], help="synthetic utterances per speaker and emotion (default: %(default)s)")
    demo.add_argument("--folds", type=int, default=DEMO_CORPUS["folds"], help="speaker folds for the synthetic corpus (default: %(default)s)")
    demo.add_argument("--hop-length", type=int, default=DEMO_HOP_LENGTH,
                      help=f"frame hop in samples at 16 kHz (default: %(default)s; the other commands use {_FRAMING['hop_length']})")
    _fit_jobs_argument(demo, DEMO_FIT_JOBS)
    _training_arguments(demo, defaults={**COMMAND_DEFAULTS, **DEMO_DEFAULTS})
    _common_arguments(demo)

    serve = sub.add_parser("serve", help="serve a model over HTTP: a web page, uploads and live streams", description=(
        "Serve a saved model: a page at http://HOST:PORT/ to upload a recording or stream the microphone, POST /predict, "
        "the WebSocket /stream, GET /health and the API's documentation at /docs. Needs pip install \"ser_rs[serve]\"."))
    serve.add_argument("--model", type=Path, default=None, help=f"a model folder (default: the one `ser-rs demo` saved, {DEMO_MODEL})")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to listen on; keep the default to serve this machine only (default: %(default)s)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default: %(default)s)")
    serve.add_argument("--max-upload-mb", type=float, default=DEFAULT_MAX_UPLOAD_BYTES / 2**20,
                       help="the largest upload accepted, in MiB (default: %(default)s)")
    serve.add_argument("--max-stream-seconds", type=float, default=DEFAULT_MAX_STREAM_SECONDS,
                       help="the most audio one stream may send (default: %(default)s)")
    return parser


# -- shared steps ---------------------------------------------------------------------------------


def _say(args: argparse.Namespace, message: str) -> None:
    if not getattr(args, "no_progress", False):
        print(message, flush=True)


def _read_manifest(data: Path, corpus: str, four_classes: bool):
    from ser_rs.datasets import FOUR_CLASSES, read_corpus, select_emotions

    if not data.exists():
        raise UsageError(f"{data} does not exist: pass a corpus folder or a CSV manifest")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manifest = read_corpus(data, corpus=corpus)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    if four_classes:
        manifest = select_emotions(manifest, FOUR_CLASSES)
    if manifest["emotion"].nunique() < 2:
        raise UsageError(f"{data} has one emotion only ({manifest['emotion'].iloc[0]!r}): a classifier needs at least two; check --corpus")
    return manifest


def _architecture(args: argparse.Namespace) -> str:
    """``--model`` if the trainer has such an architecture (the trainer holds the one list of
    them) or, for ``ser-rs evaluate``, it names a baseline."""
    from ser_rs.experiment import BASELINES

    names = list(trainer().architecture_names()) + (list(BASELINES) if args.command == "evaluate" else [])
    if args.model not in names:
        raise UsageError(f"--model {args.model}: choose one of {', '.join(names)}")
    return args.model


def _classifier_params(args: argparse.Namespace) -> dict:
    params: dict[str, Any] = {"model": _architecture(args), "seed": args.seed, "progress": not args.no_progress}
    if args.n_threads is not None:
        params["n_threads"] = args.n_threads
    params.update(epochs=args.epochs, hidden_size=args.hidden_size, num_layers=args.layers, pooling=args.pooling, dropout=args.dropout,
                  lr=args.lr, ema_decay=args.ema_decay, class_weight=None if args.class_weight == "none" else args.class_weight,
                  monitor=args.monitor, pgd_steps=args.pgd_steps, trades_beta=args.trades_beta,
                  features=_frame_features(args), speaker_norm=args.speaker_norm)
    return params


def _frame_features(args: argparse.Namespace) -> dict:
    """The ``--features`` pipeline, at the demo's ``--hop-length`` where it has one."""
    # A --params file may carry the pipeline itself rather than its name.
    features = dict(FRAME_FEATURES[args.features] if isinstance(args.features, str) else args.features)
    if getattr(args, "hop_length", None) is not None:
        features["hop_length"] = args.hop_length
    return features


def _speakers(clf: Any, manifest) -> Any:
    """The manifest's speaker ids when ``clf`` normalises by speaker, else None."""
    return manifest["speaker"].astype(str).to_numpy() if clf.speaker_norm else None


def _adversarial(args: argparse.Namespace) -> Optional[str]:
    return None if args.adversarial == "none" else args.adversarial


# -- subcommands ----------------------------------------------------------------------------------


def _features(args: argparse.Namespace) -> int:
    import ser_rs

    if args.folder is None:
        demo_dir = Path(tempfile.mkdtemp(prefix="ser_rs_demo_"))
        paths = ser_rs.datasets.make_demo_audio(demo_dir)
        _say(args, f"No folder given: generated {len(paths)} synthetic utterances in {demo_dir}")
    else:
        if not args.folder.is_dir():
            raise UsageError(f"{args.folder} is not a folder; pass a folder that contains audio files")
        paths = find_audio(args.folder)
        if not paths:
            raise UsageError(f"no audio files ({', '.join(AUDIO_SUFFIXES)}) under {args.folder}")
    start = time.perf_counter()
    result = ser_rs.extract(paths, args.feature, sr=args.sr, n_jobs=args.n_jobs, progress=not args.no_progress, strict=args.strict)
    elapsed = time.perf_counter() - start
    for err in result.errors:
        print(f"skipped {err.path}: {err.error_type}: {err.message}", file=sys.stderr)
    if len(result) == 0:
        print("error: no file could be read", file=sys.stderr)
        return 1
    table = result.to_dataframe()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.output)
    print(f"Extracted {table.shape[1] - 1} features from {len(result)} of {len(paths)} files in {elapsed:.2f} s -> {args.output}")
    print(table.iloc[:5, :6].to_string())
    return 0


#: Classifier parameters whose ``ser-rs`` option has another name.
_OPTION_NAMES = MappingProxyType({"num_layers": "layers"})


def _is_given(dest: str, argv: Sequence[str]) -> bool:
    """Whether the option of ``dest`` is written in ``argv``: ``--hidden-size 32``, ``--hidden-size=32``,
    an abbreviation argparse accepted (``--hidden 32``) or the negation ``--no-speaker-norm``."""
    option = dest.replace("_", "-")
    for token in argv:
        if token.startswith("--") and len(token) > 2:
            name = token[2:].split("=", 1)[0]
            if option.startswith(name) or name == f"no-{option}":
                return True
    return False


def _apply_params_file(args: argparse.Namespace, argv: Sequence[str]) -> dict:
    """Replace ``args``'s defaults by the settings of ``args.params`` (a ``ser-rs tune`` best_params.json),
    leaving the options given in ``argv``; return the settings that have no option, for the classifier."""
    path = args.params
    if not path.is_file():
        raise UsageError(f"--params {path}: no such file; pass the best_params.json that `ser-rs tune` wrote")
    try:
        settings = json.loads(path.read_text())["params"]
        if not isinstance(settings, dict):
            raise TypeError("'params' is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"--params {path} is not a best_params.json of `ser-rs tune` ({type(exc).__name__}: {exc})") from None
    extra: dict = {}
    for name, value in settings.items():
        dest = _OPTION_NAMES.get(name, name)
        if dest in ("progress", "n_threads", "device"):
            continue  # how to run, not what to train: this machine's choice
        if not hasattr(args, dest):
            extra[name] = value
        elif _is_given(dest, argv):
            continue
        elif dest == "features":
            named = [k for k, v in FRAME_FEATURES.items() if v == value]
            args.features = named[0] if named else value
        elif dest in ("adversarial", "class_weight"):
            setattr(args, dest, "none" if value is None else value)
        else:
            setattr(args, dest, value)
    return extra


def _train(args: argparse.Namespace, argv: Sequence[str] = ()) -> int:
    import ser_rs

    extra = _apply_params_file(args, argv) if args.params is not None else {}
    manifest = _read_manifest(args.data, args.corpus, args.four_classes)
    clf = ser_rs.EmotionClassifier(adversarial=_adversarial(args), epsilon=args.epsilon, **_classifier_params(args), **extra)
    if args.params is not None:
        _say(args, f"Settings from {args.params}: " + ", ".join(f"{k}={v}" for k, v in clf.get_params().items() if k != "features"))
    _say(args, f"Training a {args.model} ({args.adversarial} training) on {len(manifest)} files, {manifest['speaker'].nunique()} speakers ...")
    clf.fit(manifest["path"].astype(str).tolist(), manifest["emotion"].astype(str).to_numpy(), speakers=_speakers(clf, manifest))
    clf.save(args.output)
    clf.history_.to_csv(args.output / "history.csv", index=False)
    try:
        from ser_rs import plots

        plots.training_curves(clf.history_).savefig(args.output / "training_curves.png", dpi=120)
    except ImportError:
        print("note: no training_curves.png: install matplotlib and seaborn", file=sys.stderr)
    last = clf.history_.iloc[-1]
    print(f"Saved the model to {args.output} (best epoch {clf.best_epoch_}, {len(clf.history_)} epochs; "
          f"final train loss {last['train_loss']:.3f})")
    return 0


def _score_saved_model(args: argparse.Namespace, manifest) -> int:
    import ser_rs

    if not (args.model_dir / "model.json").is_file():
        raise UsageError(f"--model-dir {args.model_dir} holds no saved model (no model.json): pass a folder written by "
                         "`ser-rs train DATA -o DIR` or `ser-rs demo`")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ser_rs.experiment.score_model(args.model_dir, manifest, snr_db=args.snr_db, seed=args.seed, n_jobs=args.n_jobs)
        finally:
            for w in caught:
                print(f"warning: {w.message}", file=sys.stderr)
    paths = ser_rs.experiment.write_score_report(result, args.output, model=args.model_dir, corpus=args.data)
    print(Path(paths["text"]).read_text())
    print(f"Report: {paths['json']}")
    return 0


def _fit_jobs_argument(parser: argparse.ArgumentParser, default: int) -> None:
    parser.add_argument("--fit-jobs", type=int, default=default,
                        help="networks trained at once, each in its own process with one libtorch thread; the results do not "
                             "depend on it (default: %(default)s)")


def _check_fit_jobs(args: argparse.Namespace) -> None:
    if not 1 <= args.fit_jobs <= 64:
        raise UsageError(f"--fit-jobs {args.fit_jobs}: pass how many networks to train at once, from 1 to 64 (e.g. the cores)")


def _run_experiment(args: argparse.Namespace, manifest, splitter, model_dir: Optional[Path] = None, **experiment_options):
    import ser_rs
    from ser_rs.experiment import BASELINES

    params = {k: v for k, v in _classifier_params(args).items() if k != "progress"}
    if args.model in BASELINES:  # no network is trained: keep what the baseline reads
        params = {k: params[k] for k in ("features", "seed", "speaker_norm")}
    result = ser_rs.experiment.cross_validate(
        manifest, splitter=splitter, adversarial=_adversarial(args) or "noise", epsilon=args.epsilon, n_jobs=args.n_jobs,
        **experiment_options, progress=not args.no_progress, **params,
    )
    if model_dir is not None:
        result.model.save(model_dir)
    paths = ser_rs.experiment.write_report(result, args.output, model_dir=model_dir)
    print(Path(paths["text"]).read_text())
    print("Wrote " + ", ".join(str(Path(p).name) for p in paths.values()) + f" to {args.output}")
    return result


def _evaluate(args: argparse.Namespace) -> int:
    from ser_rs.datasets import SpeakerKFold
    from ser_rs.experiment import BASELINES, MODELS

    _check_fit_jobs(args)
    manifest = _read_manifest(args.data, args.corpus, args.four_classes)
    if args.model_dir is not None:
        return _score_saved_model(args, manifest)
    splitter = SpeakerKFold(args.folds, seed=args.seed) if args.folds else None
    early_stopping = {"both": ("standard", "adversarial"), "none": ()}.get(args.early_stopping, (args.early_stopping,))
    if args.model in BASELINES:
        models: tuple = (args.model,)
    else:
        models = MODELS + ((args.baseline,) if args.baseline else ())
    _run_experiment(args, manifest, splitter, augment_copies=args.augment_copies, early_stopping=early_stopping, models=models, fit_jobs=args.fit_jobs,
                    snr_db=args.snr_db)
    return 0


def _tune(args: argparse.Namespace, argv: Sequence[str] = ()) -> int:
    import ser_rs

    if args.trials < 1:
        raise UsageError(f"--trials {args.trials}: run at least one trial, e.g. --trials 20")
    if not 0 <= args.test_fraction < 1:
        raise UsageError(f"--test-fraction {args.test_fraction}: pass a share in [0, 1), e.g. {DEFAULT_TEST_FRACTION}")
    if args.search_folds < 2:
        raise UsageError(f"--search-folds {args.search_folds}: scoring on unseen speakers needs at least 2 folds")
    space = [name.strip() for name in args.space.split(",") if name.strip()]
    unknown = [name for name in space if name not in CLASSIFIER_SEARCH_SPACE]
    if unknown or not space:
        raise UsageError(f"--space {args.space}: name settings among {','.join(CLASSIFIER_SEARCH_SPACE)}")
    space = _unfixed(space, argv)
    if _adversarial(args) is None and "epsilon" in space:
        space.remove("epsilon")  # no perturbation, no radius to search
    if not space:
        raise UsageError("--space epsilon: with --adversarial none there is no radius to search; name other settings")
    try:
        import optuna  # noqa: F401
    except ImportError as exc:
        raise UsageError(f'ser-rs tune needs Optuna: pip install "ser_rs[tune]" ({exc})') from None
    manifest = _read_manifest(args.data, args.corpus, args.four_classes)
    params = {k: v for k, v in _classifier_params(args).items() if k not in ("progress", "features", "seed")}
    storage = args.storage if args.storage is not None else args.output / "study.db"
    result = ser_rs.tuning.tune(
        manifest, n_trials=args.trials, storage=storage, study_name=args.study_name, search_folds=args.search_folds, space=space,
        test_fraction=args.test_fraction, features=_classifier_params(args)["features"], n_jobs=args.n_jobs, seed=args.seed,
        progress=not args.no_progress, adversarial=_adversarial(args), epsilon=args.epsilon, **params,
    )
    paths = ser_rs.tuning.write_tuning_report(result, args.output)
    print(Path(paths["text"]).read_text())
    print("Wrote " + ", ".join(sorted(Path(p).name for p in paths.values())) + f" to {args.output}; the study is in {storage}")
    print(f"Train with the best settings: ser-rs train {args.data} --params {paths['best_params']}")
    return 0


def _unfixed(space: list, argv: Sequence[str]) -> list:
    """The searched settings less those the command line fixes (``--hidden-size 32`` keeps 32 in every
    trial); a setting both fixed and named in ``--space`` is a contradiction."""
    fixed = [name for name in space if _is_given(_OPTION_NAMES.get(name, name), argv)]
    if fixed and _is_given("space", argv):
        options = ", ".join("--" + _OPTION_NAMES.get(name, name).replace("_", "-") for name in fixed)
        raise UsageError(f"{options} fixes what --space searches: give the option or name it in --space, not both")
    left = [name for name in space if name not in fixed]
    if not left:
        raise UsageError(f"every searched setting ({', '.join(space)}) is fixed by its option: name others with --space")
    for name in fixed:
        print(f"{name} is fixed by its option: searching the other settings")
    return left


def _predict(args: argparse.Namespace) -> int:
    from ser_rs.inference import load_model

    recognizer = load_model(args.model_dir)
    files: list[Path] = []
    for f in args.files:
        files.extend(find_audio(f) if f.is_dir() else [f])
    if not files:
        raise UsageError("no audio files given")
    speakers = [f.parent.name for f in files] if recognizer.speaker_norm else None
    batch = recognizer.predict_files([str(f) for f in files], speakers=speakers, n_jobs=args.n_jobs)
    for err in batch.errors:  # a bad file is reported; the good ones are still predicted
        print(f"skipped {err.path}: {err.error_type}: {err.message}", file=sys.stderr)
    if not batch.predictions:
        print("error: no file could be read", file=sys.stderr)
        return 1
    if speakers is not None:
        read = [speakers[p.index] for p in batch.predictions]
        small = sorted({s for s in read if read.count(s) < 10})
        if small:
            print(f"note: this model normalises by speaker and takes each folder as one speaker; folder(s) {small} hold fewer than "
                  "10 files, so their statistics are rough", file=sys.stderr)
    for prediction in batch.predictions:
        row = prediction.to_dict()
        print(json.dumps(row) if args.json else f"{row['emotion']!s:>10}  {row['probability']:.2f}  {row['path']}")
    return 0


def _stream(args: argparse.Namespace) -> int:
    from ser_rs.streaming import StreamingRecognizer

    if (args.file is None) == (not args.microphone):
        raise UsageError("pass an audio FILE, or --microphone to listen to the microphone (not both)")
    if not (args.chunk > 0 and args.chunk == args.chunk):
        raise UsageError(f"--chunk {args.chunk}: pass a positive number of seconds, e.g. 0.1")
    # The source first, so that a missing microphone or file is reported before the model loads.
    chunks = _microphone_chunks(args.chunk) if args.microphone else _file_chunks(args.file, args.chunk, args.realtime)
    stream = StreamingRecognizer(args.model, window=args.window, hop=args.hop, warmup=args.warmup)
    try:
        for chunk, rate in chunks:
            _print_results(stream.push(chunk, sr=rate), args.json)
    except KeyboardInterrupt:  # the end of a microphone stream
        _print_results(stream.flush(), args.json)
        raise
    _print_results(stream.flush(), args.json)
    return 0


def _file_chunks(path: Path, seconds: float, realtime: bool):
    """A file's samples at its own rate, ``seconds`` at a time, paced at real speed if asked."""
    from ser_rs.audio import load

    y, rate = load(path, sr=None)
    return _paced(y, rate, max(1, int(round(seconds * rate))), realtime)


def _paced(y, rate: int, step: int, realtime: bool):
    """``y`` in chunks of ``step`` samples, each when real time reaches it if ``realtime``."""
    started = time.perf_counter()
    for i in range(0, len(y), step):
        if realtime:
            time.sleep(max(0.0, started + i / rate - time.perf_counter()))
        yield y[i:i + step], rate


def _microphone_chunks(seconds: float):
    """The default microphone's samples, ``seconds`` at a time, until Ctrl-C."""
    try:
        import sounddevice
    except (ImportError, OSError) as exc:  # OSError: the package is there but PortAudio is not
        raise UsageError(f"the microphone is not available here ({exc}): install sounddevice (`pip install sounddevice`, "
                         "which needs PortAudio) on a machine with a microphone, or pass an audio FILE") from None
    try:
        rate = int(sounddevice.query_devices(kind="input")["default_samplerate"])
    except Exception as exc:  # sounddevice's PortAudioError: no input device
        raise UsageError(f"no microphone found ({exc}): pass an audio FILE instead") from None
    return _listen(sounddevice, rate, seconds)


def _listen(sounddevice, rate: int, seconds: float):
    blocks: "queue.Queue" = queue.Queue()
    with sounddevice.InputStream(samplerate=rate, channels=1, dtype="float32", blocksize=max(1, int(seconds * rate)),
                                 callback=lambda data, frames, when, status: blocks.put(data[:, 0].copy())):
        print(f"listening at {rate} Hz; Ctrl-C to stop", file=sys.stderr, flush=True)
        while True:
            yield blocks.get(), rate


def _print_results(results: list, as_json: bool) -> None:
    for r in results:
        row = r.to_dict()
        print(json.dumps(row) if as_json else
              f"{row['time']:8.2f} s  {row['emotion']!s:>10}  {row['probability']:.2f}{'' if row['warm'] else '  (warming up)'}", flush=True)


def _demo(args: argparse.Namespace) -> int:
    import ser_rs
    from ser_rs.datasets import SpeakerKFold

    started = time.perf_counter()
    if not 1 <= args.hop_length <= _FRAMING["n_fft"]:
        raise UsageError(f"--hop-length {args.hop_length}: pass a hop from 1 to the window, {_FRAMING['n_fft']} samples (e.g. 256 or 512)")
    _check_fit_jobs(args)
    args.output.mkdir(parents=True, exist_ok=True)
    if args.data is None:
        if args.speakers < 2:
            raise UsageError(f"--speakers {args.speakers}: speaker-independent evaluation needs at least 2 speakers")
        corpus_dir = args.output / "demo_corpus"
        _say(args, f"Generating the synthetic demo corpus ({args.speakers} speakers x 8 emotions x {args.per_emotion}) in {corpus_dir} ...")
        manifest = ser_rs.datasets.make_demo_corpus(corpus_dir, n_speakers=args.speakers, n_per_emotion=args.per_emotion, seed=args.seed,
                                                    progress=not args.no_progress)
        splitter = SpeakerKFold(min(args.folds, args.speakers), seed=args.seed)
    else:
        manifest = _read_manifest(args.data, args.corpus, args.four_classes)
        splitter = None
    model_dir = args.output / DEMO_MODEL.name
    # The final model (the recipe's, on every speaker) trains beside the folds' models.
    result = _run_experiment(args, manifest, splitter, model_dir=model_dir, fit_jobs=args.fit_jobs, epsilons=DEMO_EPSILONS, snr_db=DEMO_SNR_DB,
                             refit="standard" if _adversarial(args) is None else "adversarial")
    clf = result.model
    first = manifest[manifest["speaker"] == manifest["speaker"].iloc[0]]  # one speaker's files: enough for speaker statistics
    labels = clf.predict(first["path"].astype(str).tolist(), speakers=_speakers(clf, first))
    for path, label in list(zip(first["path"].astype(str), labels))[:3]:
        print(f"  ser-rs predict {model_dir} {Path(path).parent}  ->  {Path(path).name}: {label}")
    print(f"Demo finished in {time.perf_counter() - started:.0f} s: report {args.output / 'report.txt'}, model {model_dir}; "
          f"next: `ser-rs predict {model_dir} AUDIO` or `ser-rs serve --model {model_dir}`")
    return 0


def _serve(args: argparse.Namespace) -> int:
    model_dir = args.model if args.model is not None else DEMO_MODEL
    if not (model_dir / "model.json").is_file():
        named = f"--model {model_dir}" if args.model is not None else f"no --model, and {model_dir}"
        raise UsageError(f"{named} holds no saved model: make one with `ser-rs demo` (saved in {DEMO_MODEL}) "
                         "or `ser-rs train DATA -o DIR`, then pass --model DIR")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: choose a port from 0 to 65535")
    from ser_rs.server import create_app

    try:
        import uvicorn
        import websockets  # noqa: F401  (uvicorn refuses WebSocket connections without it)

        app = create_app(model_dir, max_upload_bytes=int(args.max_upload_mb * 2**20), max_stream_seconds=args.max_stream_seconds)
    except ImportError as exc:  # the trainer's absence was ruled out first, so this is the server's
        raise UsageError(f'ser-rs serve needs FastAPI, uvicorn, websockets and python-multipart: pip install "ser_rs[serve]" ({exc})') from exc
    print(f"Serving {model_dir} at http://{args.host}:{args.port}/ (API documentation at /docs); Ctrl+C stops", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


COMMANDS = {"features": _features, "train": _train, "evaluate": _evaluate, "tune": _tune, "predict": _predict, "stream": _stream,
            "demo": _demo, "serve": _serve}
#: The commands built on the optional trainer (``pip install "ser_rs[train]"``).
TRAINER_COMMANDS = ("train", "evaluate", "tune", "predict", "stream", "demo", "serve")


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the ``ser-rs`` command: ``features``, ``train``, ``evaluate``, ``tune``, ``predict``,
    ``stream``, ``demo`` or ``serve`` (``ser-rs COMMAND --help`` describes each).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after ``ser-rs``; default: the process's (``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 when the work is done, 2 when the command line points at nothing usable
        (or the trainer is missing), 1 when the work failed, 130 when interrupted. The reason is
        printed to stderr.

    Raises
    ------
    SystemExit
        From argparse, for ``--help`` and for arguments it cannot parse (code 2).

    Examples
    --------
    >>> from ser_rs.cli import main
    >>> main(["features", "no/such/folder", "-o", "features.csv"])   # the message goes to stderr
    2
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parser().parse_args(argv)
    try:
        if args.command in TRAINER_COMMANDS:
            trainer()
        if args.command in ("train", "tune"):  # they read which options the command line gives
            return COMMANDS[args.command](args, argv)
        return COMMANDS[args.command](args)
    except (UsageError, TrainerNotInstalledError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
