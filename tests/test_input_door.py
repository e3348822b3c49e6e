"""#25 item 4: a message is normalised at the door (control characters removed, a lone surrogate replaced) with a
word to the user; a session stored with such characters before still gets every report; a report never fails
silently. #25 item 2 (the file): the .md report is inert like the page."""
from __future__ import annotations

import json

import docx
import pytest
from conftest import profile_of

from advisor.config import Settings
from advisor.diagnosis.assessment import assess
from advisor.diagnosis.planning import build_plan
from advisor.diagnosis.report import Report
from advisor.service import Advisor

HOSTILE = "我们做机械零部件\x0b员工80人\x00，\x1b[31m年营收三千万\ufffe\ud800"


@pytest.fixture
def adv(tmp_path):
    return Advisor(Settings(data_dir=tmp_path / "data", llm="none"))


def test_control_characters_and_lone_surrogates_are_normalised_at_the_door(adv):
    session_id, _ = adv.open_interview(None)
    iv, _turn = adv.interview_reply(session_id, HOSTILE)
    text = json.dumps(json.loads(adv.export_session(session_id)), ensure_ascii=False)  # stored, reads back
    for bad in ("\\u000b", "\\u0000", "\\u001b", "\ufffe", "\\ud800"):
        assert bad not in text
    assert "员工80人" in text and "\ufffd" in text
    assert iv.state.profile.get("employees") == 80  # the text was still read
    notes = adv.input_notes(HOSTILE)
    assert len(notes) == 1 and "控制字符 3 个" in notes[0] and "无效代理字符 1 个" in notes[0]
    assert adv.input_notes("我们做纸箱") == []
    assert adv.clip("a\r\nb\x0cc") == "a\nb\nc"  # line breaks of any kind stay line breaks


def _report(quote: str) -> Report:
    profile = profile_of(industry="机械", employees=80)
    profile.add(profile_of(**{"pain__inventory": True}).current()["pain.inventory"].model_copy(
        update={"evidence": quote}))
    assessment = assess(profile)
    return Report(profile=profile, assessment=assessment, plan=build_plan(assessment, profile),
                  summary=quote, summary_note="test")


def test_a_session_stored_with_control_characters_still_gets_every_report(tmp_path):
    report = _report("库存对不上\x0b经常\x00盘点\x1b出错\ufffe")  # stored before the door existed
    for ext in (".docx", ".md", ".json"):
        path = report.write(tmp_path / f"r{ext}")
        assert path.stat().st_size > 0
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "库存对不上" in text and "\x00" not in text


def test_the_markdown_report_file_is_inert(tmp_path):
    report = _report("![x](http://203.0.113.9/a.png) <img src=x onerror=alert(1)> \\[y](http://evil.example) "
                     "见 https://evil.example")
    md = report.write(tmp_path / "r.md").read_text("utf-8")
    from markdown_it import MarkdownIt
    html = MarkdownIt("commonmark").render(md)
    assert "<img" not in html and "<a " not in html and "https://evil.example" not in md


def test_a_report_that_fails_says_so_and_what_to_do(monkeypatch):
    import gradio as gr

    import app
    monkeypatch.setattr(app.advisor, "report", lambda session_id, **_: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(gr.Error) as raised:
        list(app.make_report("x" * 32, progress=lambda *a, **k: None))
    assert "报告未能生成" in str(raised.value) and "导出我的访谈数据" in str(raised.value)


def test_escaped_links_and_bare_addresses_form_no_link_in_the_chat():
    """#25 item 9: a backslash-escaped Markdown link and an autolink used to become clickable in the chat."""
    from markdown_it import MarkdownIt

    from advisor.rendering import inert, inline
    md = MarkdownIt("commonmark", {"linkify": False})
    for text in ("\\[点我](http://evil.example/a)", "<http://evil.example>", "![x](http://203.0.113.9/a.png)"):
        assert "<a " not in md.render(inert(text)) and "<img" not in md.render(inert(text))
    for text in ("http://evil.example/a", "www.evil.example", "mailto:x@evil.example"):
        shown = inert(text) + inline(text)
        assert "http://" not in shown and "www.evil" not in shown and "mailto:x" not in shown


def test_the_eval_report_fetches_nothing_and_a_non_utf8_case_file_gets_a_clear_message(tmp_path):
    """#25 item 9: the eval HTML report loaded remote images (no CSP); a non-UTF-8 case file gave a raw traceback."""
    from evals.report import to_html
    from evals.schema import CaseFileError, load_cases
    html = to_html({"summary": {}, "cases": []})
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    bad = tmp_path / "cases.yaml"
    bad.write_bytes("- id: x\n  kind: qa\n  question: 数据销毁\n".encode("gbk"))
    with pytest.raises(CaseFileError, match="not UTF-8"):
        load_cases([bad])
