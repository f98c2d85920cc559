"""The split between the features (ser_rs) and the trainer (ser_rs_train), in the development
install: the features never load torch, and the trainer's names without the trainer raise one
ImportError that gives the install command. tests/test_wheels.py checks the same on the wheels."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import ser_rs
from ser_rs import cli
from ser_rs._backend import INSTALL_TRAINER, trainer
from ser_rs.exceptions import TrainerNotInstalledError

TIMEOUT = 600


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT)


def test_the_features_never_load_torch():
    code = """
import json, sys
import numpy as np
import ser_rs, ser_rs.sklearn, ser_rs.datasets, ser_rs.model, ser_rs.experiment
y = np.random.default_rng(0).standard_normal(22050).astype(np.float32)
ser_rs.extract([y], "ser162"); ser_rs.feature.mfcc(y=y, sr=22050)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "ser_rs_train"))))
"""
    done = python(code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [], "importing ser_rs (even its model stage) must not load torch or the trainer"


def test_the_features_module_links_no_libtorch():
    needed = subprocess.run(["ldd", ser_rs._native.__file__], capture_output=True, text=True, timeout=TIMEOUT).stdout
    assert "libtorch" not in needed and "libc10" not in needed, needed


@pytest.fixture
def without_trainer(monkeypatch):
    # A None entry makes `import ser_rs_train` raise ImportError, as when it is not installed.
    monkeypatch.setitem(sys.modules, "ser_rs_train", None)


def test_the_trainer_names_its_install_command_when_missing(without_trainer):
    with pytest.raises(TrainerNotInstalledError, match=INSTALL_TRAINER.replace("[", r"\[").replace("]", r"\]")) as caught:
        trainer()
    assert isinstance(caught.value, ImportError) and isinstance(caught.value, ser_rs.SerError)
    with pytest.raises(ImportError, match="ser_rs\\[train\\]"):
        ser_rs.EmotionClassifier(epochs=1, patience=None).fit(np.eye(4, dtype=np.float32), ["a", "b"] * 2)


@pytest.mark.parametrize("arguments", [["train", "DIR"], ["evaluate", "DIR"], ["predict", "DIR", "DIR"], ["demo"], ["serve"]])
def test_the_training_commands_exit_2_with_the_install_command(without_trainer, arguments, tmp_path, capsys):
    assert cli.main([str(tmp_path) if a == "DIR" else a for a in arguments]) == 2
    assert INSTALL_TRAINER in capsys.readouterr().err


def test_a_trainer_of_another_version_is_refused(monkeypatch):
    module = trainer()
    monkeypatch.setattr(module, "__version__", "0.0.0-other")
    with pytest.raises(TrainerNotInstalledError, match="same version"):
        trainer()
