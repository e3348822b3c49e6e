"""数转顾问 web app (Gradio). Thin: every capability is a call into ``advisor``.

    python app.py [--host 127.0.0.1] [--port 7860]
"""
from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

for _k, _v in {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
               "ANONYMIZED_TELEMETRY": "False"}.items():
    os.environ.setdefault(_k, _v)

import gradio as gr  # noqa: E402

from advisor.config import default_settings  # noqa: E402
from advisor.domain import Area  # noqa: E402
from advisor.interview import Interview  # noqa: E402
from advisor.planning import build_plan  # noqa: E402
from advisor.qa import Answer  # noqa: E402
from advisor.report import Report  # noqa: E402
from advisor.service import Advisor  # noqa: E402
from advisor.store import SessionStore  # noqa: E402

advisor = Advisor(default_settings())
store = SessionStore(advisor.settings.sessions_db)


def _generator_or_none():
    return advisor.generator if advisor.generator.available else None


def _live_panel(iv: Interview) -> str:
    progress = iv.progress()
    lines = ["**访谈进度**：" + "　".join(f"{'✅' if progress[a.value] else '⬜'} {a.label}" for a in Area)]
    facts = list(iv.state.profile.current().values())[-10:]
    if facts:
        lines.append("\n**已了解的事实**（企业原话）：")
        lines += [f"- {f.describe()}　“{f.evidence[:40]}”" for f in facts]
    a = iv.assess()
    lines.append(f"\n**暂估等级**：{a.level_label}（总分估计 {a.score_estimate}，范围 {a.score_low}–{a.score_high}）")
    return "\n".join(lines)


def _history(iv: Interview) -> list[dict]:
    messages = []
    for t in iv.state.turns:
        if t.user:
            messages.append({"role": "user", "content": t.user})
        messages.append({"role": "assistant", "content": t.reply})
    return messages


def start_session(session_id: str | None):
    state = store.load(session_id) if session_id else None
    if state is None:
        session_id = store.create()
        iv = Interview(generator=_generator_or_none())
        iv.start()
        store.save(session_id, iv.state)
    else:
        iv = Interview(state=state, generator=_generator_or_none())
    return session_id, _history(iv), _live_panel(iv), f"会话编号：`{session_id}`（保存此编号可在重启后恢复）"


def chat(message: str, session_id: str):
    state = store.load(session_id) if session_id else None
    if state is None:
        session_id, history, panel, info = start_session(None)
        state = store.load(session_id)
    iv = Interview(state=state, generator=_generator_or_none())
    if not (message or "").strip():
        gr.Warning("请输入内容后再发送。")
        return "", _history(iv), _live_panel(iv), session_id
    if len(message) > advisor.settings.max_message_chars:
        gr.Warning(f"消息过长，只保留前 {advisor.settings.max_message_chars} 个字符。")
    iv.reply(message[: advisor.settings.max_message_chars])
    store.save(session_id, iv.state)  # written before the reply is shown
    return "", _history(iv), _live_panel(iv), session_id


def make_report(session_id: str):
    state = store.load(session_id) if session_id else None
    if state is None:
        raise gr.Error("没有找到该会话，请先开始访谈。")
    iv = Interview(state=state)
    assessment = iv.assess()
    report = Report(profile=iv.state.profile, assessment=assessment, plan=build_plan(assessment, iv.state.profile))
    out_dir = Path(tempfile.mkdtemp(prefix="report-"))
    files = [str(report.write(out_dir / f"诊断报告{ext}")) for ext in (".md", ".docx", ".json")]
    return report.to_markdown(), files


