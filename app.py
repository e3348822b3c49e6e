"""数转顾问 web app (Gradio), thin: every capability is a call into ``advisor``. ``python app.py [--host H] [--port P]``"""
from __future__ import annotations

import argparse
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# isort: off
from advisor import offline as _offline  # noqa: F401 - first: sets the offline environment before gradio
import gradio as gr
# isort: on

from advisor.access import consultant_login, is_loopback
from advisor.config import GUIDE_DOC_ID, default_settings
from advisor.rendering import (
    chat_history,
    inert,
    inline,
    link_confirmation_markdown,
    live_panel,
    progress_printer,
    session_markdown,
    status_markdown,
)
from advisor.service import Advisor, SessionNotFound, TooManySessions
from advisor.sessions import StorageError
from advisor.web.enterprises import enterprises_tab, wire_enterprises
from advisor.web.guard import serve
from advisor.web.knowledge import knowledge_tab, wire_knowledge
from advisor.web.qa import qa_tab, wire_qa

advisor = Advisor(default_settings(), progress=progress_printer())  # index build / model preparation
SHARED = False  # served beyond loopback (set by main)


# --- interview ------------------------------------------------------------------------------------------------
def _model_ready(warmed: int, seconds: float) -> None:
    print(f"大模型{'已加载并预热' if warmed else '不可用，以确定性模式运行'}（{seconds:.1f} s）", flush=True)


def _visitor(request: gr.Request | None) -> str:
    """Served beyond loopback, the visitor's address (new sessions are counted per address); else nothing."""
    return (request.client.host if SHARED and request is not None and request.client else "") or ""


def open_session(session_id: str | None, request: gr.Request = None):
    """The page opens this browser's own session (or a new one). A session named in a link (?session=…) that is not
    this browser's own is opened only after the owner confirms it (a link from someone else is their session)."""
    session_id = (session_id or "").strip()
    linked = (request.query_params.get("session", "") if request else "").strip()
    summary = advisor.session_summary(linked) if linked and linked != session_id else None
    opened = _open(session_id, request)
    if summary is None:
        return *opened, gr.update(visible=False)
    return *opened[:3], link_confirmation_markdown(summary) + "\n\n" + opened[3], gr.update(visible=True)


def open_linked(request: gr.Request):
    """The owner confirmed that the session in the link is theirs."""
    return *_open(request.query_params.get("session", "") if request else "", request), gr.update(visible=False)


def _open(wanted: str, request: gr.Request = None):
    try:
        session_id, iv = advisor.open_interview(wanted or None, client=_visitor(request))
    except (StorageError, TooManySessions) as exc:
        raise gr.Error(str(exc)) from None
    note = "" if not wanted or wanted == session_id else "\n\n⚠ 没有找到该会话编号，已开始新的会话。"
    advisor.prepare_model_soon(on_done=_model_ready)  # the model warms behind the page while the owner reads
    return session_id, chat_history(iv), live_panel(iv), session_markdown(session_id) + note


@dataclass
class TurnView:
    """What one turn shows, by name; ``outputs()`` puts it in the order the chat event lists its outputs (the box,
    the chat, the live panel, the session id, the send button, the report's five parts, the selected tab)."""

    box: Any = field(default_factory=gr.skip)
    chat: Any = field(default_factory=gr.skip)
    panel: Any = field(default_factory=gr.skip)
    session: Any = field(default_factory=gr.skip)
    send: Any = field(default_factory=gr.skip)
    report: tuple = field(default_factory=lambda: (gr.skip(),) * 5)
    tab: Any = field(default_factory=gr.skip)

    def outputs(self) -> tuple:
        return self.box, self.chat, self.panel, self.session, self.send, *self.report, self.tab


