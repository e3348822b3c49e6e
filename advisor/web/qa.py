"""The clause Q&A tab: a conversation (kept with the session), answers streamed, follow-ups read with what came
before ("理解为：…", or 单独提问), stop (已停止, the question kept in the box), regenerate (the same question in the same
mode, the stopped one included), copy as plain text, clear, suggested next questions (after a refusal: the nearest
clauses the guide has), citations as numbered marks that open to the clause verbatim, and the retrieval details folded
away for consultants."""
from __future__ import annotations

from functools import partial

import gradio as gr

from advisor.language import is_english
from advisor.qa.answer import Answer, clause_markdown
from advisor.qa.suggestions import nearest_questions, suggest_followups
from advisor.rendering import answer_markdown, inert, retrieval_markdown
from advisor.service import Advisor

SUGGESTIONS = 3
_THINKING = "（正在检索条款…）"
STOPPED = "（已停止）"
# the last answer's text as read on the page (numbered marks, no Markdown or HTML; folded sources left out)
_COPY_JS = """() => { const bots = document.querySelectorAll('#qa-chat [data-testid=bot]');
  const text = bots.length ? bots[bots.length - 1].innerText.trim() : '';
  if (text && navigator.clipboard) { navigator.clipboard.writeText(text); } return []; }"""


def qa_tab(advisor: Advisor) -> dict:
    ui: dict = {}
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            ui["chat"] = gr.Chatbot(height=460, label="条款问答", elem_id="qa-chat", buttons=[],
                                    placeholder="问指南里的任何条款，例如：数据销毁有哪些要求？ / 5.2.3 讲的是什么")
            ui["question"] = gr.Textbox(label="问题（Enter 提问）", placeholder="例如：数据销毁有哪些要求？",
                                        elem_id="question", max_lines=4)
            with gr.Row():
                ui["ask_btn"] = gr.Button("提问", variant="primary", elem_id="ask")
                ui["stop"] = gr.Button("停止", elem_id="stop-answer")
                ui["regenerate"] = gr.Button("重新生成", elem_id="regenerate")
                ui["ask_alone"] = gr.Button("单独提问（不联系上文）", elem_id="ask-alone")
                ui["copy"] = gr.Button("复制回答", elem_id="copy-answer")
                ui["clear"] = gr.Button("清空对话", elem_id="clear-qa")
            with gr.Row():
                ui["suggestions"] = [gr.Button(visible=False, size="sm", elem_id=f"suggest-{i}")
                                     for i in range(SUGGESTIONS)]
            with gr.Accordion("检索详情（顾问用：各检索器的得分与名次、引用核验）", open=False, elem_id="debug-fold"):
                ui["debug"] = gr.Markdown(elem_id="debug")
            ui["pending"] = gr.State(None)  # the question being answered and its mode, until it is stored
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


def _ask(advisor: Advisor, question: str, session_id: str, chat: list | None, alone: bool = False):
    """Stream one answer into the conversation; then store it (a stopped answer is not stored, and stays pending:
    its question and mode are what 重新生成 asks again). Outputs: chat, details, question box, pending, suggestions."""
    chat = list(chat or [])
    question = advisor.clip(question or "").strip()
    if not question:
        gr.Warning("请输入问题。")
        yield chat, gr.skip(), gr.skip(), gr.skip(), *[gr.skip()] * SUGGESTIONS
        return
    chat += [{"role": "user", "content": inert(question)}, {"role": "assistant", "content": _THINKING}]
    yield chat, gr.skip(), "", {"question": question, "alone": alone}, *[gr.update(visible=False)] * SUGGESTIONS
    final, text = None, ""
    for event in advisor.qa.stream(question, history=[] if alone else advisor.qa_history(session_id)):
        if isinstance(event, Answer):
            final = event
            break
        text += event
        chat[-1] = {"role": "assistant", "content": inert(text)}
        yield chat, gr.skip(), gr.skip(), gr.skip(), *[gr.skip()] * SUGGESTIONS
    shown = answer_markdown(final, advisor.retriever.corpus)
    chat[-1] = {"role": "assistant", "content": shown}
    if final.exchange is not None:
        final.exchange.alone = alone
    advisor.remember(session_id, final, shown)
    lang = "en" if is_english(question) else "zh"
    corpus = advisor.retriever.corpus
    nexts = (nearest_questions(final.retrieval, corpus, lang) if final.refused else
             suggest_followups(final.exchange.anchor if final.exchange else None, corpus, lang))
    yield (chat, retrieval_markdown(final), gr.skip(), None,
           *[gr.update(value=q, visible=True) for q in nexts[:SUGGESTIONS]],
           *[gr.update(visible=False)] * (SUGGESTIONS - len(nexts[:SUGGESTIONS])))


