"""One session, two requests at once: a turn and a report load, change and save the same stored interview; neither
may save over the other's change (the model's readings still running are shared by the session, with one lock)."""
import threading
from concurrent.futures import Future

from advisor.config import Settings
from advisor.diagnosis.vocabulary import Fact
from advisor.service import Advisor


class _Watched(Future):
    """A model reading still running that says when someone starts waiting for it."""

    def __init__(self) -> None:
        super().__init__()
        self.awaited = threading.Event()

    def result(self, timeout=None):
        self.awaited.set()
        return super().result(timeout)


def test_a_turn_during_a_report_loses_neither_the_turn_nor_the_models_facts(tmp_path):
    advisor = Advisor(Settings(data_dir=tmp_path, llm="none", llm_timeout_s=120))
    sid, _ = advisor.open_interview(None)
    reading = _Watched()  # the model's reading of an earlier turn, not back yet
    advisor.load_interview(sid).pending.append(reading)
    report = threading.Thread(target=advisor.report, args=(sid,))
    report.start()
    assert reading.awaited.wait(120)  # the report has loaded the session and waits for the model
    advisor.interview_reply(sid, "我们做机械零部件，员工80人。")  # the owner answers meanwhile
    reading.set_result(([Fact(key="revenue_wan", value=3000, evidence="年营收三千万", turn=1, source="llm", confidence=0.7)], 0))
    report.join(120)
    assert not report.is_alive()
    stored = advisor.sessions.load(sid)
    assert any("员工80人" in t.user for t in stored.turns)  # the turn, saved while the report waited
    assert stored.profile.get("employees") == 80
    assert stored.profile.get("revenue_wan") == 3000  # the model's fact, merged by the report
    assert not advisor.load_interview(sid).pending
