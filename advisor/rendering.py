"""Library objects as Markdown for any face (the web app, the CLI): untrusted words (messages, uploaded documents,
document ids) are always made inert first, so nothing in them renders as HTML or fetches anything.

Example:
    >>> inline("**粗体**<img src=x>")
    '＊＊粗体＊＊＜img src=x＞'
"""
from __future__ import annotations

import sys

from advisor.config import GUIDE_DOC_ID
from advisor.corpus.parsing import DocKind
from advisor.diagnosis.facts import FACTS
from advisor.diagnosis.vocabulary import Area
from advisor.text import inert, unlinked  # inert re-exported: the faces import it from here


def inline(text: str) -> str:
    """User words shown inside Markdown: no line breaks, no Markdown/HTML control characters (no image, no link)."""
    text = " ".join(text.split())
    for plain, shown in (("<", "＜"), (">", "＞"), ("*", "＊"), ("`", "｀"), ("[", "［"), ("]", "］"), ("!", "！")):
        text = text.replace(plain, shown)
    return unlinked(text)


def live_panel(iv) -> str:
    """The interview's live panel: the four areas covered, every fact by area with the owner's words, the level."""
    progress = iv.progress()
    lines = ["**访谈进度**：" + "　".join(f"{'●' if progress[a.value] else '○'} {a.label}" for a in Area)]
    by_area: dict[Area, list] = {}
    for fact in iv.state.profile.current().values():
        question = iv.question(FACTS[fact.key].question) if fact.key in FACTS else None
        by_area.setdefault(question.area if question else Area.business, []).append(fact)
    for area in Area:
        if by_area.get(area):
            lines.append(f"\n**{area.label}**（括号内为企业原话）：")
            lines += [f"- {f.describe()}　（“{inline(f.evidence[:40])}”）" for f in by_area[area]]
    a = iv.assess()
    if a.insufficient:
        lines.append(f"\n**暂估等级**：信息不足，暂不判断（还需了解：{'、'.join(a.missing[:3])}）")
    else:
        lines.append(f"\n**暂估等级**：{a.level_label}（总分估计 {a.score_estimate}，范围 {a.score_low}–{a.score_high}）")
    return "\n".join(lines)


def retrieval_markdown(final) -> str:
    """The retrieval debug view of an answer: each retriever's score and rank, matched terms, citation checks."""
    if not final or not final.retrieval:
        return ""
    rows = ["| 条款 | 标题 | 融合 | BM25（名次） | 向量（名次） | 命中词 |", "|---|---|---|---|---|---|"]
    for r in final.retrieval.results[:8]:
        rows.append(f"| {inline(r.doc_id)} {inline(r.clause_id)} | {inline(r.title)} | {r.score:.4f} | "
                    f"{r.bm25_score:.2f}（{r.bm25_rank or '-'}） | {r.dense_score:.3f}（{r.dense_rank or '-'}） | "
                    f"{'、'.join(inline(t) for t in r.matched_terms[:5])} |")
    marks = "、".join(f"{c.clause_id if c.doc_id == GUIDE_DOC_ID else inline(c.doc_id + ' ' + c.clause_id)} "
                      f"{'✓ 已核验' if c.verified else '× 未核验'}" for c in final.citations)
    refused = "（判定知识库未涵盖）" if final.refused else ""
    return (f"**检索详情** 相关度 {final.retrieval.relevance:.2f}{refused}；引用核验：{marks or '无'}\n\n"
            + "\n".join(rows))


def documents_markdown(kb) -> str:
    """The knowledge base's documents as a table (kind and reliability labelled)."""
    rows = ["| 文档 | 名称 | 类型 | 条款数 | 可靠性 |", "|---|---|---|---|---|"]
    kinds = {DocKind.guide: "指南原文", DocKind.card: "要点卡片（非原文）", DocKind.user: "用户添加"}
    for d in kb.documents:
        rows.append(f"| {inline(d.doc_id)} | {inline(d.title)} | {kinds[d.kind]} | {len(d.sections)} | "
                    f"{inline(d.reliability)} |")
    return "\n".join(rows)


def status_markdown(s: dict, settings) -> str:
    """The status tab: model, embedder, store, index freshness, documents; a plain notice in deterministic mode."""
    fresh = s["index"]["manifest"] == s["index"]["expected"] or settings.store != "embedded"
    warmed = "（已加载并预热）" if s["llm_warmed"] else ""
    lines = [f"- 大模型：{s['llm']}{warmed}", f"- 向量模型：{s['embedder']}", f"- 向量库：{s['store']}",
             f"- 索引：{'最新（与知识库内容一致）' if fresh else '将在首次检索时重建'}",
             f"- 文档：{len(s['documents'])} 份，共 {sum(d['clauses'] for d in s['documents'])} 个条款"]
    if not s["llm_available"]:
        lines.append("\n> ⚠ 当前没有可用的大模型：问答以条款摘录、访谈以规则提取的确定性模式运行，结果同样引用条款。")
    return "\n".join(lines)


