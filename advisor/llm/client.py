"""Chat-model backends behind one interface (a langchain ``BaseChatModel``), chosen by configuration:

- ``local``: a GGUF model (the bundled Qwen2.5-Coder-1.5B by default) run in-process by xllamacpp;
- ``openai``: any OpenAI-compatible server (vLLM, Ollama, DeepSeek, DashScope) via langchain-openai;
- ``none``: no generation; callers use their deterministic path.

:class:`ChatClient` adds what every caller needs on top: lazy thread-safe loading, streaming with a first-token and a
total timeout, JSON-schema output, and a clear ``LLMUnavailable`` so callers can fall back and say so.

Example:
    >>> from advisor.config import Settings
    >>> gen = ChatClient.from_settings(Settings(llm="none"))
    >>> gen.available, gen.describe()
    (False, '无（确定性模式）')
"""
from __future__ import annotations

import atexit
import json
import logging
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from advisor.config import Settings
from advisor.llm.model_files import bundled_parts_available, prepare_model

log = logging.getLogger(__name__)


class LLMUnavailable(RuntimeError):
    """The model is not configured, failed, timed out or produced unusable output."""


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


class _LocalServer:
    """One xllamacpp server per model path and process, loaded lazily under a lock."""

    _servers: dict[str, Any] = {}
    _lock = threading.Lock()
    _run_lock = threading.Lock()  # one generation at a time on a 2-core machine

    @classmethod
    def get(cls, model_path: str, n_ctx: int, threads: int):
        with cls._lock:
            if model_path not in cls._servers:
                import xllamacpp
                params = xllamacpp.CommonParams()
                params.model.path = model_path
                params.n_ctx = n_ctx
                params.n_parallel = 1
                params.cpuparams.n_threads = threads
                params.cpuparams_batch.n_threads = threads
                params.warmup = False
                params.verbosity = -1  # keep llama.cpp's logging out of the user's terminal
                cls._servers[model_path] = xllamacpp.Server(params)
            return cls._servers[model_path]


_RUNNING: set[threading.Thread] = set()
_SHUTTING_DOWN = threading.Event()


@atexit.register
def _drain_generations() -> None:
    """A generation abandoned after a timeout may still be inside llama.cpp when the interpreter exits, which aborts
    the process ("FATAL: exception not rethrown"): tell every run to stop at its next token and wait for it."""
    _SHUTTING_DOWN.set()
    for thread in list(_RUNNING):
        thread.join(timeout=120)


class LocalLlamaChat(BaseChatModel):
    """A GGUF model in-process through xllamacpp's ``handle_chat_completions``."""

    model_path: str
    n_ctx: int = 4096
    threads: int = 2
    max_tokens: int = 400
    temperature: float = 0.2
    model_config = ConfigDict(arbitrary_types_allowed=True)
    _cancel: threading.Event = PrivateAttr(default_factory=threading.Event)

    @property
    def _llm_type(self) -> str:
        return "xllamacpp"

    def _request(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs) -> dict:
        request = {"messages": [{"role": _role(m), "content": m.content} for m in messages],
                   "max_tokens": kwargs.get("max_tokens", self.max_tokens),
                   "temperature": kwargs.get("temperature", self.temperature)}
        if stop:
            request["stop"] = stop
        if "response_format" in kwargs:
            request["response_format"] = kwargs["response_format"]
        return request

    def _server(self):
        return _LocalServer.get(self.model_path, self.n_ctx, self.threads)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs) -> ChatResult:
        server = self._server()
        with _LocalServer._run_lock:
            response = server.handle_chat_completions(self._request(messages, stop, **kwargs))
        if "error" in response:
            raise LLMUnavailable(str(response["error"]))
        text = response["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs) -> Iterator[ChatGenerationChunk]:
        server = self._server()
        request = self._request(messages, stop, **kwargs)
        request["stream"] = True
        chunks: queue.Queue = queue.Queue()
        cancelled = threading.Event()

        def on_chunk(chunk) -> bool:
            chunks.put(chunk)
            return cancelled.is_set() or _SHUTTING_DOWN.is_set()  # True tells llama.cpp to stop generating

        def run() -> None:
            try:
                with _LocalServer._run_lock:
                    if not (cancelled.is_set() or _SHUTTING_DOWN.is_set()):
                        server.handle_chat_completions(request, on_chunk)
            except Exception as exc:  # noqa: BLE001 - surfaced to the consumer below
                chunks.put(exc)
            finally:
                chunks.put(None)
                _RUNNING.discard(threading.current_thread())

        thread = threading.Thread(target=run, daemon=True, name="llama-stream")
        _RUNNING.add(thread)
        thread.start()
        try:
            while (chunk := chunks.get()) is not None:
                if isinstance(chunk, Exception):
                    raise LLMUnavailable(str(chunk)) from chunk
                if isinstance(chunk, dict) and "error" in chunk:
                    raise LLMUnavailable(str(chunk["error"]))
                delta = (chunk.get("choices") or [{}])[0].get("delta", {}).get("content") if isinstance(chunk, dict) else None
                if delta:
                    if run_manager:
                        run_manager.on_llm_new_token(delta)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=delta))
        finally:
            cancelled.set()


def make_chat_model(settings: Settings, progress=None) -> BaseChatModel | None:
    """The configured langchain chat model, or None for ``none`` (and for ``auto`` with nothing available)."""
    backend = settings.llm
    if backend == "auto":
        backend = "local" if (settings.llm_model_path or bundled_parts_available()) else "none"
    if backend == "none":
        return None
    if backend == "openai":
        from langchain_openai import ChatOpenAI
        return ChatOpenAI(base_url=settings.openai_base_url, model=settings.openai_model,
                          api_key=settings.openai_api_key, timeout=settings.llm_timeout_s,
                          max_retries=settings.openai_retries, temperature=0.2, max_tokens=settings.llm_max_tokens)
    path = settings.llm_model_path or prepare_model(settings.model_cache_dir, progress=progress)
    return LocalLlamaChat(model_path=str(path), n_ctx=settings.llm_ctx, threads=settings.llm_threads,
                          max_tokens=settings.llm_max_tokens)


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
            model = make_chat_model(settings, progress=progress)
        except Exception as exc:  # noqa: BLE001 - a missing/corrupt model means: deterministic mode, said aloud
            log.warning("LLM unavailable: %s", exc)
            return cls(None, settings, error=str(exc))
        label = ""
        if isinstance(model, LocalLlamaChat):
            label = f"本地模型 {model.model_path.rsplit('/', 1)[-1]}（xllamacpp）"
        elif model is not None:
            label = f"OpenAI 兼容服务 {settings.openai_model} @ {settings.openai_base_url}"
        return cls(model, settings, label)

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