def _regenerate(advisor: Advisor, session_id: str, chat: list | None, pending: dict | None):
    """Ask the last question again, in the mode it was asked: a stopped one (pending, never stored) as it was, else
    the last stored exchange, dropped first."""
    if pending and pending.get("question"):
        yield from _ask(advisor, pending["question"], session_id, conversation(advisor, session_id),
                        bool(pending.get("alone")))
        return
    history = advisor.qa_history(session_id)
    alone = bool(history and history[-1].alone)
    question = advisor.forget_last_question(session_id)
    if not question:
        gr.Warning("还没有可重新生成的回答。")
        yield chat, gr.skip(), gr.skip(), gr.skip(), *[gr.skip()] * SUGGESTIONS
        return
    yield from _ask(advisor, question, session_id, conversation(advisor, session_id), alone)


def _stopped(chat: list | None, pending: dict | None):
    """After 停止: the answer so far marked 已停止, and the question back in the box (to edit or ask again)."""
    chat = list(chat or [])
    if chat and chat[-1].get("role") == "assistant":
        text = chat[-1].get("content") or ""
        text = text if isinstance(text, str) else ""
        chat[-1] = {"role": "assistant", "content": STOPPED if text in ("", _THINKING) else f"{text}\n\n{STOPPED}"}
    return chat, (pending or {}).get("question") or gr.skip()


def wire_qa(demo: gr.Blocks, advisor: Advisor, ui: dict, session) -> None:
    ask, regenerate = partial(_ask, advisor), partial(_regenerate, advisor)

    def ask_alone(question: str, session_id: str, chat: list | None):
        yield from _ask(advisor, question, session_id, chat, alone=True)

    def clear(session_id: str):
        advisor.clear_qa(session_id)
        return [], "", None, *[gr.update(visible=False)] * SUGGESTIONS

    outputs = [ui["chat"], ui["debug"], ui["question"], ui["pending"], *ui["suggestions"]]
    asking = [ui["ask_btn"].click(ask, [ui["question"], session, ui["chat"]], outputs, api_name="ask"),
              ui["question"].submit(ask, [ui["question"], session, ui["chat"]], outputs, api_name=False),
              ui["ask_alone"].click(ask_alone, [ui["question"], session, ui["chat"]], outputs, api_name=False),
              ui["regenerate"].click(regenerate, [session, ui["chat"], ui["pending"]], outputs,
                                     api_name="regenerate")]
    asking += [button.click(ask, [button, session, ui["chat"]], outputs, api_name=False)
               for button in ui["suggestions"]]
    ui["stop"].click(_stopped, [ui["chat"], ui["pending"]], [ui["chat"], ui["question"]], cancels=asking,
                     api_name=False)
    ui["copy"].click(None, js=_COPY_JS, api_name=False)
    ui["clear"].click(clear, session, [ui["chat"], ui["debug"], ui["pending"], *ui["suggestions"]],
                      api_name="clear_qa")
    session.change(lambda s: conversation(advisor, s), session, ui["chat"], api_name=False)
    ui["browser"].change(partial(show_clause, advisor), inputs=ui["browser"], outputs=ui["clause_view"],
                         api_name="clause")
