"""数转顾问 web app (Gradio). Thin: every capability is a call into ``advisor``; this file only lays out the page
and turns results into Markdown.

    python app.py [--host 127.0.0.1] [--port 7860]
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import advisor  # noqa: F401 - first: sets the offline environment before gradio is imported

import gradio as gr  # noqa: E402

from advisor.cli import progress_printer  # noqa: E402
from advisor.config import GUIDE_DOC_ID, default_settings  # noqa: E402
from advisor.corpus.parsing import DocKind  # noqa: E402
from advisor.corpus.readers import supported_label, supported_suffixes  # noqa: E402
from advisor.diagnosis.vocabulary import Area  # noqa: E402
from advisor.diagnosis.interview import Interview  # noqa: E402
from advisor.qa.answer import Answer, clause_markdown  # noqa: E402
from advisor.service import Advisor, SessionNotFound  # noqa: E402
from advisor.sessions import StorageError  # noqa: E402

advisor = Advisor(default_settings(), progress=progress_printer())  # index build / model preparation
UPLOAD_TYPES = list(supported_suffixes())


# --- interview ------------------------------------------------------------------------------------------------
def _live_panel(iv: Interview) -> str:
    progress = iv.progress()
    lines = ["**访谈进度**：" + "　".join(f"{'●' if progress[a.value] else '○'} {a.label}" for a in Area)]
    facts = list(iv.state.profile.current().values())[-12:]
    if facts:
        lines.append("\n**已了解的事实**（括号内为企业原话）：")
        lines += [f"- {f.describe()}　（“{_inline(f.evidence[:40])}”）" for f in facts]
    a = iv.assess()
    if a.insufficient:
        lines.append(f"\n**暂估等级**：信息不足，暂不判断（还需了解：{'、'.join(a.missing[:3])}）")
    else:
        lines.append(f"\n**暂估等级**：{a.level_label}（总分估计 {a.score_estimate}，范围 {a.score_low}–{a.score_high}）")
    return "\n".join(lines)


def _inline(text: str) -> str:
    """User words shown inside Markdown: no line breaks, no Markdown/HTML control characters."""
    return " ".join(text.split()).replace("<", "＜").replace(">", "＞").replace("*", "＊").replace("`", "｀")


def _inert(text: str) -> str:
    """Untrusted text (messages, uploaded documents) shown as Markdown: no HTML tag survives, so nothing runs and no
    image or link is fetched from anywhere."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _history(iv: Interview) -> list[dict]:
    messages = []
    for t in iv.state.turns:
        if t.user:
            messages.append({"role": "user", "content": _inert(t.user)})
        reply = _inert(t.reply) + "".join(f"\n\n> ⚠ {_inert(note)}" for note in t.notes)
        messages.append({"role": "assistant", "content": reply})
    return messages


def _session_info(session_id: str) -> str:
    return (f"会话编号：`{session_id}`　[恢复链接](?session={session_id})（收藏此链接，刷新页面或服务器重启后可继续；"
            "编号即钥匙，请勿分享）")


def _model_ready(warmed: int, seconds: float) -> None:
    print(f"大模型{'已加载并预热' if warmed else '不可用，以确定性模式运行'}（{seconds:.1f} s）", flush=True)


def open_session(session_id: str | None, request: gr.Request):
    wanted = (session_id or "").strip() or (request.query_params.get("session", "") if request else "")
    try:
        session_id, iv = advisor.open_interview(wanted or None)
    except StorageError as exc:
        raise gr.Error(str(exc)) from None
    note = "" if not wanted or wanted == session_id else "\n\n⚠ 没有找到该会话编号，已开始新的会话。"
    advisor.prepare_model_soon(on_done=_model_ready)  # the model warms behind the page while the owner reads
    return session_id, _history(iv), _live_panel(iv), _session_info(session_id) + note


def chat(message: str, session_id: str):
    message = message or ""
    if not message.strip():
        gr.Warning("请输入内容后再发送。")
        yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return
    try:
        iv = advisor.load_interview(session_id)
    except SessionNotFound:
        session_id, iv = advisor.open_interview(None)
        gr.Warning("原会话不存在，已开始新的会话。")
    except StorageError as exc:
        raise gr.Error(str(exc)) from None
    limit = advisor.settings.max_message_chars
    if len(message) > limit:
        gr.Warning(f"消息过长（{len(message)} 字），只保留前 {limit} 个字符。")
    if iv.chat is not None:  # the model takes seconds: show the message and a placeholder at once
        pending = _history(iv) + [{"role": "user", "content": _inert(message[:limit])},
                                  {"role": "assistant", "content": "（正在理解您的回答…）"}]
        yield "", pending, gr.skip(), session_id
    try:
        iv, _turn = advisor.interview_reply(session_id, message)  # stored before it is shown
    except StorageError as exc:
        gr.Warning(str(exc))
        yield message, _history(iv), gr.skip(), session_id  # the message goes back into the box: nothing is lost
        return
    yield "", _history(iv), _live_panel(iv), session_id


