"""The clause Q&A tab: a conversation (kept with the session), answers streamed, follow-ups read with what came
before ("理解为：…", or 单独提问), stop, regenerate, copy, clear, suggested next questions, citations as numbered marks
that open to the clause verbatim, and the retrieval details folded away for consultants."""
from __future__ import annotations

from functools import partial

import gradio as gr

from advisor.language import is_english
from advisor.qa.answer import Answer, clause_markdown
from advisor.qa.suggestions import suggest_followups
from advisor.rendering import answer_markdown, inert, retrieval_markdown
from advisor.service import Advisor

SUGGESTIONS = 3
_THINKING = "（正在检索条款…）"


def qa_tab(advisor: Advisor) -> dict:
    ui: dict = {}
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            ui["chat"] = gr.Chatbot(height=460, label="条款问答", elem_id="qa-chat", buttons=["copy", "copy_all"],
                                    placeholder="问指南里的任何条款，例如：数据销毁有哪些要求？ / 5.2.3 讲的是什么")
            ui["question"] = gr.Textbox(label="问题（Enter 提问）", placeholder="例如：数据销毁有哪些要求？",
                                        elem_id="question", max_lines=4)
            with gr.Row():
                ui["ask_btn"] = gr.Button("提问", variant="primary", elem_id="ask")
                ui["stop"] = gr.Button("停止", elem_id="stop-answer")
                ui["regenerate"] = gr.Button("重新生成", elem_id="regenerate")
                ui["ask_alone"] = gr.Button("单独提问（不联系上文）", elem_id="ask-alone")
                ui["clear"] = gr.Button("清空对话", elem_id="clear-qa")
            with gr.Row():
                ui["suggestions"] = [gr.Button(visible=False, size="sm", elem_id=f"suggest-{i}")
                                     for i in range(SUGGESTIONS)]
            with gr.Accordion("检索详情（顾问用：各检索器的得分与名次、引用核验）", open=False, elem_id="debug-fold"):
                ui["debug"] = gr.Markdown(elem_id="debug")
        with gr.Column(scale=2, min_width=280):
            ui["browser"] = gr.Dropdown(label="条款浏览（指南目录）", filterable=True, elem_id="browser", value=None,
                                        choices=[("　" * c.clause_id.count(".") + f"{c.clause_id} {c.title}", c.clause_id)
                                                 for c in advisor.outline()])
            ui["clause_view"] = gr.Markdown("在上方选择条款即可阅读原文。", elem_id="clause-view")
    return ui


def show_clause(advisor: Advisor, clause_id: str | None) -> str:
    clause = advisor.clause(clause_id) if clause_id else None
    if clause is None:
        return "在上方选择条款即可阅读原文。"
    return inert(clause_markdown(clause, advisor.retriever.corpus.guide))


def conversation(advisor: Advisor, session_id: str) -> list[dict]:
    """The session's stored Q&A conversation as chat messages."""
    messages = []
    for e in advisor.qa_history(session_id):
        messages += [{"role": "user", "content": inert(e.question)}, {"role": "assistant", "content": e.answer}]
    return messages


def wire_qa(demo: gr.Blocks, advisor: Advisor, ui: dict, session) -> None:
    suggestion_updates = lambda questions: [gr.update(value=q, visible=True) for q in questions] + [
        gr.update(visible=False)] * (SUGGESTIONS - len(questions))

    def ask(question: str, session_id: str, chat: list | None, alone: bool = False):
        """Stream one answer into the conversation; then store it (a stopped answer is not stored)."""
        chat = list(chat or [])
        question = advisor.clip(question or "").strip()
        if not question:
            gr.Warning("请输入问题。")
            yield chat, gr.skip(), gr.skip(), *[gr.skip()] * SUGGESTIONS
            return
        chat += [{"role": "user", "content": inert(question)}, {"role": "assistant", "content": _THINKING}]
        yield chat, gr.skip(), "", *[gr.update(visible=False)] * SUGGESTIONS
        final, text = None, ""
        for event in advisor.qa.stream(question, history=[] if alone else advisor.qa_history(session_id)):
            if isinstance(event, Answer):
                final = event
                break
            text += event
            chat[-1] = {"role": "assistant", "content": inert(text)}
            yield chat, gr.skip(), gr.skip(), *[gr.skip()] * SUGGESTIONS
        shown = answer_markdown(final, advisor.retriever.corpus)
        chat[-1] = {"role": "assistant", "content": shown}
        advisor.remember(session_id, final, shown)
        anchor = final.exchange.anchor if final.exchange and not final.refused else None
        lang = "en" if is_english(question) else "zh"
        yield (chat, retrieval_markdown(final), gr.skip(),
               *suggestion_updates(suggest_followups(anchor, advisor.retriever.corpus, lang)))

    def ask_alone(question: str, session_id: str, chat: list | None):
        yield from ask(question, session_id, chat, alone=True)

    def regenerate(session_id: str, chat: list | None):
        question = advisor.forget_last_question(session_id)
        if not question:
            gr.Warning("还没有可重新生成的回答。")
            yield chat, gr.skip(), gr.skip(), *[gr.skip()] * SUGGESTIONS
            return
        yield from ask(question, session_id, conversation(advisor, session_id))

    def clear(session_id: str):
        advisor.clear_qa(session_id)
        return [], "", *[gr.update(visible=False)] * SUGGESTIONS

    outputs = [ui["chat"], ui["debug"], ui["question"], *ui["suggestions"]]
    asking = [ui["ask_btn"].click(ask, [ui["question"], session, ui["chat"]], outputs, api_name="ask"),
              ui["question"].submit(ask, [ui["question"], session, ui["chat"]], outputs, api_name=False),
              ui["ask_alone"].click(ask_alone, [ui["question"], session, ui["chat"]], outputs, api_name=False),
              ui["regenerate"].click(regenerate, [session, ui["chat"]], outputs, api_name="regenerate")]
    asking += [button.click(ask, [button, session, ui["chat"]], outputs, api_name=False)
               for button in ui["suggestions"]]
    ui["stop"].click(None, cancels=asking, api_name=False)
    ui["clear"].click(clear, session, [ui["chat"], ui["debug"], *ui["suggestions"]], api_name="clear_qa")
    session.change(lambda s: conversation(advisor, s), session, ui["chat"], api_name=False)
    ui["browser"].change(partial(show_clause, advisor), inputs=ui["browser"], outputs=ui["clause_view"],
                         api_name="clause")
