"""What the enterprise does: the trade in the owner's words (what hurts is read in ``pains``)."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import Context, _lex, extractor
from advisor.diagnosis.extractors.pains import _complaint_words, complains
from advisor.diagnosis.lexicon import find_all, has_word, system_names, trade_names
from advisor.diagnosis.plan_content import plan_content
from advisor.diagnosis.quantities import find_quantities, fraction_percent
from advisor.diagnosis.reading import Clause

def _words(key: str) -> str:
    """The ``industry`` words of ``key`` as one alternation, longest first."""
    return _alternations()[key]


@per_knowledge
def _alternations() -> dict[str, str]:
    """Every word list of the lexicon's ``industry`` section as an alternation, built once (the trade's reading looks
    for them in every clause)."""
    return {key: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
            for key, words in _lex()["industry"].items() if isinstance(words, list)}


@per_knowledge
def _trade_patterns() -> list[re.Pattern]:
    """Constructions that name the trade in one clause: the object of a trade verb ("种草莓的", "做的是电梯维保"), a place
    of business ("是一家中医馆", "开了三家母婴店", "装修公司。"), and the English ones."""
    ind, places, subject = _lex()["industry"], _words("places"), _words("subjects")
    verbs = "|".join(map(re.escape, sorted(set(ind["trade_verbs"]) - set(ind["verbs_when_asked"]), key=len)[::-1]))
    nouns = "|".join(re.escape(w) for w in _lex()["systems"]["system_nouns"] if w.isascii())  # "we run a … system"
    firm = "|".join(re.escape(w) for w in ind["subjects"] if w not in ind["persons"])
    for_whom, english = "|".join(map(re.escape, _lex()["systems"]["benefactive"])), _words("english_trade_verbs")
    return [
        re.compile(rf"(?:{verbs})(?:的是|的就是)(?P<obj>[^，。,；;！!？?]{{2,16}})"),
        re.compile(r"^(?:我们|公司|本公司|目前|现在)?(?:的)?(?:主营|主业|主要业务|主要产品)(?:业务|产品|项目)?(?:是|为)"
                   r"(?:为[^，。,；;]{1,10}?提供|做|生产|搞|经营)?(?P<obj>[^，。,；;！!？?]{2,14})"),  # "主营业务是医用耗材"
        # "我们是一家中医馆": the enterprise as the subject, so "最头疼的是库存不行" names no place of business
        # (an English firm noun after a Chinese frame may be longer: "我们是一个 boutique branding agency")
        re.compile(rf"(?:{subject})(?:就|也|其实)?(?:是|就是|为)(?:一家|一个|一间|个|(?!{_words('jia_words')})家)?"
                   rf"(?P<obj>(?:[^，。,；;我你他她它]{{1,14}}|[ A-Za-z&-]{{15,40}})(?:{places}))"),
        re.compile(rf"(?<!打)(?:开了?|办了?|搞了?|有(?=[一两三四五六七八九十几\d]+[家间所]))(?![发始会票心关公])(?:[一两三四五六七八九十几\d]*[个家间所])?"
                   rf"(?P<obj>[^，。,]{{1,14}}?(?:{places}))"),
        # a trade verb after the firm or a frame ("我们主要生产乳液"; for whom between: "给茶饮店供杯盖"), not anywhere
        re.compile(rf"(?:^(?:(?:{for_whom})[^，。,]{{1,12}}?)?|(?:{subject}|主要|专门|专业|主营|现在|目前|就|只)"
                   rf"(?:[^，。,]{{0,6}}?|[^，。,]{{0,4}}?(?<![因作认成以])(?:{for_whom})[^，。,]{{1,12}}?))"
                   rf"(?<![这那各哪某几多两一])(?P<verb>{verbs})"
                   rf"(?P<obj>[^，。,；;！!？?的是都]{{1,16}}?)"
                   rf"(?=的|生意|为主|$)"),
        # a verb of many uses right after the firm, a frame or a short place ("主要拉冻货", "在仁怀烤酒"; not "服装ERP")
        re.compile(rf"(?:^|{subject}|{_words('frames')}|在[\u4e00-\u9fff]{{1,3}})(?P<verb>{_words('verbs_when_asked')})"
                   rf"(?P<obj>[^，。,；;！!？?的是都]{{1,16}}?)(?=的|生意|为主|$)"),
        # "我们是炒火锅底料的": the enterprise classed by what it does, the 是…的 frame closing the clause
        re.compile(rf"^(?:{firm})(?:就|也|主要|其实)?是(?P<obj>[^，。,；;！!？?是]{{3,12}}?)的$"),
        # "我们学校主要是少儿美术培训": what the enterprise mainly is, said of it
        re.compile(rf"^(?:{firm})(?:{places})(?:主要|专门)(?:是|做|搞)(?P<obj>[^，。,；;！!？?]{{2,14}}?)(?:的|为主)?$"),
        re.compile(rf"(?:转做|改做|转型做|改成)(?P<obj>[^，。,；;！!？?的]{{2,16}}?)(?=的|了|生意|为主|$)"),  # "前几年转做储能电源了"
        re.compile(rf"^(?P<obj>(?:[^，。,；;我你他她它的了]{{2,8}}的)?[^，。,；;我你他她它的了]{{2,8}}(?:{places}))$"),
        re.compile(rf"\bwe (?:(?:{_words('english_frames')}) )?(?:(?P<verbs>(?:{english})(?: and (?:{english}))?)|"
                   rf"run(?!(?: [\w-]+){{1,4}}? (?:{nouns})\b)|"
                   r"do(?!\s+(?:not|use|have|need|want|know|get|keep|try|think|plan|still|also|all|that|this|it|make|"
                   r"sell|run|well|okay|ok|fine|good|great|really|everything|most|some)\b))\s+"  # "we do use DingTalk"
                   rf"(?!(?:{_words('english_not_objects')})\b)"  # "we bake everything fresh", "we sell online"
                   r"(?P<obj>[a-z\d][a-z\d\s-]{2,40}?)(?:\s+(?:in|for|from|to)\b|[,.:;。]|$)", re.I),
        # "We're a small outfit doing PCB assembly": the firm, then what it does
        re.compile(rf"\b(?:we(?:'re| are)|this is) an? (?:[a-z-]+ ){{0,2}}?(?:outfit|team|{_FIRM_EN})"
                   r" (?:doing|making|producing|that (?:does|makes|produces)) "
                   r"(?!(?:well|okay|ok|fine|good|great|alright|really|everything)\b)(?P<obj>[a-z\d][a-z\d\s-]{2,40}?)"
                   r"(?:\s+(?:for|in|to|from)\b|[,.:;。]|$)", re.I),
        # "We are a contract manufacturer of plastic housings": what it makes, after the firm noun
        re.compile(r"\b(?:we(?:'re| are)|this is) an? (?:[a-z-]+ ){0,2}?(?:manufacturer|maker|producer|supplier|processor)"
                   r" of (?P<obj>[a-z][a-z\s-]{2,40}?)(?:\s+(?:for|in|to|from)\b|[,.:;。]|$)", re.I),
        re.compile(rf"\b(?:we(?:'re| are)|this is) an? (?:[\d,]+-(?:person|people|man) |small |mid-size |regional "
                   rf"|local |family-run )?(?P<obj>[a-z][a-z\s-]{{2,40}}?(?:{_FIRM_EN}))", re.I),
        # "I own three dental clinics", "we run a couple of bakeries": the places of business the owner runs, counted
        re.compile(rf"\b(?:I|we) (?:run|own|operate) (?:{_words('english_counts')}|\d+) (?:small |family-run |local )?"
                   rf"(?P<obj>[a-z][a-z\s-]{{2,40}}?(?:{_FIRM_EN}|{_TRADE_FIRM_EN})(?:e?s)?)\b", re.I),
        # a firm named by its trade, said of ourselves ("We're a freight forwarder"; not "we have a forwarder who…")
        re.compile(rf"\b(?:we(?:'re| are)|(?:I|we) (?:run|own)|this is) an? (?:small |mid-size |regional |local |family-run )?"
                   rf"(?P<obj>(?:[a-z-]+ ){{0,3}}?(?:{_TRADE_FIRM_EN}))\b(?! (?:to|for|of)\b)", re.I),
        # a bare "Small bakery, three outlets": the firm noun ends the clause, and no "our"/"the" before it
        re.compile(rf"^(?!(?:our|the|my|their|his|her|we|i|they)\b)(?:small |family-run )?"
                   rf"(?P<obj>[a-z][a-z\s-]{{2,30}}?(?:{_FIRM_EN}|bakery|plantation|farm|clinics?))\s*$", re.I),
    ]


@per_knowledge
def _cues() -> tuple[re.Pattern, re.Pattern]:  # selling on a marketplace ("淘宝上开店"); outlets opened ("开了五家店")
    markets = rf"(?<![不没])(?<!不在|没在)(?:{_words('marketplaces')})[上里]?(?:{_words('selling')})(?!家)"
    return re.compile(markets, re.I), re.compile(rf"开了?[^，。,；;]{{0,6}}?[家间个](?:{_words('outlets')})")


# English nouns of a firm; then those that name a firm by its trade ("a freight forwarder", "a family-run bakery")
_FIRM_EN = "factory|company|firm|maker|shop|business|studio|agency|clinic|store|restaurant|workshop|plant|mill"
_TRADE_FIRM_EN = "forwarder|distributor|wholesaler|bakery|brewery|winery|farm|hotel|salon|printer|contractor|manufacturer"
# 3D, 4S, B2B: no number
_GLUED_DIGIT = re.compile(r"(?<![A-Za-z\d])\d(?=[A-Z](?![A-Za-z\d]))|(?<=[A-Za-z])\d(?=[A-Za-z])")


def _trade(obj: str, closed: bool = False) -> str | None:
    """The trade a construction caught, tidied: no determiner or number before it, no 的 after; None when it names
    no trade ("公司", "三四十人", "做了等保")."""
    lex = _lex()["industry"]
    said = obj.strip(" ，。,")
    obj = re.sub(r"^(?:[\u4e00-\u9fff]{2,4}?(?=一家|一间))?(?:那个、?|就是那个|就是|一家|一个|一间|个|些|点|the |an? |two |three |"
                 r"several |small |mid-size |family-run )+", "", said, flags=re.I)
    if not obj.endswith(tuple(lex["places"])):  # "开网吧的": 吧 of a place is no particle
        obj = obj.rstrip("的了啦呢吧嘛啊哦")
    if re.match(r"[\u4e00-\u9fff]{0,4}(?:一家|一间)", said) and re.match(f"(?:{_words('trade_verbs')})", obj):
        return None  # "深圳一家做跨境电商的公司": the firm, then its trade verb, whose own construction reads the trade
    # "做SaaS的公司", "修车的铺子": what the place of business does is the trade
    obj = re.sub(rf"(?<=..)\s*的\s*(?:{_words('places')})子?$", "", obj)
    brand = re.fullmatch(rf"[^的]{{2,8}}的(?P<place>[^的]{{1,6}}?(?:{_words('places')}))", obj)
    if brand and brand.group("place") not in lex["generic_places"]:
        obj = brand.group("place")  # "比亚迪的4S店": whose brand, then the place of business that is the trade
    obj = re.sub(r"(?<=..)(?:到|往)[\u4e00-\u9fffA-Za-z]{1,5}$", "", obj)  # "卖露营用品到美国": where to, not what
    # "我们是做不锈钢管材的", "开汽修店的": the light verb is no part of the trade
    obj = re.sub(rf"^(?:做|搞|开(?=.*(?:{_words('places')})$))\s*(?=..)", "", obj)
    if re.fullmatch(rf"(?:{_words('frames')})*(?:{_words('serving_verbs')})(?:{_words('customers')})", obj):
        return None  # "主要服务医院": whom it serves (not "物业服务企业")
    if not obj or re.match(r"[了过好完着个这那哪给帮替我按从由被靠到往去…]|加(?![工盟油气])", obj) or \
            obj.startswith("不") and not obj.startswith(tuple(lex["negation_lookalikes"])) or \
            has_word(obj, lex["not_a_trade"] + _lex()["booleans"]["leadership"]["delegating"]) or find_quantities(
                _GLUED_DIGIT.sub("", obj)) or \
            obj in lex["generic_places"] + lex["complements"] + lex["subjects"] + _lex()["people"]["tended"]:
        return None  # "版本经常搞错", "做点小生意": a verb's result or size; "专门搞电脑": who tends the computers
    if not obj.isascii() and len(obj) < 2 and (not closed or obj in lex["not_a_trade_char"]) or \
            obj.lower() in _FIRM_EN.split("|") or obj.endswith(tuple(lex["not_a_place"])):
        return None  # "用金蝶做账": one character is no trade unless it closes the clause or 的 does ("做茶的",
        # "我们在古镇做灯"); "company" alone names none
    core = re.sub(r"(?:公司|企业|工厂|厂)$", "", obj)  # "贸易公司": the trade before a generic firm noun
    if core != obj and core in lex["firm_kinds"] + [""]:
        return None  # "小公司", "外资企业": what kind of firm, not what it does
    return None if has_word(core or obj, lex["vague"]) and len(obj) <= 4 or obj.lower() in lex["vague"] else obj


def _noun_sentence(text: str, head: str) -> bool:
    """A noun phrase said as a sentence of its own ("装修工程。工装为主"; not "还行。", "一般般。", "现在很难做。")."""
    return text.strip()[len(head):][:1] == "。" and len(head) >= 3 and \
        not has_word(head, _lex()["industry"]["verdicts"]) and not complains(head)


def _glossed(trade: str, sentence: str = "") -> str:
    """The trade, then what it is, for the sector, the plan and the report: an English trade's Chinese ("print
    shop（印刷）"), a marketplace ("在抖音卖茶具": 茶具（电商）), the outlets opened ("卖米线的，开了五家店": 米线（门店）)."""
    lex, gloss = _lex()["industry"], _lex()["industry"]["marketplace_gloss"]
    if (has_word(trade, lex["marketplaces"]) or _cues()[0].search(sentence)) and gloss not in trade:
        return f"{trade}（{gloss}）"
    if _cues()[1].search(sentence) and not has_word(trade, lex["places"]):
        return f"{trade}（{lex['outlets'][0]}）"
    if not trade.isascii():  # the formal name ("养猪场（生猪养殖）"), else the trade said again, plainer
        formal = _formally(trade)
        return formal if formal != trade else _said_again(trade, sentence)
    glosses = list(dict.fromkeys(lex["english"][word] for _, _, word in find_all(trade.lower(), list(lex["english"]))))
    glosses = [g for g in glosses if not any(g != other and g in other for other in glosses)]  # 宠物美容, not 美容 again
    return f"{trade}（{'、'.join(glosses)}）" if glosses else trade