def new_session():
    session_id, iv = advisor.open_interview(None)
    return session_id, _history(iv), _live_panel(iv), _session_info(session_id)


def make_report(session_id: str, progress=gr.Progress()):
    try:
        progress(0.1, desc="评估数字化水平")
        report = advisor.report(session_id)
    except SessionNotFound:
        raise gr.Error("没有找到该会话，请先开始访谈。") from None
    out_dir = Path(tempfile.mkdtemp(prefix="report-"))
    progress(0.4, desc="绘制图表")
    radar = out_dir / "维度雷达图.png"
    radar.write_bytes(report.radar_png())
    timeline = out_dir / "路线图.png"
    timeline.write_bytes(report.timeline_png())
    progress(0.7, desc="生成 Word / Markdown / JSON")
    files = [str(report.write(out_dir / f"诊断报告{ext}")) for ext in (".docx", ".md", ".json")]
    progress(1.0, desc="完成")
    return report.to_markdown(), str(radar), str(timeline), files


def export_data(session_id: str):
    try:
        data = advisor.export_session(session_id)
    except SessionNotFound:
        raise gr.Error("没有找到该会话。") from None
    path = Path(tempfile.mkdtemp(prefix="export-")) / "我的访谈数据.json"
    path.write_text(data, "utf-8")
    return str(path)


def delete_data(session_id: str):
    deleted = advisor.delete_session(session_id)
    session_id, history, panel, info = new_session()
    message = "已删除该会话的全部访谈数据（依据指南 5.3.2.7 数据销毁）。" if deleted else "该会话没有可删除的数据。"
    return session_id, history, panel, f"{message}\n\n{info}", None


# --- clause Q&A and browser --------------------------------------------------------------------------------------
def ask(question: str):
    if not (question or "").strip():
        yield "请输入问题。", ""
        return
    text = ""
    final: Answer | None = None
    for event in advisor.qa.stream(question):
        if isinstance(event, Answer):
            final = event
        else:
            text += event
            yield _inert(text), ""
    yield _inert(final.text if final else text), _retrieval_debug(final)


def _retrieval_debug(final: Answer | None) -> str:
    if not final or not final.retrieval:
        return ""
    rows = ["| 条款 | 标题 | 融合 | BM25（名次） | 向量（名次） | 命中词 |", "|---|---|---|---|---|---|"]
    for r in final.retrieval.results[:8]:
        rows.append(f"| {_inline(r.doc_id)} {_inline(r.clause_id)} | {_inline(r.title)} | {r.score:.4f} | "
                    f"{r.bm25_score:.2f}（{r.bm25_rank or '-'}） | {r.dense_score:.3f}（{r.dense_rank or '-'}） | "
                    f"{'、'.join(_inline(t) for t in r.matched_terms[:5])} |")
    marks = "、".join(f"{c.clause_id if c.doc_id == GUIDE_DOC_ID else _inline(c.doc_id + ' ' + c.clause_id)} "
                      f"{'✓ 已核验' if c.verified else '× 未核验'}" for c in final.citations)
    refused = "（判定知识库未涵盖）" if final.refused else ""
    return (f"**检索详情** 相关度 {final.retrieval.relevance:.2f}{refused}；引用核验：{marks or '无'}\n\n"
            + "\n".join(rows))


def _outline_choices() -> list[tuple[str, str]]:
    return [("　" * c.clause_id.count(".") + f"{c.clause_id} {c.title}", c.clause_id) for c in advisor.outline()]


def show_clause(clause_id: str | None) -> str:
    clause = advisor.clause(clause_id) if clause_id else None
    if clause is None:
        return "在左侧选择条款即可阅读原文。"
    return _inert(clause_markdown(clause, advisor.retriever.kb.guide))


