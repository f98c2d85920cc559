"""The `ser-rs features` command: runs with no data, on a folder, and explains bad input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

from ser_rs.cli import main
from conftest import sample_files


def test_no_folder_makes_a_demo_corpus_and_a_table(tmp_path, capsys):
    out = tmp_path / "features.csv"
    assert main(["features", "-o", str(out), "--no-progress"]) == 0
    table = pd.read_csv(out, index_col=0)
    assert table.shape == (12, 163) and table.columns[0] == "path"
    assert table.iloc[:, 1:].notna().all().all()
    assert "Extracted 162 features from 12 of 12 files" in capsys.readouterr().out


def test_folder_with_a_bad_file_keeps_the_good_ones(tmp_path, ravdess16k, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in sample_files("ravdess-16k", 3, "Actor_*/*.flac"):
        shutil.copy(f, corpus / f.name)
    (corpus / "broken.wav").write_bytes(b"RIFF....WAVEfmt nonsense")
    out = tmp_path / "t.csv"
    assert main(["features", str(corpus), "-o", str(out), "--no-progress"]) == 0
    assert len(pd.read_csv(out)) == 3
    assert "skipped" in capsys.readouterr().err
    assert main(["features", str(corpus), "-o", str(out), "--strict", "--no-progress"]) == 1


def test_missing_or_empty_folder_is_explained(tmp_path, capsys):
    assert main(["features", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["features", str(tmp_path)]) == 2
    assert "no audio files" in capsys.readouterr().err


def test_installed_command_has_help():
    exe = Path(sys.executable).parent / "ser-rs"
    out = subprocess.run([str(exe), "features", "--help"], capture_output=True, text=True, check=True)
    assert "feature table" in out.stdout or "Extract one row" in out.stdout


# -- train / evaluate / predict / demo ----------------------------------------------------------

import json  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ser_rs.datasets import make_demo_corpus  # noqa: E402

TINY = ["--epochs", "2", "--hidden-size", "8", "--pgd-steps", "1", "--no-progress"]


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory):
    """Three synthetic speakers saying two emotions twice: 12 files."""
    root = tmp_path_factory.mktemp("tiny_corpus")
    make_demo_corpus(root, n_speakers=3, n_per_emotion=2, emotions=["angry", "sad"], seed=1)
    return root


def test_demo_runs_end_to_end_and_writes_report_plots_and_model(tmp_path, capsys):
    out = tmp_path / "demo"
    args = ["demo", "-o", str(out), "--speakers", "2", "--per-emotion", "1", "--folds", "2"] + TINY
    assert main(args) == 0
    for name in ("report.json", "report.txt", "predictions.csv", "history.csv", "training_curves.png", "confusion_matrix.png", "robustness.png"):
        assert (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text())
    assert report["files"] == 16 and report["speakers"] == 2 and len(report["labels"]) == 8
    assert {"standard", "adversarial"} == set(report["models"])
    conditions = {row["condition"] for row in report["robustness"]}
    assert {"clean", "fgsm", "pgd-1", "noise"} <= conditions
    predictions = pd.read_csv(out / "predictions.csv")
    # Speaker-independent: every speaker is tested in exactly one fold.
    assert predictions.groupby("speaker")["fold"].nunique().eq(1).all() and predictions["fold"].nunique() == 2
    text = capsys.readouterr().out
    assert "UAR" in text and "Demo finished" in text
    assert main(["predict", str(out / "model"), str(predictions["path"].iloc[0])]) == 0


def test_the_demo_report_opens_with_scores_plots_the_model_and_the_next_commands(tmp_path):
    """What a reader wants first comes first, in this order, before the per-fold details; the
    demo trains its folds in worker processes and prints no progress bar into a log."""
    out = tmp_path / "demo"
    args = ["demo", "-o", str(out), "--speakers", "2", "--per-emotion", "1", "--folds", "2", "--fit-jobs", "2"] + TINY[:-1]
    done = subprocess.run([sys.executable, "-m", "ser_rs.cli"] + args, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    lines = (out / "report.txt").read_text().splitlines()
    model = out / "model"
    where = {key: next(i for i, line in enumerate(lines) if line.startswith(key)) for key in
             ("standard model: accuracy", "adversarial model: accuracy", "Plots:", f"Model: {model}", f"  ser-rs predict {model} ",
              f"  ser-rs serve --model {model}", "Details", "Per fold:")}
    assert list(where.values()) == sorted(where.values()) and where["Details"] < 20, lines[:20]
    plots = lines[where["Plots:"] + 1:where[f"Model: {model}"]]
    assert {Path(p.strip()).name for p in plots if p.strip()} == {"training_curves.png", "confusion_matrix.png", "robustness.png"}
    assert (model / "model.json").is_file()
    # Output to a pipe: one line per finished stage, no redrawn bar.
    assert "\r" not in done.stderr and "demo corpus: 16 utterances in" in done.stderr
    assert "Training in 2 worker processes" in done.stdout and f"ser-rs serve --model {model}" in done.stdout


@pytest.mark.parametrize("option, value", [("--fit-jobs", "0"), ("--fit-jobs", "65"), ("--hop-length", "0"), ("--hop-length", "4096")])
def test_demo_refuses_absurd_fit_jobs_and_hops(tmp_path, capsys, option, value):
    assert main(["demo", "-o", str(tmp_path), option, value] + TINY) == 2
    assert f"{option} {value}" in capsys.readouterr().err


def test_train_then_predict_and_evaluate_a_saved_model(tiny_corpus, tmp_path, capsys):
    model = tmp_path / "model"
    assert main(["train", str(tiny_corpus), "-o", str(model)] + TINY) == 0
    assert (model / "weights.safetensors").is_file() and (model / "history.csv").is_file()
    good = sorted(tiny_corpus.rglob("*.wav"))[0]
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF0000WAVEjunk")
    capsys.readouterr()
    assert main(["predict", str(model), str(good), str(bad), "--json"]) == 0
    captured = capsys.readouterr()
    row = json.loads(captured.out.strip().splitlines()[0])
    assert row["emotion"] in ("angry", "sad") and abs(sum(row["probabilities"].values()) - 1) < 1e-5
    assert "skipped" in captured.err and "bad.wav" in captured.err
    assert main(["evaluate", str(tiny_corpus), "--model-dir", str(model), "-o", str(tmp_path / "ev"), "--no-progress"]) == 0
    assert json.loads((tmp_path / "ev" / "report.json").read_text())["files"] == 12


def test_a_speaker_normalised_model_predicts_each_folder_as_one_speaker(tiny_corpus, tmp_path, capsys):
    import ser_rs

    model = tmp_path / "model"
    assert main(["train", str(tiny_corpus), "-o", str(model)] + TINY) == 0
    clf = ser_rs.EmotionClassifier.load(model)
    assert clf.speaker_norm is True and clf.ema_decay is None and clf.class_weight == "balanced"
    folders = sorted(p for p in tiny_corpus.iterdir() if p.is_dir())
    capsys.readouterr()
    assert main(["predict", str(model), str(folders[0]), str(folders[1]), "--json"]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.strip().splitlines()]
    files = [str(f) for folder in folders[:2] for f in sorted(folder.glob("*.wav"))]
    assert [r["path"] for r in rows] == files
    expected = clf.predict_proba(files, speakers=[Path(f).parent.name for f in files])
    np.testing.assert_allclose([[r["probabilities"][c] for c in clf.classes_] for r in rows], expected, rtol=1e-5)
    assert "fewer than 10 files" in captured.err
    plain = tmp_path / "plain"
    assert main(["train", str(tiny_corpus), "-o", str(plain), "--no-speaker-norm", "--ema-decay", "0.9", "--class-weight", "none",
                 "--monitor", "uar"] + TINY) == 0
    saved = ser_rs.EmotionClassifier.load(plain)
    assert saved.speaker_norm is False
    assert saved.ema_decay == 0.9
    assert saved.class_weight is None
    assert saved.monitor == "uar" and clf.monitor == "loss"
    capsys.readouterr()
    assert main(["predict", str(plain), str(folders[0])]) == 0
    assert "normalises by speaker" not in capsys.readouterr().err


def test_predict_with_a_model_fitted_on_arrays_is_refused_clearly(tmp_path, capsys):
    import ser_rs

    X = np.array([[0.0], [1.0]] * 4, dtype=np.float32)
    ser_rs.EmotionClassifier("mlp", hidden_size=4, num_layers=1, epochs=1, patience=None).fit(X, ["a", "b"] * 4).save(tmp_path / "m")
    assert main(["predict", str(tmp_path / "m"), str(tmp_path / "x.wav")]) == 1
    assert "trained on feature arrays" in capsys.readouterr().err


def test_evaluate_cross_validates_by_speaker(tiny_corpus, tmp_path, capsys):
    """--early-stopping reaches the cross-validation (tests/test_experiment.py shows what it does);
    --baseline svm scores the SVM on the networks' folds, in the same report."""
    out = tmp_path / "cv"
    assert main(["evaluate", str(tiny_corpus), "-o", str(out), "--folds", "3", "--early-stopping", "standard", "--baseline", "svm"] + TINY) == 0
    report = json.loads((out / "report.json").read_text())
    folds = report["folds"]
    assert len(folds) == 9 and all(len(f["test_speakers"].split()) == 1 for f in folds)
    assert report["settings"]["early_stopping"] == ["standard"]
    assert set(report["models"]) == {"standard", "adversarial", "svm"} and report["settings"]["models"] == ["standard", "adversarial", "svm"]
    for k in (1, 2, 3):
        assert len({(f["test_speakers"], f["files"]) for f in folds if f["fold"] == k}) == 1
    assert "svm model: accuracy" in capsys.readouterr().out