def _said_again(trade: str, sentence: str) -> str:
    """The trade, then what the owner says it is in plainer words right after it ("做酒盒的，就是白酒礼盒包装")."""
    lex = _lex()["industry"]
    found = re.search(rf"{re.escape(trade)}[^，,。；;]{{0,3}}[，,]?\s*(?:{_words('restating')})\s*"
                      rf"(?P<what>[\u4e00-\u9fff][^，,。；;\d]{{1,13}})", sentence)
    what = found["what"].strip() if found else ""
    if not what or find_quantities(what) or what in trade or \
            has_word(what, lex["hesitations"] + lex["vague"] + _lex()["leading"]["pronouns"]):
        return trade  # "做家纺的，就是这样": a filler, not the trade
    return f"{trade}（{what}）"


def _formally(trade: str) -> str:
    """The trade, then the formal name of its industry when the owner's name for it heads it ("二类汽修厂（汽车维修）",
    "养猪场（生猪养殖）"; not "酒店用品", whose head is 用品)."""
    places = _words("places")
    for name, formal in trade_names().items():
        if re.search(rf"{re.escape(name)}(?:{places})?子?$", trade) and formal not in trade:
            return f"{trade}（{formal}）"
    return trade


def _a_post(obj: str, before: str, after: str) -> bool:
    """What 做/搞 governs is a post: the speaker's job ("现在做销售经理", "做 GM assistant"; not "我们是做智能客服的"), or a
    post or unit the verb names with what follows ("生产经理兼着", "生产部的小王", "加工车间主任管")."""
    units, titles, doing = _words("firm_units"), _words("job_titles"), _words("post_doing")
    return re.match(rf"(?:{units})?(?:{titles})(?:{doing}|$)|(?:{units})$", obj, re.I) is not None or re.search(
        rf"(?:{titles})$", obj.strip(), re.I) is not None and not has_word(
        before, _lex()["industry"]["firm_pronouns"]) and not after.startswith("的")


