"""The diagnosis interview (the guide's 6.2): one question at a time, chosen by what is still unknown and weighs
most; every fact a message contains is extracted whatever was asked; skips, corrections and finishing are handled.

Example:
    >>> iv = Interview()
    >>> iv.start().text.startswith("您好")
    True
    >>> turn = iv.reply("我们做机械零部件，员工80人，财务用金蝶ERP，生产记录全靠纸质单据。")
    >>> turn.facts_added >= 3
    True
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field

from advisor.diagnosis.vocabulary import Area, Assessment, EnterpriseProfile, Fact
from advisor.diagnosis.extraction import extract_llm, extract_rules
from advisor.diagnosis.assessment import assess
from advisor.qa.lexicon import is_english


@dataclass(frozen=True)
class Question:
    id: str
    area: Area
    zh: str
    en: str
    keys: tuple[str, ...]  # answered when any of these facts is known
    weight: float


QUESTIONS = [
    Question("basics", Area.business, "请先介绍一下企业：做什么产品或业务、员工多少人、年营收大约多少？",
             "Tell me about the company: what do you make or sell, how many employees, and roughly what annual revenue?",
             ("industry", "employees", "revenue_wan"), 10),
    Question("systems", Area.technology, "目前用了哪些信息系统？比如财务/ERP、生产MES、仓库、客户管理，还是主要靠Excel和纸质单据？",
             "Which IT systems do you use today (ERP, MES, warehouse, CRM), or is it mostly Excel and paper?",
             ("system.", "manual_records"), 10),
    Question("pains", Area.pain_points, "经营中最头疼的问题是什么？比如系统不通、数据不准、质量追溯难、库存积压、找不到人……",
             "What hurts most in daily operations (systems that don't talk, bad data, quality traceability, inventory, people)?",
             ("pain.",), 9),
    Question("equipment", Area.technology, "生产设备大概有多少比例联网、能自动采集数据？",
             "Roughly what share of your production equipment is networked and collects data automatically?",
             ("equipment_networked_pct", "system.iot"), 8),
    Question("integration", Area.business, "这些系统之间数据是打通的，还是需要重复录入？各部门协作顺畅吗？",
             "Do your systems share data, or do people re-enter it? How well do departments work together?",
             ("integration", "pain.data_silos"), 7),
    Question("leadership", Area.business, "公司有没有数字化转型的规划？由谁牵头负责，老板是否亲自抓？",
             "Is there a digital transformation plan, and who leads it? Is the owner personally involved?",
             ("has_plan", "leadership", "pain.strategy_leadership"), 7),
    Question("talent", Area.technology, "有没有专职或兼职的IT/数字化人员？员工有没有做过相关培训？",
             "Do you have dedicated or part-time IT/digital staff? Has anyone had training?",
             ("digital_staff", "training", "pain.talent_shortage"), 6),
    Question("security", Area.technology, "网络和数据安全方面做了哪些措施？比如防火墙、数据备份、权限管理？",
             "What network and data security measures do you have (firewall, backups, access control)?",
             ("security_measures", "pain.security"), 6),
    Question("budget", Area.business, "每年在数字化上的投入大约占营收的百分之几？资金方面有压力吗？",
             "What share of revenue do you spend on digital each year? Is funding tight?",
             ("digital_budget_pct", "pain.funding"), 5),
    Question("results", Area.business, "最近一两年产品合格率、能耗、营收有什么变化？",
             "Over the last year or two, how have product pass rate, energy use and revenue changed?",
             ("quality_trend", "energy_trend", "revenue_trend"), 4),
    Question("market", Area.market, "行业竞争和客户要求有什么变化？同行在数字化上做得怎么样？",
             "How are competition and customer demands changing? What are competitors doing digitally?",
             ("pain.customer_marketing", "market_pressure"), 4),
    Question("goals", Area.pain_points, "未来一两年，您最希望通过数字化解决什么、达到什么目标？",
             "In the next year or two, what do you most want digital tools to achieve?",
             ("goal.ai", "goal"), 3),
]
RECAP_EVERY = 4
MAX_QUESTIONS = 12


class Turn(BaseModel):
    index: int
    user: str
    reply: str
    facts_added: int = 0
    asked: str | None = None  # id of the question now asked
    finished: bool = False
    notes: list[str] = Field(default_factory=list)


class InterviewState(BaseModel):
    """Everything needed to resume an interview (stored by the session store after every turn)."""

    profile: EnterpriseProfile = Field(default_factory=EnterpriseProfile)
    asked: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    language: str = "zh"
    finished: bool = False


class Interview:
    def __init__(self, state: InterviewState | None = None, chat=None) -> None:
        self.state = state or InterviewState()
        self.chat = chat  # optional: adds the LLM extraction layer

    # --- conversation ---------------------------------------------------------------------------------------
    def start(self) -> Turn:
        q = self._next_question()
        intro = ("您好，我是数转顾问。我会按《中小企业数字化转型工作指南》（T/TJBDA 002—2026）6.2 的诊断思路，"
                 "从业务现状、技术能力、市场环境和痛点需求四个方面了解贵企业，大约10个问题，随时可以说“结束”生成报告。\n\n")
        turn = Turn(index=0, user="", reply=intro + self._ask(q), asked=q.id if q else None)
        if q:
            self.state.asked.append(q.id)
        self.state.turns.append(turn)
        return turn

    def reply(self, text: str) -> Turn:
        text = (text or "").strip()
        index = len(self.state.turns)
        en = is_english(text)
        if en and index <= 1:
            self.state.language = "en"
        if not text:
            return self._record(Turn(index=index, user=text, reply=self._t("请先输入您的回答。", "Please type an answer.")))
        text = text[:4000]
        facts, intents = extract_rules(text, turn=index)
        notes: list[str] = []
        if self.chat is not None and getattr(self.chat, "available", False):
            try:
                question = self._question(self.state.asked[-1]) if self.state.asked else None
                known = {(f.key, str(f.value)) for f in facts}
                facts += [f for f in extract_llm(self.chat, text, question.zh if question else "", index)
                          if f.key not in {k for k, _ in known}]
            except Exception as exc:  # noqa: BLE001 - the rules already ran; say that the model did not help
                notes.append(f"大模型提取不可用，已用规则提取（{exc}）")
        before = len(self.state.profile.facts)
        for fact in facts:
            self.state.profile.add(fact)
        added = len(self.state.profile.facts) - before
        if "skip" in intents and self.state.asked:
            self.state.skipped.append(self.state.asked[-1])
        parts = []
        described = list(dict.fromkeys(f.describe() for f in facts))
        if "correction" in intents and facts:
            parts.append(self._t("好的，已更正：", "Noted, corrected: ") + "；".join(described[:3]) + "。")
        elif facts:
            parts.append(self._t("记下了：", "Noted: ") + "；".join(described[:5]) + "。")
        elif "finish" in intents:
            pass
        elif "skip" in intents:
            parts.append(self._t("没关系，这个问题先跳过。", "No problem, let's skip that."))
        else:
            parts.append(self._t("这条信息我没有提取到与诊断相关的事实，我们继续。",
                                 "I could not find facts relevant to the diagnosis in that; let's go on."))
        finished = "finish" in intents
        q = None if finished else self._next_question()
        if q is None or len(self.state.asked) >= MAX_QUESTIONS:
            finished = True
        if finished:
            self.state.finished = True
            parts.append(self._t("访谈结束，正在生成诊断结果。", "Interview complete; preparing the diagnosis."))
        else:
            if len(self.state.asked) % RECAP_EVERY == 0:
                parts.append(self.recap())
            parts.append(self._ask(q))
            self.state.asked.append(q.id)
        return self._record(Turn(index=index, user=text, reply="\n\n".join(parts), facts_added=added,
                                 asked=None if finished else q.id, finished=finished, notes=notes))

    def assess(self) -> Assessment:
        return assess(self.state.profile)

    def progress(self) -> dict[str, bool]:
        """Which of the four areas (6.2.1–6.2.4) have answers."""
        covered = {a: False for a in Area}
        known = self.state.profile.current()
        for q in QUESTIONS:
            if self._answered(q, known):
                covered[q.area] = True
        return {a.value: v for a, v in covered.items()}

    def recap(self) -> str:
        known = self.state.profile.current()
        items = list(dict.fromkeys(f.describe() for f in known.values()))[:8]
        return self._t("小结一下目前了解到的：", "So far I understand: ") + "；".join(items) + self._t(
            "。如有不对，直接告诉我“不对，……”。", ". Tell me if anything is wrong.")

    # --- internals --------------------------------------------------------------------------------------------
    def _record(self, turn: Turn) -> Turn:
        self.state.turns.append(turn)
        return turn

    def _t(self, zh: str, en: str) -> str:
        return en if self.state.language == "en" else zh

    def _ask(self, q: Question | None) -> str:
        if q is None:
            return ""
        return q.en if self.state.language == "en" else q.zh

    @staticmethod
    def _question(qid: str) -> Question | None:
        return next((q for q in QUESTIONS if q.id == qid), None)

    @staticmethod
    def _answered(q: Question, known: dict[str, Fact]) -> bool:
        return any(k == key or (key.endswith((".",)) and k.startswith(key)) for key in q.keys for k in known)

    def _next_question(self) -> Question | None:
        known = self.state.profile.current()
        open_questions = [q for q in QUESTIONS if q.id not in self.state.asked and not self._answered(q, known)]
        return max(open_questions, key=lambda q: q.weight, default=None)


def run_script(turns: list[str], chat=None) -> Interview:
    """An interview fed with scripted answers in order, whatever is asked (evals and the CLI)."""
    iv = Interview(chat=chat)
    iv.start()
    for text in turns:
        iv.reply(text)
    return iv