def restart():
    return start_session(None)


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
            yield text, ""
    debug = ""
    if final and final.retrieval:
        rows = ["| 条款 | 标题 | 融合 | BM25 | 向量 | 命中词 |", "|---|---|---|---|---|---|"]
        for r in final.retrieval.results[:8]:
            rows.append(f"| {r.doc_id} {r.clause_id} | {r.title} | {r.score:.4f} | "
                        f"{r.bm25_score:.2f}#{r.bm25_rank or '-'} | {r.dense_score:.3f}#{r.dense_rank or '-'} | "
                        f"{'、'.join(r.matched_terms[:5])} |")
        marks = "、".join(f"{c.clause_id}{'✓已核验' if c.verified else '✗未核验'}" for c in final.citations)
        debug = (f"相关度 {final.retrieval.relevance:.2f}{'（判定知识库未涵盖）' if final.refused else ''}；"
                 f"引用核验：{marks or '无'}\n\n" + "\n".join(rows))
    yield (final.text if final else text), debug


def status() -> str:
    s = advisor.status()
    lines = [f"- 大模型：{s['llm']}", f"- 向量模型：{s['embedder']}", f"- 向量库：{s['store']}",
             f"- 索引：{'最新' if s['index']['manifest'] == s['index']['expected'] else '将在首次检索时重建'}"]
    if not s["llm_available"]:
        lines.append("- ⚠ 当前没有可用的大模型：问答与访谈以确定性模式运行（条款摘录与规则提取）。")
    lines.append("\n| 文档 | 类型 | 条款数 |\n|---|---|---|")
    lines += [f"| {d['doc_id']} {d['title']} | {d['kind']} | {d['clauses']} |" for d in s["documents"]]
    return "\n".join(lines)


def build_app() -> gr.Blocks:
    with gr.Blocks(title="数转顾问") as demo:
        gr.Markdown("# 数转顾问 · 中小企业数字化转型诊断\n依据 T/TJBDA 002—2026《中小企业数字化转型工作指南》，全程离线运行。")
        session = gr.Textbox(label="会话编号（保存它即可在刷新或重启后恢复；粘贴编号后点“恢复会话”）", value="")
        with gr.Tab("诊断访谈"):
            info = gr.Markdown()
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(height=460, label="访谈")
                    box = gr.Textbox(label="您的回答", placeholder="例如：我们做机械零部件，员工80人……", lines=2)
                    with gr.Row():
                        send = gr.Button("发送", variant="primary")
                        finish = gr.Button("结束并生成报告")
                        again = gr.Button("重新开始")
                        resume = gr.Button("恢复会话")
                with gr.Column(scale=2):
                    panel = gr.Markdown()
        with gr.Tab("诊断报告"):
            report_md = gr.Markdown("完成访谈后点击“结束并生成报告”。")
            files = gr.File(label="下载报告", file_count="multiple")
        with gr.Tab("条款问答"):
            question = gr.Textbox(label="问题", placeholder="例如：数据销毁有哪些要求？ / 5.2.3 讲的是什么")
            ask_btn = gr.Button("提问", variant="primary")
            answer = gr.Markdown()
            debug = gr.Markdown(label="检索详情")
        with gr.Tab("状态"):
            status_md = gr.Markdown()
        demo.load(start_session, inputs=session, outputs=[session, chatbot, panel, info], api_name="start")
        demo.load(status, outputs=status_md, api_name="status")
        send.click(chat, inputs=[box, session], outputs=[box, chatbot, panel, session], api_name="chat")
        box.submit(chat, inputs=[box, session], outputs=[box, chatbot, panel, session])
        finish.click(make_report, inputs=session, outputs=[report_md, files], api_name="report")
        resume.click(start_session, inputs=session, outputs=[session, chatbot, panel, info], api_name="resume")
        again.click(restart, outputs=[session, chatbot, panel, info], api_name="restart")
        ask_btn.click(ask, inputs=question, outputs=[answer, debug], api_name="ask")
        question.submit(ask, inputs=question, outputs=[answer, debug])
    demo.queue(default_concurrency_limit=4)
    return demo


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args()
    advisor.retriever  # build/open the index before serving (progress in the terminal)
    build_app().launch(server_name=args.host, server_port=args.port, share=False, show_error=False)


if __name__ == "__main__":
    main()
