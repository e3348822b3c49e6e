"""Applicability questions (a region, a trade, a size, a service provider: "我们是外省的餐饮店，能用这个指南吗？") are
answered from the guide's scope clause (chapter 1), with a plain yes/no reading of it for the asker's case.

Example:
    >>> asks_scope("我们是河北的小厂，这个指南能用吗？"), asks_scope("数据销毁有哪些要求？")
    (True, False)
    >>> scope_reading("我们是河北的小厂，这个指南能用吗？")[:30]
    '按第1章，指南写明适用于天津市中小企业，河北不在写明的范围内'
"""
from __future__ import annotations

import re

SCOPE_CLAUSE = "1"
_ASKS = re.compile(r"适用|适合|能用|能不能用|可不可以用|可以用|用得上|用不上|管用|能参考|可以参考|参考一下|"
                   r"参考(?:吗|不|么)|拿来参考|照着做|照着用|"
                   r"按(?:照)?这(?:个|份)|属于.{0,8}范围|在.{0,6}范围|范围(?:内|之内|吗)|有关系吗|有关吗|管不管|算不算|"
                   r"针对(?:的是)?(?:哪|什么)|面向(?:哪|什么)|\bappl(?:y|ies|icable)\b|\brelevant\b|\bcover(?:s|ed)?\b|"
                   r"\bmeant for\b|\buse (?:it|this guide)\b", re.IGNORECASE)
_GUIDE = re.compile(r"指南|标准|本文件|这(?:份|套)(?:文件|东西|方法)?|这个文件|\bguide\b|\bstandard\b", re.IGNORECASE)
_REGIONS = ("北京|上海|重庆|河北|山西|内蒙古|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|广西|海南|四川|"
            "贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾|深圳|广州|杭州|苏州|南京|武汉|成都|西安|青岛|大连|宁波|"
            "厦门|郑州|济南|沧州|唐山|廊坊|保定|石家庄")
_ELSEWHERE = re.compile(rf"外地|外省|外市|省外|市外|异地|其他(?:省|城市|地区)|别的(?:省|城市|地方)|{_REGIONS}|"
                        r"outside tianjin|other (?:cities|provinces|regions)")
_TIANJIN = re.compile(r"天津|滨海|tianjin", re.IGNORECASE)
_LARGE = re.compile(r"大(?:型)?企业|大公司|集团|上市公司|央企|国企|[千万]人|几千|上千|大厂|large (?:enterprise|company|firm)",
                    re.IGNORECASE)
_SERVICE = re.compile(r"服务商|服务机构|咨询(?:公司|机构)|外包(?:公司|团队|方)|供应商|软件公司|集成商|第三方|乙方|"
                      r"做数字化服务|给企业做|"
                      r"service provider|consultanc|vendor", re.IGNORECASE)
_YES_NO = re.compile(r"(?:吗|(?<!什)么|不|没)[？?。！!\s]*$|能不能|可不可以|是不是|^(?:can|may|could|is|are|does|do)\b",
                     re.IGNORECASE)
# the service firm is the one asking ("我们是做咨询的", "作为服务商", "做数字化咨询的外包团队"), not a source named
_ASKER = re.compile(r"我|咱|俺|作为|[做搞干][^，。,]{0,10}的|\b(?:we|I|our|ours|us)\b", re.IGNORECASE)
_ANY_TRADE = re.compile(r"行业|餐饮|饭店|零售|门店|商店|超市|贸易|外贸|物流|建筑|农业|养殖|种植|服务业|服务型|医院|诊所|学校|"
                        r"培训机构|酒店|旅游|美容|汽修|装修|印刷|纺织|化工|食品|服装|电商|个体户|工作室|作坊|"
                        r"\b(?:restaurant|retail|shop|trade|trading|service (?:firm|company|business)|industry|sector)\b",
                        re.IGNORECASE)


def asks_scope(question: str) -> bool:
    """An applicability question: asks whether the guide applies (or is meant for) a kind of enterprise."""
    q = question.strip()
    if not _ASKS.search(q):
        return False
    if _GUIDE.search(q):  # "这个指南适合服务型公司吗", "which firms does the guide apply to"
        return True
    # no guide named: only where the asker is placed outside its stated scope ("我们是河北的厂，也能用吗？") or is
    # a service firm asking yes or no ("做IT外包的乙方能参考不？"), and no product is what would be used
    if re.search(r"系统|软件|平台|工具|方案|SaaS|云|AI|大模型", _SERVICE.sub("", re.sub(r"系统集成|软件服务", "", q)), re.I):
        return False
    return bool(_ELSEWHERE.search(q)) or bool(_SERVICE.search(q) and _ASKER.search(q) and _YES_NO.search(q))


def scope_reading(question: str, lang: str = "zh") -> str:
    """A plain reading of chapter 1 for the asker's case (the clause itself is quoted with it)."""
    readings = []
    if _SERVICE.search(question):
        readings.append(("服务机构：第1章写明，也适用于为企业提供数字化转型服务的各类机构，供其参考",
                         "service providers: chapter 1 says organisations serving enterprises' transformation may use it "
                         "for reference"))
    where = _ELSEWHERE.search(question)
    if where and not _TIANJIN.search(question):
        readings.append((f"按第1章，指南写明适用于天津市中小企业，{where.group(0)}不在写明的范围内；其方法可以参考，"
                         "但不是对天津以外企业的要求",
                         "chapter 1 names Tianjin's SMEs; an enterprise elsewhere is outside the stated scope and may use "
                         "it as a reference only"))
    if _LARGE.search(question):
        readings.append(("按第1章，指南面向中小企业；大型企业不在写明的范围内，可作参考",
                         "chapter 1 is for small and medium-sized enterprises; a large enterprise is outside the stated "
                         "scope and may use it as a reference"))
    if not readings:
        readings.append(("按第1章，指南适用于天津市中小企业数字化转型的规划、设计、建设、应用，没有限定行业；"
                         "只要是天津的中小企业，不论制造、商贸还是服务业，都在范围内",
                         "chapter 1 applies to Tianjin's SMEs in planning, designing, building and using digital "
                         "transformation, whatever their trade"))
    return "；".join(zh for zh, _ in readings) + "。" if lang != "en" else "; ".join(en for _, en in readings) + "."
