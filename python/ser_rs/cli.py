"""The ``ser-rs`` command.

``ser-rs features [FOLDER]`` extracts a feature table from every audio file under FOLDER; with no
folder it makes a small synthetic demo corpus first, so it runs anywhere.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional, Sequence

AUDIO_SUFFIXES = (".wav", ".flac", ".mp3", ".ogg")


def find_audio(folder: Path) -> list[Path]:
    """Audio files under ``folder``, recursively, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ser-rs", description="Speech emotion recognition with the speed of Rust.")
    sub = parser.add_subparsers(dest="command", required=True)
    feat = sub.add_parser(
        "features",
        help="extract a feature table from a folder of audio files",
        description=(
            "Extract one row of features per audio file (WAV, FLAC, MP3, OGG) under FOLDER, in parallel, "
            "and write them as CSV. Without FOLDER, a synthetic demo corpus is generated first. "
            "Files that cannot be read are listed and skipped; the exit code is 1 if none could be read."
        ),
    )
    feat.add_argument("folder", nargs="?", type=Path, help="folder searched recursively for audio (default: a generated demo corpus)")
    feat.add_argument("-o", "--output", type=Path, default=Path("ser_rs_output/features.csv"), help="CSV to write (default: %(default)s)")
    feat.add_argument("--sr", type=int, default=22050, help="analysis sampling rate in Hz (default: %(default)s)")
    feat.add_argument("--n-jobs", type=int, default=None, help="worker threads (default: all cores)")
    feat.add_argument("--strict", action="store_true", help="stop at the first unreadable file")
    feat.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def _features(args: argparse.Namespace) -> int:
    import ser_rs

    if args.folder is None:
        demo_dir = Path(tempfile.mkdtemp(prefix="ser_rs_demo_"))
        paths = ser_rs.datasets.make_demo_audio(demo_dir)
        print(f"No folder given: generated {len(paths)} synthetic utterances in {demo_dir}")
    else:
        if not args.folder.is_dir():
            print(f"error: {args.folder} is not a folder; pass a folder that contains audio files", file=sys.stderr)
            return 2
        paths = find_audio(args.folder)
        if not paths:
            print(f"error: no audio files ({', '.join(AUDIO_SUFFIXES)}) under {args.folder}", file=sys.stderr)
            return 2
    start = time.perf_counter()
    try:
        result = ser_rs.extract(paths, "ser162", sr=args.sr, n_jobs=args.n_jobs, progress=not args.no_progress, strict=args.strict)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    for err in result.errors:
        print(f"skipped {err.path}: {err.error_type}: {err.message}", file=sys.stderr)
    if len(result) == 0:
        print("error: no file could be read", file=sys.stderr)
        return 1
    table = result.to_dataframe()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.output)
    print(
        f"Extracted {table.shape[1] - 1} features from {len(result)} of {len(paths)} files "
        f"in {elapsed:.2f} s -> {args.output}"
    )
    print(table.iloc[:5, :6].to_string())
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "features":
        return _features(args)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
