#!/usr/bin/env bash
# Creates the project venv (.venv) with torch==2.13.0 and the dev tools, then builds the Rust
# extension into it (release). Idempotent: a second run only rebuilds what changed.
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

if [ ! -x .venv/bin/python ]; then
  "$(python_311)" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements-dev.txt
# The extension links the libtorch inside the torch wheel (see .cargo/config.toml).
export LIBTORCH="$PWD/.venv/lib/python3.11/site-packages/torch"
.venv/bin/python -c 'import torch, sys; sys.exit(0 if torch.__version__.startswith("2.13.0") else f"torch {torch.__version__} found, tch 0.26 needs 2.13.0")'
PATH="$PWD/.venv/bin:$PATH" .venv/bin/maturin develop --release --quiet
