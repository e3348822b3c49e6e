"""What the enterprise offers, not uses: a system named in its trade, sold, or built for others ("我们是做MES软件的",
"我们卖的是一套收银系统", "给连锁餐饮开发会员系统"); read by :mod:`systems` before a system named is taken as in use."""
from __future__ import annotations

import re

from advisor.config import per_knowledge
from advisor.diagnosis.extractors.base import _lex
from advisor.diagnosis.lexicon import find_all, has_word, system_names
from advisor.diagnosis.reading import Clause


def trade_of(clause: Clause) -> tuple[str, int, int] | None:
    """The trade the clause says, by the trade's own parser (imported here: importing the descriptions module at the
    top would register its extractors before these, and they run in the order they are registered)."""
    from advisor.diagnosis.extractors.descriptions import trade_said
    return trade_said(clause, asked=False)


def offered(clause: Clause, start: int, end: int, trade: tuple[str, int, int] | None) -> bool:
    """Whether the system named at ``start:end`` is what the enterprise offers: named in its trade ("我们是做MES软件的",
    "公司主营物联网网关"), sold ("我们卖的是一套收银系统"), or built for others ("给连锁餐饮开发会员系统", "dashboards
    for our clients") with no use of it said between ("给客户报价用的是CRM" is ours)."""
    syslex, text = _lex()["systems"], clause.text
    if trade and trade[1] <= start and end <= trade[2] and not has_word(text[end:end + 4], syslex["while_doing"]) and \
            (not text.isascii() or len(text[end:trade[2]].split()) <= 1):
        return True  # not "我们做ERP的时候花了五十万" (a time), "We sell furniture and the ERP tracks stock" (a clause)
    if text.isascii():  # "We resell a cloud CRM", "dashboards for our clients": right before or after the system
        sold = find_all(text[:start], syslex["sold"])
        return bool(sold) and len(text[sold[-1][1]:start].split()) <= 2 or \
            has_word(text[end:end + 24], syslex["for_others"]) and not has_word(text[:start], syslex["use_verbs"])
    sold = find_all(text[:start], syslex["sold"])
    between = text[sold[-1][1]:start] if sold else ""
    for a, b, _, _ in system_names(between):  # "代理用友的财务软件": a brand's characters are no verb
        between = between[:a] + " " * (b - a) + between[b:]
    a_seller = sold and text[:sold[-1][0]].rstrip().endswith(tuple(syslex["a_seller"]))
    if sold and not a_seller and re.fullmatch(rf"[\s的是{syslex['sold_measure']}]*", between):
        return True  # "我们卖的是一套收银系统" (not "销售部卖货全靠CRM", "有个卖MES的过来装了")
    built = list(_built_for_others().finditer(text[:start]))
    return bool(built) and not has_word(text[built[-1].end():start], syslex["use_verbs"])


@per_knowledge
def _built_for_others() -> re.Pattern:
    """For an outside party, then a verb of building ("给连锁餐饮开发", "帮客户做"; not "给仓库上了", "为了管库存上")."""
    syslex = _lex()["systems"]
    words = lambda key: "|".join(map(re.escape, sorted(key, key=len, reverse=True)))  # noqa: E731
    return re.compile(rf"(?:{words(syslex['benefactive'])})[^，,。；;我咱]{{0,6}}?(?:{words(syslex['parties_served'])})"
                      rf"[^，,。；;]{{0,4}}?(?:{words(syslex['built_for'])})")
