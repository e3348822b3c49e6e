"""Markdown and self-contained HTML reports of a run."""
from __future__ import annotations

import html
import json
from pathlib import Path


def to_markdown(result: dict) -> str:
    lines = ["# 评测报告", "", f"模型：{result.get('llm', 'none')}", ""]
    for kind, values in result["summary"].items():
        lines += [f"## {kind}", "", "| 指标 | 值 |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in values.items()]
        lines.append("")
    failing = [c for c in result["cases"] if not c.get("passed")]
    lines += [f"## 未通过的用例（{len(failing)}）", ""]
    for c in failing:
        lines += [f"### {c['id']} ({c['kind']})", ""]
        if c.get("error"):
            lines += ["```", c.get("traceback", c["error"]), "```"]
        elif c["kind"] == "clause_qa":
            lines += [f"- 问题：{c.get('question')}", f"- 期望：{c.get('gold')}", f"- 检索：{c.get('retrieved')}",
                      f"- 拒答：{c.get('refused')}（相关度 {c.get('relevance')}）"]
        else:
            lines += [f"- 期望：{json.dumps(c.get('expect'), ensure_ascii=False)}",
                      f"- 结果：{json.dumps(c.get('result'), ensure_ascii=False)}",
                      f"- 检查：{json.dumps(c.get('checks'), ensure_ascii=False)}"]
            for i, turn in enumerate(c.get("turns", []), start=1):
                lines.append(f"  {i}. {turn}")
            if c.get("reasoning"):
                lines += ["", "推理：", *[f"- {r}" for r in c["reasoning"]]]
        lines.append("")
    return "\n".join(lines)


def to_html(result: dict) -> str:
    body = html.escape(to_markdown(result))
    return ("<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>评测报告</title>"
            "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;white-space:pre-wrap}</style>"
            f"</head><body>{body}</body></html>")


def write_report(result: dict, path: Path) -> None:
    text = to_html(result) if path.suffix.lower() in (".html", ".htm") else to_markdown(result)
    path.write_text(text, "utf-8")