# --- knowledge base ------------------------------------------------------------------------------------------------
def _documents_table() -> str:
    rows = ["| 文档 | 名称 | 类型 | 条款数 | 可靠性 |", "|---|---|---|---|---|"]
    kinds = {DocKind.guide: "指南原文", DocKind.card: "要点卡片（非原文）", DocKind.user: "用户添加"}
    for d in advisor.retriever.kb.documents:
        rows.append(f"| {_inline(d.doc_id)} | {_inline(d.title)} | {kinds[d.kind]} | {len(d.sections)} | "
                    f"{_inline(d.reliability)} |")
    return "\n".join(rows)


def _user_documents() -> gr.Dropdown:
    docs = [d.doc_id for d in advisor.retriever.kb.documents if d.kind == DocKind.user]
    return gr.Dropdown(choices=docs, value=None)


def preview_upload(path: str | None) -> str:
    if not path:
        return ""
    try:
        doc = advisor.preview_document(Path(path))
    except ValueError as exc:
        return f"⚠ 无法解析：{_inline(str(exc))}"
    sections = doc.sections
    lines = [f"**解析预览**：{_inline(Path(path).name)} → {len(sections)} 个条款，{len(doc.clauses)} 条索引记录", ""]
    lines += [f"- {_inline(c.clause_id)} {_inline(c.title)}：{_inline(c.text[:60])}" for c in sections[:15]]
    if len(sections) > 15:
        lines.append(f"- ……（另有 {len(sections) - 15} 个条款）")
    return "\n".join(lines)


def add_upload(path: str | None, doc_id: str, progress=gr.Progress()):
    if not path:
        raise gr.Error("请先选择要上传的文件。")

    def report(done: int, total: int, label: str) -> None:
        progress((done, total), desc=label)

    try:
        doc = advisor.add_document(Path(path), doc_id=(doc_id or "").strip() or None, progress=report)
    except ValueError as exc:
        raise gr.Error(str(exc)) from None
    return (f"✓ 已加入知识库：{_inline(doc.doc_id)}（{len(doc.sections)} 个条款），已可在条款问答中检索。",
            _documents_table(), _user_documents(), None)


def remove_upload(doc_id: str | None, progress=gr.Progress()):
    if not doc_id:
        raise gr.Error("请选择要删除的文档。")
    try:
        advisor.remove_document(doc_id, progress=lambda done, total, label: progress((done, total), desc=label))
    except (KeyError, ValueError) as exc:
        raise gr.Error(f"无法删除：{exc}") from None
    return f"已删除文档 {_inline(doc_id)}，索引已更新。", _documents_table(), _user_documents()


# --- status -------------------------------------------------------------------------------------------------------------
def status() -> str:
    s = advisor.status()
    fresh = s["index"]["manifest"] == s["index"]["expected"] or advisor.settings.store != "embedded"
    warmed = "（已加载并预热）" if s["llm_warmed"] else ""
    lines = [f"- 大模型：{s['llm']}{warmed}", f"- 向量模型：{s['embedder']}", f"- 向量库：{s['store']}",
             f"- 索引：{'最新（与知识库内容一致）' if fresh else '将在首次检索时重建'}",
             f"- 文档：{len(s['documents'])} 份，共 {sum(d['clauses'] for d in s['documents'])} 个条款"]
    if not s["llm_available"]:
        lines.append("\n> ⚠ 当前没有可用的大模型：问答以条款摘录、访谈以规则提取的确定性模式运行，结果同样引用条款。")
    return "\n".join(lines)