def trade_said(clause: Clause, asked: bool = True) -> tuple[str, int, int] | None:
    """(the trade, where it starts and ends in the clause) when ``clause`` says what the enterprise does; None for a
    customer's, a relative's, the town's or a former trade. A verb of many uses names it only ``asked`` ("装中央空调")."""
    lex = _lex()["industry"]
    if clause.modality != "fact":
        return None
    for pattern in _trade_patterns():
        m = pattern.search(clause.text)
        verbs = (m.groupdict().get("verbs") or "").lower() if m else ""  # English, paired ("make and sell")
        if m and (m.groupdict().get("verb") in lex["verbs_when_asked"] or has_word(verbs, lex["english_when_asked"])) \
                and (not asked or has_word(m.group("obj"), lex["places"] + lex["trade_verbs"] + lex["customers"])):
            continue  # a verb of many uses, only when asked what we do ("We install updates weekly"; not "拉链厂", "拉客户")
        if m is None or has_word(clause.text[:m.start("obj")], lex["not_ours"]) and \
                not has_word(clause.text[:m.start("obj")], lex["now"]) or \
                m.group("obj").startswith(tuple(lex["another"] + lex["not_ours"])) and \
                not m.group("obj").startswith(tuple(lex["negation_lookalikes"])):
            continue  # "客户都是做光伏的": the frame before the trade makes it someone else's; "另外还有个销售公司"
        if m.groupdict().get("verb") and (m.group("verb")[-1] + m.group("obj")[:1] in lex["verb_compounds"] or
                                          has_word(clause.text[:m.start("verb")], _lex()["leading"]["deputies"])):
            continue  # "开票用的是…", "做账": the verb makes a word with what follows, not a trade; "我侄子在厂里
            # 做跟单": a person's job
        if m.groupdict().get("verb") and _a_post(m.group("obj"), clause.text[:m.start("verb")],
                                                 clause.text[m.end("obj"):]):
            continue  # "现在做销售经理": the speaker's job
        if re.match(r"的(?:就|只有|是|就是|也就)(?:我|他|她|一个|俩|两个)", clause.text[m.end("obj"):]):
            continue  # "搞电脑的就我自己": who does it, not what the enterprise does
        trade = _trade(m.group("obj"), clause.text[m.end("obj"):m.end("obj") + 1] in ("的", ""))
        head = re.match(rf"的(?P<trade>[^，。,；;的]{{2,12}}?)(?:{_words('trade_heads')})", clause.text[m.end("obj"):])
        if trade and head and has_word(m.group("obj"), lex["customers"]):  # "承接政府单位的软件开发项目": for whom, then the trade
            return head.group("trade"), m.end("obj") + 1, m.end("obj") + 1 + len(head.group("trade"))
        part_of = re.match(rf"的(?P<head>[^，。,；;！!？?的]{{2,8}})", clause.text[m.end("obj"):])
        if trade and part_of and trade.endswith(tuple(lex["locatives"])):  # "做拖拉机上的齿轮箱": the part, of what
            return f"{trade}的{part_of.group('head')}", m.start("obj"), m.end("obj") + part_of.end()
        # "做商场的精装": for whom, then the trade; "做汽车的零部件": the trade is the whole phrase
        head = re.fullmatch(r"的([\u4e00-\u9fff]{2,6}?)[嘛呢啊吧呀哦]?", clause.text[m.end("obj"):])
        served = has_word(m.group("obj"), lex["customers"]) or m.group("obj") in lex["places"]
        no_trade = lex["places"] + lex["not_trade_heads"] + _lex()["people"]["person_nouns"]
        if (trade or served) and head and not has_word(head[1], no_trade):
            return (head[1] if served else trade + head[1]), m.start("obj"), m.end("obj") + head.end()
        gloss = lex["verb_glosses"].get(m.groupdict().get("verb") or "")
        if trade and gloss:  # "种大棚菜": what is grown, and that it is grown ("种植苗木": the verb said whole)
            whole = bool(rest := gloss[len(m.group("verb")):]) and trade.startswith(rest)  # "种"+"植苗木"; "代工面膜"
            grown = trade[len(rest):] if whole else trade
            if whole and len(grown) < 2:
                continue  # "养殖的是对虾": the object follows, in another construction
            return grown + gloss, m.start("obj"), m.end("obj")
        named = list(filter(None, map(lex["english_verbs_named"].get, verbs.split())))
        if trade:  # "we service and repair forklifts": repair of forklifts
            return (f"{named[-1]} of {trade}" if named else trade), m.start("obj"), m.end("obj")
    return None


