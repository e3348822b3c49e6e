"""Quantities as owners say them: Arabic or Chinese numerals (through ``cn2an``), colloquial forms and ranges, with
the unit that follows and the words that make them approximate. One parser serves the rules and the LLM layer (a
model's number is re-read from its evidence span with it).

Spoken approximations are valued at their midpoint or at the stated lower bound, as a careful reader would note them:
八九十 → 85, 一百四十来 → 140, 八千多万 → 8000 万, 一亿六 → 1.6 亿, 两成不到 → under 20 %.

Example:
    >>> [(q.value, q.unit) for q in find_quantities("厂里一百四十来号人，去年卖了八千多万，设备联网四成")]
    [(140.0, '人'), (80000000.0, '元'), (40.0, '%')]
    >>> find_quantities("一年流水一个亿出头")[0].value
    100000000.0
    >>> find_quantities("员工六七十号人")[0].value, find_quantities("三十五六个")[0].value
    (65.0, 35.5)
    >>> [q.value for q in find_quantities("十几万，小一千万，百分之五左右，两成不到")]
    [150000.0, 10000000.0, 5.0, 20.0]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

_DIGIT = "零〇一二两三四五六七八九"
_CN = f"{_DIGIT}十百千"
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN}几]+(?:点[{_DIGIT}]+)?)"
# a foreign currency named after the amount ("3 million dollars", "50k USD", "两百万美元"), by its code
_FOREIGN_NAMES = {"usd": r"(?:US )?dollars?\b|USD\b|美元|美金", "eur": r"euros?\b|EUR\b|欧元",
                  "gbp": r"pounds? sterling\b|GBP\b|英镑",  # not "pounds" alone: a weight as often as money
                  "hkd": r"HKD\b|港币|港元", "jpy": r"JPY\b|yen\b|日元", "twd": r"TWD\b|NTD\b|新台币|台币"}
_FOREIGN_SIGNS = {"us$": "usd", "$": "usd", "hk$": "hkd", "€": "eur", "£": "gbp"}
_FOREIGN = "|".join(_FOREIGN_NAMES.values())
# a number, optionally "个" before 亿/万, a magnitude, a trailing digit of the next magnitude ("一亿六", "两万五")
_QUANTITY = re.compile(
    rf"(?P<pre>小|大概|大约|约|将近|接近|近|差不多|不到|不足|超过|上|about|around|roughly|nearly|almost|over|under)?\s*"
    rf"(?P<cur>RMB|CNY|¥|￥|US\$|HK\$|\$|€|£)?\s*(?P<pct>百分之)?"
    rf"(?P<num>{_NUM})\s*(?P<ge>[多来余]|出头(?=[万亿]))?\s*(?:个(?=多?[亿万wW](?![A-Za-z])))?(?P<half>个半(?=[亿万]))?(?P<ge2>多)?"
    rf"(?P<mag>[万亿千百]|[wW](?![A-Za-z])|wan\b|k\b|K\b|million\b|mn\b|m\b|billion\b|bn\b)?"
    rf"(?P<tail>[{_DIGIT}](?![{_CN}\d]))?\s*"
    rf"(?P<ge3>多|来|余)?\s*(?:-(?=[a-z]))?"
    rf"(?:(?:full[- ]time|permanent|regular|salaried)\s+(?=(?:people|staff|employees|workers)\b))?"  # "38 full-time staff"
    rf"(?P<unit>%|％|\s?per\s?cent\b|成|个点|个人|号人|名|人(?!民)|位|people\b|staff\b|employees\b|workers\b|persons?\b|"
    rf"万元|元|块|RMB\b|yuan\b|{_FOREIGN}|台|部(?![门分长署位件])|条(?!龙)|家|个月|个|间|套|天|小时|分钟|周|days?\b|hours?\b|%)?"
    rf"(?P<post>出头|左右|上下|以上|以下|不到|多点|开外|朝上)?", re.IGNORECASE)
_MAGNITUDE = {"百": 100, "千": 1_000, "万": 10_000, "w": 10_000, "wan": 10_000, "亿": 100_000_000,
              "k": 1_000, "million": 1_000_000,
              "mn": 1_000_000, "m": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000}
_FRACTIONS = [(re.compile(p, re.I), share) for p, share in (
    (r"一小半|少部分|小部分|少数", 30.0), (r"一大半|大部分|大多数|绝大部分|\bmost of\b", 75.0),
    (r"一半多|过半|半数以上|多一半|一多半|\bmore than half\b", 55.0), (r"小一半|不到一半|\bless than half\b", 40.0),
    (r"一半|半数|\bhalf\b", 50.0), (r"\b(?:a|one) third of", 33.0), (r"\btwo[ -]thirds of", 67.0),
    (r"全部|都联网|所有|全都|\ball of\b|\bevery\b(?!one|thing|body|where)", 100.0))]
_PERSON_UNITS = {"个人", "号人", "名", "人", "位", "people", "staff", "employees", "workers", "person", "persons"}
_MONEY_UNITS = {"万元", "元", "块", "rmb", "yuan"}


@dataclass(frozen=True)
class Quantity:
    value: float  # in base units: persons, yuan, percent, or a plain count
    unit: str  # "人", "元", "%", or "" (a bare number; "个"/"台"… are kept as said)
    start: int
    end: int
    text: str
    approx: bool = False
    upper_bound: bool = False  # "不到", "under": the value is a ceiling

    @property
    def wan(self) -> float:
        return self.value / 10_000

    def after(self, source: str, chars: int = 4) -> str:
        """The words right after the quantity in ``source`` (what it counts: "纱锭", "工人", "台设备")."""
        return source[self.end:self.end + chars]


def _cn_integer(text: str) -> float | None:
    if not text:
        return None
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _adjacent_pair(text: str) -> float | None:
    """"六七" / "三十五六" / "八九十": two neighbouring digits said together mean a range; its midpoint."""
    m = re.fullmatch(rf"(?P<head>[{_CN}]*?)(?P<a>[一二两三四五六七八九])(?P<b>[两二三四五六七八九])(?P<mag>[十百千]?)", text)
    if not m:
        return None
    a, b = _cn_integer(m.group("a")), _cn_integer(m.group("b"))
    if a is None or b is None or not 1 <= b - a <= 2:  # "六七十", "三五万"
        return None
    mag = {"": 1, "十": 10, "百": 100, "千": 1000}[m.group("mag")]
    head = _cn_integer(m.group("head")) if m.group("head") else 0.0
    if m.group("head") and not m.group("mag"):  # "三十五六": the pair is the digit after the head's magnitude
        below = {"十": 1, "百": 10, "千": 100, "万": 1000}.get(m.group("head")[-1], 1)  # "三百五六" is 355
        return (head or 0) + (a + b) / 2 * below
    return (head or 0) + (a + b) / 2 * mag


def _number(text: str) -> tuple[float | None, bool]:
    """(value, approximate) of a numeral: Arabic, Chinese, "几"-forms and adjacent pairs."""
    if re.match(r"[百千]", text):
        text = "一" + text  # "百几人", "千把": one hundred, one thousand
    if re.fullmatch(rf"[{_CN}]+[百千]零", text):
        return _number(text[:-1])[0], True  # "百零人": a hundred and some
    if "几" in text:  # 十几 → 15, 几十 → 50, 几百 → 500, 二十几 → 25
        m = re.fullmatch(rf"([{_CN}]*)几([十百千]?)", text)
        if not m:
            return None, True
        head = _cn_integer(m.group(1)) if m.group(1) else 0.0
        if head is None:
            return None, True
        mag = {"": 1, "十": 10, "百": 100, "千": 1000}[m.group(2)]
        return (head + 5 * mag) if m.group(2) or head else 5.0, True
    pair = _adjacent_pair(text)
    if pair is not None:
        return pair, True
    if "点" in text:
        whole, _, frac = text.partition("点")
        w = _cn_integer(whole) or 0.0
        digits = "".join(str(int(_cn_integer(ch) or 0)) for ch in frac)
        return float(f"{int(w)}.{digits}"), False
    return _cn_integer(text), False


_SPOKEN = {"俩": "2", "仨": "3",  # 俩 and 仨 carry their classifier: a count even said alone ("加上我就俩")
            "万把": "一万", "千把": "一千", "百把": "一百", "百十": "一百", "过亿": "一亿", "破亿": "一亿"}
_ENGLISH = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())} | {"thirty": "30", "forty": "40", "fifty": "50", "a dozen": "12"}
_ENGLISH_WORD = re.compile(r"\b(" + "|".join(sorted(_ENGLISH, key=len, reverse=True)) + r")\b", re.IGNORECASE)


def _normalise(text: str) -> str:
    """Spoken forms the numeral parser does not know ("俩", "three"), rewritten to numerals of the same length so
    every offset still points into the caller's text."""
    for word, plain in _SPOKEN.items():
        text = text.replace(word, plain)
    return _ENGLISH_WORD.sub(lambda m: _ENGLISH[m.group(1).lower()].ljust(len(m.group(1))), text)


