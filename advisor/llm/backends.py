"""Chat-model backends, one registration each: a backend is a name, a label and a factory that returns a langchain
``BaseChatModel`` (or None for "no model"). The CLI choices, the settings check and ``auto`` derive from
:data:`BACKENDS`; adding a backend is one :func:`register_backend` call (see ARCHITECTURE.md).

- ``local``: a GGUF model (the bundled Qwen2.5-Coder-1.5B by default) run in-process by xllamacpp;
- ``openai``: any OpenAI-compatible server (vLLM, Ollama, DeepSeek, DashScope) via langchain-openai;
- ``none``: no generation; callers use their deterministic path.

Example:
    >>> sorted(BACKENDS)
    ['local', 'none', 'openai']
"""
from __future__ import annotations

import atexit
import threading
import queue
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from advisor.config import Settings
from advisor.llm.errors import LLMUnavailable
from advisor.llm.model_files import bundled_parts_available, prepare_model


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




@dataclass(frozen=True)
class Backend:
    """One way to get a chat model. ``make`` returns None for "no model"; ``installed`` says whether ``auto`` may
    pick it; ``label`` is what the status tab shows."""

    name: str
    make: Callable[[Settings, Any], BaseChatModel | None]
    label: Callable[[Settings, BaseChatModel], str]
    installed: Callable[[Settings], bool] = lambda settings: True


BACKENDS: dict[str, Backend] = {}
AUTO_ORDER: list[str] = []  # the backends ``auto`` tries, in order, when installed


def register_backend(backend: Backend, auto: bool = False) -> Backend:
    BACKENDS[backend.name] = backend
    if auto:
        AUTO_ORDER.append(backend.name)
    return backend


def backend_choices() -> list[str]:
    """What ``--llm`` and ``ADVISOR_LLM`` accept."""
    return ["auto", *BACKENDS]


def resolve_backend(settings: Settings) -> Backend:
    name = settings.llm
    if name == "auto":
        name = next((n for n in AUTO_ORDER if BACKENDS[n].installed(settings)), "none")
    if name not in BACKENDS:
        raise ValueError(f"未知的大模型后端 {name!r}（可选：{'、'.join(backend_choices())}）")
    return BACKENDS[name]


def _make_openai(settings: Settings, progress=None) -> BaseChatModel:
    from langchain_openai import ChatOpenAI
    return ChatOpenAI(base_url=settings.openai_base_url, model=settings.openai_model,
                      api_key=settings.openai_api_key, timeout=settings.llm_timeout_s,
                      max_retries=settings.openai_retries, temperature=0.2, max_tokens=settings.llm_max_tokens)


def _make_local(settings: Settings, progress=None) -> BaseChatModel:
    path = settings.llm_model_path or prepare_model(settings.model_cache_dir, progress=progress)
    return LocalLlamaChat(model_path=str(path), n_ctx=settings.llm_ctx, threads=settings.llm_threads,
                          max_tokens=settings.llm_max_tokens)


register_backend(Backend("local", _make_local,
                         lambda s, m: f"本地模型 {m.model_path.rsplit('/', 1)[-1]}（xllamacpp）",
                         installed=lambda s: bool(s.llm_model_path or bundled_parts_available())), auto=True)
register_backend(Backend("openai", _make_openai, lambda s, m: f"OpenAI 兼容服务 {s.openai_model} @ {s.openai_base_url}"))
register_backend(Backend("none", lambda s, progress=None: None, lambda s, m: ""))
