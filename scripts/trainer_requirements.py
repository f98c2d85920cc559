"""Prints the third-party requirements of the trainer's wheel (train/pyproject.toml), one per
line, so that the exact torch pin is written in one place only."""

import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
project = tomllib.loads((ROOT / "train" / "pyproject.toml").read_text())["project"]
print("\n".join(r for r in project["dependencies"] if not r.startswith("ser_rs")))
