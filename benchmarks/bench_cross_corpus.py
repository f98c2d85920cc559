"""A model trained on one corpus, scored on another, as a new user would: `ser-rs train` on RAVDESS
actors, then `ser-rs evaluate OTHER --model-dir MODEL` on a CREMA-D-named corpus that shares four
of RAVDESS's eight emotions (neutral, happy, sad, angry), beside the within-corpus figure on the
same held-out RAVDESS actors.

No second corpus can be fetched here, so the other corpus is SYNTHESISED from RAVDESS: the held-out
actors' four-emotion files, written under CREMA-D's file naming (actor 1001 + k, statement and
repetition as four of CREMA-D's sentence codes, intensity as its level) at another sampling rate
(44.1 kHz, against the 16 kHz of ravdess-16k), each actor at their own gain (-26 to -6 dB) and with
leading and trailing silence trimmed (top_db 40) then 0.1 s of silence put back, so clips are
shorter than RAVDESS's. It differs from the training corpus in labels, rate, loudness, clip length
and speakers, not in recording conditions, language or the way emotions were acted: a real
CREMA-D or TESS would be harder.

    .venv/bin/python benchmarks/bench_cross_corpus.py                    # the command's recipe
    .venv/bin/python benchmarks/bench_cross_corpus.py --adversarial none # trained normally (about 4x faster)
    .venv/bin/python benchmarks/bench_cross_corpus.py --quick            # 3 epochs, no PGD: a smoke run

Writes bench-results/cross_corpus/{summary.json, within/, within4/, cross/} (report.json and
report.txt of each scoring) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from ser_rs.audio import load, resample
from ser_rs.cli import main as ser_rs
from ser_rs.datasets import FOUR_CLASSES, LABEL_MAPS, read_ravdess, write_wav
from ser_rs.effects import trim

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ravdess-16k"
TO_CREMA = {v: k for k, v in LABEL_MAPS["crema_d"].items()}
SENTENCES = {(1, 1): "IEO", (1, 2): "TIE", (2, 1): "IOM", (2, 2): "IWW"}
LEVEL = {"normal": "MD", "strong": "HI"}


def link_actors(data: Path, actors: list, dest: Path) -> None:
    """A RAVDESS folder of the chosen actors, as links to the real files (the corpus readers do
    not follow linked folders)."""
    for a in actors:
        (dest / f"Actor_{a}").mkdir(parents=True, exist_ok=True)
        for f in sorted((data / f"Actor_{a}").iterdir()):
            link = dest / f"Actor_{a}" / f.name
            if not link.exists():
                link.symlink_to(f)


def synthesise_crema(data: Path, actors: list, dest: Path, rate: int, seed: int) -> int:
    """The held-out actors' four-emotion files under CREMA-D naming, at ``rate``, per-actor gain, trimmed."""
    dest.mkdir(parents=True, exist_ok=True)
    manifest = read_ravdess(data)
    manifest = manifest[manifest["speaker"].isin(actors) & manifest["emotion"].isin(FOUR_CLASSES)]
    gains = dict(zip(actors, np.random.default_rng(seed).uniform(-26.0, -6.0, len(actors))))
    pad = np.zeros(int(0.1 * rate), dtype=np.float32)
    for row in manifest.itertuples():
        y, sr = load(row.path, sr=None)
        y, _ = trim(y, top_db=40)
        y = resample(y, orig_sr=sr, target_sr=rate) * np.float32(10 ** (gains[row.speaker] / 20))
        level = "XX" if row.emotion == "neutral" else LEVEL[row.intensity]
        name = f"{1000 + int(row.speaker):04d}_{SENTENCES[(row.statement, row.repetition)]}_{TO_CREMA[row.emotion]}_{level}.wav"
        write_wav(dest / name, np.concatenate([pad, y, pad]), rate)
    return len(manifest)


def scored(out: Path) -> dict:
    report = json.loads((out / "report.json").read_text())
    return {s: {k: report[s][k] for k in ("accuracy", "uar", "macro_f1", "chance_uar", "outside_corpus_labels")} for s in report["scorings"]} | {
        "files": report["files"], "labels": report["shared_labels"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--train-actors", default="01-12", help="first-last actor trained on (default: %(default)s)")
    parser.add_argument("--test-actors", default="13-18", help="first-last held-out actor (default: %(default)s)")
    parser.add_argument("--rate", type=int, default=44100, help="sampling rate of the synthesised corpus (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "cross_corpus")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--adversarial", default=None, help="ser-rs train --adversarial (default: the command's)")
    parser.add_argument("--epochs", type=int, default=None, help="ser-rs train --epochs (default: the command's)")
    parser.add_argument("--quick", action="store_true", help="3 epochs without adversarial training: checks the script, not the figures")
    args = parser.parse_args()
    if not args.data.is_dir():
        raise SystemExit(f"RAVDESS not found at {args.data} (see ../shared/data/README.md)")
    span = (lambda s: [f"{a:02d}" for a in range(int(s.split("-")[0]), int(s.split("-")[1]) + 1)])
    train_actors, test_actors = span(args.train_actors), span(args.test_actors)
    out = args.out
    timings = {}
    link_actors(args.data, train_actors, out / "ravdess_train")
    link_actors(args.data, test_actors, out / "ravdess_test")
    started = time.perf_counter()
    files = synthesise_crema(args.data, test_actors, out / "crema_d_synthetic", args.rate, args.seed)
    timings["synthesise_s"] = time.perf_counter() - started
    if args.quick:
        args.epochs, args.adversarial = 3, "none"
    recipe = (["--epochs", str(args.epochs)] if args.epochs else []) + (["--adversarial", args.adversarial] if args.adversarial else [])
    model = out / "model"
    started = time.perf_counter()
    assert ser_rs(["train", str(out / "ravdess_train"), "-o", str(model), "--seed", str(args.seed), "--no-progress"] + recipe) == 0
    timings["train_s"] = time.perf_counter() - started
    runs = {"within": [str(out / "ravdess_test")], "within4": [str(out / "ravdess_test"), "--four-classes"],
            "cross": [str(out / "crema_d_synthetic")]}
    results = {}
    for name, data in runs.items():
        started = time.perf_counter()
        assert ser_rs(["evaluate", *data, "--model-dir", str(model), "-o", str(out / name), "--snr-db", "--seed", str(args.seed)]) == 0
        timings[f"{name}_s"] = time.perf_counter() - started
        results[name] = scored(out / name)
    summary = {"train_actors": train_actors, "test_actors": test_actors, "synthetic_files": files, "rate": args.rate, "train_options": recipe,
               "results": results, "timings": timings, "loadavg": os.getloadavg()}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"\nTrained on RAVDESS actors {args.train_actors}; scored on held-out actors {args.test_actors}\n")
    print("| scored on | files | as is: accuracy / UAR | restricted: accuracy / UAR | chance UAR |")
    print("|---|---|---|---|---|")
    names = {"within": "RAVDESS held-out actors, 8 emotions", "within4": "RAVDESS held-out actors, 4 emotions",
             "cross": f"synthetic CREMA-D-named set (same actors, 4 emotions, {args.rate} Hz, gain, trimmed)"}
    for name, r in results.items():
        restricted = f"{r['restricted']['accuracy']:.3f} / {r['restricted']['uar']:.3f}" if "restricted" in r else "-"
        print(f"| {names[name]} | {r['files']} | {r['as_is']['accuracy']:.3f} / {r['as_is']['uar']:.3f} | {restricted} | {r['as_is']['chance_uar']:.3f} |")
    print(f"\ntimings (s): {', '.join(f'{k} {v:.0f}' for k, v in timings.items())}; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
