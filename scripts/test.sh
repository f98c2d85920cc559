#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs every test: the Rust stages (cargo test) and
# the Python API against librosa on real audio (pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LIBTORCH="$PWD/.venv/lib/python3.11/site-packages/torch"
# --release reuses the dependencies that `maturin develop --release` just compiled. The trainer's
# tests load libtorch from the torch wheel: the built code carries no path to it.
LD_LIBRARY_PATH="$LIBTORCH/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" cargo test --release --lib --features train
.venv/bin/python -m pytest -q "$@"
