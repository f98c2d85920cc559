#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs every test: the Rust stages (cargo test) and
# the Python API against librosa on real audio (pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export LIBTORCH="$PWD/.venv/lib/python3.11/site-packages/torch"
# --release reuses the dependencies that `maturin develop --release` just compiled.
cargo test --release --lib
.venv/bin/python -m pytest -q "$@"
