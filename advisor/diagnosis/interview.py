"""The diagnosis interview (the guide's 6.2): one question at a time, chosen by what is still unknown and weighs
most; every fact a message contains is taken whatever was asked, so nothing the owner said is asked again. A vague
answer gets one easier follow-up; a skipped or unanswered question comes back once at the end; an owner's own
question gets a short grounded answer and the interview goes on. The rules answer at once; the model's facts (when a
model is set) are read in the background and merged before the next question is chosen if they are ready.
Questions live in ``knowledge/interview.yaml``.

Example:
    >>> iv = Interview()
    >>> iv.start().reply.startswith("您好")
    True
    >>> turn = iv.reply("我们做机械零部件，员工80人，财务用金蝶ERP，生产记录全靠纸质单据。")
    >>> turn.facts_added >= 3, turn.asked != "basics"
    (True, True)
"""
from __future__ import annotations

import contextlib
import contextvars
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import yaml
from pydantic import BaseModel, Field

from advisor.config import knowledge_path, per_knowledge, settings_in_effect, with_own_settings
from advisor.diagnosis.assessment import assess
from advisor.diagnosis.extraction import amended, extract_rules
from advisor.diagnosis.reader_process import read_apart
from advisor.diagnosis.model_facts import extract_llm, extract_narrow
from advisor.diagnosis.facts import FACTS
from advisor.diagnosis.plan_content import plan_content
from advisor.diagnosis.vocabulary import Area, Assessment, EnterpriseProfile, Fact
from advisor.language import is_english

MAX_QUESTIONS = 12
RECAP_EVERY = 4
_MODEL_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm-extract")  # one model, one at a time


class Question(BaseModel):
    id: str
    area: Area
    weight: float
    keys: list[str]  # answered when any of these facts is known ("system." = any system)
    zh: str
    en: str
    follow_up: dict[str, str] | None = None
    sectors: list[str] | None = None  # asked only of firms in these sectors (a firm whose sector is unknown: asked)

    def fits(self, sector: str | None) -> bool:
        return self.sectors is None or sector is None or sector in self.sectors

    def text(self, language: str, follow_up: bool = False) -> str:
        source = self.follow_up if follow_up and self.follow_up else {"zh": self.zh, "en": self.en}
        return source["en" if language == "en" else "zh"]


class _Script(BaseModel):
    intro: dict[str, str]
    questions: list[Question]


@per_knowledge
def script() -> _Script:
    loaded = _Script.model_validate(yaml.safe_load(knowledge_path("interview.yaml").read_text("utf-8")))
    unknown = [k for q in loaded.questions for k in q.keys if not k.endswith(".") and k not in FACTS]
    if unknown:
        raise ValueError(f"knowledge/interview.yaml: keys not in the fact registry: {unknown}")
    sectors = {industry.id for industry in plan_content().industries}
    unknown = [s for q in loaded.questions for s in q.sectors or [] if s not in sectors]
    if unknown:
        raise ValueError(f"knowledge/interview.yaml: sectors not among knowledge/plan.yaml's industries: {unknown}")
    return loaded


class Turn(BaseModel):
    index: int
    user: str
    reply: str
    facts_added: int = 0
    asked: str | None = None  # id of the question now asked
    follow_up: bool = False  # the question is asked again, more easily
    finished: bool = False
    notes: list[str] = Field(default_factory=list)


LATE_ANSWER_MIN_CHARS = 6  # a bare reply ("不知道。", "十来个。", "一半吧。") answers the question pending


class InterviewState(BaseModel):
    """Everything needed to resume an interview (stored by the session store after every turn)."""

    profile: EnterpriseProfile = Field(default_factory=EnterpriseProfile)
    asked: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)  # to be asked again once, at the end
    followed_up: list[str] = Field(default_factory=list)
    asked_again: list[str] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    language: str = "zh"
    finished: bool = False
    questions_to_level: int | None = None  # questions asked when the assessment first gave a level
    confirmed: list[str] = Field(default_factory=list)  # surprising figures already checked with the owner
    # the clause Q&A conversation of the same session (question, what it was taken to mean, the clause answered
    # from): stored, exported and deleted with the interview
    qa: list[dict] = Field(default_factory=list)


Answerer = Callable[[str], str]  # an owner's own question → a short grounded reply


