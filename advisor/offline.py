"""The environment that must be set before gradio, chromadb or huggingface are imported, in one place: the offline
guarantee, and Gradio's file cache inside the data folder (not a shared /tmp), so an owner's report and export copies
stay in a folder only this user can read. ``advisor/__init__.py`` applies it and every entry point (app, CLI, evals,
tests) imports ``advisor`` first. Values already set by the user are kept."""
from __future__ import annotations

import os
from pathlib import Path

OFFLINE_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TRANSFORMERS_OFFLINE": "1",
}


def data_dir() -> Path:
    """The data folder (``ADVISOR_DATA_DIR``, else a folder in the user's home); ``Settings.data_dir`` defaults to it."""
    return Path(os.environ.get("ADVISOR_DATA_DIR") or Path.home() / ".local/share/shuzhuan-advisor")


def guard() -> None:
    for key, value in OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("GRADIO_TEMP_DIR", str(data_dir() / "gradio-cache"))
