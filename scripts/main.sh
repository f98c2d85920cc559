#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the main job, `ser-rs demo`: the synthetic
# demo corpus (or `bash scripts/main.sh --data /path/to/corpus`) -> features -> speaker-independent
# evaluation of a normal and an adversarially trained RNN with the robustness table -> report,
# plots and a saved model in ser_rs_output/demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/ser-rs demo "$@"