def chat_history(iv) -> list[dict]:
    """The interview as chat messages, every word the owner typed made inert; notes shown as warnings."""
    messages = []
    for t in iv.state.turns:
        if t.user:
            messages.append({"role": "user", "content": inert(t.user)})
        reply = inert(t.reply) + "".join(f"\n\n> ⚠ {inert(note)}" for note in t.notes)
        messages.append({"role": "assistant", "content": reply})
    return messages


def session_markdown(session_id: str) -> str:
    return (f"会话编号：`{session_id}`　[恢复链接](?session={session_id})（收藏此链接，刷新页面或服务器重启后可继续；"
            "编号即钥匙，请勿分享）")


def link_confirmation_markdown(summary, now: float | None = None) -> str:
    """Asked before a session named in a link is opened: a link someone else sent would have the owner type into
    the sender's session, which the sender can then read and export."""
    import time
    now = now or time.time()
    days = int((now - summary.created) // 86400)
    age = "今天" if days == 0 else f"{days} 天前"
    began = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.created))
    last = time.strftime("%Y-%m-%d %H:%M", time.localtime(summary.updated))
    return (f"⚠ **此链接指向一个已有的访谈会话**：开始于 {began}（{age}），已有 {summary.answers} 条回答，最近更新于 {last}。"
            "\n\n只有当它是**您本人**之前的会话时才打开它；如果链接是别人发给您的，请不要打开——在别人的会话中输入的"
            "内容，对方可以看到并导出。下面已为您打开自己的会话。")


def preview_markdown(doc, file_name: str) -> str:
    """What an upload would become: its clauses, shown inert."""
    sections = doc.sections
    lines = [f"**解析预览**：{inline(file_name)} → {len(sections)} 个条款，{len(doc.clauses)} 条索引记录", ""]
    lines += [f"- {inline(c.clause_id)} {inline(c.title)}：{inline(c.text[:60])}" for c in sections[:15]]
    if len(sections) > 15:
        lines.append(f"- ……（另有 {len(sections) - 15} 个条款）")
    return "\n".join(lines)



def answer_markdown(answer, corpus) -> str:
    """A clause answer as the chat shows it: "理解为：…" when a follow-up was rewritten; the answer with each citation
    as a numbered mark (［1］), and under it the sources, each folded, opening to the clause verbatim with its check
    (✓ 已核验 / ⚠ 未核实) and its kind (guide, our card, an added document)."""
    import re

    from advisor.qa.streaming import CITATION
    body = answer.text[: len(answer.text) - len(answer.sources_text)] if answer.sources_text else answer.text
    order: list[tuple[str, str]] = []

    def mark(m: re.Match) -> str:
        written, clause_id = m.group(1).strip(), m.group(2).split("/")[0]
        doc_id = corpus.resolve_doc_id(written) or written
        cited = next((c for c in answer.citations if c.doc_id == doc_id and c.clause_id == clause_id), None)
        if cited is None:
            return m.group(0)
        if (doc_id, clause_id) not in order:
            order.append((doc_id, clause_id))
        return f"［{order.index((doc_id, clause_id)) + 1}］"

    shown = inert(CITATION.sub(mark, body))
    for c in answer.citations:
        if (c.doc_id, c.clause_id) not in order and not answer.refused:
            order.append((c.doc_id, c.clause_id))
    sources = []
    for n, (doc_id, clause_id) in enumerate(order, 1):
        c = next(c for c in answer.citations if c.doc_id == doc_id and c.clause_id == clause_id)
        clause = corpus.clause(doc_id, clause_id)
        kind = {DocKind.card: "（本项目整理的摘要卡片，非标准原文）", DocKind.user: "（用户添加的文档）"}.get(
            corpus.document(doc_id).kind if clause else None, "")
        check = "✓ 已核验" if c.verified else f"⚠ 未核实{('：' + c.note) if c.note else ''}"
        text = clause.text if clause else (c.quote or "（知识库中没有这一条）")
        quote = "\n>\n".join(f"> {inert(line)}" for line in text.split("\n") if line.strip())
        sources.append(f"<details><summary>［{n}］ {inline(doc_id)} {inline(clause_id)} {inline(c.title or (clause.title if clause else ''))}"
                       f" {check}{kind}</summary>\n\n{quote}\n\n</details>")
    understood = answer.retrieval.understood_as if answer.retrieval else ""
    lead = f"> 理解为：{inline(understood)}（联系上文；如需单独提问，点“单独提问”）\n\n" if understood else ""
    return lead + shown + ("\n\n**来源**（点开看条款原文）\n\n" + "\n\n".join(sources) if sources else "")


def progress_printer(stream=sys.stderr):
    """Long work's progress (index build, model preparation) as one line on a terminal, every 25 % in a log."""
    state = {"last": -1}

    def progress(done: int, total: int, label: str) -> None:
        pct = int(done * 100 / total) if total else 100
        step = 1 if stream.isatty() else 25
        if pct // step != state["last"] // step or (pct == 100 and state["last"] != 100):
            state["last"] = pct
            bar = "#" * (pct // 5)
            print(f"\r{label} [{bar:<20}] {pct:3d}%", end="" if pct < 100 else "\n", file=stream, flush=True)
    return progress
