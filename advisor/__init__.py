"""数转顾问: the library behind the web app, the CLI and the evaluation (see ARCHITECTURE.md)."""
from advisor.offline import guard as _offline_guard

_offline_guard()
