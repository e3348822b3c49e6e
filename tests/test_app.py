"""The web app in-process through gradio_client (real retriever, deterministic mode)."""
import subprocess
import sys

import pytest
from conftest import free_port, wait_for_port

pytestmark = pytest.mark.integration


def _text(message) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


@pytest.fixture(scope="module")
def server(tmp_path_factory, real_data_dir):
    port = free_port()
    env = {**__import__("os").environ, "ADVISOR_DATA_DIR": str(real_data_dir), "ADVISOR_LLM": "none"}
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port, 120)
    yield f"http://127.0.0.1:{port}/", proc, env, port
    proc.terminate()
    proc.wait(timeout=30)


def test_clause_question_streams_verified_citation(server, real_retriever):
    from gradio_client import Client
    client = Client(server[0], verbose=False)
    answer, debug = client.predict("数据销毁有哪些要求？", api_name="/ask")
    assert "5.3.2.7" in answer and "✓已核验" in debug


def test_interview_to_report_and_session_resume(server):
    from gradio_client import Client
    client = Client(server[0], verbose=False)
    session_id, history, panel, info = client.predict("", api_name="/start")
    assert len(session_id) >= 32 and "您好" in _text(history[0])
    _, history, panel, session_id2 = client.predict("我们做机械零部件，员工80人，财务用金蝶ERP，车间记录靠纸质单据。",
                                                    session_id, api_name="/chat")
    assert session_id2 == session_id and "员工人数" in _text(history[-1]) and "✅" in panel
    # a new client (a reloaded page) resumes by the session id
    resumed = Client(server[0], verbose=False).predict(session_id, api_name="/resume")
    assert resumed[0] == session_id and any("员工80人" in _text(m) for m in resumed[1])
    report_md, files = client.predict(session_id, api_name="/report")
    assert "数字化转型诊断报告" in report_md and len(files) == 3
