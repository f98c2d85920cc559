#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh, and Debian's chromium for the browser test where it is
# missing), then runs every test: the Rust stages (cargo test) and the Python API against librosa on
# real audio (pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# tests/test_browser.py drives Debian's chromium through Playwright (requirements-dev.txt); no browser
# is downloaded. Installed only where it is missing.
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
  else
    echo "warning: no apt-get: install chromium yourself for tests/test_browser.py" >&2
  fi
fi

# librosa's own test files for tests/librosa_suite, unpacked from its pinned source distribution.
.venv/bin/python scripts/librosa_suite.py --fetch

export LIBTORCH="$PWD/.venv/lib/python3.11/site-packages/torch"
# --release reuses the dependencies that `maturin develop --release` just compiled. The trainer's
# tests load libtorch from the torch wheel: the built code carries no path to it.
LD_LIBRARY_PATH="$LIBTORCH/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" cargo test --release --lib --features train
.venv/bin/python -m pytest -q "$@"