@with_own_settings(lambda interview: interview.settings)
class Interview:
    def __init__(self, state: InterviewState | None = None, chat=None, answerer: Answerer | None = None,
                 pending: list[Future] | None = None, lock: threading.RLock | None = None) -> None:
        """``pending`` and ``lock``: the model's readings still running and the lock that guards them, shared by
        every Interview of one session (the service keeps one pair per session); by default this one's own."""
        self.state = state or InterviewState()
        self.chat = chat if chat is not None and getattr(chat, "available", False) else None
        self.answerer = answerer
        self.pending = pending if pending is not None else []  # the model's extractions still being read
        self.lock = lock if lock is not None else threading.RLock()
        # the folders in effect where it was made (an advisor's): the page reads its panel outside the advisor's calls
        self.settings = settings_in_effect()

    # --- conversation ---------------------------------------------------------------------------------------
    def start(self) -> Turn:
        q = self._next_question()
        intro = script().intro[self._lang()]
        turn = Turn(index=0, user="", reply=intro + "\n\n" + (q.text(self._lang()) if q else ""),
                    asked=q.id if q else None)
        if q:
            self.state.asked.append(q.id)
        self.state.turns.append(turn)
        return turn

    def reply(self, text: str) -> Turn:
        text = (text or "").strip()
        index = len(self.state.turns)
        if is_english(text) and index <= 1:
            self.state.language = "en"
        if not text:  # the pending question stays pending
            asked = self.state.turns[-1].asked if self.state.turns else None
            return self._record(Turn(index=index, user=text, asked=asked,
                                     reply=self._t("请先输入您的回答。", "Please type an answer.")))
        notes = self._merge_model_facts()
        pending_id = self.state.turns[-1].asked if self.state.turns and not self.state.finished else None
        pending_q = self.question(pending_id)  # None after a confirmation ("confirm:revenue_wan")
        read = read_apart if len(text) > self.settings.long_message_chars else extract_rules
        facts, intents = read(text, index, pending_id or "", set(self.state.profile.current()))
        facts += self._late_answers(read, text, index, pending_id, facts)
        if "correction" in intents:
            facts += self._corrected(text, index)
        added = [f for f in facts if self.state.profile.add(f)]
        if self.chat is not None:
            self._read_with_model(text, pending_q, index)
        parts = self._acknowledge(added, intents)
        if "question" in intents:
            parts.append(self._answer_owner(text))
        turn = Turn(index=index, user=text, reply="", facts_added=len(added), notes=notes)
        self._choose_next(turn, pending_q, added, intents, parts)
        turn.reply = "\n\n".join(p for p in parts if p)
        self._note_level()
        return self._record(turn)

    def _late_answers(self, read, text: str, index: int, pending_id: str | None, facts: list[Fact]) -> list[Fact]:
        """The message read again as the answer to a question asked before the pending one and left unanswered: the
        one just behind in any key ("我盯着呢，规划还没写。" after the next came); further back only an amount, tied to its
        question by its unit ("一年十五到二十万"; "十来万。" said bare only when the pending question reads nothing in it);
        no key known, no sentence read for another key, never the trade. Measured: any key further back cost a lead."""
        long = len(text) > self.settings.long_message_chars
        if len(self.state.asked) < 2 or self.question(pending_id) is None or long or \
                (bare := len(text.strip(" 。.!！")) <= LATE_ANSWER_MIN_CHARS) and facts:
            return []  # a confirmation pending; a bare reply answers it ("一半吧。"); a long message is read apart
        known = set(self.state.profile.current()) | {f.key for f in facts}
        sentences = [s for s in re.split(r"(?<=[。！!；;\n])", text) if s.strip()]  # "IT？没有，没有人。" is one

        def said_in(fact: Fact) -> set[int]:
            pieces = [p.strip() for p in re.split(r"[；;]", fact.evidence) if p.strip()]
            return {n for n, sentence in enumerate(sentences) for p in pieces if p in sentence or sentence.strip() in p}

        taken, late = set().union(*(said_in(f) for f in facts)), []
        for back, qid in enumerate(reversed(self.state.asked[:-1])):
            behind = self.question(qid) if qid != pending_id and qid in self.state.skipped else None
            wanted = [k for k in (behind.keys if behind else []) if k in FACTS and k not in known and
                      (FACTS[k].type in ("int", "float") or back == 0 and not bare and FACTS[k].type != "text")]
            found = [f for f in read(text, index, qid, known)[0] if f.key in wanted and not said_in(f) & taken] \
                if wanted else []
            late, known, taken = late + found, known | {f.key for f in found}, taken.union(*map(said_in, found))
        return late

    def _corrected(self, text: str, index: int) -> list[Fact]:
        """What a bare correction changes in the previous message ("刚才说错了，是十台"): that message read again with
        the corrected number; the facts whose value changed, with the correction as their evidence, outranking what
        they replace."""
        previous = next((t.user for t in reversed(self.state.turns) if t.user), "")
        fixed = amended(previous, text) if previous else None
        if fixed is None:
            return []
        current = self.state.profile.current()
        out = []
        for fact in extract_rules(fixed, index)[0]:
            old = current.get(fact.key)
            if old is not None and old.value != fact.value:
                out.append(fact.model_copy(update={"evidence": text.strip(), "confidence": old.confidence + 0.05}))
        return out

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the model's pending readings (up to ``timeout`` s each), merging nothing yet."""
        with self.lock:
            waiting = list(self.pending)
        for future in waiting:
            with contextlib.suppress(Exception):  # a time-out or a failure: reported by _merge_model_facts
                future.result(timeout=timeout)

    def settle(self, timeout: float | None = None) -> list[str]:
        """Wait for the model's pending readings (up to ``timeout`` s each) and merge them."""
        self.wait(timeout)
        return self._merge_model_facts()

    def assess(self) -> Assessment:
        return assess(self.state.profile)

    def progress(self) -> dict[str, bool]:
        """Which of the four areas (6.2.1–6.2.4) have answers."""
        covered = {a: False for a in Area}
        for q in script().questions:
            if self.answered(q):
                covered[q.area] = True
        return {a.value: v for a, v in covered.items()}

    def recap(self) -> str:
        items = self.understood()
        if not items:
            return ""
        return self._t("小结一下目前了解到的：", "So far I understand: ") + "；".join(items) + self._t(
            "。如有不对，直接告诉我“不对，……”。", ". Tell me if anything is wrong.")

    def understood(self) -> list[str]:
        """Every current fact in words, one per key, in the registry's order (never two values for one key)."""
        current = self.state.profile.current()
        return [current[k].describe(self._lang()) for k in FACTS if k in current]

    # --- questions ------------------------------------------------------------------------------------------
    def question(self, qid: str | None) -> Question | None:
        return next((q for q in script().questions if q.id == qid), None)

    @staticmethod
    def answers(question: Question, key: str) -> bool:
        return any(key == k or (k.endswith(".") and key.startswith(k)) for k in question.keys)

    def answered(self, question: Question) -> bool:
        return any(self.answers(question, key) for key in self.state.profile.current())

    def _next_question(self) -> Question | None:
        industry = self.state.profile.current().get("industry")
        sector = plan_content().sector_of(str(industry.value)) if industry else None
        open_questions = [q for q in script().questions
                          if q.id not in self.state.asked and not self.answered(q) and q.fits(sector)]
        if len(self.state.asked) >= MAX_QUESTIONS:
            open_questions = []
        best = max(open_questions, key=lambda q: q.weight, default=None)
        if best is None:  # once, at the end: what was skipped or left unanswered
            again = [q for q in script().questions if q.id in self.state.skipped and q.id not in self.state.asked_again
                     and not self.answered(q)]
            best = max(again, key=lambda q: q.weight, default=None)
            if best is not None:
                self.state.asked_again.append(best.id)
        return best

    def _choose_next(self, turn: Turn, pending: Question | None, added: list[Fact], intents: set[str],
                     parts: list[str]) -> None:
        unanswered = pending is not None and not self.answered(pending)
        if unanswered and ({"skip"} & intents or not added) and pending.follow_up and \
                pending.id not in self.state.followed_up and "finish" not in intents and "question" not in intents:
            self.state.followed_up.append(pending.id)
            turn.asked, turn.follow_up = pending.id, True
            parts.append(pending.text(self._lang(), follow_up=True))
            return
        amounts_open = pending is not None and any(FACTS[k].type in ("int", "float") for k in pending.keys
                                                   if k in FACTS and k not in self.state.profile.current())
        if (unanswered or amounts_open) and pending.id not in self.state.skipped:  # "做门窗的。": amounts said later
            self.state.skipped.append(pending.id)  # read for late answers; asked again once at the end if unanswered
        check = None if "finish" in intents else self._surprise()
        if check is not None:
            key, text = check
            self.state.confirmed.append(key)
            turn.asked = f"confirm:{key}"
            parts.append(text)
            return
        q = None if "finish" in intents else self._next_question()
        if q is None:
            self.state.finished = turn.finished = True
            parts.append(self._t("访谈结束，正在生成诊断报告。", "Interview complete; preparing the diagnosis report."))
            return
        if len(self.state.asked) % RECAP_EVERY == 0:
            parts.append(self.recap())
        self.state.asked.append(q.id)
        turn.asked = q.id
        parts.append(q.text(self._lang()))

    def _surprise(self) -> tuple[str, str] | None:
        """A figure a consultant would check once before building on it: a headcount smaller than the IT team, or
        revenue per head far outside what SMEs make (under 3 万 or over 1,000 万 a year)."""
        p = self.state.profile
        employees, revenue, staff = p.get("employees"), p.get("revenue_wan"), p.get("digital_staff")
        if employees and staff and staff > employees and "employees" not in self.state.confirmed:
            return "employees", self._t(f"核对一下：全公司员工是{employees}人、IT/数字化人员{staff}人吗？{employees}人是全厂的人数吧？",
                                        f"Let me check: {employees} people in the whole company and {staff} in IT?")
        if employees and revenue and not 3 <= revenue / employees <= 1000 and "revenue_wan" not in self.state.confirmed:
            return "revenue_wan", self._t(
                f"核对一下：员工约{employees}人、年营收约{revenue:g}万元，这两个数对吗？有出入请直接告诉我正确的数。",
                f"Let me check: about {employees} people and annual revenue of about {revenue:g} 万元 — is that right?")
        return None

    def _note_level(self) -> None:
        if self.state.questions_to_level is None and self.assess().level is not None:
            self.state.questions_to_level = len(self.state.asked)

    # --- replies ----------------------------------------------------------------------------------------------
    def _acknowledge(self, added: list[Fact], intents: set[str]) -> list[str]:
        words = list(dict.fromkeys(f.describe(self._lang()) for f in added if not f.key.startswith("pain.")))
        pains = list(dict.fromkeys(f.describe(self._lang()) for f in added if f.key.startswith("pain.")))
        said = words + pains
        if not said:
            if "skip" in intents:
                return [self._t("没关系。", "No problem.")]
            if "question" in intents or "finish" in intents:
                return []
            return [self._t("这段话里我没有找到能用于诊断的信息。", "I found nothing in that I can use for the diagnosis.")]
        lead = self._t("好的，已更正：", "Noted, corrected: ") if "correction" in intents else self._t("记下了：", "Noted: ")
        return [lead + "；".join(said[:8]) + self._t("。", ".")]

    def _answer_owner(self, text: str) -> str:
        if self.answerer is None:
            return self._t("您的问题我记下了，访谈结束后可以在“条款问答”中查看指南的相关条款。",
                           "I have noted your question; the clause Q&A tab shows what the guide says.")
        try:
            return self.answerer(text)
        except Exception:  # noqa: BLE001 - an answer is a courtesy; the interview goes on whatever happens
            return self._t("这个问题暂时没能查到答案，我们先继续访谈。", "I could not look that up just now; let's go on.")

    # --- the model's facts, read in the background ---------------------------------------------------------------
    def _read_with_model(self, text: str, pending: Question | None, index: int) -> None:
        mode = self.chat.settings.llm_reading
        in_effect = contextvars.copy_context()  # the worker thread reads the same knowledge folders as this turn
        if mode == "narrow":
            known = frozenset(self.state.profile.current())
            asked = pending.id if pending else ""
            future = _MODEL_WORKER.submit(in_effect.run, extract_narrow, self.chat, text, asked, index, known)
        elif mode == "schema":
            previous = next((t.user for t in reversed(self.state.turns) if t.user), "")
            question = pending.zh if pending else ""
            future = _MODEL_WORKER.submit(in_effect.run, extract_llm, self.chat, text, question, index, previous)
        else:
            return
        with self.lock:
            self.pending.append(future)

    def _merge_model_facts(self) -> list[str]:
        notes: list[str] = []
        with self.lock:
            done = [f for f in self.pending if f.done()]
            for future in done:
                self.pending.remove(future)
                try:
                    facts, dropped = future.result()
                except Exception as exc:  # noqa: BLE001 - the rules already ran; say the model did not help
                    notes.append(self._t(f"大模型提取不可用，本轮只用了规则提取（{exc}）",
                                         f"The model's reading failed; rules only this turn ({exc})"))
                    continue
                for fact in facts:
                    self.state.profile.add(fact)
                if dropped:
                    notes.append(self._t(f"大模型提出的 {dropped} 条事实与原话对不上，已舍弃",
                                         f"{dropped} model facts did not match the owner's words and were dropped"))
        return notes

    # --- internals --------------------------------------------------------------------------------------------
    def _record(self, turn: Turn) -> Turn:
        self.state.turns.append(turn)
        return turn

    def _lang(self) -> str:
        return "en" if self.state.language == "en" else "zh"

    def _t(self, zh: str, en: str) -> str:
        return en if self.state.language == "en" else zh


def run_script(turns: list[str], chat=None) -> Interview:
    """An interview fed with scripted answers in order, whatever is asked, with no session (tests)."""
    iv = Interview(chat=chat)
    iv.start()
    for text in turns:
        iv.reply(text)
    iv.settle()
    return iv