def chat(message: str, session_id: str, shown: list | None = None, request: gr.Request = None):
    """One turn. The typed text stays in the box (greyed, with 发送 disabled) until the turn is stored; only then is
    the box cleared, so nothing typed is lost to a crash or a second click. The turn that ends the interview also
    builds the report and shows its tab (in the same event: one round trip a turn). ``shown``: the conversation the
    page shows, to which the message is added while it is read (the session is loaded once, by the service)."""
    message = message or ""
    if not message.strip():
        gr.Warning("请输入内容后再发送。")
        yield TurnView().outputs()
        return
    for note in advisor.input_notes(message):  # control characters, lone surrogates, length: said, not silent
        gr.Warning(note)
    shown = list(shown or [])
    pending = shown + [{"role": "user", "content": inert(advisor.clip(message))},
                       {"role": "assistant", "content": "（正在理解您的回答…）"}]
    yield TurnView(box=gr.update(interactive=False), chat=pending, session=session_id,
                   send=gr.update(interactive=False, value="处理中…")).outputs()
    try:
        try:
            iv, _turn = advisor.interview_reply(session_id, message)  # loaded, read and stored before it is shown
        except SessionNotFound:
            session_id, _iv = advisor.open_interview(None, client=_visitor(request))
            gr.Warning("原会话不存在，已开始新的会话。")
            iv, _turn = advisor.interview_reply(session_id, message)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the page must not go on waiting for a reply
        if not isinstance(exc, (StorageError, TooManySessions)):
            logging.getLogger("advisor.app").exception("turn of session %s failed", session_id)
        # the box as it was, the message still in it, before saying why
        yield TurnView(box=gr.update(value=message, interactive=True), chat=shown, session=session_id,
                       send=_send_ready()).outputs()
        if isinstance(exc, TooManySessions):
            raise gr.Error(str(exc)) from None
        gr.Warning(str(exc) if isinstance(exc, StorageError) else
                   "这条回答没能处理（内部错误，已记入日志）。它仍在输入框中，可以再发送一次；之前的回答都已保存。")
        return

    def answered(**report) -> tuple:
        return TurnView(box=gr.update(value="", interactive=True), chat=chat_history(iv), panel=live_panel(iv),
                        session=session_id, send=_send_ready(), **report).outputs()
    yield answered()  # the last reply shows at once; a finished interview's report follows
    if iv.state.finished:
        for part in make_report(session_id):
            yield answered(report=part, tab=gr.Tabs(selected="report-tab"))


def _send_ready():
    return gr.update(interactive=True, value="发送")  # a fresh update each time: Gradio consumes the dict


def new_session(request: gr.Request = None):
    try:
        session_id, iv = advisor.open_interview(None, client=_visitor(request))
    except TooManySessions as exc:
        raise gr.Error(str(exc)) from None
    return session_id, chat_history(iv), live_panel(iv), session_markdown(session_id)


def make_report(session_id: str, progress=gr.Progress()):  # noqa: B008 - Gradio's progress hook
    """The report, or a message saying what failed and what to do: never nothing. With a model, the report shows
    first with the summary built from the diagnosis (a slow model never holds it up), then again with the model's
    summary once it is written and checked."""
    try:
        report = advisor.report(session_id, model_summary=False)
        out_dir = Path(tempfile.mkdtemp(prefix="report-", dir=advisor.session_files(session_id)))
        waiting = advisor.interview_chat() is not None
        if waiting:
            report.summary_note = "按诊断结果生成；大模型的摘要正在撰写，写好并核对后替换"
        yield _shown(report, out_dir, progress)
    except SessionNotFound:
        raise gr.Error("没有找到该会话，请先开始访谈。") from None
    except StorageError as exc:
        raise gr.Error(f"报告未能生成：{exc}") from None
    except Exception as exc:  # noqa: BLE001 - any failure is shown, with what to do
        raise gr.Error(f"报告未能生成（{type(exc).__name__}）。您的访谈已保存：请稍后再点“结束并生成报告”；"
                       "若仍失败，请用“导出我的访谈数据”保存后联系顾问。") from None
    if waiting:  # the report is on the page: a failure now keeps it, with the built summary, and says so
        try:
            yield _shown(advisor.with_model_summary(report), out_dir, progress)
        except Exception as exc:  # noqa: BLE001 - the built summary stays
            report.summary_note = f"按诊断结果生成（大模型的摘要未能完成：{type(exc).__name__}）"
            yield _shown(report, out_dir, progress)


