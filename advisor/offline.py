"""The offline guarantee, in one place: these variables must be set before gradio, chromadb or huggingface are
imported, so ``advisor/__init__.py`` applies them and every entry point (app, CLI, evals, tests) imports ``advisor``
first. Values already set by the user are kept."""
from __future__ import annotations

import os

OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TRANSFORMERS_OFFLINE": "1",
}


def guard() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