_FEW = re.compile("没有?几")


def says_few(text: str) -> bool:
    """"没几个人会用", "没有几台联网": few, said without a figure (neither a count nor none)."""
    return _FEW.search(text) is not None


def find_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    scales: list[float | None] = []  # the factor each number was scaled by (None: said without magnitude)
    text = _normalise(text)
    for m in _QUANTITY.finditer(text):
        num = m.group("num")
        bare_magnitude = num in ("百", "千") and bool(m.group("ge") or m.group("ge3"))  # "百来号人", "千多个"
        if not num or not re.search(rf"[\d{_CN}几]", num) or num in ("十百", "百", "千") and not bare_magnitude:
            continue
        if num[0].isdigit() and re.search(r"(?:^|[^A-Za-z])[A-Za-z]{1,2}[+-]?$", text[:m.start("num")]) and \
                not (m.group("cur") or m.group("mag") or m.group("unit")):
            continue  # "金蝶K3", "用友U8", "T+3": a product's model, not a figure ("HKD1200万" is one)
        if re.search(r"(?:差点|差一点|差点儿|almost reached|nearly hit)\s*(?:就)?(?:破|过|到|上)?$", text[:m.start("num")]):
            continue  # "差点破亿": a figure not reached is no figure
        if num.startswith("几") and _FEW.search(text[max(0, m.start("num") - 2):m.start("num") + 1]):
            continue  # "没几个人会用": few, not a figure
        value, approx = (_MAGNITUDE[num], True) if bare_magnitude else _number(num)
        if value is None:
            continue
        value += 0.5 if m.group("half") else 0  # "一个半亿": one and a half
        said_alone = not (m.group("mag") or m.group("unit") or m.group("pct") or m.group("ge") or m.group("post"))
        if said_alone and num.isdigit() and re.search(r"(?:装了|装的是|装的|用的是|用的|installed)\s*$", text[:m.start("num")]):
            continue  # "电脑装了360": a product named by a number, not a figure
        if said_alone and len(num) == 1 and not num.isdigit() and not re.match(rf"(?:到|至)[{_CN}]", text[m.end():]):
            continue  # "一年", "三季度": a lone Chinese digit is a word, not a quantity
        mag = (m.group("mag") or "").lower()
        if mag:
            unit_value = _MAGNITUDE[mag]
            value *= unit_value
            if m.group("tail"):  # "一亿六" = 1.6 亿, "两万五" = 2.5 万
                value += (_cn_integer(m.group("tail")) or 0) * unit_value / 10
        unit_said = (m.group("unit") or "").lower()
        money_word = re.match(r"\s*(?:RMB|yuan|元|块)", text[m.end():m.end() + 5], re.IGNORECASE)
        if not unit_said and (m.group("cur") or mag in ("k", "million", "mn", "m", "billion", "bn") and money_word):
            unit_said = "元"
        unit_said = "%" if re.sub(r"\s", "", unit_said) == "percent" else unit_said
        unit = "%" if unit_said in ("%", "％", "成", "个点") or m.group("pct") else "人" if unit_said in _PERSON_UNITS else \
            "元" if unit_said in _MONEY_UNITS or mag in ("万", "w", "wan", "亿") and not unit_said else unit_said
        if unit_said == "万元":
            value *= 10_000
        currency = _FOREIGN_SIGNS.get((m.group("cur") or "").lower()) or _currency_named(unit_said)
        if currency:
            unit = "元"
            value *= yuan_per(currency)
        if unit_said == "成":
            value *= 10
            tenth = re.match(rf"[{_DIGIT}](?![{_CN}\d成])", text[m.end():])  # "八成五" = 85 %
            if tenth and not m.group("post"):
                value += _cn_integer(tenth.group(0)) or 0
        pre, post = (m.group("pre") or "").lower(), m.group("post") or ""
        upper = pre in ("不到", "不足", "under", "近", "将近", "接近", "nearly", "almost", "小") or post in ("不到", "以下")
        approx = approx or bool(pre or post or m.group("ge") or m.group("ge2") or m.group("ge3"))
        out.append(Quantity(value=float(value), unit=unit, start=m.start("num"), end=m.end(), text=m.group(0).strip(),
                            approx=approx, upper_bound=upper))
        raw = _number(num)[0] or 1.0
        scales.append(None if not mag and unit_said not in ("成", "万元") else value / raw)
    return _ranges(text, *_compounds(text, out, scales))