@per_knowledge
def _hesitation() -> str:
    """A word of hesitation or an ellipsis ("呃", "叫啥来着", "…"), as one alternation."""
    return rf"(?:{_words('hesitations')}|…+|\.{{3,}})"


def _repaired(ctx: Context) -> tuple[float, str, str, str] | None:
    """The trade said through a hesitation and its repair ("做那个…叫啥来着，就是油烟净化器", "搞的是…怎么说呢，就是废旧
    轮胎那个"): read as if said fluently, the hesitation and the 就是 of the repair left out."""
    hesitation = _hesitation()
    for sentence in (ctx.message.sentence_text(n) for n in range(len(ctx.message.sentences))):
        gap = re.search(rf"(?P<verb>{_words('trade_verbs')})(?P<said>的是)?(?=[^。]{{0,3}}?{hesitation})"
                        rf"(?:{hesitation}|[、，,\s])+(?:也)?就是(?:那个|那种)?", sentence)
        if gap is None:
            continue
        # "厨房里那个油烟净化器": where it is, then what; "废旧轮胎那个": what, then a pointing word
        what = re.sub(r"^[^，。,；;]+?(?:那个|那种)(?=[^，。,；;]{2})|(?:那个|那种)(?=[，。,；;]|$)", "", sentence[gap.end():])
        fluent = sentence[max(0, gap.start("verb") - 6):gap.end("verb")] + (gap.group("said") or "") + what
        said = trade_said(Clause(re.split(r"[，,；;。]", fluent)[0], 0, 0), ctx.question == "basics")
        if said:
            return 1, said[0], sentence, sentence
    return None


