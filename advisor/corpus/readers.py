"""Document readers, one registration per file type: a reader turns a file's bytes into plain text and raises
ValueError with a message a user can act on. Upload suffixes, the app's file picker and the error texts derive from
:data:`READERS`; a new document type is one :func:`register_reader` call (see ARCHITECTURE.md).

Example:
    >>> supported_suffixes()
    ('.txt', '.md', '.markdown', '.pdf', '.docx')
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

Reader = Callable[[Path, bytes], str]
READERS: dict[str, Reader] = {}

MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024  # declared size of all parts; the parse's time and memory are bounded too


def register_reader(suffixes: tuple[str, ...], reader: Reader) -> Reader:
    for suffix in suffixes:
        READERS[suffix.lower()] = reader
    return reader


def supported_suffixes() -> tuple[str, ...]:
    return tuple(READERS)


def supported_label() -> str:
    """".txt .md .pdf .docx" as users read it in messages."""
    return " ".join(s for s in READERS if s != ".markdown")


def read_document_text(path: Path) -> str:
    """Text of a file of a registered type. Raises ValueError with a clear message when it cannot be read."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"{path.name}: 不支持的文件类型 {path.suffix.lower()}（支持 {supported_label()}）")
    return reader(path, path.read_bytes())


def _read_text(path: Path, data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ValueError(f"{path.name}: 不是文本文件（含二进制内容）")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path.name}: 无法识别文本编码（请使用 UTF-8 或 GB18030）")


def _read_pdf(path: Path, data: bytes) -> str:
    if not data.startswith(b"%PDF"):
        raise ValueError(f"{path.name}: 文件内容不是 PDF")
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise ValueError(f"{path.name}: PDF 已加密，无法读取")
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except PdfReadError as exc:
        raise ValueError(f"{path.name}: PDF 已损坏（{exc}）") from exc


def _read_docx(path: Path, data: bytes) -> str:
    import zipfile
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise ValueError(f"{path.name}: DOCX 解压后过大（{total // 2**20} MiB），疑似压缩炸弹，已拒绝")
            if "word/document.xml" not in zf.namelist():
                raise ValueError(f"{path.name}: 不是有效的 DOCX 文件")
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{path.name}: 不是有效的 DOCX 文件（{exc}）") from exc
    import docx
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises KeyError/lxml errors on malformed parts
        raise ValueError(f"{path.name}: DOCX 内容已损坏（{type(exc).__name__}）") from exc
    return "\n".join(p.text for p in document.paragraphs)


register_reader((".txt", ".md", ".markdown"), _read_text)
register_reader((".pdf",), _read_pdf)
register_reader((".docx",), _read_docx)
