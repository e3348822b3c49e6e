"""Follow-ups made standalone (unit level, on the real guide's clause tree; no index needed)."""
from __future__ import annotations

import pytest

from advisor.config import Settings
from advisor.corpus.knowledge_base import KnowledgeBase
from advisor.qa.followup import Exchange, leans_on_history, ordinal, rewrite


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    return KnowledgeBase.load(Settings(data_dir=tmp_path_factory.mktemp("kb"), llm="none"))


@pytest.mark.parametrize("text,n", [("第二件具体要看哪些方面？", 2), ("那最后一条呢？", -1), ("第三条讲的是什么？", 3),
                                    ("第10点", 10), ("这个阶段要多久？", None)])
def test_ordinals(text, n):
    assert ordinal(text) == n


def test_an_ordinal_picks_a_part_of_the_clause_in_view(kb):
    history = [Exchange("诊断分析阶段要做哪几件事？", anchor="6.2")]
    meant = rewrite("第二件具体要看哪些方面？", history, kb)
    assert meant.how == "ordinal" and meant.anchors == ["6.2.2"] and meant.parts_of == "6.2"
    then = rewrite("最后那件事可以找外面的机构帮忙吗？", [*history, Exchange("第二件", anchor="6.2.2", parts_of="6.2")], kb)
    assert then.anchors == ["6.2.4"]


def test_next_step_and_named_part(kb):
    assert rewrite("接下来该干嘛？", [Exchange("数据清查怎么做？", anchor="5.3.2.1")], kb).anchors == ["5.3.2.2"]
    named = rewrite("那管理决策那类呢？", [Exchange("生产那一类建议上什么系统？", anchor="5.4.1.2")], kb)
    assert named.how == "part" and named.anchors == ["5.4.1.1"]


def test_an_ordinal_after_a_named_part_counts_that_parts_siblings(kb):
    kinds = [Exchange("目标的参考指标分几块？", anchor="6.3.1.2")]
    named = rewrite("基础能力那块讲了什么？", kinds, kb)
    assert named.how == "part" and named.anchors == ["6.3.1.2.1"] and named.parts_of == "6.3.1.2"
    then = [*kinds, Exchange("基础能力那块", anchor="6.3.1.2.1", parts_of=named.parts_of)]
    assert rewrite("第三块呢？", then, kb).anchors == ["6.3.1.2.3"]  # not the third item inside the basics


def test_context_and_standalone_questions(kb):
    history = [Exchange("过期不用的数据，指南说要怎么处理？", anchor="5.3.2.7")]
    context = rewrite("要是公司自己没这个能力呢？", history, kb)
    assert context.how == "context" and "数据销毁" in context.standalone and not context.anchors
    long_question = "企业在建设工业互联网平台时应当如何考虑数据安全和网络安全的协同防护？"
    assert not leans_on_history(long_question, history) and rewrite(long_question, history, kb).standalone == long_question
    assert rewrite("第二点呢？", [], kb).standalone == "第二点呢？"  # no conversation, nothing to lean on


def test_a_model_rewrite_is_used_only_if_it_keeps_the_users_words():
    from advisor.config import Settings
    from advisor.qa.followup import Exchange, Rewrite, model_rewrite
    from advisor.qa.lexicon import Lexicon

    class Model:
        settings = Settings(llm="none", llm_timeout_s=5)

        def __init__(self, reply: str) -> None:
            self.reply, self.prompts = reply, []

        def complete(self, messages, **kwargs) -> str:
            self.prompts.append(messages)
            return self.reply

    history = [Exchange(question="过期不用的数据，指南说要怎么处理？", anchor="5.3.2.7")]
    plain = Rewrite("要是公司自己没这个能力呢？", "要是公司自己没这个能力呢？ 数据销毁 过期不用的数据", [], "context")
    lexicon = Lexicon.load()
    keeps = Model("公司自己没有能力销毁过期数据时，要是怎么办？没这个能力呢")
    assert model_rewrite(keeps, plain.question, history, plain, lexicon).how == "model"
    assert "过期不用的数据" in keeps.prompts[0][0][1]  # the conversation was given to the model
    drops = Model("企业如何委托第三方销毁数据？")  # "能力" is gone: the user's question was changed
    assert model_rewrite(drops, plain.question, history, plain, lexicon) is plain
    ordinal = Rewrite("第二件具体要看哪些方面？", "技术能力诊断 第二件具体要看哪些方面？", ["6.2.2"], "ordinal")
    assert model_rewrite(keeps, ordinal.question, history, ordinal, lexicon) is ordinal  # exact: no model needed


