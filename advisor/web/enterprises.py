"""The enterprises tab (consultants, and the single user on loopback): put a session under an enterprise, see an
enterprise's diagnoses over time and compare its first with its latest (T0 → T1)."""
from __future__ import annotations

import gradio as gr

from advisor.rendering import inline
from advisor.service import Advisor, SessionNotFound


def enterprises_tab() -> dict:
    ui: dict = {}
    with gr.Row():
        ui["session"] = gr.Textbox(label="会话编号（企业主页面上显示的编号）", max_lines=1, elem_id="ent-session")
        ui["name"] = gr.Textbox(label="企业名称", max_lines=1, elem_id="ent-name")
        ui["attach"] = gr.Button("记入该企业", elem_id="ent-attach")
    ui["choice"] = gr.Dropdown(label="企业", choices=[], allow_custom_value=False, elem_id="ent-choice")
    ui["view"] = gr.Markdown(elem_id="ent-view")
    return ui


def enterprise_markdown(advisor: Advisor, name: str | None) -> str:
    """An enterprise's diagnoses, then its first compared with its latest."""
    if not name:
        return "选择一家企业，查看它的历次诊断与进展。"
    history = advisor.enterprise_sessions(name)
    lines = [f"### {inline(name)}：{len(history)} 次诊断", "", "| 日期 | 等级 | 总分估计 | 痛点 |", "|---|---|---|---|"]
    lines += [f"| {s.date} | {s.level} | {s.score:.1f} | {inline('、'.join(s.pains.values()) or '无')} |" for _, s in history]
    comparison = advisor.compare_enterprise(name)
    lines += ["", *(comparison.markdown() if comparison else ["只有一次诊断，下一次诊断后即可比较。"])]
    return "\n".join(lines)


def wire_enterprises(demo: gr.Blocks, advisor: Advisor, ui: dict) -> None:
    def names(selected: str | None = None) -> gr.Dropdown:
        return gr.Dropdown(choices=[n for n, *_ in advisor.enterprises()], value=selected)

    def attach(session_id: str, name: str):
        try:
            name = advisor.set_enterprise((session_id or "").strip(), name)
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        except SessionNotFound:
            raise gr.Error("没有找到该会话编号。") from None
        return names(name), enterprise_markdown(advisor, name)

    demo.load(lambda: names(), outputs=ui["choice"], api_name=False)
    ui["attach"].click(attach, [ui["session"], ui["name"]], [ui["choice"], ui["view"]], api_name="attach_enterprise")
    ui["choice"].change(lambda n: enterprise_markdown(advisor, n), ui["choice"], ui["view"], api_name="enterprise_view")


