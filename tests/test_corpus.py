from pathlib import Path

import docx
import pytest

from advisor.config import GUIDE_DOC_ID
from advisor.corpus.parsing import DocKind, parse_file, parse_text
from advisor.corpus.readers import read_document_text


def _guide(guide_text):
    return parse_text(guide_text, doc_id=GUIDE_DOC_ID, title="指南", kind=DocKind.guide)


def test_guide_text_survives_parsing_whole(guide_text):
    """Every non-empty line of the source appears once, in order, in the clause records (headings + bodies)."""
    doc = _guide(guide_text)
    rebuilt: list[str] = []
    for clause in doc.sections:
        rebuilt += [ln for ln in clause.heading.split("\n") if ln]
        rebuilt += [ln for ln in clause.text.split("\n") if ln]
    source = [ln.strip() for ln in guide_text.split("\n") if ln.strip()]
    assert rebuilt == source


def test_every_numbered_clause_of_the_guide_is_found(guide_text):
    doc = _guide(guide_text)
    ids = [c.clause_id for c in doc.sections]
    for expected in ["1", "2", "3.1", "3.5", "4.5", "5.2.5", "5.3.2.7", "5.3.3.2", "5.4.1.4", "6.2.4", "6.3.1.2.3",
                     "6.3.2", "6.4.3.3", "6.5.4", "6.6.4"]:
        assert expected in ids
    assert len(ids) == len(set(ids))
    assert len([i for i in ids if i[0].isdigit()]) == 79


def test_clause_record_fields(guide_text):
    doc = _guide(guide_text)
    c = doc.clause("5.3.2.7")
    assert c.title == "数据销毁"
    assert c.path == ["5 数字化转型工作框架", "5.3 数字化技术", "5.3.2 数据要素技术", "5.3.2.7 数据销毁"]
    assert c.parent == "5.3.2"
    assert c.text.startswith("数据销毁处于数据生命周期末尾阶段") and c.text.endswith("需依托专业的数据销毁服务机构进行销毁。")


def test_cross_references_are_refs_not_headings(guide_text):
    doc = _guide(guide_text)
    assert doc.clause("5.4.1.2").refs == ["6.5"]
    assert doc.clause("5.4.1.4").refs == ["5.4.3"]
    assert doc.clause("5.4.2.1").refs == ["5.2"]
    assert "5.4.1.2" in doc.referenced_by("6.5")
    # "[来源：GB/T 23011-2022, 3.3]" cites another document, not this guide's 3.3
    assert "3.3" not in doc.clause("3.1").refs


def test_terms_with_number_on_own_line_and_notes_and_sources(guide_text):
    doc = _guide(guide_text)
    term = doc.clause("3.1")
    assert term.title == "数字化转型 digital transformation"
    assert "注：推进数字化转型" in term.text and "[来源：GB/T 23011-2022, 3.3]" in term.text


def test_long_clauses_are_retrievable_by_items(guide_text):
    doc = _guide(guide_text)
    items = [c for c in doc.clauses if c.parent == "6.4.3.2" and c.is_item]
    assert [c.clause_id for c in items] == [f"6.4.3.2/{i})" for i in range(1, 7)]
    assert items[1].text.startswith("- 2) 第一阶段：单场景试点")
    assert items[1].path[-2] == "6.4.3.2 实施路径与推进步骤" and items[1].base_id == "6.4.3.2"
    # 6.3.2 has three lists: the later ones are named apart
    ids = [c.clause_id for c in doc.clauses if c.parent == "6.3.2" and c.is_item]
    assert "6.3.2/2:1)" in ids and "6.3.2/3:3)" in ids and len(ids) == len(set(ids))


def test_in_sentence_numbers_never_become_headings():
    text = "5 框架\n5.1 概述\n结合6.5中的要求开展工作。\n6.5 中的数据管理要求，应当遵守，并且执行。\n5.2 管理\n正文\n"
    doc = parse_text(text, doc_id="X", title="X")
    assert [c.clause_id for c in doc.sections] == ["5", "5.1", "5.2"]
    assert "6.5 中的数据管理要求" in doc.clause("5.1").text


def test_out_of_sequence_number_is_body_text():
    doc = parse_text("1 范围\n1.1 概述\n1.3 跳号\n正文\n", doc_id="X", title="X")
    assert [c.clause_id for c in doc.sections] == ["1", "1.1"]


def test_list_items_with_and_without_dash():
    doc = parse_text("1 要求\n内容如下：\n1) 第一项；\n- 2) 第二项；\n", doc_id="X", title="X")
    assert [c.clause_id for c in doc.clauses if c.is_item] == ["1/1)", "1/2)"]


def test_markdown_headings(tmp_path):
    md = "# 我的标准\n\n说明。\n\n## 1 总则\n\n总则内容。\n\n## 2 要求\n\n### 2.1 数据\n\n数据要求。\n\n## 附录\n\n附录内容\n"
    doc = parse_text(md, doc_id="M", title="M")
    assert [c.clause_id for c in doc.sections] == ["H1", "1", "2", "2.1", "H2"]
    assert doc.clause("2.1").path == ["2 要求", "2.1 数据"]


def test_docx_is_parsed_by_python_docx(tmp_path):
    document = docx.Document()
    for line in ["1 范围", "本文件规定了要求。", "2 要求", "2.1 数据", "数据应当备份。"]:
        document.add_paragraph(line)
    path = tmp_path / "std.docx"
    document.save(path)
    doc = parse_file(path, doc_id="D")
    assert doc.clause("2.1").text == "数据应当备份。"


@pytest.mark.parametrize("name,content,message", [
    ("fake.pdf", b"this is not a pdf", "不是 PDF"),
    ("broken.pdf", b"%PDF-1.7\n garbage without xref", "PDF"),
    ("fake.docx", b"plain text pretending", "不是有效的 DOCX"),
    ("bin.txt", b"\x00\x01\x02binary", "二进制"),
    ("x.exe", b"MZ", "不支持的文件类型"),
])
def test_broken_uploads_get_clear_messages(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        read_document_text(path)


def test_docx_zip_bomb_is_refused(tmp_path):
    import zipfile
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a/>")
        zf.writestr("word/huge.bin", b"\0" * (210 * 1024 * 1024))
    with pytest.raises(ValueError, match="压缩炸弹"):
        read_document_text(path)


def test_gb18030_text_is_decoded(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("1 范围\n中文内容\n".encode("gb18030"))
    assert "中文内容" in read_document_text(Path(path))