def _compounds(text: str, found: list[Quantity], scales: list[float | None]) -> tuple[list[Quantity], list[float | None]]:
    """"三亿一千万", "1亿2000万", "两亿零五百万": an amount in 亿 followed at once by one in 万 is one amount."""
    out: list[Quantity] = []
    out_scales: list[float | None] = []
    for q, scale in zip(found, scales):
        last = out[-1] if out else None
        if last is not None and out_scales[-1] == 100_000_000 and scale == 10_000 and q.value < 100_000_000 and \
                text[last.end:q.start].strip() in ("", "零") and q.unit == last.unit == "元":
            out[-1] = Quantity(value=last.value + q.value, unit="元", start=last.start, end=q.end,
                               text=text[last.start:q.end].strip(), approx=last.approx or q.approx,
                               upper_bound=q.upper_bound)
            continue
        out.append(q)
        out_scales.append(scale)
    return out, out_scales


_RANGE = re.compile(r"\s*(?:到|至|-|~|～|—|to)\s*$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)  # "between 50 and 100k"


def _ranges(text: str, found: list[Quantity], scales: list[float | None]) -> list[Quantity]:
    """"五万到十万", "50 to 80k RMB", "三到五个人": a range said as two numbers is one quantity at its midpoint; the
    first number takes the magnitude and unit of the second when it has none of its own ("五到十万")."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        low = found[i]
        high = found[i + 1] if i + 1 < len(found) else None
        joined = _RANGE.fullmatch(text[low.end:high.start].rstrip() + " ") if high else None
        if high is not None and not joined and text[low.end:high.start].strip().lower() == "and" and \
                _BETWEEN.search(text[max(0, low.start - 12):low.start]):
            joined = True
        if high is None or not joined or \
                low.unit and high.unit and low.unit != high.unit:
            out.append(low)
            i += 1
            continue
        low_value = low.value * (scales[i + 1] or 1) if scales[i] is None and not low.unit else low.value
        if low_value > high.value:
            out.append(low)
            i += 1
            continue
        out.append(Quantity(value=(low_value + high.value) / 2, unit=high.unit or low.unit, start=low.start,
                            end=high.end, text=text[low.start:high.end], approx=True))
        i += 2
    return out


_OVER = re.compile(rf"([{_CN}\d]+)分之([{_CN}\d]+)")


def fraction_percent(text: str) -> tuple[float, str] | None:
    """A share said in words ("一半多", "大部分", "四分之三", "all of"): (percent, the words)."""
    over = _OVER.search(text)
    if over and not over.group(1).startswith("百"):
        whole, part = _cn_integer(over.group(1)), _cn_integer(over.group(2))
        if whole and part is not None and part <= whole:
            return round(part / whole * 100, 1), over.group(0)
    for pattern, value in _FRACTIONS:
        m = pattern.search(text)
        if m:
            return value, m.group(0)
    return None


def read_number(text: str, unit: str | None = None) -> float | None:
    """The first quantity in ``text`` (of ``unit`` when given), in base units: how a model's value or its evidence is
    re-read by the same parser as the rules."""
    for q in find_quantities(str(text)):
        if unit is None or q.unit == unit:
            return q.value
    return None


def _currency_named(unit: str) -> str | None:
    return next((code for code, pattern in _FOREIGN_NAMES.items() if unit and re.fullmatch(pattern, unit, re.I)), None)


def yuan_per(currency: str) -> float:
    """Yuan to one unit of ``currency`` (knowledge/lexicon/extraction.yaml, money.yuan_per)."""
    from advisor.diagnosis.lexicon import extraction_lexicon  # the lexicon's loader is above this parser
    return float(extraction_lexicon()["money"]["yuan_per"][currency])
