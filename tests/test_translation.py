"""The English report for an owner interviewed in English (issue #22): the catalogue, the rendering, the .docx."""
from __future__ import annotations

import re

import docx
import pytest
from pydantic import ValidationError

from advisor.diagnosis.interview import Interview
from advisor.diagnosis.report import Report
from advisor.diagnosis.translation import Catalog, to_english, untranslated

CJK = re.compile(r"[\u4e00-\u9fff]")


def _report(turns: list[str]) -> Report:
    iv = Interview(chat=None)
    iv.start()
    for text in turns:
        iv.reply(text)
    return Report.of_interview(iv)


# fresh sentences: a bakery chain and a metal workshop, answering in English
ENGLISH_OWNERS = [
    ["We run a bakery chain with five shops, about 70 staff, sales roughly 15 million yuan a year.",
     "Orders come in by WeChat and phone, stock is counted on paper every evening.",
     "Waste is our big problem: we throw away bread every night because nobody knows what sold where.", "finish"],
    ["We're a sheet metal workshop, 120 workers, revenue about 40 million RMB.",
     "Kingdee for accounting, no MES, job cards on paper.", "Only 3 of our 30 machines are networked.",
     "The boss leads it himself.", "finish"],
]


@pytest.mark.parametrize("turns", ENGLISH_OWNERS)
def test_an_owner_interviewed_in_english_gets_the_report_in_english(turns, tmp_path):
    report = _report(turns)
    assert report.language == "en"
    text = report.to_markdown()
    assert not untranslated(text) and not CJK.search(text), [line for line in text.splitlines() if CJK.search(line)]
    assert text.startswith("# Digital Transformation Diagnosis Report")
    assert "## 1. Summary for the business owner" in text
    saved = report.write(tmp_path / "report.docx")
    paragraphs = "\n".join(p.text for p in docx.Document(str(saved)).paragraphs)
    assert "Pain points and evidence" in paragraphs and not CJK.search(paragraphs)


def test_a_chinese_owner_still_reads_chinese_and_the_english_is_the_same_report():
    report = _report(["我们做不锈钢餐具，八十个人，一年三千万左右。", "就用了个金蝶记账，仓库全靠手工本子。", "结束"])
    assert report.language == "zh" and "## 一、给企业负责人的摘要" in report.to_markdown()
    english = report.to_markdown(english=True)
    assert "## 1. Summary for the business owner" in english
    assert len(english.splitlines()) == len(report.to_markdown().splitlines())  # the same report, line for line


def test_numbers_carry_over_and_a_catalogue_entry_must_keep_its_placeholders():
    assert to_english("- 主要痛点：纸质手工记录") == "- Main pain points: paper-based manual records"
    with pytest.raises(ValidationError):
        Catalog(segments={"总分约{0}分": "about points in total"})
