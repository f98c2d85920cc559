"""The two wheels as users install them: built by scripts/build_wheels.sh, installed into fresh
virtual environments (features alone: numpy only; with the trainer: beside the torch it pins),
used by a short script, and inspected (no libtorch inside, no build-machine path, platform tags
that match the glibc the modules need)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, sample_files

# Building, creating environments and installing torch take minutes on a loaded 2-core machine.
TIMEOUT = 1800
INSTALL_TRAINER = 'pip install "ser_rs[train]"'


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=TIMEOUT, **kwargs)
    if done.returncode != 0 and kwargs.get("check", True):
        raise AssertionError(f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def only(paths) -> Path:
    found = list(paths)
    assert len(found) == 1, f"expected one wheel, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("dist")
    run(["bash", ROOT / "scripts" / "build_wheels.sh", out])
    return {"features": only(out.glob("ser_rs-*.whl")), "trainer": only(out.glob("ser_rs_train-*.whl"))}


def fresh_env(folder: Path, *requirements) -> Path:
    venv.create(folder, with_pip=True)
    python = folder / "bin" / "python"
    run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements])
    return python


@pytest.fixture(scope="module")
def features_env(wheels, tmp_path_factory) -> Path:
    return fresh_env(tmp_path_factory.mktemp("features") / "venv", wheels["features"])


@pytest.fixture(scope="module")
def trainer_env(wheels, tmp_path_factory) -> Path:
    # The extra names the trainer; the local trainer wheel satisfies it.
    return fresh_env(tmp_path_factory.mktemp("trainer") / "venv", f"{wheels['features']}[train]", wheels["trainer"])


def installed_module(python: Path, module: str) -> Path:
    out = run([python, "-c", f"import importlib.util as u; print(u.find_spec({module!r}).origin)"], cwd="/")
    return Path(out.stdout.strip())


def dynamic_section(library: Path) -> tuple[list[str], list[str]]:
    """(NEEDED libraries, RUNPATH/RPATH entries) of a shared library."""
    text = run(["readelf", "-d", library]).stdout
    needed = re.findall(r"\(NEEDED\).*\[(.+?)\]", text)
    paths = [p for entry in re.findall(r"\((?:RUNPATH|RPATH)\).*\[(.+?)\]", text) for p in entry.split(":")]
    return needed, paths


def glibc_needed(library: Path) -> tuple[int, int]:
    versions = re.findall(r"GLIBC_(\d+)\.(\d+)", run(["objdump", "-T", library]).stdout)
    return max((int(a), int(b)) for a, b in versions)


def platform_glibc(wheel: Path) -> tuple[int, int]:
    tag = wheel.stem.split("-")[-1]
    match = re.fullmatch(r"manylinux_(\d+)_(\d+)_x86_64", tag)
    assert match, f"{wheel.name}: platform tag {tag} says nothing of the glibc it needs; it must be manylinux_X_Y"
    return int(match[1]), int(match[2])


def unpacked_module(wheel: Path, tmp_path: Path) -> Path:
    with zipfile.ZipFile(wheel) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".so")]
        z.extract(name, tmp_path)
    return tmp_path / name


@pytest.mark.parametrize("kind", ["features", "trainer"])
def test_a_wheel_holds_no_libtorch_and_is_tagged_for_the_glibc_it_needs(wheels, kind, tmp_path):
    wheel = wheels[kind]
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    libraries = [n for n in names if ".so" in Path(n).name]
    assert len(libraries) == 1, f"{wheel.name} should hold its one native module, found {libraries}"
    assert not [n for n in names if re.search(r"libtorch|libc10|torch/", n)], f"{wheel.name} bundles torch files"
    module = unpacked_module(wheel, tmp_path)
    needed, runpath = dynamic_section(module)
    links_torch = any(lib.startswith(("libtorch", "libc10")) for lib in needed)
    assert links_torch == (kind == "trainer"), f"{module.name} NEEDED: {needed}"
    assert all(p.startswith("$ORIGIN") for p in runpath), f"{module.name} carries a build-machine path: {runpath}"
    assert glibc_needed(module) <= platform_glibc(wheel), f"{wheel.name} needs glibc {glibc_needed(module)}"
    print(f"{wheel.name}: {wheel.stat().st_size / 2**20:.1f} MiB")


def test_the_features_wheel_ships_the_server_s_page(wheels):
    from ser_rs.server import STATIC_DIR

    with zipfile.ZipFile(wheels["features"]) as z:
        names = set(z.namelist())
    page = {f"ser_rs/static/{p.name}" for p in STATIC_DIR.iterdir()}
    assert page and page <= names, f"{wheels['features'].name} lacks {sorted(page - names)}"


FEATURES_SCRIPT = """
import json, sys
import numpy as np
import ser_rs
path, out = sys.argv[1], sys.argv[2]
y, sr = ser_rs.load(path, sr=16000)
mfcc = ser_rs.feature.mfcc(y=y, sr=sr)
table = ser_rs.extract([path, "missing.wav"], "ser162")
np.savez(out, mfcc=mfcc, ser162=table.features)
import ser_rs.model  # the model stage imports; using it needs the trainer
try:
    ser_rs.model.backend_info()
    trainer = "loaded"