def test_clause_numbers_said_in_words_or_by_position(kb):
    from advisor.qa.clause_numbers import clause_refs
    doc = kb.guide.doc_id
    assert clause_refs("五点二点四讲了什么？", kb, doc) == [("5.2.4", None)]
    assert clause_refs("第四章第二条是什么意思", kb, doc) == [("4.2", None)]
    assert clause_refs("第六章第三节第二条", kb, doc) == [("6.3.2", None)]
    assert clause_refs("第5章第3节第2小节第7条说了啥", kb, doc) == [("5.3.2.7", None)]  # four levels said
    assert clause_refs("5.3.3下面第一条怎么做", kb, doc) == [("5.3.3.1", None)]
    assert clause_refs("6.3.1.1的最后一条", kb, doc) == [("6.3.1.1", "6.3.1.1/7)")]
    assert clause_refs("投入三点五万够不够？", kb, doc) == [] and clause_refs("四点五个人", kb, doc) == []


def test_chapter_and_section_said_in_other_ways(kb):
    from advisor.qa.clause_numbers import clause_refs
    doc = kb.guide.doc_id
    assert clause_refs("标准第6章里的第二节讲什么", kb, doc) == [("6.2", None)]
    assert clause_refs("五章三节", kb, doc) == [("5.3", None)]
    assert clause_refs("第六章3.2节", kb, doc) == [("6.3.2", None)]  # a section numbered within its chapter
    assert clause_refs("What does chapter 5 section 3 cover?", kb, doc) == [("5.3", None)]
    assert clause_refs("Clause 6, part 2", kb, doc) == [("6.2", None)]
    assert clause_refs("五.三.二说了啥", kb, doc) == [("5.3.2", None)]
    assert clause_refs("5.3.2.七", kb, doc) == [("5.3.2.7", None)]
    assert clause_refs("有一部分设备联网了", kb, doc) == []  # 部分 is a chapter only after 第
    # a position under a clause said in English ("5.3.2 item 7", "6.4.3 #2"); "no longer" is no position
    assert clause_refs("What does 5.3.2 item 7 ask for?", kb, doc) == [("5.3.2.7", None)]
    assert clause_refs("section 6.4.3, point two", kb, doc) == [("6.4.3.2", None)]
    assert clause_refs("Does 6.3.2 no longer apply?", kb, doc) == [("6.3.2", None)]
    assert clause_refs("We don't do 5.3.2, no one has time", kb, doc) == [("5.3.2", None)]


def test_a_clause_number_said_with_one_point_or_its_position_said_first(kb):
    from advisor.qa.clause_numbers import clause_refs
    doc = kb.guide.doc_id
    assert clause_refs("第四点二条讲的那个原则", kb, doc) == [("4.2", None)]  # one 点 with a clause word after it
    assert clause_refs("标准六点三讲了啥", kb, doc) == [("6.3", None)]  # or before it
    for number_or_time in ("投入四点五万", "下午四点二十开会", "下午四点二讲一下", "四点五个人"):
        assert clause_refs(number_or_time, kb, doc) == []
    assert clause_refs("What is the third point of 6.3.2?", kb, doc) == [("6.3.2", "6.3.2/3)")]
    assert clause_refs("item 7 under 5.3.2", kb, doc) == [("5.3.2.7", None)]
    assert clause_refs("Section 6.4.3's 2nd bullet", kb, doc) == [("6.4.3.2", None)]


