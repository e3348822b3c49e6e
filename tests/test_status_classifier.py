"""The status classifier (advisor.diagnosis.status_classifier): its training sentences are valid, it adds what the
rules leave unread, marked as learned, and never overrules a statement the rules read."""
from __future__ import annotations

import pytest

from advisor.diagnosis.extraction import extract_rules
from advisor.diagnosis.lexicon import extraction_lexicon
from advisor.diagnosis.status_classifier import BOOLEAN_KEYS, StatusExample, asked_about, examples, status_model, thresholds


def _read(text: str) -> dict[str, tuple]:
    return {f.key: (f.value, f.source.value) for f in extract_rules(text, turn=1)[0] if not f.key.startswith("pain.")}


def test_every_writer_teaches_both_sides_of_every_key_with_known_systems():
    systems = set(extraction_lexicon()["systems"])
    by_writer = examples()
    assert len(by_writer) >= 2  # scored writer against writer (python -m evals statuses)
    for writer, items in by_writer.items():
        for key in BOOLEAN_KEYS:  # a key a writer labels at all, it labels both ways (else it was not asked of them)
            assert {getattr(i, key) for i in items} - {None} in (set(), {True, False}), (writer, key)
        assert {s for i in items for s in i.systems} <= systems, writer
        assert {v for i in items for v in i.systems.values()} == {"in_use", "not_in_use", "planned", "others"}
    assert all(0 < t < 1 for t in thresholds().model_dump().values())
    for key in BOOLEAN_KEYS:  # scored writer against writer: at least two writers teach each key
        assert sum(any(getattr(i, key) is not None for i in items) for items in by_writer.values()) >= 2, key


def test_a_writer_who_never_labelled_a_key_teaches_nothing_about_it():
    asked = StatusExample(text="老板亲自抓", leadership=True)
    silent = StatusExample(text="仓库还是手写台账", systems={})  # labels no leadership anywhere
    assert asked_about({"a": [asked], "d": [silent]}, "leadership") == [asked]
    assert asked_about({"a": [asked], "d": [silent]}, "manual_records") == []


# fresh sentences, in none of the training files, that the word lists do not read
@pytest.mark.parametrize("text,key,value", [
    ("老爷子对电脑这些不来电", "leadership", False),  # "不感冒" is read by the words since stop 52 (a care denied)
    ("我老豆唔理呢啲嘢，全部交俾IT", "leadership", False),
    ("仓库进出全凭一本账本", "manual_records", True),
    ("我们那套MES，工人嫌麻烦早就不点了", "system.mes", False),
])
def test_the_classifier_reads_what_the_words_leave(text, key, value):
    """The words read nothing of it; the model reads it the right way (whether that clears the key's threshold is
    the thresholds' business: they are refitted when writers are added)."""
    training = {i.text for items in examples().values() for i in items}
    assert text not in training
    assert _read(text).get(key, (None, "learned"))[1] == "learned"
    if key in BOOLEAN_KEYS:
        assert status_model().boolean(key, text)[0] is value
    else:
        assert _read(text)[key] == (value, "learned")


@pytest.mark.parametrize("text,key,value", [
    ("规划书去年就定稿了，挂在墙上", "has_plan", True),
    ("各部门的数据各管各的，要汇总得靠人", "integration", False),
    ("WMS我们明年开春上", "system.wms", False),
])
def test_what_the_rules_read_stays_theirs(text, key, value):
    facts = [f for f in extract_rules(text, turn=1)[0] if f.key == key]
    assert [(f.value, f.source.value) for f in facts] == [(value, "rules")]


@pytest.mark.parametrize("text", ["客户用的是SAP，我们对接他们的门户", "数字化规划的事我不知道，得问老板",
                                  "你们说老板要不要亲自管这个？"])
def test_no_status_from_someone_else_a_guess_or_a_question(text):
    assert not {k for k in _read(text) if k in BOOLEAN_KEYS or k.startswith("system.")}


def test_a_learned_fact_gives_way_to_a_later_statement():
    from advisor.diagnosis.vocabulary import EnterpriseProfile
    profile = EnterpriseProfile()
    for turn, text in enumerate(["老爷子对电脑这些不感冒", "其实数字化是老板亲自牵头的"], start=1):
        for fact in extract_rules(text, turn=turn)[0]:
            profile.add(fact)
    assert profile.current()["leadership"].value is True
