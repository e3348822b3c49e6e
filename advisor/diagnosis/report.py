"""The diagnostic report: profile + assessment + plan, rendered as Markdown, Word (.docx) and JSON, with a radar
chart of the dimensions (Chinese fonts from the ``mplfonts`` package, not the system).

Example:
    >>> from advisor.diagnosis.vocabulary import EnterpriseProfile
    >>> from advisor.diagnosis.assessment import assess
    >>> from advisor.diagnosis.planning import build_plan
    >>> p = EnterpriseProfile(); a = assess(p)
    >>> "诊断报告" in Report(profile=p, assessment=a, plan=build_plan(a, p)).to_markdown()
    True
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field, PrivateAttr

from advisor.config import GUIDE_DOC_ID
from advisor.diagnosis.charts import draw_matrix, draw_radar, draw_timeline
from advisor.diagnosis.progress import Comparison
from advisor.diagnosis.next_level import NextLevel, path_to_next_level
from advisor.diagnosis.planning import build_plan
from advisor.diagnosis.translation import to_english
from advisor.diagnosis.vocabulary import Assessment, EnterpriseProfile, Plan
from advisor.text import inert, printable

RELIABILITY_LABELS = {"official": "官方文本", "impl": "第三方工具实现（待核实）", "unverified": "未核实"}


def _cite(clauses: list[str]) -> str:
    return "".join(f"[{GUIDE_DOC_ID} {c}]" if c[0].isdigit() and c != "2" else f"[{GUIDE_DOC_ID} {c}（规范性引用）]"
                   for c in clauses)


class Report(BaseModel):
    profile: EnterpriseProfile
    assessment: Assessment
    plan: Plan
    created: str = Field(default_factory=lambda: date.today().isoformat())  # per report, not per process
    next_level: NextLevel | None = None  # filled from the assessment when not given
    enterprise: str = ""  # the name the user gave the enterprise (reports over time belong to it)
    comparison: Comparison | None = None  # T0 → T1, when the enterprise was diagnosed before
    summary: str = ""  # the executive summary in plain words (built from the diagnosis unless a verified one is given)
    summary_note: str = ""  # where the summary comes from
    language: str = "zh"  # "en" for an owner interviewed in English: the report is rendered in English
    _charts: dict[str, bytes] = PrivateAttr(default_factory=dict)  # drawn once: shown in the app and put in the .docx

    @classmethod
    def of_interview(cls, interview, **extra) -> Report:
        """The report of an interview as it stands: its assessment and the plan that follows, in its language."""
        assessment, profile = interview.assess(), interview.state.profile
        return cls(profile=profile, assessment=assessment, plan=build_plan(assessment, profile),
                   language=interview.state.language, **extra)

    def model_post_init(self, _context) -> None:
        if self.next_level is None:
            self.next_level = path_to_next_level(self.assessment)
        if not self.summary:
            from advisor.diagnosis.summary import deterministic_summary
            self.summary = deterministic_summary(self)
            self.summary_note = self.summary_note or "按诊断结果生成"

    @property
    def title(self) -> str:
        """"数字化转型诊断报告 · 家具制造 · 2026-11-26": the report says whose it is and when."""
        return self.say(self._title_zh)

    @property
    def _title_zh(self) -> str:
        industry = self.profile.get("industry")
        return " · ".join(filter(None, ["数字化转型诊断报告", self.enterprise, str(industry) if industry else "",
                                        self.created]))

    @property
    def file_stem(self) -> str:
        """The download name: the title, with nothing a file system refuses."""
        import re
        return re.sub(r"[\\/:*?\"<>|\s·]+", "-", self.title).strip("-")

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def say(self, text: str) -> str:
        """``text`` in the report's language."""
        return to_english(text) if self.language == "en" else text

    def to_markdown(self, english: bool | None = None) -> str:
        """The report as Markdown, in the report's language (``english``: in English or in Chinese whatever it is)."""
        text = self._markdown_zh()
        return to_english(text) if (self.language == "en" if english is None else english) else text

    def _markdown_zh(self) -> str:
        L = [f"# {self._title_zh}", "", f"生成日期：{self.created}　依据：{GUIDE_DOC_ID}《中小企业数字化转型工作指南》", ""]
        for section in (self._md_summary, self._md_progress, self._md_next_level, self._md_priorities,
                        self._md_scores, self._md_pains, self._md_plan, self._md_facts):
            L += section()
        return "\n".join(L)

    def markdown_file(self) -> str:
        """The Markdown as written to the .md file (and shown on the page): the owner's quotes and the summary made
        inert (no HTML, image, link or address forms in any viewer) and free of control characters."""
        return inert(printable(self.to_markdown()))

    def _md_summary(self) -> list[str]:
        """一、摘要"""
        a, p = self.assessment, self.plan
        L: list[str] = []
        L += ["## 一、给企业负责人的摘要", "", self.summary, "", f"> 摘要来源：{self.summary_note}", ""]
        if a.insufficient:
            L.append(f"- 目前信息不足，**暂不判断等级**。还需要了解：{'、'.join(a.missing)}。")
        else:
            L.append(f"- 估计数字化水平：**{a.level_label}**（总分估计 {a.score_estimate}，范围 {a.score_low}–{a.score_high}，"
                     f"置信度 {a.confidence:.0%}）")
            if a.score_high - a.score_low > 20 and a.missing:  # a wide range: what would narrow it most
                L.append(f"- 范围较宽；回答这几项最能收窄：{'、'.join(a.missing[:3])}")
        if a.pain_points:
            L.append(f"- 主要痛点：{'、'.join(x.label for x in a.pain_points[:4])}")
        L.append(f"- 建议起步阶段：**{p.start_stage.label}**；技术路径：**{p.tech_path.label}**；"
                 f"合作伙伴：{'、'.join(x.label for x in p.partners)}")
        if p.first_step:
            L.append(f"- 下周就能开始的第一步{'（' + p.industry + '行业）' if p.industry else ''}：{p.first_step}")
        L += ["", f"> {a.label_note}", ""]
        return L

    def _md_progress(self) -> list[str]:
        return self.comparison.markdown() if self.comparison else []

    def _md_next_level(self) -> list[str]:
        """离下一级还差什么（依据等级规则；第三方实现，见说明）."""
        nl = self.next_level
        if nl is None:
            return []
        L = [f"## 离{nl.target.label}还差什么", "", f"**{nl.summary}**（依据《中小企业数字化水平评测指标（2024年版）》"
             "第三方描述的等级规则估算；场景数按本次访谈了解到的场景比例折算）", ""]
        if nl.gaps:
            L += ["| 差距 | 要求 | 现状 | 怎么补上（优先） | 现状依据（企业原话） |", "|---|---|---|---|---|"]
            for g in nl.gaps:
                words = "；".join("“" + q + "”" for q in g.evidence) or "—"
                L.append(f"| {g.detail} | {g.need:g} | {g.have:g} | {'；'.join(g.candidates[:3])} | {words} |")
        return L + [""]

    def _md_priorities(self) -> list[str]:
        """先做什么：价值 × 难易矩阵（试点场景取自右上角）"""
        if not self.plan.priorities:
            return []
        L = ["## 先做什么：价值 × 难易", "", "价值看企业自己说的痛点及其轻重、是否约束性场景、行业是否常见、是否涉及损失；难易看第一步的"
             "前置条件、成本档位与所说预算、是否有IT人员（打分为本工具的估算）。右上角“先做”的场景作为试点。", "",
             "| 场景 | 价值 | 易做 | 象限 | 理由 | 第一步 |", "|---|---|---|---|---|---|"]
        for x in self.plan.priorities[:8]:
            L.append(f"| {x.label} | {x.value:g} | {x.ease:g} | {x.quadrant} | {'；'.join(x.reasons)} | {x.first_action} |")
        return L + [""]

    def matrix_png(self) -> bytes:
        """The priorities as a 2×2 matrix (value × ease), pilot candidates top right."""
        if "matrix" not in self._charts:
            self._charts["matrix"] = draw_matrix(self.plan.priorities, self.say)
        return self._charts["matrix"]

    def _md_scores(self) -> list[str]:
        """二、维度得分；三、业务场景等级"""
        a = self.assessment
        L: list[str] = []
        L += ["## 二、维度得分", "", "| 维度 | 满分 | 估计 | 范围 |", "|---|---|---|---|"]
        names = {"foundation": "数字化基础", "management": "数字化管理", "results": "数字化成效"}
        for k, d in a.dimension_scores.items():
            L.append(f"| {names.get(k, k)} | {d['points']:g} | {d['estimate']:.1f} | {d['low']:.1f}–{d['high']:.1f} |")
        L += ["", "| 评分项 | 满分 | 范围 | 依据 | 可靠性 |", "|---|---|---|---|---|"]
        for i in a.items:
            L.append(f"| {i.label} | {i.points:g} | {i.low:g}–{i.high:g} | {i.reason} | "
                     f"{RELIABILITY_LABELS.get(i.reliability, i.reliability)} |")
        L += ["", "## 三、业务场景等级", "", "| 场景 | 约束性 | 等级 | 依据（企业原话） |", "|---|---|---|---|"]
        for s in a.scenes:
            if s.level is not None:
                L.append(f"| {s.label} | {'是' if s.constrained else '否'} | {s.level} | "
                         f"{'；'.join('“' + e.quote + '”' for e in s.evidence)} |")
        L += ["", "推理过程：", *[f"- {r}" for r in a.reasoning], ""]
        return L

    def _md_pains(self) -> list[str]:
        """四、痛点与证据"""
        a = self.assessment
        L: list[str] = []
        L += ["## 四、痛点与证据", ""]
        for x in a.pain_points:
            L.append(f"- **{x.label}**（严重度 {x.severity}/3）{_cite(x.clauses)}")
            L += [f"  - 第{e.turn}轮原话：“{e.quote}”" for e in x.evidence]
        if not a.pain_points:
            L.append("- 访谈中尚未识别出明确痛点。")
        if a.observations:
            L += ["", "### 诊断观察（顾问根据企业所述事实的推断，不是企业提出的痛点）", ""]
            L += [line for o in a.observations for line in (f"- **{o.text}**{_cite(o.clauses)}", f"  - 依据：{o.reason}")]
        return L

    def _md_plan(self) -> list[str]:
        """五至七：路线图、技术路径与合作伙伴、组织与资金等"""
        p = self.plan
        L: list[str] = []
        L += ["", "## 五、分阶段路线图（试点→整合→融合→协同）", ""]
        for s in p.stages:
            L.append(f"### {s.label}（{ {'start': '起步阶段', 'later': '后续阶段', 'skipped': '已跳过'}[s.status] }）{_cite(s.clauses[:1])}")
            L.append(f"- 理由：{s.reason}")
            if s.duration_months:
                L.append(f"- 周期：{s.duration_months}（本工具的建议时长，指南未规定），细分为3–6个月的PDCA迭代 {_cite(['6.4.3.2'])}")
            if s.scenes:
                L.append(f"- 试点场景：{'、'.join(s.scenes)}")
            for g in s.goals:
                basis = f"（企业原话：“{g.evidence}”）" if g.evidence else (f"（基线怎么测：{g.measure}）" if g.measure else "")
                L.append(f"- 目标：{g.indicator}，{g.baseline} → {g.target}，{g.deadline}{basis} {_cite([g.clause])}")
            L += [f"- 行动：{x}" for x in s.actions]
            L.append("")
        L += ["## 六、技术路径与合作伙伴", "", f"- 技术路径：**{p.tech_path.label}** {_cite(['6.3.2'])}"]
        L += [f"  - {r}" for r in p.tech_path_reasons]
        for x in p.partners:
            L.append(f"- 合作伙伴：**{x.label}**——{x.why} {_cite(x.clauses)}")
        L.append(f"- 评估清单：{'；'.join(p.partner_checklist)} {_cite(['6.3.2'])}")
        L += ["", "## 七、组织、资金、风险、培训与监控", ""]
        for r in [*p.organisation, p.budget, *p.risks, p.training, p.monitoring, p.iteration, *p.security]:
            L.append(f"- **{r.title}**：{r.detail} {_cite(r.clauses)}")
        return L

    def _md_facts(self) -> list[str]:
        """八、依据的信息与缺失项，及标注说明"""
        a, pr = self.assessment, self.profile
        L: list[str] = []
        L += ["", "## 八、依据的信息与缺失项", ""]
        for f in pr.current().values():
            source = {"rules": "规则提取", "learned": "分类器判断"}.get(f.source, "大模型提取")
            L.append(f"- {f.describe()}（第{f.turn}轮，{source}：“{f.evidence}”）")
        if a.missing:
            L.append(f"- 尚缺：{'、'.join(a.missing)}")
        L += ["", "> 标注说明：引用 T/TJBDA 002—2026 的内容以条款号标注；等级与分值为依据第三方公开描述的估算；"
                  "国家标准相关内容来自本项目自行整理的要点卡片，非标准原文。"]
        return L

    def radar_png(self) -> bytes:
        """Dimension score rates (estimate, with the low–high band) as a radar chart."""
        if "radar" not in self._charts:
            self._charts["radar"] = draw_radar(self.assessment.dimension_scores, self.say)
        return self._charts["radar"]

    def timeline_png(self) -> bytes:
        """The staged roadmap (试点→整合→融合→协同) as a timeline: skipped stages named, the starting stage marked."""
        if "timeline" not in self._charts:
            self._charts["timeline"] = draw_timeline(self.plan.stages, self.say)
        return self._charts["timeline"]

    def write(self, path: Path) -> Path:
        suffix = path.suffix.lower()
        if suffix == ".json":
            path.write_text(self.to_json(), "utf-8")
        elif suffix == ".md":  # opened in any Markdown viewer: the owner's words and the summary made inert
            path.write_text(self.markdown_file(), "utf-8")
        elif suffix == ".docx":
            self._write_docx(path)
        else:
            raise ValueError("报告格式须为 .md / .docx / .json")
        return path

    def _write_docx(self, path: Path) -> None:
        """Word rendering of the same Markdown: headings, real tables, bullets, and both charts."""
        import docx
        from docx.shared import Inches
        document = docx.Document()
        _use_docx_cjk_font(document)
        table_rows: list[list[str]] = []

        def flush_table() -> None:
            if not table_rows:
                return
            table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
            table.style = "Table Grid"
            for r, cells in enumerate(table_rows):
                for c, text in enumerate(cells[: len(table_rows[0])]):
                    table.cell(r, c).text = text.replace("**", "")
            table_rows.clear()

        for line in printable(self._markdown_zh()).split("\n"):  # a control character stored earlier breaks no report
            zh_line, line = line, self.say(line)  # the charts go under the sections found by their Chinese headings
            if line.startswith("|"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                if not all(set(c) <= {"-", ":"} for c in cells):
                    table_rows.append(cells)
                continue
            flush_table()
            if line.startswith("# "):
                document.add_heading(line[2:], level=0)
            elif line.startswith("## "):
                document.add_heading(line[3:], level=1)
                if zh_line.startswith("## 先做什么") and self.plan.priorities:
                    document.add_picture(io.BytesIO(self.matrix_png()), width=Inches(4.5))
                elif zh_line.startswith("## 二、"):
                    document.add_picture(io.BytesIO(self.radar_png()), width=Inches(3.2))
                elif zh_line.startswith("## 五、"):
                    document.add_picture(io.BytesIO(self.timeline_png()), width=Inches(6.0))
            elif line.startswith("### "):
                document.add_heading(line[4:], level=2)
            elif line.strip():
                bullet = line.lstrip().startswith("- ")
                style = ("List Bullet 2" if line.startswith("  ") else "List Bullet") if bullet else None
                document.add_paragraph(line.strip().lstrip("-> ").replace("**", ""), style=style)
        flush_table()
        document.save(str(path))


def _use_docx_cjk_font(document) -> None:
    """East-Asian text in Word/LibreOffice needs an East-Asian font set on the Normal style."""
    from docx.oxml.ns import qn
    style = document.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), "Noto Sans CJK SC")