def _shown(report, out_dir: Path, progress):
    """The report's Markdown, charts and files, written into ``out_dir`` (over the first version when the model's
    summary replaces the built one: the downloads always match what the page shows)."""
    progress(0.1, desc="评估数字化水平")
    progress(0.4, desc="绘制图表")
    radar = out_dir / "维度雷达图.png"
    radar.write_bytes(report.radar_png())
    timeline = out_dir / "路线图.png"
    timeline.write_bytes(report.timeline_png())
    matrix = out_dir / "先做什么.png"
    matrix.write_bytes(report.matrix_png())
    progress(0.7, desc="生成 Word / Markdown / JSON")
    files = [str(report.write(out_dir / f"{report.file_stem}{ext}")) for ext in (".docx", ".md", ".json")]
    progress(1.0, desc="完成")
    return report.markdown_file(), str(matrix), str(radar), str(timeline), files


def export_data(session_id: str):
    try:
        data = advisor.export_session(session_id)
    except SessionNotFound:
        raise gr.Error("没有找到该会话。") from None
    path = Path(tempfile.mkdtemp(prefix="export-", dir=advisor.session_files(session_id))) / "我的访谈数据.json"
    path.write_text(data, "utf-8")
    return str(path)


def save_enterprise(session_id: str, name: str) -> str:
    try:
        name = advisor.set_enterprise(session_id, name)
    except ValueError as exc:
        raise gr.Error(str(exc)) from None
    except SessionNotFound:
        raise gr.Error("没有找到该会话，请先开始访谈。") from None
    earlier = len(advisor.sessions.sessions_of(name)) - 1
    return (f"已记入企业“{inline(name)}”" + (f"：报告将与该企业以前的 {earlier} 次诊断中的第一次比较。" if earlier else "。")
            + "\n\n" + session_markdown(session_id))


def delete_data(session_id: str, request: gr.Request = None):
    """After the owner confirmed: the session, its files, and what the page still shows of it (report, downloads)."""
    deleted = advisor.delete_session(session_id)
    session_id, history, panel, info = new_session(request)
    message = "已删除该会话的全部访谈数据（依据指南 5.3.2.7 数据销毁）。" if deleted else "该会话没有可删除的数据。"
    cleared_report = ("该会话的数据已删除。完成新的访谈后点击“结束并生成报告”。", None, None, None, None)
    return session_id, history, panel, f"{message}\n\n{info}", None, *cleared_report, gr.update(visible=False)


# --- status -------------------------------------------------------------------------------------------------------------
def status() -> str:
    return status_markdown(advisor.status(), advisor.settings)


# the session id lives in the browser too, so a plain reload (F5) resumes the same interview; a link that names
# another session asks first (open_session)
_REMEMBERED = "(s) => s || localStorage.getItem('shuzhuan-session') || ''"
_REMEMBER = "(s) => { if (s) { localStorage.setItem('shuzhuan-session', s); } }"


def _interview_tab(follow_enterprises: bool) -> dict:
    ui: dict = {"info": gr.Markdown()}
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            ui["chatbot"] = gr.Chatbot(height=460, label="访谈", elem_id="chat")
            ui["box"] = gr.Textbox(label="您的回答（Enter 发送，Shift+Enter 换行）", lines=1, max_lines=6,
                                   placeholder="例如：我们做机械零部件，员工80人……", elem_id="answer-box")
            with gr.Row():
                ui["send"] = gr.Button("发送", variant="primary", elem_id="send")
                ui["finish"] = gr.Button("结束并生成报告", elem_id="finish")
                ui["again"] = gr.Button("重新开始")
                ui["resume"] = gr.Button("恢复会话")
                ui["open_linked"] = gr.Button("这是我的会话，打开链接中的会话", visible=False, elem_id="open-linked")
            with gr.Accordion("我的数据", open=False):
                with gr.Row():
                    ui["export_btn"] = gr.Button("导出我的访谈数据")
                    ui["delete_btn"] = gr.Button("删除我的访谈数据", variant="stop", elem_id="delete-data")
                # following an enterprise over time compares its sessions: single-user or consultants only (served
                # beyond loopback, an owner naming someone else's enterprise would see their first diagnosis)
                with gr.Row(visible=follow_enterprises):
                    ui["enterprise"] = gr.Textbox(label="企业名称（可选：记入后，下次诊断会与这次比较）", max_lines=1,
                                                  elem_id="enterprise-name")
                    ui["enterprise_btn"] = gr.Button("记入该企业", elem_id="enterprise-save")
                with gr.Row(visible=False) as ui["delete_confirm"]:
                    gr.Markdown("确定删除本会话的全部访谈数据、报告和导出文件吗？删除后无法恢复。")
                    ui["delete_yes"] = gr.Button("确认删除", variant="stop", elem_id="delete-yes")
                    ui["delete_no"] = gr.Button("取消")
                ui["export_file"] = gr.File(label="导出文件", interactive=False)
        with gr.Column(scale=2, min_width=280):
            ui["panel"] = gr.Markdown(elem_id="live-panel")
    return ui


