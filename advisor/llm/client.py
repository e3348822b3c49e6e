"""What the product asks of a model, whatever the backend (:mod:`advisor.llm.backends`): streamed text and JSON
with a first-token and a total timeout, a warm-up of the prompt cache, and a clear :class:`LLMUnavailable` so callers
fall back to their deterministic path and say so.

Example:
    >>> from advisor.config import Settings
    >>> client = ChatClient.from_settings(Settings(llm="none"))
    >>> client.available, client.describe()
    (False, '无（确定性模式）')
"""
from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections.abc import Iterator

from langchain_core.language_models import BaseChatModel

from advisor.config import Settings
from advisor.llm.backends import LocalLlamaChat, resolve_backend
from advisor.llm.errors import LLMUnavailable

log = logging.getLogger(__name__)

__all__ = ["ChatClient", "LLMUnavailable"]


class ChatClient:
    """What the product asks of a model: streamed text and JSON, with timeouts and a clean failure."""

    def __init__(self, model: BaseChatModel | None, settings: Settings, label: str = "", error: str = "") -> None:
        self.model = model
        self.settings = settings
        self.label = label
        self.error = error  # why no model is available, shown to the user

    @classmethod
    def from_settings(cls, settings: Settings, progress=None) -> "ChatClient":
        try:
            backend = resolve_backend(settings)
            model = backend.make(settings, progress)
        except Exception as exc:  # noqa: BLE001 - a missing/corrupt model means: deterministic mode, said aloud
            log.warning("LLM unavailable: %s", exc)
            return cls(None, settings, error=str(exc))
        return cls(model, settings, backend.label(settings, model) if model is not None else "")

    @property
    def available(self) -> bool:
        return self.model is not None

    def warm_up(self, prefixes: list[list[tuple[str, str]]]) -> int:
        """Load the local model and have it read each prompt prefix once (one token generated), so llama.cpp's prompt
        cache holds them and the first real question skips that prefill (measured: first answer's first token 14 s
        cold, 8 s warmed). Remote servers keep their own caches and get no unasked-for requests. Returns how many
        prefixes were read; a failure only logs, the first real call reports it to the user."""
        if not isinstance(self.model, LocalLlamaChat):
            return 0
        done = 0
        for messages in prefixes:
            try:
                self.complete(messages, max_tokens=1)
            except LLMUnavailable as exc:
                log.warning("model warm-up failed: %s", exc)
                break
            done += 1
        return done

    def describe(self) -> str:
        if self.model is None:
            return f"无（确定性模式）{'：' + self.error if self.error else ''}"
        return self.label or type(self.model).__name__

    def stream(self, messages: list[tuple[str, str]], first_token_timeout: float | None = None,
               total_timeout: float | None = None, **kwargs) -> Iterator[str]:
        """Yield text pieces; raise LLMUnavailable on failure or when a timeout passes."""
        if self.model is None:
            raise LLMUnavailable("未配置大模型")
        first_token_timeout = first_token_timeout or self.settings.llm_timeout_s
        total_timeout = total_timeout or self.settings.llm_timeout_s * 2
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()

        def produce() -> None:
            try:
                for chunk in self.model.stream(messages, **kwargs):
                    if stop.is_set():
                        break
                    if chunk.content:
                        pieces.put(str(chunk.content))
            except Exception as exc:  # noqa: BLE001
                pieces.put(exc)
            finally:
                pieces.put(None)

        threading.Thread(target=produce, daemon=True, name="llm-stream").start()
        started = time.monotonic()
        got_first = False
        try:
            while True:
                limit = (total_timeout if got_first else first_token_timeout) - (time.monotonic() - started)
                try:
                    piece = pieces.get(timeout=max(limit, 0.01))
                except queue.Empty:
                    raise LLMUnavailable(f"大模型超时（{'总时长' if got_first else '首字'}超过限制）") from None
                if piece is None:
                    return
                if isinstance(piece, Exception):
                    raise LLMUnavailable(f"大模型调用失败：{piece}") from piece
                got_first = True
                yield piece
        finally:
            stop.set()

    def complete(self, messages: list[tuple[str, str]], **kwargs) -> str:
        return "".join(self.stream(messages, **kwargs))

    def json(self, messages: list[tuple[str, str]], schema: dict, name: str = "result", **kwargs) -> dict:
        """JSON constrained by ``schema`` (the server enforces it where it can); validated as JSON here."""
        response_format = {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}
        text = self.complete(messages, response_format=response_format, **kwargs)
        try:
            start, end = text.index("{"), text.rindex("}") + 1
            return json.loads(text[start:end])
        except ValueError as exc:
            raise LLMUnavailable(f"大模型返回的不是合法 JSON：{text[:200]!r}") from exc