def test_evaluate_trains_in_worker_processes_with_the_same_results(tiny_corpus, tmp_path, capsys):
    reports = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        assert main(["evaluate", str(tiny_corpus), "-o", str(out), "--folds", "3", "--fit-jobs", jobs] + TINY) == 0
        reports[jobs] = json.loads((out / "report.json").read_text())
    def scores(report):
        return [{k: v for k, v in fold.items() if k != "seconds"} for fold in report["folds"]], report["models"]

    assert scores(reports["1"]) == scores(reports["2"])
    assert main(["evaluate", str(tiny_corpus), "-o", str(tmp_path / "bad"), "--fit-jobs", "0"] + TINY) == 2
    assert "--fit-jobs 0" in capsys.readouterr().err and not (tmp_path / "bad").exists()


def test_evaluate_the_svm_baseline_alone(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "svm"
    assert main(["evaluate", str(tiny_corpus), "-o", str(out), "--folds", "3", "--model", "svm", "--no-progress"]) == 0
    report = json.loads((out / "report.json").read_text())
    assert set(report["models"]) == {"svm"} and len(report["folds"]) == 3 and report["settings"]["classifier"]["speaker_norm"] is True
    assert 0 <= report["models"]["svm"]["uar"] <= 1 and {r["condition"] for r in report["robustness"]} == {"clean", "noise"}
    assert (out / "confusion_matrix.png").stat().st_size > 0 and not (out / "training_curves.png").exists()
    text = capsys.readouterr().out
    assert "svm model: accuracy" in text and "standard model" not in text
    assert main(["train", str(tiny_corpus), "--model", "svm"] + TINY) == 2  # a saved model is a network
    assert "--model svm: choose one of rnn" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["evaluate", str(tiny_corpus), "--early-stopping", "never"] + TINY)
    assert "--early-stopping" in capsys.readouterr().err


