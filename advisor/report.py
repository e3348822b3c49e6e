"""The diagnostic report: profile + assessment + plan, rendered as Markdown, Word (.docx) and JSON, with a radar
chart of the dimensions (Chinese fonts from the ``mplfonts`` package, not the system).

Example:
    >>> from advisor.domain import EnterpriseProfile
    >>> from advisor.indicators import assess
    >>> from advisor.planning import build_plan
    >>> p = EnterpriseProfile(); a = assess(p)
    >>> "诊断报告" in Report(profile=p, assessment=a, plan=build_plan(a, p)).to_markdown()
    True
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pydantic import BaseModel

from .config import GUIDE_DOC_ID
from .domain import Assessment, EnterpriseProfile, Plan


def _cite(clauses: list[str]) -> str:
    return "".join(f"[{GUIDE_DOC_ID} {c}]" if c[0].isdigit() and c != "2" else f"[{GUIDE_DOC_ID} {c}（规范性引用）]"
                   for c in clauses)


class Report(BaseModel):
    profile: EnterpriseProfile
    assessment: Assessment
    plan: Plan
    created: str = date.today().isoformat()

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    def to_markdown(self) -> str:
        a, p, pr = self.assessment, self.plan, self.profile
        L = [f"# 数字化转型诊断报告", "", f"生成日期：{self.created}　依据：{GUIDE_DOC_ID}《中小企业数字化转型工作指南》", ""]
        L += ["## 一、给企业负责人的摘要", ""]
        if a.insufficient:
            L.append(f"- 目前信息不足，**暂不判断等级**。还需要了解：{'、'.join(a.missing)}。")
        else:
            L.append(f"- 估计数字化水平：**{a.level_label}**（总分估计 {a.score_estimate}，范围 {a.score_low}–{a.score_high}，"
                     f"置信度 {a.confidence:.0%}）")
        if a.pain_points:
            L.append(f"- 主要痛点：{'、'.join(x.label for x in a.pain_points[:4])}")
        L.append(f"- 建议起步阶段：**{p.start_stage.label}**；技术路径：**{p.tech_path.label}**；"
                 f"合作伙伴：{'、'.join(x.label for x in p.partners)}")
        L += ["", f"> {a.label_note}", ""]
        L += ["## 二、维度得分", "", "| 维度 | 满分 | 估计 | 范围 |", "|---|---|---|---|"]
        names = {"foundation": "数字化基础", "management": "数字化管理", "results": "数字化成效"}
        for k, d in a.dimension_scores.items():
            L.append(f"| {names.get(k, k)} | {d['points']:g} | {d['estimate']:.1f} | {d['low']:.1f}–{d['high']:.1f} |")
        L += ["", "| 评分项 | 满分 | 范围 | 依据 | 可靠性 |", "|---|---|---|---|---|"]
        for i in a.items:
            L.append(f"| {i.label} | {i.points:g} | {i.low:g}–{i.high:g} | {i.reason} | {i.reliability} |")
        L += ["", "## 三、业务场景等级", "", "| 场景 | 约束性 | 等级 | 依据（企业原话） |", "|---|---|---|---|"]
        for s in a.scenes:
            if s.level is not None:
                L.append(f"| {s.label} | {'是' if s.constrained else '否'} | {s.level} | "
                         f"{'；'.join('“' + e.quote + '”' for e in s.evidence)} |")
        L += ["", "推理过程：", *[f"- {r}" for r in a.reasoning], ""]
        L += ["## 四、痛点与证据", ""]
        for x in a.pain_points:
            L.append(f"- **{x.label}**（严重度 {x.severity}/3）{_cite(x.clauses)}")
            L += [f"  - 第{e.turn}轮原话：“{e.quote}”" for e in x.evidence]
        if not a.pain_points:
            L.append("- 访谈中尚未识别出明确痛点。")
        L += ["", "## 五、分阶段路线图（试点→整合→融合→协同）", ""]
        for s in p.stages:
            L.append(f"### {s.label}（{ {'start': '起步阶段', 'later': '后续阶段', 'skipped': '已跳过'}[s.status] }）{_cite(s.clauses[:1])}")
            L.append(f"- 理由：{s.reason}")
            if s.duration_months:
                L.append(f"- 周期：{s.duration_months}，按3–6个月一个PDCA迭代 {_cite(['6.4.3.2'])}")
            if s.scenes:
                L.append(f"- 试点场景：{'、'.join(s.scenes)}")
            for g in s.goals:
                L.append(f"- 目标：{g.indicator}，{g.baseline} → {g.target}，{g.deadline} {_cite([g.clause])}")
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
        L += ["", "## 八、依据的信息与缺失项", ""]
        for f in pr.current().values():
            L.append(f"- {f.key} = {f.value}（第{f.turn}轮，{f.source}：“{f.evidence}”）")
        if a.missing:
            L.append(f"- 尚缺：{'、'.join(a.missing)}")
        L += ["", "> 标注说明：引用 T/TJBDA 002—2026 的内容以条款号标注；等级与分值为依据第三方公开描述的估算；"
                  "国家标准相关内容来自本项目自行整理的要点卡片，非标准原文。"]
        return "\n".join(L)

    def radar_png(self) -> bytes:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import numpy as np
        _use_cjk_font()
        dims = self.assessment.dimension_scores
        labels = ["数字化基础", "数字化管理", "数字化成效"]
        values = [dims[k]["estimate"] / dims[k]["points"] for k in ("foundation", "management", "results")]
        angles = np.linspace(0, 2 * np.pi, len(labels), endpoint=False).tolist()
        fig = plt.figure(figsize=(4, 4), dpi=100)
        ax = fig.add_subplot(111, polar=True)
        ax.plot(angles + angles[:1], values + values[:1], color="#1f6feb")
        ax.fill(angles + angles[:1], values + values[:1], alpha=0.25, color="#1f6feb")
        ax.set_xticks(angles)
        ax.set_xticklabels(labels)
        ax.set_ylim(0, 1)
        ax.set_title("维度得分率（估计）")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
        return buf.getvalue()

    def write(self, path: Path) -> Path:
        suffix = path.suffix.lower()
        if suffix == ".json":
            path.write_text(self.to_json(), "utf-8")
        elif suffix == ".md":
            path.write_text(self.to_markdown(), "utf-8")
        elif suffix == ".docx":
            self._write_docx(path)
        else:
            raise ValueError("报告格式须为 .md / .docx / .json")
        return path

    def _write_docx(self, path: Path) -> None:
        import docx
        from docx.shared import Inches
        document = docx.Document()
        for line in self.to_markdown().split("\n"):
            if line.startswith("# "):
                document.add_heading(line[2:], level=0)
                document.add_picture(io.BytesIO(self.radar_png()), width=Inches(3.5))
            elif line.startswith("## "):
                document.add_heading(line[3:], level=1)
            elif line.startswith("### "):
                document.add_heading(line[4:], level=2)
            elif line.startswith("|"):
                if set(line.replace("|", "").strip()) <= {"-"}:
                    continue
                document.add_paragraph("　".join(c.strip() for c in line.strip("|").split("|")))
            elif line.strip():
                document.add_paragraph(line.lstrip("-> ").replace("**", ""),
                                       style="List Bullet" if line.lstrip().startswith("- ") else None)
        document.save(str(path))


def _use_cjk_font() -> None:
    """Register a CJK font shipped by the mplfonts package (Noto Sans CJK) with matplotlib."""
    import matplotlib
    from matplotlib import font_manager
    import mplfonts
    root = Path(mplfonts.__file__).parent / "fonts"
    for font in sorted(root.glob("*")):
        if font.suffix.lower() in (".otf", ".ttf", ".ttc") and ("CJK" in font.name or "Noto" in font.name or "SC" in font.name):
            font_manager.fontManager.addfont(str(font))
            name = font_manager.FontProperties(fname=str(font)).get_name()
            matplotlib.rcParams["font.family"] = [name]
            matplotlib.rcParams["axes.unicode_minus"] = False
            return
    raise RuntimeError("mplfonts 未提供中文字体")
