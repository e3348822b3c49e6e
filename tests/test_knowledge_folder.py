"""An advisor reads its own knowledge folder (here: an edited word list and interview script), also where the page
reads an interview outside the advisor's calls, while another advisor in the same process keeps the bundled ones."""
import shutil

import yaml

from advisor.config import Settings, bundled_dir, settings_in_effect
from advisor.service import Advisor

BRAND = "青鸾账房"  # an accounting package nobody sells: only the edited word list knows it
GREETING = "您好，这是一个改过的开场白。"
SAID = f"我们记账用的是{BRAND}，别的系统都没有。"
QUESTION = "改过的问题：都用哪些软件？"


def _edited_knowledge(tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(bundled_dir("knowledge"), folder)
    lexicon = folder / "lexicon" / "extraction.yaml"
    words = yaml.safe_load(lexicon.read_text("utf-8"))
    words["systems"]["erp"]["brands"].append(BRAND)
    lexicon.write_text(yaml.safe_dump(words, allow_unicode=True), "utf-8")
    script = folder / "interview.yaml"
    questions = yaml.safe_load(script.read_text("utf-8"))
    questions["intro"]["zh"] = GREETING
    next(q for q in questions["questions"] if q["id"] == "systems")["zh"] = QUESTION
    script.write_text(yaml.safe_dump(questions, allow_unicode=True), "utf-8")
    return folder


def _interviewed(advisor: Advisor):
    session, interview = advisor.open_interview(None)
    greeting = interview.state.turns[0].reply
    interview, _ = advisor.interview_reply(session, SAID)
    return greeting, interview.state.profile.current()


def test_two_advisors_in_one_process_read_their_own_knowledge_folders(tmp_path):
    edited = Advisor(Settings(data_dir=tmp_path / "a", knowledge_dir=_edited_knowledge(tmp_path), llm="none"))
    bundled = Advisor(Settings(data_dir=tmp_path / "b", llm="none"))

    greeting, facts = _interviewed(edited)
    assert greeting.startswith(GREETING)
    assert facts["system.erp"].value is True  # in use

    greeting, facts = _interviewed(bundled)  # the edited folder's words did not leak into the other advisor
    assert not greeting.startswith(GREETING)
    assert "system.erp" not in facts

    greeting, facts = _interviewed(edited)  # nor the other's cache into this one
    assert greeting.startswith(GREETING) and "system.erp" in facts


def test_the_settings_in_effect_are_the_advisors_only_during_its_calls_and_its_interviews_keep_them(tmp_path):
    folder = _edited_knowledge(tmp_path)
    advisor = Advisor(Settings(data_dir=tmp_path, knowledge_dir=folder, llm="none"))
    _, interview = advisor.open_interview(None)
    assert settings_in_effect().knowledge_dir != folder  # nothing leaks out of a call
    # the page builds its live panel from the interview outside any advisor call: still the edited script
    assert interview.question("systems").zh == QUESTION


def test_a_stream_runs_each_step_and_its_clean_up_under_its_own_settings():
    from advisor.config import with_own_settings
    seen, cleaned = [], []

    @with_own_settings(lambda part: part.settings)
    class Part:
        def __init__(self, settings):
            self.settings = settings

        def stream(self):
            try:
                while True:
                    yield settings_in_effect().top_k
            finally:
                cleaned.append(settings_in_effect().top_k)

    own = settings_in_effect().top_k + 7
    steps = Part(Settings(top_k=own)).stream()
    seen += [next(steps), next(steps)]
    outside = settings_in_effect().top_k  # between steps the caller's settings hold
    steps.close()  # the page stops reading: the stream's clean-up runs at once, in its own settings
    assert seen == [own, own] and outside != own and cleaned == [own]
