#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the main job: a feature table from a folder of
# audio (`bash scripts/main.sh /path/to/audio`) or, with no argument, from a generated demo corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/ser-rs features "$@"
