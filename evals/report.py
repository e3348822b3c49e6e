"""Markdown and self-contained HTML reports of a run: the summary per kind, the confusion tables, the retrievers'
contributions, then every failing case with what was expected, what came out and why."""
from __future__ import annotations

from pathlib import Path

from evals.kinds import KINDS
from evals.kinds.base import table

_STYLE = ("body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:1000px;margin:2em auto;"
          "padding:0 1em;line-height:1.6;color:#222}table{border-collapse:collapse;margin:.5em 0}"
          "td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}th{background:#f0f3f8}"
          "pre{background:#f6f6f6;padding:.6em;overflow-x:auto;white-space:pre-wrap}h3{margin-top:1.6em}")


def to_markdown(result: dict) -> str:
    lines = ["# 评测报告", "", f"模型：{result.get('llm', 'none')}", ""]
    for name, values in result["summary"].items():
        lines += [f"## {name}", ""]
        lines += table(["指标", "值"], [[k, v] for k, v in values.items() if not isinstance(v, dict)])
        if name in KINDS:
            lines += KINDS[name].report_section(values)
    failing = [c for c in result["cases"] if not c.get("passed")]
    lines += [f"## 未通过的用例（{len(failing)}）", ""]
    for c in failing:
        lines += [f"### {c['id']} ({c['kind']})", ""]
        if c.get("error"):
            lines += [f"**出错**：{c['error']}", "", "```", c.get("traceback") or c["error"], "```"]
        elif c["kind"] in KINDS:
            lines += KINDS[c["kind"]].failure_lines(c)
        lines.append("")
    return "\n".join(lines)


# a saved report opened in a browser fetches nothing: no remote image, script or style
_CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">")


def to_html(result: dict) -> str:
    """One file, no external assets; raw HTML inside case texts is escaped, never rendered."""
    from markdown_it import MarkdownIt
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(to_markdown(result))
    return (f"<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\">{_CSP}<title>评测报告</title>"
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def write_report(result: dict, path: Path) -> None:
    text = to_html(result) if path.suffix.lower() in (".html", ".htm") else to_markdown(result)
    path.write_text(text, "utf-8")
