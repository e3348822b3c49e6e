"""Enterprises followed over time (T0 → T1): sessions belong to an enterprise; a later report compares."""
from __future__ import annotations

import subprocess
import sys

import pytest

from advisor.config import PROJECT_ROOT, Settings
from advisor.service import Advisor, SessionNotFound

T0 = ["我们做五金冲压，员工四十人，年营收两千万。", "财务用金蝶，车间全靠纸质单据，仓库用Excel。", "设备都没联网，也没有IT人员。",
      "最头疼的是车间进度看不到，老是拖期。"]
T1 = ["我们做五金冲压，员工四十五人，年营收两千四百万。", "财务用金蝶，车间上了扫码报工的MES，仓库也换成了扫码的WMS。",
      "招了一个IT人员。", "现在进度看得到了，就是各系统数据还对不上。"]


def _diagnose(advisor: Advisor, turns: list[str], enterprise: str) -> str:
    session_id, _ = advisor.open_interview(None)
    for text in turns:
        advisor.interview_reply(session_id, text)
    advisor.set_enterprise(session_id, enterprise)
    return session_id


def test_a_later_diagnosis_is_compared_with_the_first(tmp_path):
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    first = _diagnose(advisor, T0, "华鑫五金")
    assert advisor.report(first).comparison is None  # nothing to compare with yet
    later = _diagnose(advisor, T1, " 华鑫五金 ")  # the same name, however typed
    report = advisor.report(later)
    c = report.comparison
    assert c is not None and c.score[1] > c.score[0]
    scenes = {s.label: (s.before, s.after) for s in c.scenes}
    assert scenes["生产管控"] == (1, 2)
    assert "纸质手工记录、数据采集自动化低" in c.pains_resolved and c.pains_new
    assert ("IT/数字化人员", "0人", "1人") in c.facts
    markdown = report.to_markdown()
    assert "与上次诊断相比" in markdown and "华鑫五金" in report.title and "华鑫五金" in report.file_stem
    assert [name for name, *_ in advisor.enterprises()] == ["华鑫五金"]
    assert advisor.report(first).comparison is None  # the first diagnosis is T0: never compared with a later one
    with pytest.raises(SessionNotFound):
        advisor.set_enterprise("no-such-session", "华鑫五金")


def test_enterprise_cli_lists_shows_and_compares(tmp_path):
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"))
    _diagnose(advisor, T0, "华鑫五金")
    _diagnose(advisor, T1, "华鑫五金")
    env = {"ADVISOR_DATA_DIR": str(tmp_path), "ADVISOR_LLM": "none", "PATH": "/usr/bin:/bin"}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "advisor", "enterprise", *args], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=120)

    assert "华鑫五金\t2 次诊断" in cli("list").stdout
    assert cli("show", "华鑫五金").stdout.count("一级初始") + cli("show", "华鑫五金").stdout.count("二级规范") == 2
    compared = cli("compare", "华鑫五金")
    assert compared.returncode == 0 and "| 生产管控 | 1级 | 2级 |" in compared.stdout
    assert cli("compare", "没有这家").returncode == 2


def test_the_word_report_of_a_later_diagnosis_holds_the_comparison_and_renders(tmp_path):
    import shutil

    import docx
    advisor = Advisor(Settings(data_dir=tmp_path / "data", llm="none"))
    _diagnose(advisor, T0, "华鑫五金")
    report = advisor.report(_diagnose(advisor, T1, "华鑫五金"))
    path = report.write(tmp_path / f"{report.file_stem}.docx")
    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("与上次诊断相比") for h in headings) and any(h.startswith("先做什么") for h in headings)
    assert any(t.cell(0, 0).text == "场景" and t.cell(0, 1).text == "上次" for t in document.tables)
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (libreoffice-writer-nogui) not installed")
    from pypdf import PdfReader
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = PdfReader(str(path.with_suffix(".pdf")))
    text = "".join(page.extract_text() for page in pdf.pages).replace(" ", "")
    assert len(pdf.pages) >= 3 and "与上次诊断相比" in text and "先做什么" in text and "华鑫五金" in text
