"""The local model asked one narrow question per fact still unknown (advisor.diagnosis.model_facts.extract_narrow):
which keys it is asked, what its answers become, and that nothing it says stands without the owner's words."""
from __future__ import annotations

import json

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from advisor.config import Settings
from advisor.diagnosis.interview import Interview
from advisor.diagnosis.model_facts import extract_narrow, narrow_keys
from advisor.llm.client import ChatClient


class RecordingModel(GenericFakeChatModel):
    """Answers in turn and keeps every prompt it was sent."""

    prompts: list = []

    def _stream(self, messages, *args, **kwargs):
        self.prompts.append([m.content for m in messages])
        yield from super()._stream(messages, *args, **kwargs)


def _chat(*answers: dict, reading: str = "narrow") -> ChatClient:
    model = RecordingModel(messages=iter([AIMessage(content=json.dumps(a, ensure_ascii=False)) for a in answers]),
                           prompts=[])
    return ChatClient(model, Settings(llm="none", llm_timeout_s=5, llm_reading=reading), label="fake")


def test_the_keys_asked_are_the_questions_and_the_topics_still_unknown():
    # the question about the firm's size asks for headcount and revenue; the message speaks of people, too
    assert narrow_keys("我们厂人不算多，一百出头吧", "basics", frozenset()) == ["employees", "revenue_wan"]
    assert narrow_keys("我们厂人不算多，一百出头吧", "basics", frozenset({"employees"})) == ["revenue_wan"]
    assert narrow_keys("今年订单比去年少", "", frozenset()) == []  # no narrow key's topic word: nothing to ask
    assert narrow_keys("老板天天盯着这事", "", frozenset()) == ["leadership"]


def test_answers_become_facts_only_through_their_evidence():
    message = "我们厂人不算多，连总部一共两百出头，去年开票小三千万"
    chat = _chat({"answer": "两百出头", "evidence": "连总部一共两百出头"},
                 {"answer": "三千万", "evidence": "我们是做外贸的"})  # evidence not in the message: dropped
    facts, dropped = extract_narrow(chat, message, "basics", turn=1)
    assert [(f.key, f.value, f.source) for f in facts] == [("employees", 200, "llm")]
    assert dropped == 1
    prompts = chat.model.prompts
    assert len(prompts) == 2 and all(message in p[1] for p in prompts)  # the message first, the question after it
    assert "总人数" in prompts[0][1] and "营业收入" in prompts[1][1]


def test_unknown_is_no_fact_and_no_complaint():
    chat = _chat({"answer": "unknown", "evidence": ""})
    assert extract_narrow(chat, "老板天天盯着", "leadership", turn=1, known=frozenset({"has_plan"})) == ([], 0)


def test_a_yes_no_answer_must_not_contradict_the_rules_reading_of_its_evidence():
    message = "老板不管这些，都扔给IT经理了"
    chat = _chat({"answer": "是", "evidence": "老板不管这些，都扔给IT经理了"})
    facts, dropped = extract_narrow(chat, message, "leadership", turn=1, known=frozenset({"has_plan", "digital_staff"}))
    assert facts == [] and dropped == 1


def test_the_interview_merges_narrow_answers_in_the_background():
    chat = _chat({"answer": "是", "evidence": "我们董事长亲自抓数字化"}, {"answer": "unknown", "evidence": ""})
    iv = Interview(chat=chat)
    iv.start()
    iv.reply("我们董事长亲自抓数字化")
    iv.settle(timeout=5)
    assert iv.state.profile.current()["leadership"].value is True


def test_reading_off_never_calls_the_model():
    chat = _chat(reading="off")
    iv = Interview(chat=chat)
    iv.start()
    iv.reply("员工八十来人")
    iv.settle(timeout=5)
    assert chat.model.prompts == [] and iv.state.profile.current()["employees"].value == 80