def build_app() -> gr.Blocks:
    with gr.Blocks(title="数转顾问") as demo:
        gr.Markdown(f"# 数转顾问 · 中小企业数字化转型诊断\n依据 {GUIDE_DOC_ID}《中小企业数字化转型工作指南》，全程离线运行。")
        session = gr.Textbox(label="会话编号", placeholder="粘贴已有的会话编号后点“恢复会话”", max_lines=1,
                             elem_id="session-id")
        with gr.Tab("诊断访谈"):
            info = gr.Markdown()
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    chatbot = gr.Chatbot(height=460, label="访谈", elem_id="chat")
                    box = gr.Textbox(label="您的回答", placeholder="例如：我们做机械零部件，员工80人……", lines=2,
                                     elem_id="answer-box")
                    with gr.Row():
                        send = gr.Button("发送", variant="primary", elem_id="send")
                        finish = gr.Button("结束并生成报告", elem_id="finish")
                        again = gr.Button("重新开始")
                        resume = gr.Button("恢复会话")
                    with gr.Accordion("我的数据", open=False):
                        with gr.Row():
                            export_btn = gr.Button("导出我的访谈数据")
                            delete_btn = gr.Button("删除我的访谈数据", variant="stop")
                        export_file = gr.File(label="导出文件", interactive=False)
                with gr.Column(scale=2, min_width=280):
                    panel = gr.Markdown(elem_id="live-panel")
        with gr.Tab("诊断报告", id="report-tab"):
            with gr.Row():
                radar = gr.Image(label="维度雷达图", type="filepath", height=320, interactive=False)
                timeline = gr.Image(label="分阶段路线图", type="filepath", height=320, interactive=False)
            files = gr.File(label="下载报告（Word / Markdown / JSON）", file_count="multiple", interactive=False,
                            elem_id="report-files")
            report_md = gr.Markdown("完成访谈后点击“结束并生成报告”。", elem_id="report-md")
        with gr.Tab("条款问答"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    question = gr.Textbox(label="问题", placeholder="例如：数据销毁有哪些要求？ / 5.2.3 讲的是什么",
                                          elem_id="question")
                    ask_btn = gr.Button("提问", variant="primary", elem_id="ask")
                    answer = gr.Markdown(elem_id="answer")
                    debug = gr.Markdown(elem_id="debug")
                with gr.Column(scale=2, min_width=280):
                    browser = gr.Dropdown(label="条款浏览（指南目录）", choices=_outline_choices(), value=None,
                                          filterable=True, elem_id="browser")
                    clause_view = gr.Markdown("在上方选择条款即可阅读原文。", elem_id="clause-view")
        with gr.Tab("知识库"):
            docs_md = gr.Markdown()
            with gr.Row(equal_height=False):
                with gr.Column():
                    upload_limit = f"≤{advisor.settings.max_upload_bytes // 2**20} MiB"
                    upload = gr.File(label=f"上传文档（{supported_label()}，{upload_limit}）", file_types=UPLOAD_TYPES,
                                     type="filepath", elem_id="upload")
                    upload_id = gr.Textbox(label="文档编号（可选，默认用文件名）", max_lines=1)
                    add_btn = gr.Button("解析无误，加入知识库", variant="primary", elem_id="add-doc")
                    kb_message = gr.Markdown(elem_id="kb-message")
                with gr.Column():
                    preview = gr.Markdown(elem_id="preview")
                    remove_choice = gr.Dropdown(label="删除用户添加的文档", choices=[], allow_custom_value=True)
                    remove_btn = gr.Button("删除所选文档", variant="stop")
        with gr.Tab("状态"):
            status_md = gr.Markdown(elem_id="status")

        demo.load(open_session, inputs=session, outputs=[session, chatbot, panel, info], api_name="start")
        demo.load(status, outputs=status_md, api_name="status")
        demo.load(lambda: (_documents_table(), _user_documents()), outputs=[docs_md, remove_choice], api_name=False)
        send.click(chat, inputs=[box, session], outputs=[box, chatbot, panel, session], api_name="chat")
        box.submit(chat, inputs=[box, session], outputs=[box, chatbot, panel, session], api_name=False)
        finish.click(make_report, inputs=session, outputs=[report_md, radar, timeline, files], api_name="report")
        resume.click(open_session, inputs=session, outputs=[session, chatbot, panel, info], api_name="resume")
        again.click(new_session, outputs=[session, chatbot, panel, info], api_name="restart")
        export_btn.click(export_data, inputs=session, outputs=export_file, api_name="export")
        delete_btn.click(delete_data, inputs=session, outputs=[session, chatbot, panel, info, export_file],
                         api_name="delete")
        ask_btn.click(ask, inputs=question, outputs=[answer, debug], api_name="ask")
        question.submit(ask, inputs=question, outputs=[answer, debug], api_name=False)
        browser.change(show_clause, inputs=browser, outputs=clause_view, api_name="clause")
        upload.change(preview_upload, inputs=upload, outputs=preview, api_name="preview")
        add_btn.click(add_upload, inputs=[upload, upload_id], outputs=[kb_message, docs_md, remove_choice, upload],
                      api_name="add_document")
        remove_btn.click(remove_upload, inputs=remove_choice, outputs=[kb_message, docs_md, remove_choice],
                         api_name="remove_document")
    demo.queue(default_concurrency_limit=4)
    return demo


def main() -> None:
    parser = argparse.ArgumentParser(description="数转顾问 web app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    advisor.retriever  # build/open the index before serving (progress in the terminal)
    print(f"数转顾问 ready: http://{args.host}:{args.port}", flush=True)
    build_app().launch(server_name=args.host, server_port=args.port, share=False, show_error=False,
                       max_file_size=advisor.settings.max_upload_bytes)


if __name__ == "__main__":
    main()