def test_predict_with_a_corrupt_model_fails_clearly(tmp_path, capsys):
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "model.json").write_text("{not json")
    (broken / "weights.safetensors").write_bytes(b"\0" * 10)
    assert main(["predict", str(broken), str(tmp_path / "x.wav")]) != 0
    assert "model.json" in capsys.readouterr().err
    assert main(["predict", str(tmp_path / "nowhere"), str(tmp_path / "x.wav")]) != 0
    assert "no such file" in capsys.readouterr().err.lower()


def test_bad_corpora_are_explained_with_a_nonzero_exit(tiny_corpus, tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "missing")] + TINY) == 2
    assert "does not exist" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["train", str(empty)] + TINY) != 0
    assert "error:" in capsys.readouterr().err
    one_class = tmp_path / "one" / "angry"
    one_class.mkdir(parents=True)
    for f in sorted(tiny_corpus.rglob("*angry*.wav"))[:2]:
        shutil.copy(f, one_class / f.name)
    assert main(["train", str(tmp_path / "one")] + TINY) == 2
    assert "one emotion only" in capsys.readouterr().err
    unnamed = tmp_path / "unnamed"
    unnamed.mkdir()
    shutil.copy(sorted(tiny_corpus.rglob("*.wav"))[0], unnamed / "take1.wav")
    assert main(["evaluate", str(unnamed)] + TINY) != 0
    assert "naming" in capsys.readouterr().err
    csv = tmp_path / "m.csv"
    csv.write_text("file,label\na.wav,angry\n")
    assert main(["train", str(csv)] + TINY) != 0
    assert "column" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["features", "train", "evaluate", "predict", "demo", "serve"])
def test_every_subcommand_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert len(capsys.readouterr().out) > 200


@pytest.mark.parametrize("flag, value, named", [("--lr", "0", "lr"), ("--dropout", "1.5", "dropout"), ("--pooling", "max", "pooling"),
                                              ("--trades-beta", "-1", "trades_beta"), ("--ema-decay", "1", "ema_decay"),
                                              ("--class-weight", "heavy", "class-weight"), ("--monitor", "accuracy", "monitor"),
                                              ("--model", "transformer", "crnn")])
def test_absurd_training_flags_are_explained(tiny_corpus, tmp_path, capsys, flag, value, named):
    """Bad values of the training flags end in a message naming the flag's setting, not a traceback."""
    try:
        code = main(["train", str(tiny_corpus), "-o", str(tmp_path / "m"), flag, value] + TINY)
    except SystemExit as exit_:  # argparse refuses a value outside the choices itself
        code = exit_.code
    assert code not in (0, None)
    err = capsys.readouterr().err
    assert named in err and "Traceback" not in err


def test_evaluate_with_augmented_copies_records_them_and_refuses_a_negative_count(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "cv"
    assert main(["evaluate", str(tiny_corpus), "-o", str(out), "--folds", "3", "--augment-copies", "1"] + TINY) == 0
    assert json.loads((out / "report.json").read_text())["settings"]["augment_copies"] == 1
    capsys.readouterr()
    assert main(["evaluate", str(tiny_corpus), "-o", str(out), "--augment-copies", "-1"] + TINY) == 1
    err = capsys.readouterr().err
    assert "augment_copies=-1" in err and "Traceback" not in err


def test_an_adversarial_monitor_without_adversarial_training_is_explained(tiny_corpus, tmp_path, capsys):
    assert main(["train", str(tiny_corpus), "-o", str(tmp_path / "m"), "--adversarial", "none", "--monitor", "adv_uar"] + TINY) == 1
    err = capsys.readouterr().err
    assert "monitor" in err and "set adversarial" in err and "Traceback" not in err
