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
    # an impossible gate fails the run
    cmd[-1] = "interview.checks_passed_rate=1.01"
    assert subprocess.run(cmd, env=env, capture_output=True).returncode == 1