def _report_tab() -> dict:
    ui: dict = {}
    with gr.Row():
        ui["matrix"] = gr.Image(label="先做什么：价值 × 难易", type="filepath", height=320, interactive=False)
        ui["radar"] = gr.Image(label="维度雷达图", type="filepath", height=320, interactive=False)
        ui["timeline"] = gr.Image(label="分阶段路线图", type="filepath", height=320, interactive=False)
    ui["files"] = gr.File(label="下载报告（Word / Markdown / JSON）", file_count="multiple", interactive=False,
                          elem_id="report-files")
    ui["report_md"] = gr.Markdown("完成访谈后点击“结束并生成报告”。", elem_id="report-md")
    return ui


def _status_until_ready():
    """The status, refreshed every few seconds until the model is ready (then the timer stops)."""
    s = advisor.status()
    done = s["llm_warmed"] or not s["llm_available"]
    return status(), gr.Timer(active=not done)


def _wire_interview(demo: gr.Blocks, session, tabs, iv: dict, rep: dict, follow_enterprises: bool) -> None:
    start_outputs = [session, iv["chatbot"], iv["panel"], iv["info"]]
    demo.load(open_session, inputs=session, outputs=[*start_outputs, iv["open_linked"]], api_name="start",
              js=_REMEMBERED)
    iv["open_linked"].click(open_linked, outputs=[*start_outputs, iv["open_linked"]], api_name=False)
    session.change(None, inputs=session, js=_REMEMBER)
    turn_outputs = [iv["box"], iv["chatbot"], iv["panel"], session, iv["send"]]
    report_outputs = [rep["report_md"], rep["matrix"], rep["radar"], rep["timeline"], rep["files"]]
    for trigger, name in ((iv["send"].click, "chat"), (iv["box"].submit, False)):
        # more turns at once than the page's default: long answers wait for each other in the service, not here
        trigger(chat, inputs=[iv["box"], session, iv["chatbot"]], outputs=[*turn_outputs, *report_outputs, tabs],
                api_name=name, concurrency_limit=12, concurrency_id="turns")
    # the report's tab first, so its progress and the report built from the diagnosis show while the model writes
    iv["finish"].click(lambda: gr.Tabs(selected="report-tab"), outputs=tabs, api_name=False).then(
        make_report, inputs=session, outputs=report_outputs, api_name="report",  # one progress bar
        show_progress_on=rep["report_md"])
    iv["resume"].click(_open, inputs=session, outputs=start_outputs, api_name="resume")
    iv["again"].click(new_session, outputs=start_outputs, api_name="restart")
    iv["export_btn"].click(export_data, inputs=session, outputs=iv["export_file"], api_name="export")
    if follow_enterprises:
        iv["enterprise_btn"].click(save_enterprise, inputs=[session, iv["enterprise"]], outputs=iv["info"],
                                   api_name="enterprise")
    iv["delete_btn"].click(lambda: gr.update(visible=True), outputs=iv["delete_confirm"], api_name=False)
    iv["delete_no"].click(lambda: gr.update(visible=False), outputs=iv["delete_confirm"], api_name=False)
    iv["delete_yes"].click(delete_data, inputs=session, api_name="delete",
                           outputs=[*start_outputs, iv["export_file"], *report_outputs, iv["delete_confirm"]])


