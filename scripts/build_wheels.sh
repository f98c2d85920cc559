#!/usr/bin/env bash
# Builds the two wheels into dist/ (or the folder given): ser_rs (features; numpy only, no libtorch)
# and ser_rs_train (the tch trainer; depends on the torch it links). Needs the project venv
# (scripts/setup.sh) for maturin and for the torch wheel whose libtorch the trainer builds against.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-dist}")
mkdir -p "$out"
export LIBTORCH="$PWD/.venv/lib/python3.11/site-packages/torch"
export PATH="$PWD/.venv/bin:$PATH"
maturin build --release --quiet --interpreter .venv/bin/python --out "$out"
(cd train && maturin build --release --quiet --interpreter ../.venv/bin/python --out "$out")
ls -l "$out"/*.whl