def _acronym_glossed(ctx: Context, said: str, acronym: str) -> str:
    """A trade said as an acronym, then what it is in the next clause ("做IDC的，就是数据中心"): both."""
    clauses = [c for c in ctx.message.clauses if not re.fullmatch(rf"(?:{_hesitation()}|[，,\s])+", c.text)]
    after = next((b for a, b in zip(clauses, clauses[1:]) if a.text == said and b.sentence == a.sentence), None)
    # "呃，" is no clause of its own
    gloss = re.match(r"[，,\s]*(?:也就是|就是|即)(?:说)?(?:那个|那种)?(?P<what>.{2,12})$", after.text) if after else None
    if gloss is None:
        return acronym
    what = trade_said(Clause(gloss.group("what"), 0, 0))
    return f"{acronym}（{what[0] if what else gloss.group('what').rstrip('的嘛呢啊')}）"


@extractor
def industry(ctx: Context) -> None:
    """The trade said in a clause about the enterprise itself; one that says what it does now ("现在主要做…") beats one
    said before."""
    if "industry" in ctx.known:
        return
    lex = _lex()["industry"]
    best: tuple[float, str, str, str] | None = None
    for clause in ctx.message.clauses:
        said = trade_said(clause, ctx.question == "basics")
        if said:
            strength = 2 if has_word(clause.text, lex["now"]) else .25 if has_word(clause.text, lex["tentative"]) else 1
            if re.match(r"(?:我|俺)(?:是|就是)?(?:做|干|搞|负责)|(?:我|俺)(?:是|就是)(?!我们|咱)", clause.text):
                strength = 0.5  # "我是做财务的", "我是生产经理": the speaker's job, unless nothing else is said
            stem = said[0].lstrip("小大")
            if stem in lex["places"] or len(stem) <= 2 and stem.endswith(tuple(lex["generic_places"])):
                strength = 0.3  # "一个小农场，养奶山羊的": the place names the trade less than what is done there
            if best is None or strength > best[0]:
                best = (strength, said[0], clause.text, ctx.message.sentence_of(clause))
    if best is None:
        best = _repaired(ctx)
    if best is None:  # "我们是SMO，就是临床试验现场管理": the firm is an acronym, glossed after
        named = next(((c, m["acronym"]) for c in ctx.message.clauses
                      if (m := re.fullmatch(rf"(?:{_words('subjects')})是(?P<acronym>[A-Z]{{2,5}})", c.text))), None)
        glossed = _acronym_glossed(ctx, named[0].text, named[1]) if named else ""
        best = (1, glossed, named[0].text, ctx.message.sentence_of(named[0])) if "（" in glossed else None
    elif re.fullmatch(r"[A-Z]{2,5}", best[1]):
        best = (best[0], _acronym_glossed(ctx, best[2], best[1]), best[2], best[3])
    if best is not None:
        ctx.add("industry", _glossed(best[1], best[3]), best[2])
        return
    head = re.split(r"[，,；;。\s]", ctx.message.text.strip(), maxsplit=1)  # no particle closing it ("挺好的，")
    if ctx.question == "basics" and len(head) == 2 and 2 <= len(head[0]) <= 6 and not find_quantities(head[0]) and \
            head[0][-1] not in "的了吧啊呢嘛呀哦" and \
            (find_quantities(head[1]) or _noun_sentence(ctx.message.text, head[0]) or plan_content().sector_of(head[0]) and not has_word(head[0], _complaint_words()) and
             not has_word(head[0], _lex()["modality"]["negators"] + _lex()["severity_markers"])) and re.fullmatch(r"[\u4e00-\u9fff]+", head[0]) and \
            not has_word(head[0], _lex()["modality"]["skip"] + lex["vague"] + lex["not_ours"] + lex["subjects"] +
                         _lex()["people"]["person_nouns"] + _lex()["money"]["budget"] + lex["not_sector_alone"]):
        ctx.add("industry", head[0], head[0], 0.7)  # "注塑，一百来人，年销四千万", "实木家具 床 衣柜": the trade said first
        return
    short = ctx.message.text.strip().strip("。.！!")
    if ctx.question == "basics" and 2 <= len(short) <= 8 and "是" not in short and not find_quantities(short) and \
            not re.match(_words("subjects"), short) and all(c.modality != "question" for c in ctx.message.clauses) and \
            not system_names(short) and fraction_percent(short) is None and \
            not has_word(short, _lex()["modality"]["skip"] + lex["vague"] + _lex()["people"]["person_nouns"]):
        ctx.add("industry", short, short, 0.7)  # "饰品外贸。" answering "what do you do?"