def test_a_clause_number_listed_with_commas_or_its_item_in_brackets(kb):
    from advisor.qa.clause_numbers import clause_refs
    doc = kb.guide.doc_id
    assert clause_refs("标准五、二、四说的是啥", kb, doc) == [("5.2.4", None)]  # 、 where a clause is spoken of
    for listing in ("一、二、三号车间都要上吗", "第三、四、五条讲什么", "顺序是一、二、三"):  # and only there
        assert clause_refs(listing, kb, doc) == []
    assert clause_refs("5.3.3第一小项怎么理解", kb, doc) == [("5.3.3.1", None)]
    assert clause_refs("5.3.3.(1)讲什么", kb, doc) == [("5.3.3.1", None)]
    assert clause_refs("第6章3.2讲什么", kb, doc) == [("6.3.2", None)]  # a section within the chapter, no 节
    assert clause_refs("第6章 5.3.2讲什么", kb, doc) == [("6", None), ("5.3.2", None)]  # a whole id stands apart
    assert clause_refs("指南五三一", kb, doc) == [("5.3.1", None)]  # one digit a level, said on
    for not_a_clause in ("给我三五条建议", "一二三条都要做吗", "四五六个人够不够", "标准二三四级怎么评"):
        assert clause_refs(not_a_clause, kb, doc) == [], not_a_clause
    from advisor.qa.clause_numbers import resolve_clause_numbers

    def missing(q: str) -> list[str]:
        return resolve_clause_numbers(q, kb, doc)[1]
    assert missing("第9.3条讲什么") == ["9.3"] and missing("5.4.1.9呢") == ["5.4.1.9"]
    for a_number in ("ERP是2.3.1版的", "网关IP 10.0.0.8要改吗", "我们是Python 3.12.1"):  # no clause the guide lacks
        assert missing(a_number) == [], a_number


def test_an_ordinal_names_a_list_item_and_siblings_are_counted(kb):
    listed = [Exchange("制定目标有什么总体要求？", anchor="6.3.1.1")]
    meant = rewrite("第二条具体怎么做？", listed, kb)
    assert meant.how == "ordinal" and meant.anchors == ["6.3.1.1/2)"]
    principles = [Exchange("总体原则有几条？", anchor="4.2")]  # the answer rested on one of the siblings
    assert rewrite("第三条讲的是什么？", principles, kb).anchors == ["4.3"]
    assert rewrite("下一条呢？", [Exchange("第三条", anchor="4.3", parts_of="4")], kb).anchors == ["4.4"]


def test_a_context_reading_carries_only_the_previous_question(kb):
    history = [Exchange("数据销毁有哪些要求？", anchor="5.3.2.7"),
               Exchange("具体怎么做？", standalone="具体怎么做？ 数据销毁 数据销毁有哪些要求？", anchor="5.3.2.7")]
    meant = rewrite("要是公司自己没这个能力呢？", history, kb)
    assert meant.how == "context" and meant.standalone.count("数据销毁有哪些要求") == 0


def test_what_points_back_and_what_has_a_topic_of_its_own():
    from advisor.qa.followup import own_topic, points_back
    from advisor.qa.lexicon import Lexicon
    tok = Lexicon.load().tokenize
    assert points_back("要是公司自己没这个能力呢？") and not points_back("那人才培养呢？")
    assert own_topic("具体怎么做？", tok) == [] and "人才" in "".join(own_topic("那人才培养呢？", tok))


def test_every_everyday_question_is_filed_under_a_clause_of_the_guide(kb):
    """A question filed under a number the guide does not have would never be found; each writer's file counts."""
    from advisor.qa.question_bank import bank_entries, bank_files
    assert bank_files() and bank_entries()
    unknown = {cid for cid, _ in bank_entries() if kb.clause(kb.guide.doc_id, cid) is None}
    assert not unknown


def test_a_second_writers_questions_rank_clauses_but_weigh_nothing_in_the_refusal():
    import numpy as np

    from advisor.qa.lexicon import Lexicon
    from advisor.qa.question_bank import QuestionBank, bank_entries
    bank = QuestionBank([("5.2.5", "钱从哪来？"), ("6.1", "分几步走？"), ("6.1", "先干啥后干啥？")], np.eye(3, dtype=np.float32),
                        embeddings=None, lexicon=Lexicon.load())
    bank.refusal_count = 2  # the first file's questions
    near_the_second_writer = np.array([0.0, 0.0, 1.0])
    assert bank.rank(near_the_second_writer, [])[0][0] == "6.1"  # it ranks the clause
    assert bank.refusal_evidence(near_the_second_writer, ["6.1"]) == (0.0, 0.0)  # and is no evidence to answer
    assert bank.refusal_evidence(np.array([0.0, 1.0, 0.0]), ["6.1"]) == (1.0, 1.0)
    assert 0 < len(bank_entries(first_file_only=True)) < len(bank_entries())  # a second writer's file is loaded
