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
