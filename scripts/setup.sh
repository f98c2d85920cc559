#!/usr/bin/env bash
# Installs Debian's chromium where it is missing (the browser test), creates the project venv (.venv)
# with torch==2.13.0 and the dev tools, then builds both native
# modules into it (release): ser_rs._native (features; no libtorch) and the trainer's
# ser_rs_train._trainer (train/pyproject.toml). Idempotent: a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python_311() {
  for py in "${PYTHON:-}" python3.11 python3; do
    if [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 \
       && "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$py"; return 0
    fi
  done
  echo "error: Python 3.11 is needed (set PYTHON=/path/to/python3.11)" >&2; return 1
}

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

if [ ! -x .venv/bin/python ]; then
  "$(python_311)" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# The trainer's dependencies (with the exact torch it links) are those its wheel declares.
trainer_deps=$(.venv/bin/python scripts/trainer_requirements.py)
.venv/bin/python -m pip install --quiet -r requirements-dev.txt $trainer_deps
# The trainer links the libtorch inside the torch wheel (see .cargo/config.toml).
export LIBTORCH="$PWD/.venv/lib/python3.11/site-packages/torch"
PATH="$PWD/.venv/bin:$PATH" .venv/bin/maturin develop --release --quiet
(cd train && PATH="$PWD/../.venv/bin:$PATH" ../.venv/bin/maturin develop --release --quiet)