except ImportError as exc:
    trainer = f"{type(exc).__name__}: {exc}"
print(json.dumps({"torch_loaded": "torch" in sys.modules, "errors": [e.error_type for e in table.errors], "trainer": trainer}))
"""


def test_the_features_wheel_works_without_torch_and_matches_the_development_build(features_env, tmp_path):
    import ser_rs

    path = str(sample_files("ravdess-16k", 1, "Actor_*/*.flac")[0])
    out = tmp_path / "features.npz"
    report = json.loads(run([features_env, "-c", FEATURES_SCRIPT, path, out], cwd=tmp_path).stdout)
    assert report["torch_loaded"] is False
    assert report["errors"] == ["MissingFileError"]
    assert report["trainer"].startswith("TrainerNotInstalledError") and INSTALL_TRAINER in report["trainer"]
    assert run([features_env, "-c", "import torch"], check=False).returncode != 0, "torch should not be installed"
    got = np.load(out)
    y, sr = ser_rs.load(path, sr=16000)
    np.testing.assert_array_equal(got["mfcc"], ser_rs.feature.mfcc(y=y, sr=sr))
    np.testing.assert_array_equal(got["ser162"], ser_rs.extract([path], "ser162").features)

    needed, _ = dynamic_section(installed_module(features_env, "ser_rs._native"))
    assert not [lib for lib in needed if "torch" in lib or "c10" in lib]


def test_the_training_commands_name_the_install_command_without_the_trainer(features_env, tmp_path):
    command = features_env.parent / "ser-rs"
    done = run([command, "train", tmp_path, "--output", tmp_path / "model"], check=False)
    assert done.returncode == 2, done.stderr
    assert INSTALL_TRAINER in done.stderr


TRAINER_SCRIPT = """
import sys
import numpy as np
import ser_rs
rng = np.random.default_rng(0)
X = [rng.standard_normal((int(rng.integers(20, 40)), 8)).astype(np.float32) + (i % 2) for i in range(40)]
y = np.array(["calm", "angry"] * 20)
clf = ser_rs.EmotionClassifier(model="mlp", hidden_size=16, epochs=20, lr=0.01, patience=None, seed=0).fit(X, y)
before = clf.predict_proba(X)
clf.save(sys.argv[1])
after = ser_rs.EmotionClassifier.load(sys.argv[1]).predict_proba(X)
assert np.array_equal(before, after), "a saved model predicts the same"
print((clf.predict(X) == y).mean())
"""


def test_the_trainer_wheel_trains_and_uses_a_model_beside_its_torch(trainer_env, tmp_path):
    accuracy = float(run([trainer_env, "-c", TRAINER_SCRIPT, tmp_path / "model"], cwd=tmp_path).stdout.strip())
    assert accuracy > 0.9, "two well separated classes are learnt"
    module = installed_module(trainer_env, "ser_rs_train._trainer")
    _, runpath = dynamic_section(module)
    assert runpath == ["$ORIGIN/../torch/lib"]