def build_app(role: str = "all") -> gr.Blocks:
    """``all``: everything, for one user on loopback; ``owner``: interview, report, clause Q&A and status — no
    knowledge-base controls and no such endpoint; ``consultant``: the knowledge base (behind the login)."""
    if role == "consultant":
        return _consultant_app()
    with gr.Blocks(title="数转顾问", delete_cache=(3600, 86400)) as demo:  # cached copies: a day at most
        gr.Markdown(f"# 数转顾问 · 中小企业数字化转型诊断\n依据 {GUIDE_DOC_ID}《中小企业数字化转型工作指南》，全程离线运行。")
        session = gr.Textbox(label="会话编号", placeholder="粘贴已有的会话编号后点“恢复会话”", max_lines=1,
                             elem_id="session-id")
        with gr.Tabs() as tabs:
            with gr.Tab("诊断访谈", id="interview-tab"):
                iv = _interview_tab(follow_enterprises=role == "all")
            with gr.Tab("诊断报告", id="report-tab"):
                rep = _report_tab()
            with gr.Tab("条款问答", id="qa-tab"):
                qa = qa_tab(advisor)
            if role == "all":
                consultant = _consultant_tabs()
            with gr.Tab("状态", id="status-tab"):
                status_md = gr.Markdown(elem_id="status")
        _wire_interview(demo, session, tabs, iv, rep, follow_enterprises=role == "all")
        timer = gr.Timer(3)
        demo.load(status, outputs=status_md, api_name="status")
        timer.tick(_status_until_ready, outputs=[status_md, timer], api_name=False)
        wire_qa(demo, advisor, qa, session)
        if role == "all":
            _wire_consultant_tabs(demo, *consultant, status_md)
    demo.queue(default_concurrency_limit=4)
    return demo


def _consultant_tabs() -> tuple[dict, dict]:
    """The consultants' tabs (the single user on loopback has them too): knowledge base and enterprises."""
    with gr.Tab("知识库", id="kb-tab"):
        kb = knowledge_tab(advisor)
    with gr.Tab("企业跟踪", id="enterprises-tab"):
        ent = enterprises_tab()
    return kb, ent


def _wire_consultant_tabs(demo: gr.Blocks, kb: dict, ent: dict, status_md: gr.Markdown) -> None:
    wire_knowledge(demo, advisor, kb)
    kb["docs_md"].change(status, outputs=status_md, api_name=False)  # the status tab follows a knowledge-base change
    wire_enterprises(demo, advisor, ent)


def _consultant_app() -> gr.Blocks:
    with gr.Blocks(title="数转顾问 · 顾问", delete_cache=(3600, 86400)) as demo:  # uploads cached a day at most
        gr.Markdown("# 数转顾问 · 顾问页面\n管理知识库（每次增删都记入审计日志）；企业访谈与问答在首页。")
        with gr.Tabs():
            consultant = _consultant_tabs()
            with gr.Tab("状态", id="status-tab"):
                status_md = gr.Markdown(elem_id="status")
        demo.load(status, outputs=status_md, api_name="status")
        _wire_consultant_tabs(demo, *consultant, status_md)
    demo.queue(default_concurrency_limit=2)
    return demo


def main() -> None:
    parser = argparse.ArgumentParser(description="数转顾问 web app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    global SHARED
    shared = SHARED = not is_loopback(args.host)
    if shared and consultant_login(advisor.settings) is None:
        raise SystemExit("在本机以外提供服务（--host " + args.host + "）需要先配置顾问账号：设置 ADVISOR_CONSULTANT_USER 和 "
                         "ADVISOR_CONSULTANT_PASSWORD_HASH（用 python -m advisor hash-password 生成；格式不对的哈希不被接受），"
                         "否则任何访问者都能改动知识库。仅本机使用请不加 --host。")
    if shared and not advisor.settings.allowed_hosts:
        print(f"注意：只接受主机名 {args.host}、localhost、127.0.0.1 的访问；其他机器用域名或本机 IP 访问时，请把它列入 "
              "ADVISOR_ALLOWED_HOSTS（例如 ADVISOR_ALLOWED_HOSTS='[\"advisor.example.com\"]'），否则返回 400。", flush=True)
    advisor.retriever  # build/open the index before serving (progress in the terminal)
    advisor.prepare_reader()  # and the reader of answers: the first owners' turns do not wait for it
    advisor.forget_files_of_gone_sessions(every_s=60)  # the files of sessions purged, or deleted by another process
    print(f"数转顾问 ready: http://{args.host}:{args.port}"
          + (f"（顾问页面：http://{args.host}:{args.port}/consultant）" if shared else ""), flush=True)
    # both pages behind the same guard (Host check, cross-site refusal, headers), on loopback too
    pages = {"": build_app("owner"), "/consultant": build_app("consultant")} if shared else {"": build_app()}
    serve(pages, advisor.settings, args.host, args.port, auth=consultant_login(advisor.settings) if shared else None)


if __name__ == "__main__":
    main()
