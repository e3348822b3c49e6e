"""What the enterprise does, and what hurts: the trade in the owner's words, pain points by their words."""
from __future__ import annotations

import re

from advisor.diagnosis.extractors.base import MEANING, Context, _lex, extractor
from advisor.diagnosis.lexicon import find_word, has_word
from advisor.diagnosis.quantities import find_quantities

# --- industry -------------------------------------------------------------------------------------------------
_PLACE = r"(?:厂|店|院|公司|商|连锁|企业|工厂|酒店|作坊|门店|诊所|工作室|餐厅|批发部|商行|车行|药房|超市|医院|合作社|养殖场|农场|机构|门诊)"
_INDUSTRY_ZH = [
    re.compile(rf"^(?P<obj>[^，。,；;我你他她它的]{{2,8}}{_PLACE})(?:[。，,；;！!]|$)"),  # "纸箱厂。瓦楞的……"
    re.compile(r"(?:我们|我|公司|厂里|本厂)(?:就|主要)?(?:是|在)?[^，。,]{0,8}?(?:做|生产|搞|干|经营|主营|从事|炒|卖|开|种|养|加工|制造)(?P<obj>[^，。,；;的]{1,16}?)(?:的|生意|为主|，|。|,|$)"),
    re.compile(rf"(?:我们|我)(?:就)?是(?:[^，。,]{{0,8}}?的)?(?P<obj>[^，。,的]{{2,12}}{_PLACE})"),
    re.compile(rf"(?:开了?[个家间]|一家|一间)(?P<obj>[^，。,]{{2,14}}{_PLACE})"),
    re.compile(r"(?:^|。)(?:主要)?(?:是)?(?:做|主营|从事)(?P<obj>[^，。,；;的]{2,16})"),
]
_FIRM_EN = r"(?:factory|company|firm|maker|shop|business|studio|agency|clinic|store|restaurant|workshop|plant|mill)"
_INDUSTRY_EN = [re.compile(r"\bwe (?:make|produce|manufacture|sell|run|source|print|build|assemble|do)\s+"
                           r"(?P<obj>[a-z][a-z\s-]{2,40}?)(?:\s+(?:in|for|from)\b|[,.:;。]|$)", re.I),
                re.compile(rf"\b(?:we(?:'re| are)|I (?:run|own|have)|this is) an? (?:[\d,]+-(?:person|people|man) |small )?"
                           rf"(?P<obj>[a-z][a-z\s-]{{2,40}}?{_FIRM_EN})", re.I)]


@extractor
def industry(ctx: Context) -> None:
    if "industry" in ctx.known:
        return
    vague = _lex()["industry"]["vague"]
    text = "。".join(c.text for c in ctx.message.clauses if c.modality == "fact")
    for pattern in _INDUSTRY_ZH + _INDUSTRY_EN:
        m = pattern.search(text)
        if m and not has_word(m.group("obj"), vague):
            obj = re.sub(r"^(?:一家|一个|些|点)", "", m.group("obj").strip())
            if re.match(r"[了过好完着]", obj):
                continue  # "做了等保": a verb's aspect, not a trade
            if obj and obj not in vague and not any(obj.endswith(v) and len(obj) <= len(v) + 1 for v in vague):
                ctx.add("industry", obj, m.group(0).strip("，。,"))
                return
    short = ctx.message.text.strip().strip("。.！!")
    if ctx.question == "basics" and 2 <= len(short) <= 8 and not find_quantities(short) and \
            not has_word(short, _lex()["modality"]["skip"] + vague):
        ctx.add("industry", short, short, 0.7)  # "饰品外贸。" answering "what do you do?"


# --- pain points ----------------------------------------------------------------------------------------------
@extractor
def pains(ctx: Context) -> None:
    lex = _lex()
    for clause in ctx.message.clauses:
        if clause.modality in ("question", "other_party"):
            continue
        sentence = ctx.message.sentence_of(clause)
        for pain, words in lex["pain_points"].items():
            hit = find_word(clause.text, words)
            if hit is None:
                continue
            if pain == "security" and not has_word(clause.text, ["中毒", "病毒", "勒索", "黑客", "泄露", "拷走", "插U盘",
                                                                 "没备份", "没有备份", "丢", "没管控", "没分权限", "hacked",
                                                                 "ransom", "leak"]):
                continue
            severity = 3 if has_word(sentence, lex["severity_markers"]) else 2
            ctx.add(f"pain.{pain}", severity, clause.text)
    _pains_by_meaning(ctx)


# each sentence read by meaning costs an embedding (~15 ms): a 4,000-character answer must not cost everyone else
MEANING_SENTENCES = 16


def pain_candidates(message) -> list:
    """Every pain the sentences that state something may complain of, by meaning, with its probability (the
    classifier's ``PainMatch``; none below any threshold is dropped here). A pain that a plain fact resembles (a small
    budget, no plan, no IT person) is kept only from a sentence that sounds like a complaint (difficulty, delay, error,
    a lack): said plainly, such a fact is an observation."""
    from advisor.diagnosis.pain_classifier import NONE, matches
    lex = _lex()
    sentences = [message.sentence_text(i).strip() for i in range(len(message.sentences))
                 if any(c.modality in ("fact", "uncertain") for c in message.clauses_of(i))]
    if len(sentences) > MEANING_SENTENCES:  # a bounded reading per turn: the complaining sentences first
        ranked = sorted(range(len(sentences)), key=lambda i: not has_word(sentences[i], lex["complaint_markers"]))
        sentences = [sentences[i] for i in sorted(ranked[:MEANING_SENTENCES])]
    return [m for m in matches(sentences) if m.pain != NONE and
            (m.pain not in lex["observation_pains"] or has_word(m.sentence, lex["complaint_markers"]))]


def _pains_by_meaning(ctx: Context) -> None:
    """Pains the words missed, found by meaning at the fitted threshold (a surer reading by the words is never
    overruled: these are marked less sure and only add findings, they do not move the score)."""
    from advisor.diagnosis.pain_classifier import threshold
    said = {f.key for f in ctx.facts if f.key.startswith("pain.")}
    for match in pain_candidates(ctx.message):
        if match.probability >= threshold() and f"pain.{match.pain}" not in said:
            said.add(f"pain.{match.pain}")
            ctx.add(f"pain.{match.pain}", 2, match.sentence, MEANING)
